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
import type { EvalBatch } from '../data/samplers';
import type { OptimizerConfig } from '../protocol/config';
import type { BatchStatsEvaluation } from '../results/records';
import { batchStatsEvaluation, inferenceAccuracy, type GatherFn, type LogitsFn } from './evaluate';
import { FusedValues, type Values } from './fused-values';
import { STANDARD_EVAL, type EvalWeights, type Trainer, type TrainerState } from './trainer';

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
  /** Parameters, optimizer slots, moving statistics, and their average (`ExperimentConfig.emaDecay`). */
  private readonly values = new FusedValues();
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
      throw new Error(
        `FusedMlpTrainer trains the mlp with ${FUSED_NORMALIZATIONS.join(', ')}, got ${model.architecture} with ${model.normalization}`,
      );
    }
    const norm = model.normalization !== 'none';
    this.lastClip = model.normalization === 'brn' ? BRN_DEFAULT_CLIP : BN_CLIP;
    this.groupSize = (batch) => model.microbatchSize ?? batch;
    let layerSeed = seed * 1_000;
    let fanIn = model.imageSize * model.imageSize;
    const add = (name: string, t: tf.Tensor) => this.values.addParam(name, t);
    this.hidden = model.hidden.map((units, i) => {
      const layer: Hidden = { name: norm ? `norm${i + 1}` : `dense${i + 1}`, kernel: `dense${i + 1}/kernel`, norm };
      add(layer.kernel, tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, units]));
      if (norm) {
        add(`${layer.name}/gamma`, tf.ones([units]));
        add(`${layer.name}/beta`, tf.zeros([units]));
        this.values.addMoving(layer.name, units);
      } else {
        add(`${layer.name}/bias`, tf.zeros([units]));
      }
      fanIn = units;
      return layer;
    });
    add('logits/kernel', tf.initializers.glorotUniform({ seed: layerSeed++ }).apply([fanIn, model.classes]));
    add('logits/bias', tf.zeros([model.classes]));
    this.values.startAverage();
  }

  private p(name: string): tf.Tensor {
    return this.values.param(name);
  }

  private renormParams(layer: Hidden, values: Values = this.values.current): RenormTrainingParams {
    const m = values.moving.get(layer.name)!;
    return {
      gamma: values.params.get(`${layer.name}/gamma`)!,
      beta: values.params.get(`${layer.name}/beta`)!,
      movingMean: m.mean,
      movingStd: m.std,
      movingVariance: m.variance,
    };
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
          const [y, xhat, yT, stats, mean, std, variance] = renormReluForwardOp(h, this.renormParams(layer), {
            ...norm,
            ...c,
            groupSize,
          });
          saved.push({ inT: aT, y, xhat, stats });
          moving.push(mean, std, variance);
          [a, aT] = [y, yT];
        } else {
          const [y, yT] = biasReluForwardOp(h, this.p(`${layer.name}/bias`));
          saved.push({ inT: aT, y, xhat: null, stats: null });
          [a, aT] = [y, yT];
        }
      }
      const [dz, dbLogits, tally] = softmaxCrossEntropyOp(
        tf.matMul(a, this.p('logits/kernel')),
        this.p('logits/bias'),
        labels,
      );
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
          const [dx, dgamma, dbeta] = renormReluBackwardOp(
            da,
            s.y,
            s.xhat!,
            s.stats!,
            this.p(`${layer.name}/gamma`),
            groupSize,
          );
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
        this.values.paramNames().map((n) => ({ w: this.p(n), g: grads.get(n)!, ...this.values.slot(n) })),
        {
          learningRate,
          decay: this.optimizer.decay,
          momentum: this.optimizer.momentum,
          epsilon: this.optimizer.epsilon,
        },
      );
      // The average of every value after this step.
      const values = [...updated, ...moving];
      const shadows = FusedValues.flatten(this.values.average);
      const average = movingAverageUpdateOp(
        shadows.map((shadow, i) => ({ shadow, value: values[i] })),
        { decay: this.emaDecay },
      );
      return { values, average, stats: saved.flatMap((s) => (s.stats === null ? [] : [s.stats])), tally };
    });
    const oldStats = this.lastStats;
    this.values.replace(out.values, out.average);
    this.lastStats = out.stats;
    const [loss, correct] = out.tally.dataSync();
    out.tally.dispose();
    tf.dispose(oldStats);
    this.tally = {
      loss: this.tally.loss + loss,
      correct: this.tally.correct + correct,
      examples: this.tally.examples + positions.length,
      steps: this.tally.steps + 1,
    };
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
    const values = weights.average ? this.values.average : this.values.current;
    const param = (name: string) => values.params.get(name)!;
    return (x, training) => {
      const groupSize = this.groupSize(x.shape[0]);
      let a = x;
      for (const layer of this.hidden) {
        const h = tf.matMul(a, param(layer.kernel));
        const p = layer.norm ? this.renormParams(layer, values) : null;
        if (p === null) a = biasReluForwardOp(h, param(`${layer.name}/bias`))[0];
        else if (training) a = renormReluForwardOp(h, p, { ...this.model.normLayer, ...this.lastClip, groupSize })[0];
        else if (weights.statistics === 'variance')
          a = renormReluInferenceOp(h, {
            ...p,
            movingStd: tf.sqrt(tf.add(p.movingVariance, this.model.normLayer.epsilon)),
          });
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
      const row = (k: number) =>
        Float32Array.from({ length: G * C }, (_, j) => v[Math.floor(j / C) * STATS_ROWS * C + k * C + (j % C)]);
      return {
        layer: this.hidden[i].name,
        ...summarizeCorrection({ r: row(2), d: row(3), rUnclipped: row(4), dUnclipped: row(5) }, this.lastClip),
      };
    });
  }

  async state(): Promise<TrainerState> {
    return this.values.state();
  }

  async restore(state: TrainerState): Promise<void> {
    this.values.restore(state);
  }

  dispose(): void {
    this.values.dispose();
    tf.dispose(this.lastStats);
  }
}
