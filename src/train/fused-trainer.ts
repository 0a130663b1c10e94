/**
 * What the fused trainers share (`fused-mlp.ts`, `fused-conv.ts`): their
 * values and the average of them (`fused-values.ts`), the clipping in force,
 * the training tally kept on the host, one RMSProp + averaging update after
 * the backward pass, evaluation in both modes through the model's logits,
 * r/d diagnostics, and checkpoint state. A model supplies its blocks, its
 * training step's gradients, and its logits.
 */
import type { DeviceSplit } from '../data/dataset';
import type { EvalBatch } from '../data/samplers';
import { gatherRowsOp, movingAverageUpdateOp, rmsPropUpdateOp, STATS_ROWS } from '../kernels';
import type { ModelConfig } from '../models';
import type { OptimizerConfig } from '../protocol/config';
import type { RenormClip } from '../renorm/clip';
import { summarizeCorrection, type RenormDiagnostics } from '../renorm/diagnostics';
import type { BatchStatsEvaluation } from '../results/records';
import { tf } from '../tf';
import { batchStatsEvaluation, inferenceAccuracy, type GatherFn, type LogitsFn } from './evaluate';
import { blockSettings, type Block, type BlockSettings } from './fused-blocks';
import { FusedValues, type Values } from './fused-values';
import { STANDARD_EVAL, type EvalWeights, type Trainer, type TrainerState } from './trainer';

const BN_CLIP: RenormClip = { rmax: 1, dmax: 0 };
/** The layer's default clipping, which `buildModel`'s BRN layers start with. */
const BRN_DEFAULT_CLIP: RenormClip = { rmax: 3, dmax: 5 };

/** What a model's training step hands back: gradients by parameter name, renorm's new moving statistics, the tally. */
export interface StepResult {
  grads: Map<string, tf.Tensor>;
  /** New moving mean, std and variance of each renorm block, in block order. */
  moving: tf.Tensor[];
  /** Each renorm block's stats (for diagnostics). */
  stats: tf.Tensor[];
  /** [mean loss, correct] on the minibatch. */
  tally: tf.Tensor;
}

/** How an evaluation runs the model: the values (trained or averaged) and the mode. */
export interface EvalMode {
  values: Values;
  training: boolean;
  statistics: 'stddev' | 'variance';
  /** Called with each block's input before it is normalized (for population statistics). */
  observe?: (block: string, h: tf.Tensor) => void;
}

export abstract class FusedTrainer implements Trainer {
  protected readonly values = new FusedValues();
  protected readonly settings: BlockSettings;
  protected lastClip: RenormClip;
  private lastStats: tf.Tensor[] = [];
  private tally = { loss: 0, correct: 0, examples: 0, steps: 0 };
  /** The normalization blocks, in order (for diagnostics). */
  protected abstract readonly blocks: Block[];

  constructor(
    protected readonly model: ModelConfig,
    private readonly optimizer: OptimizerConfig,
    private readonly emaDecay: number,
  ) {
    const { kind, groups } = blockSettings(model.normalization, model.groups);
    this.settings = { kind, groups, microbatchSize: model.microbatchSize, normLayer: model.normLayer };
    this.lastClip = model.normalization === 'brn' ? BRN_DEFAULT_CLIP : BN_CLIP;
  }

  setClip(clip: RenormClip | null): void {
    if (clip !== null) this.lastClip = clip;
  }

  /** The forward and backward pass of one minibatch, with the current values and clipping. */
  protected abstract gradients(x: tf.Tensor, labels: tf.Tensor): StepResult;

  /** The model's logits for x [n, pixels] under `mode`. */
  protected abstract logits(x: tf.Tensor, mode: EvalMode): tf.Tensor;

  step(split: DeviceSplit, positions: Int32Array, clip: RenormClip | null, learningRate: number): void {
    this.setClip(clip);
    const out = tf.tidy(() => {
      const [x, labels] = gatherRowsOp(split.x, split.labels, tf.tensor1d(positions, 'int32'));
      const { grads, moving, stats, tally } = this.gradients(x, labels);
      // New weights; the optimizer slots, which only this trainer holds, are updated in place.
      const updated = rmsPropUpdateOp(
        this.values.paramNames().map((n) => ({ w: this.values.param(n), g: grads.get(n)!, ...this.values.slot(n) })),
        {
          learningRate,
          decay: this.optimizer.decay,
          momentum: this.optimizer.momentum,
          epsilon: this.optimizer.epsilon,
        },
      );
      // The average of every value after this step.
      const next = [...updated, ...moving];
      const shadows = FusedValues.flatten(this.values.average);
      const average = movingAverageUpdateOp(
        shadows.map((shadow, i) => ({ shadow, value: next[i] })),
        { decay: this.emaDecay },
      );
      return { next, average, stats, tally };
    });
    const oldStats = this.lastStats;
    this.values.replace(out.next, out.average);
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

  private logitsWith(weights: EvalWeights): LogitsFn {
    const values = weights.average ? this.values.average : this.values.current;
    return (x, training) => this.logits(x, { values, training, statistics: weights.statistics });
  }

  /** Minibatches through the gather kernel (`tf.gather` copies rows much more slowly on wasm). */
  private readonly gather: GatherFn = (split, positions) => {
    const [x, labels] = gatherRowsOp(split.x, split.labels, tf.tensor1d(positions, 'int32'));
    return { x, labels: tf.cast(labels, 'int32') };
  };

  /** Examples per forward pass in inference (the conv model's activations are large: smaller chunks stay in cache). */
  protected evalChunk = 2_500;

  inferenceAccuracy(split: DeviceSplit, weights: EvalWeights = STANDARD_EVAL): number {
    return inferenceAccuracy(this.logitsWith(weights), split, this.evalChunk);
  }

  batchStats(split: DeviceSplit, batches: EvalBatch[], weights: EvalWeights = STANDARD_EVAL): BatchStatsEvaluation {
    return batchStatsEvaluation(this.logitsWith(weights), split, batches, this.gather);
  }

  /** The trained values or their average (for analyses such as `reestimate.ts`; not to be disposed). */
  valueSet(which: 'current' | 'average'): Values {
    return which === 'average' ? this.values.average : this.values.current;
  }

  /** Accuracy in inference mode over `split` with any set of values (e.g. averaged weights with other statistics). */
  accuracyWith(split: DeviceSplit, values: Values, statistics: 'stddev' | 'variance' = 'stddev'): number {
    return inferenceAccuracy((x, training) => this.logits(x, { values, training, statistics }), split, this.evalChunk);
  }

  /**
   * `values` with each renorm block's moving statistics replaced by population
   * statistics over all of `split`: block by block, in inference mode with the
   * blocks before it already replaced (the BN paper's inference statistics),
   * two passes each (the mean, then the biased variance around it); σ is
   * √(variance + ε) as in Algorithm 1. The statistics are new tensors (the
   * caller disposes them); the parameters are `values`' own.
   */
  populationStatistics(split: DeviceSplit, values: Values): Values {
    if (split.count === 0) throw new Error('population statistics need examples: the split is empty');
    const epsilon = this.settings.normLayer.epsilon;
    let out: Values = { params: values.params, moving: new Map(values.moving) };
    const made: tf.Tensor[] = [];
    try {
      for (const block of this.blocks.filter((b) => b.kind === 'renorm')) {
        const C = block.channels;
        const pass = (f: (h: tf.Tensor2D) => tf.Tensor) => {
          const total = new Float64Array(C);
          let rows = 0;
          for (let start = 0; start < split.count; start += this.evalChunk) {
            const size = Math.min(this.evalChunk, split.count - start);
            tf.tidy(() => {
              let seen: tf.Tensor | null = null;
              const observe = (name: string, h: tf.Tensor) => {
                if (name !== block.name) return;
                const h2 = tf.reshape(h, [-1, C]) as tf.Tensor2D;
                rows += h2.shape[0];
                seen = f(h2);
              };
              this.logits(tf.slice(split.x, [start, 0], [size, -1]), {
                values: out,
                training: false,
                statistics: 'stddev',
                observe,
              });
              const part = (seen as tf.Tensor | null)?.dataSync();
              if (part === undefined) throw new Error(`block ${block.name} saw no input`);
              for (let c = 0; c < C; c++) total[c] += part[c];
            });
          }
          return total.map((t) => t / rows);
        };
        const mean = pass((h) => tf.sum(h, 0));
        const meanT = tf.tensor1d(Float32Array.from(mean));
        made.push(meanT);
        const variance = pass((h) => tf.sum(tf.square(tf.sub(h, meanT)), 0));
        const moving = {
          mean: tf.tensor1d(Float32Array.from(mean)),
          std: tf.tensor1d(Float32Array.from(variance, (v) => Math.sqrt(v + epsilon))),
          variance: tf.tensor1d(Float32Array.from(variance)),
        };
        made.push(moving.mean, moving.std, moving.variance);
        out = { params: out.params, moving: new Map(out.moving).set(block.name, moving) };
      }
    } catch (err) {
      tf.dispose(made);
      throw err;
    }
    tf.dispose(made.filter((t, i) => i % 4 === 0)); // the means used for the variance pass
    return out;
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    const renorm = this.blocks.filter((b) => b.kind === 'renorm');
    return this.lastStats.map((stats, i) => {
      const v = stats.dataSync();
      const [G, , C] = stats.shape;
      const row = (k: number) =>
        Float32Array.from({ length: G * C }, (_, j) => v[Math.floor(j / C) * STATS_ROWS * C + k * C + (j % C)]);
      return {
        layer: renorm[i].name,
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
