/**
 * The experiments' MLP trained through the fused kernels (`src/kernels`): the
 * same network, initialization, normalization, loss and RMSProp as
 * `LayersTrainer`, with the backward pass written out instead of taped. A step
 * is the seven matMuls (and three weight transposes) on the backend's fast
 * path plus about ten fused launches, where the layers path takes a few
 * hundred small ops; on wasm that is most of the step's cost.
 *
 * Layer names and the seeded initializers follow `buildModel`, so both
 * trainers start from the same weights and the tests can hold one to the other.
 */
import type { DeviceSplit } from '../data/dataset';
import type { BatchSampler } from '../data/samplers';
import { biasReluBackwardOp, biasReluForwardOp, gatherRowsOp, renormReluBackwardOp, renormReluForwardOp, renormReluInferenceOp, rmsPropUpdateOp, softmaxCrossEntropyOp, STATS_ROWS } from '../kernels';
import type { ModelConfig } from '../models';
import type { RenormClip } from '../renorm/clip';
import { summarizeCorrection, type RenormDiagnostics } from '../renorm/diagnostics';
import { tf } from '../tf';
import type { OptimizerConfig } from './config';
import { batchStatsEvaluation, inferenceAccuracy, type BatchStatsEvaluation, type GatherFn, type LogitsFn } from './evaluate';
import type { NamedArray, Trainer, TrainerState } from './trainer';

/** Normalizations the fused path trains: BN is BRN at rmax 1, dmax 0, as in `buildModel`. */
export const FUSED_NORMALIZATIONS = ['none', 'bn', 'brn'] as const;

const BN_CLIP: RenormClip = { rmax: 1, dmax: 0 };
/** The layer's default clipping, which `buildModel`'s BRN layers start with. */
const BRN_DEFAULT_CLIP: RenormClip = { rmax: 3, dmax: 5 };

interface Hidden {
  name: string;
  kernel: string;
  /** Normalized: gamma, beta; else bias. */
  norm: boolean;
}

export class FusedMlpTrainer implements Trainer {
  /** Trainable parameters by name, in optimizer order; moving statistics apart. */
  private params = new Map<string, tf.Tensor>();
  private slots = new Map<string, { ms: tf.Tensor; mom: tf.Tensor }>();
  private moving = new Map<string, { mean: tf.Tensor; std: tf.Tensor }>();
  /** The last training step's stats per normalized layer (for diagnostics). */
  private lastStats: tf.Tensor[] = [];
  private lastClip: RenormClip;
  private readonly hidden: Hidden[];
  private readonly groupSize: (batch: number) => number;
  private tally = { loss: 0, correct: 0, examples: 0, steps: 0 };

  constructor(
    private readonly model: ModelConfig,
    seed: number,
    private readonly optimizer: OptimizerConfig,
  ) {
    if (model.architecture !== 'mlp' || !(FUSED_NORMALIZATIONS as readonly string[]).includes(model.normalization)) {
      throw new Error(`FusedMlpTrainer trains the mlp with ${FUSED_NORMALIZATIONS.join(', ')}, got ${model.architecture} with ${model.normalization}`);
    }
    const norm = model.normalization !== 'none';
    this.lastClip = model.normalization === 'brn' ? BRN_DEFAULT_CLIP : BN_CLIP;
    this.groupSize = (batch) => model.microbatchSize ?? batch;
    let layerSeed = seed * 1_000;
    let fanIn = model.imageSize * model.imageSize;
    const add = (name: string, t: tf.Tensor) => {
      this.params.set(name, t);
      this.slots.set(name, { ms: tf.zerosLike(t), mom: tf.zerosLike(t) });
    };
    this.hidden = model.hidden.map((units, i) => {
      const layer: Hidden = { name: norm ? `norm${i + 1}` : `dense${i + 1}`, kernel: `dense${i + 1}/kernel`, norm };
      add(layer.kernel, tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, units]));
      if (norm) {
        add(`${layer.name}/gamma`, tf.ones([units]));
        add(`${layer.name}/beta`, tf.zeros([units]));
        this.moving.set(layer.name, { mean: tf.zeros([units]), std: tf.ones([units]) });
      } else {
        add(`${layer.name}/bias`, tf.zeros([units]));
      }
      fanIn = units;
      return layer;
    });
    add('logits/kernel', tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, model.classes]));
    add('logits/bias', tf.zeros([model.classes]));
  }

  private p(name: string): tf.Tensor {
    return this.params.get(name)!;
  }

  private renormParams(layer: Hidden) {
    const m = this.moving.get(layer.name)!;
    return { gamma: this.p(`${layer.name}/gamma`), beta: this.p(`${layer.name}/beta`), movingMean: m.mean, movingStd: m.std };
  }

  setClip(clip: RenormClip | null): void {
    if (clip !== null) this.lastClip = clip;
  }

  step(split: DeviceSplit, positions: Int32Array, clip: RenormClip | null, learningRate: number): void {
    this.setClip(clip);
    const c = this.lastClip;
    const norm = this.model.normLayer;
    const out = tf.tidy(() => {
      const [x, xT, labels] = gatherRowsOp(split.x, split.labels, tf.tensor1d(positions, 'int32'));
      const batch = positions.length;
      const groupSize = this.groupSize(batch);
      // Forward, keeping what the backward pass needs.
      const saved: { inT: tf.Tensor; y: tf.Tensor; xhat: tf.Tensor | null; stats: tf.Tensor | null }[] = [];
      const moving: tf.Tensor[] = [];
      let a = x;
      let aT = xT;
      for (const layer of this.hidden) {
        const h = tf.matMul(a, this.p(layer.kernel));
        if (layer.norm) {
          const [y, xhat, yT, stats, mean, std] = renormReluForwardOp(h, this.renormParams(layer), { ...norm, ...c, groupSize });
          saved.push({ inT: aT, y, xhat, stats });
          moving.push(mean, std);
          [a, aT] = [y, yT];
        } else {
          const [y, yT] = biasReluForwardOp(h, this.p(`${layer.name}/bias`));
          saved.push({ inT: aT, y, xhat: null, stats: null });
          [a, aT] = [y, yT];
        }
      }
      const [dz, dbLogits, tally] = softmaxCrossEntropyOp(tf.matMul(a, this.p('logits/kernel')), this.p('logits/bias'), labels);
      // Backward, written out.
      const grads = new Map<string, tf.Tensor>([
        ['logits/kernel', tf.matMul(aT, dz)],
        ['logits/bias', dbLogits],
      ]);
      let da = tf.matMul(dz, tf.transpose(this.p('logits/kernel')));
      for (let l = this.hidden.length - 1; l >= 0; l--) {
        const layer = this.hidden[l];
        const s = saved[l];
        let dh: tf.Tensor;
        if (layer.norm) {
          const [dx, dgamma, dbeta] = renormReluBackwardOp(da, s.y, s.xhat!, s.stats!, this.p(`${layer.name}/gamma`), groupSize);
          grads.set(`${layer.name}/gamma`, dgamma).set(`${layer.name}/beta`, dbeta);
          dh = dx;
        } else {
          const [dx, dbias] = biasReluBackwardOp(da, s.y);
          grads.set(`${layer.name}/bias`, dbias);
          dh = dx;
        }
        grads.set(layer.kernel, tf.matMul(s.inT, dh));
        if (l > 0) da = tf.matMul(dh, tf.transpose(this.p(layer.kernel)));
      }
      // New weights; the optimizer slots, which only this trainer holds, are updated in place.
      const updated = rmsPropUpdateOp(
        [...this.params.keys()].map((n) => ({ w: this.p(n), g: grads.get(n)!, ...this.slots.get(n)! })),
        { learningRate, decay: this.optimizer.decay, momentum: this.optimizer.momentum, epsilon: this.optimizer.epsilon },
      );
      return { updated, moving, stats: saved.flatMap((s) => (s.stats === null ? [] : [s.stats])), tally };
    });
    const old = [...this.params.values(), ...[...this.moving.values()].flatMap((m) => [m.mean, m.std]), ...this.lastStats];
    [...this.params.keys()].forEach((name, i) => this.params.set(name, out.updated[i]));
    [...this.moving.keys()].forEach((name, i) => this.moving.set(name, { mean: out.moving[2 * i], std: out.moving[2 * i + 1] }));
    this.lastStats = out.stats;
    const [loss, correct] = out.tally.dataSync();
    out.tally.dispose();
    tf.dispose(old);
    this.tally = { loss: this.tally.loss + loss, correct: this.tally.correct + correct, examples: this.tally.examples + positions.length, steps: this.tally.steps + 1 };
  }

  readTally(): { loss: number; accuracy: number } {
    const t = this.tally;
    this.tally = { loss: 0, correct: 0, examples: 0, steps: 0 };
    return { loss: t.steps === 0 ? NaN : t.loss / t.steps, accuracy: t.examples === 0 ? NaN : t.correct / t.examples };
  }

  /**
   * Logits of `x`: in training mode with minibatch statistics and the last
   * step's clipping (the moving statistics the kernel returns are dropped, so
   * they are left alone), else with the moving statistics.
   */
  private readonly logits: LogitsFn = (x, training) => {
    const groupSize = this.groupSize(x.shape[0]);
    let a = x;
    for (const layer of this.hidden) {
      const h = tf.matMul(a, this.p(layer.kernel));
      if (!layer.norm) a = biasReluForwardOp(h, this.p(`${layer.name}/bias`))[0];
      else if (training) a = renormReluForwardOp(h, this.renormParams(layer), { ...this.model.normLayer, ...this.lastClip, groupSize })[0];
      else a = renormReluInferenceOp(h, this.renormParams(layer));
    }
    return tf.add(tf.matMul(a, this.p('logits/kernel')), this.p('logits/bias'));
  };

  /** Minibatches through the gather kernel (`tf.gather` copies rows much more slowly on wasm). */
  private readonly gather: GatherFn = (split, positions) => {
    const [x, , labels] = gatherRowsOp(split.x, split.labels, tf.tensor1d(positions, 'int32'));
    return { x, labels: tf.cast(labels, 'int32') };
  };

  inferenceAccuracy(split: DeviceSplit): number {
    return inferenceAccuracy(this.logits, split);
  }

  batchStats(split: DeviceSplit, sampler: BatchSampler, batches: number): BatchStatsEvaluation {
    return batchStatsEvaluation(this.logits, split, sampler, batches, this.gather);
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    return this.lastStats.map((stats, i) => {
      const v = stats.dataSync();
      const [G, , C] = stats.shape;
      const row = (k: number) => Float32Array.from({ length: G * C }, (_, j) => v[Math.floor(j / C) * STATS_ROWS * C + k * C + (j % C)]);
      return { layer: this.hidden[i].name, ...summarizeCorrection({ r: row(2), d: row(3), rUnclipped: row(4), dUnclipped: row(5) }, this.lastClip) };
    });
  }

  async state(): Promise<TrainerState> {
    const read = (name: string, t: tf.Tensor): NamedArray => ({ name, shape: t.shape, values: t.dataSync() as Float32Array });
    const weights = [...this.params.entries()].map(([n, t]) => read(n, t));
    for (const [name, m] of this.moving) weights.push(read(`${name}/moving_mean`, m.mean), read(`${name}/moving_stddev`, m.std));
    const optimizer = [...this.slots.entries()].flatMap(([n, s]) => [read(`${n}/rms`, s.ms), read(`${n}/momentum`, s.mom)]);
    return { weights, optimizer };
  }

  async restore(state: TrainerState): Promise<void> {
    const byName = new Map([...state.weights, ...state.optimizer].map((a) => [a.name, a]));
    const take = (name: string, old: tf.Tensor) => {
      const a = byName.get(name);
      if (a === undefined) throw new Error(`checkpoint has no '${name}'`);
      old.dispose();
      return tf.tensor(a.values, a.shape);
    };
    for (const [n, t] of this.params) this.params.set(n, take(n, t));
    for (const [n, s] of this.slots) this.slots.set(n, { ms: take(`${n}/rms`, s.ms), mom: take(`${n}/momentum`, s.mom) });
    for (const [n, m] of this.moving) this.moving.set(n, { mean: take(`${n}/moving_mean`, m.mean), std: take(`${n}/moving_stddev`, m.std) });
  }

  dispose(): void {
    tf.dispose([...this.params.values(), ...[...this.slots.values()].flatMap((s) => [s.ms, s.mom]), ...[...this.moving.values()].flatMap((m) => [m.mean, m.std]), ...this.lastStats]);
  }
}
