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
import {
  biasReluBackwardOp,
  biasReluForwardOp,
  gatherRowsOp,
  movingAverageUpdateOp,
  renormReluBackwardOp,
  renormReluForwardOp,
  renormReluInferenceOp,
  rmsPropUpdateOp,
  softmaxCrossEntropyOp,
  STATS_ROWS,
  type RenormTrainingParams,
} from '../kernels';
import type { ModelConfig } from '../models';
import type { RenormClip } from '../renorm/clip';
import { summarizeCorrection, type RenormDiagnostics } from '../renorm/diagnostics';
import { tf } from '../tf';
import type { OptimizerConfig } from './config';
import { batchStatsEvaluation, inferenceAccuracy, type BatchStatsEvaluation, type EvalBatch, type GatherFn, type LogitsFn } from './evaluate';
import { STANDARD_EVAL, type EvalWeights, type NamedArray, type Trainer, type TrainerState } from './trainer';

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

/** A normalized layer's moving statistics: Algorithm 1's mean and standard deviation, and standard BN's biased variance. */
interface Moving {
  mean: tf.Tensor;
  std: tf.Tensor;
  variance: tf.Tensor;
}

const MOVING_NAMES = { mean: 'moving_mean', std: 'moving_stddev', variance: 'moving_variance' } as const;

/** A set of model values: the trained ones, or their moving average. */
interface Values {
  params: Map<string, tf.Tensor>;
  moving: Map<string, Moving>;
}

export class FusedMlpTrainer implements Trainer {
  /** Trainable parameters by name, in optimizer order; moving statistics apart. */
  private params = new Map<string, tf.Tensor>();
  private slots = new Map<string, { ms: tf.Tensor; mom: tf.Tensor }>();
  private moving = new Map<string, Moving>();
  /** The exponential moving average of every parameter and moving statistic (`ExperimentConfig.emaDecay`). */
  private average: Values = { params: new Map(), moving: new Map() };
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
    private readonly emaDecay: number,
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
        this.moving.set(layer.name, { mean: tf.zeros([units]), std: tf.ones([units]), variance: tf.ones([units]) });
      } else {
        add(`${layer.name}/bias`, tf.zeros([units]));
      }
      fanIn = units;
      return layer;
    });
    add('logits/kernel', tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, model.classes]));
    add('logits/bias', tf.zeros([model.classes]));
    // The average starts at the initial values (as TensorFlow's does); copies, since the originals are disposed when they change.
    const copy = (t: tf.Tensor) => tf.add(t, 0);
    for (const [n, t] of this.params) this.average.params.set(n, copy(t));
    for (const [n, m] of this.moving) this.average.moving.set(n, { mean: copy(m.mean), std: copy(m.std), variance: copy(m.variance) });
  }

  private p(name: string): tf.Tensor {
    return this.params.get(name)!;
  }

  private get current(): Values {
    return { params: this.params, moving: this.moving };
  }

  private renormParams(layer: Hidden, values: Values = this.current): RenormTrainingParams {
    const m = values.moving.get(layer.name)!;
    return { gamma: values.params.get(`${layer.name}/gamma`)!, beta: values.params.get(`${layer.name}/beta`)!, movingMean: m.mean, movingStd: m.std, movingVariance: m.variance };
  }

  /** The values as one list, in a fixed order (params, then each layer's moving statistics), for the average's update. */
  private static flatten(values: Values): tf.Tensor[] {
    return [...values.params.values(), ...[...values.moving.values()].flatMap((m) => [m.mean, m.std, m.variance])];
  }

  private unflatten(list: tf.Tensor[]): Values {
    const params = new Map([...this.params.keys()].map((n, i) => [n, list[i]]));
    const offset = params.size;
    const moving = new Map([...this.moving.keys()].map((n, i) => [n, { mean: list[offset + 3 * i], std: list[offset + 3 * i + 1], variance: list[offset + 3 * i + 2] }]));
    return { params, moving };
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
          const [y, xhat, yT, stats, mean, std, variance] = renormReluForwardOp(h, this.renormParams(layer), { ...norm, ...c, groupSize });
          saved.push({ inT: aT, y, xhat, stats });
          moving.push(mean, std, variance);
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
      // The average of every value after this step.
      const values = [...updated, ...moving];
      const shadows = FusedMlpTrainer.flatten(this.average);
      const average = movingAverageUpdateOp(shadows.map((shadow, i) => ({ shadow, value: values[i] })), { decay: this.emaDecay });
      return { values, average, stats: saved.flatMap((s) => (s.stats === null ? [] : [s.stats])), tally };
    });
    const old = [...FusedMlpTrainer.flatten(this.current), ...FusedMlpTrainer.flatten(this.average), ...this.lastStats];
    ({ params: this.params, moving: this.moving } = this.unflatten(out.values));
    this.average = this.unflatten(out.average);
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
   * Logits of `x` with the trained values or their average: in training mode
   * with minibatch statistics and the last step's clipping (the moving
   * statistics the kernel returns are dropped, so they are left alone), else
   * with the moving mean and either the moving standard deviation or, as
   * standard batchnorm, √(moving variance + ε).
   */
  private logitsWith(weights: EvalWeights): LogitsFn {
    const values = weights.average ? this.average : this.current;
    const param = (name: string) => values.params.get(name)!;
    return (x, training) => {
      const groupSize = this.groupSize(x.shape[0]);
      let a = x;
      for (const layer of this.hidden) {
        const h = tf.matMul(a, param(layer.kernel));
        const p = layer.norm ? this.renormParams(layer, values) : null;
        if (p === null) a = biasReluForwardOp(h, param(`${layer.name}/bias`))[0];
        else if (training) a = renormReluForwardOp(h, p, { ...this.model.normLayer, ...this.lastClip, groupSize })[0];
        else if (weights.statistics === 'variance') a = renormReluInferenceOp(h, { ...p, movingStd: tf.sqrt(tf.add(p.movingVariance, this.model.normLayer.epsilon)) });
        else a = renormReluInferenceOp(h, p);
      }
      return tf.add(tf.matMul(a, param('logits/kernel')), param('logits/bias'));
    };
  }

  /** Minibatches through the gather kernel (`tf.gather` copies rows much more slowly on wasm). */
  private readonly gather: GatherFn = (split, positions) => {
    const [x, , labels] = gatherRowsOp(split.x, split.labels, tf.tensor1d(positions, 'int32'));
    return { x, labels: tf.cast(labels, 'int32') };
  };

  inferenceAccuracy(split: DeviceSplit, weights: EvalWeights = STANDARD_EVAL): number {
    return inferenceAccuracy(this.logitsWith(weights), split);
  }

  batchStats(split: DeviceSplit, batches: EvalBatch[], weights: EvalWeights = STANDARD_EVAL): BatchStatsEvaluation {
    return batchStatsEvaluation(this.logitsWith(weights), split, batches, this.gather);
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    return this.lastStats.map((stats, i) => {
      const v = stats.dataSync();
      const [G, , C] = stats.shape;
      const row = (k: number) => Float32Array.from({ length: G * C }, (_, j) => v[Math.floor(j / C) * STATS_ROWS * C + k * C + (j % C)]);
      return { layer: this.hidden[i].name, ...summarizeCorrection({ r: row(2), d: row(3), rUnclipped: row(4), dUnclipped: row(5) }, this.lastClip) };
    });
  }

  /** The values by layer/weight name, moving statistics included (as `buildModel`'s layers name them). */
  private static named(values: Values): [string, tf.Tensor][] {
    const out: [string, tf.Tensor][] = [...values.params.entries()];
    for (const [layer, m] of values.moving) for (const k of ['mean', 'std', 'variance'] as const) out.push([`${layer}/${MOVING_NAMES[k]}`, m[k]]);
    return out;
  }

  async state(): Promise<TrainerState> {
    const read = ([name, t]: [string, tf.Tensor]): NamedArray => ({ name, shape: t.shape, values: t.dataSync() as Float32Array });
    const optimizer = [...this.slots.entries()].flatMap(([n, s]) => [read([`${n}/rms`, s.ms]), read([`${n}/momentum`, s.mom])]);
    return { weights: FusedMlpTrainer.named(this.current).map(read), optimizer, average: FusedMlpTrainer.named(this.average).map(read) };
  }

  async restore(state: TrainerState): Promise<void> {
    const lookup = (arrays: NamedArray[], what: string) => {
      const byName = new Map(arrays.map((a) => [a.name, a]));
      return (name: string) => {
        const a = byName.get(name);
        if (a === undefined) throw new Error(`checkpoint has no ${what} '${name}'`);
        return tf.tensor(a.values, a.shape);
      };
    };
    const weight = lookup(state.weights, 'weight');
    const slot = lookup(state.optimizer, 'optimizer slot');
    const average = lookup(state.average, 'average');
    const load = (values: Values, take: (name: string) => tf.Tensor): Values => ({
      params: new Map([...values.params.keys()].map((n) => [n, take(n)])),
      moving: new Map([...values.moving.keys()].map((n) => [n, { mean: take(`${n}/${MOVING_NAMES.mean}`), std: take(`${n}/${MOVING_NAMES.std}`), variance: take(`${n}/${MOVING_NAMES.variance}`) }])),
    });
    const old = [...FusedMlpTrainer.flatten(this.current), ...FusedMlpTrainer.flatten(this.average), ...[...this.slots.values()].flatMap((s) => [s.ms, s.mom])];
    ({ params: this.params, moving: this.moving } = load(this.current, weight));
    this.average = load(this.average, average);
    for (const n of this.slots.keys()) this.slots.set(n, { ms: slot(`${n}/rms`), mom: slot(`${n}/momentum`) });
    tf.dispose(old);
  }

  dispose(): void {
    tf.dispose([...FusedMlpTrainer.flatten(this.current), ...FusedMlpTrainer.flatten(this.average), ...[...this.slots.values()].flatMap((s) => [s.ms, s.mom]), ...this.lastStats]);
  }
}
