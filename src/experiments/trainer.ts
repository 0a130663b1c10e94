/**
 * What a job trains through: a `Trainer` owns a model and its optimizer and
 * does the steps, evaluations and checkpoint state the training loop asks for.
 * `LayersTrainer` is the tfjs-layers path: the kit's models (`buildModel`)
 * with `BatchRenormalization` layers, RMSProp through `optimizer.minimize`.
 *
 * Every trainer also keeps an exponential moving average of all its values
 * (weights and moving statistics), updated after every step, and evaluates
 * with either set, and (normalized models) with Algorithm 1's moving standard
 * deviation or standard batchnorm's moving variance.
 */
import { gatherBatch, type DeviceSplit } from '../data/dataset';
import { buildModel, type ModelConfig } from '../models';
import { VarianceTrackingRenormalization } from '../models/tracked-renorm';
import { applyRenormClip, renormLayers } from '../renorm/callback';
import type { RenormClip } from '../renorm/clip';
import type { RenormDiagnostics } from '../renorm/diagnostics';
import { withFrozenStatistics, type BatchRenormalization } from '../renorm/layer';
import { tf } from '../tf';
import type { OptimizerConfig } from './config';
import { batchStatsEvaluation, inferenceAccuracy, type BatchStatsEvaluation, type EvalBatch, type LogitsFn } from './evaluate';
import { TrainingTally, trainStep } from './step';

/** A named array of a trainer's state (a weight or an optimizer slot). */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Everything a trainer needs to continue exactly where it stopped. */
export interface TrainerState {
  weights: NamedArray[];
  optimizer: NamedArray[];
  /** The moving average of the weights, named as they are. */
  average: NamedArray[];
}

/** Which values an evaluation uses. */
export interface EvalWeights {
  /** The exponential moving average of all values instead of the values themselves. */
  average: boolean;
  /** Inference normalizes with Algorithm 1's moving standard deviation, or with standard BN's √(moving variance + ε). */
  statistics: 'stddev' | 'variance';
}

/** The values themselves with Algorithm 1's statistics. */
export const STANDARD_EVAL: EvalWeights = { average: false, statistics: 'stddev' };

export interface Trainer {
  /** Sets the clipping (null: not ramped) that training-mode evaluation uses before the next step sets its own. */
  setClip(clip: RenormClip | null): void;
  /** One step on the examples of `split` at `positions`, with this clipping (null: not ramped) and learning rate. */
  step(split: DeviceSplit, positions: Int32Array, clip: RenormClip | null, learningRate: number): void;
  /** Mean training loss per step and accuracy since the last read (training mode); resets the tally. */
  readTally(): { loss: number; accuracy: number };
  /** Accuracy in inference mode (moving statistics) over all of `split`. */
  inferenceAccuracy(split: DeviceSplit, weights?: EvalWeights): number;
  /** Minibatches of `split` in training mode (their own statistics), moving statistics left alone. */
  batchStats(split: DeviceSplit, batches: EvalBatch[], weights?: EvalWeights): BatchStatsEvaluation;
  /** r/d diagnostics of each normalization layer at the last training step ([] before any). */
  diagnostics(): (RenormDiagnostics & { layer: string })[];
  state(): Promise<TrainerState>;
  restore(state: TrainerState): Promise<void>;
  dispose(): void;
}

/** The tfjs-layers path: works on every backend and architecture. */
export class LayersTrainer implements Trainer {
  private readonly model: tf.Sequential;
  private readonly layers: BatchRenormalization[];
  private readonly optimizer: tf.RMSPropOptimizer;
  private readonly tally = new TrainingTally();
  private readonly classes: number;
  /** The moving average of every weight of the model (moving statistics included), in `model.weights` order. */
  private average: tf.Tensor[];
  private stepped = false;

  constructor(
    modelConfig: ModelConfig,
    seed: number,
    optimizer: OptimizerConfig,
    private readonly emaDecay: number,
  ) {
    this.classes = modelConfig.classes;
    this.model = buildModel(modelConfig, seed);
    this.layers = renormLayers(this.model);
    this.optimizer = tf.train.rmsprop(optimizer.learningRate, optimizer.decay, optimizer.momentum, optimizer.epsilon);
    this.average = this.model.weights.map((w) => tf.add(w.read(), 0));
  }

  setClip(clip: RenormClip | null): void {
    if (clip !== null) applyRenormClip(this.layers, clip);
  }

  step(split: DeviceSplit, positions: Int32Array, clip: RenormClip | null, learningRate: number): void {
    this.setClip(clip);
    // tfjs reads the rate from this field at every update; it has no setter.
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    const batch = gatherBatch(split, positions);
    trainStep(this.model, this.optimizer, batch.x, batch.labels, this.classes, this.tally);
    tf.dispose([batch.x, batch.labels]);
    const old = this.average;
    const keep = 1 - this.emaDecay;
    this.average = tf.tidy(() => this.model.weights.map((w, i) => tf.sub(old[i], tf.mul(tf.sub(old[i], w.read()), keep))));
    tf.dispose(old);
    this.stepped = true;
  }

  readTally(): { loss: number; accuracy: number } {
    return this.tally.read();
  }

  private readonly logits: LogitsFn = (x, training) => this.model.apply(x, { training }) as tf.Tensor;

  /** Runs `fn` with the model set to `weights` (the average, and/or standard BN's statistics), then puts it back. */
  private with<T>(weights: EvalWeights, fn: () => T): T {
    const saved = weights.average ? this.model.weights.map((w) => tf.add(w.read(), 0)) : null;
    const tracked = this.layers.filter((l): l is VarianceTrackingRenormalization => l instanceof VarianceTrackingRenormalization);
    if (weights.statistics === 'variance' && tracked.length !== this.layers.length) throw new Error('this model keeps no moving variance: standard-BN evaluation needs VarianceTrackingRenormalization layers');
    try {
      if (saved !== null) this.model.setWeights(this.average);
      tracked.forEach((l) => (l.inferenceStatistics = weights.statistics));
      return fn();
    } finally {
      tracked.forEach((l) => (l.inferenceStatistics = 'stddev'));
      if (saved !== null) {
        this.model.setWeights(saved);
        tf.dispose(saved);
      }
    }
  }

  inferenceAccuracy(split: DeviceSplit, weights: EvalWeights = STANDARD_EVAL): number {
    return this.with(weights, () => inferenceAccuracy(this.logits, split));
  }

  batchStats(split: DeviceSplit, batches: EvalBatch[], weights: EvalWeights = STANDARD_EVAL): BatchStatsEvaluation {
    return this.with(weights, () => withFrozenStatistics(this.layers, () => batchStatsEvaluation(this.logits, split, batches)));
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    return this.stepped ? this.layers.map((l) => ({ layer: l.name, ...l.diagnostics()! })) : [];
  }

  async state(): Promise<TrainerState> {
    const read = (name: string, t: tf.Tensor): NamedArray => ({ name, shape: t.shape, values: t.dataSync() as Float32Array });
    return {
      weights: this.model.weights.map((w) => read(w.originalName, w.read())),
      optimizer: (await this.optimizer.getWeights()).map((w) => read(w.name, w.tensor)),
      average: this.model.weights.map((w, i) => read(w.originalName, this.average[i])),
    };
  }

  /** The model's weights from arrays named as `state()` names them (layer/weight), in `model.weights` order. */
  private fromArrays(arrays: NamedArray[]): tf.Tensor[] {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    return this.model.weights.map((w) => {
      const a = byName.get(w.originalName);
      if (a === undefined) throw new Error(`no weight named '${w.originalName}' among ${[...byName.keys()].join(', ')}`);
      return tf.tensor(a.values, a.shape);
    });
  }

  /** Sets the model's weights (and, with `average`, their moving average) from arrays named as `state()` names them. */
  loadWeights(arrays: NamedArray[], average?: NamedArray[]): void {
    const weights = this.fromArrays(arrays);
    this.model.setWeights(weights);
    tf.dispose(weights);
    if (average !== undefined) {
      tf.dispose(this.average);
      this.average = this.fromArrays(average);
    }
  }

  async restore(state: TrainerState): Promise<void> {
    this.loadWeights(state.weights, state.average);
    await this.optimizer.setWeights(state.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) })));
  }

  dispose(): void {
    tf.dispose(this.average);
    this.tally.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
