/**
 * What a job trains through: a `Trainer` owns a model and its optimizer and
 * does the steps, evaluations and checkpoint state the training loop asks for.
 * `LayersTrainer` is the tfjs-layers path: the kit's models (`buildModel`)
 * with `BatchRenormalization` layers, RMSProp through `optimizer.minimize`.
 */
import { gatherBatch, type DeviceSplit } from '../data/dataset';
import type { BatchSampler } from '../data/samplers';
import { buildModel, type ModelConfig } from '../models';
import { applyRenormClip, renormLayers } from '../renorm/callback';
import type { RenormClip } from '../renorm/clip';
import type { RenormDiagnostics } from '../renorm/diagnostics';
import { withFrozenStatistics, type BatchRenormalization } from '../renorm/layer';
import { tf } from '../tf';
import type { OptimizerConfig } from './config';
import { batchStatsEvaluation, inferenceAccuracy, type BatchStatsEvaluation, type LogitsFn } from './evaluate';
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
}

export interface Trainer {
  /** Sets the clipping (null: not ramped) that training-mode evaluation uses before the next step sets its own. */
  setClip(clip: RenormClip | null): void;
  /** One step on the examples of `split` at `positions`, with this clipping (null: not ramped) and learning rate. */
  step(split: DeviceSplit, positions: Int32Array, clip: RenormClip | null, learningRate: number): void;
  /** Mean training loss per step and accuracy since the last read (training mode); resets the tally. */
  readTally(): { loss: number; accuracy: number };
  /** Accuracy in inference mode (moving statistics) over all of `split`. */
  inferenceAccuracy(split: DeviceSplit): number;
  /** `batches` minibatches of `sampler` in training mode, moving statistics left alone. */
  batchStats(split: DeviceSplit, sampler: BatchSampler, batches: number): BatchStatsEvaluation;
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
  private stepped = false;

  constructor(modelConfig: ModelConfig, seed: number, optimizer: OptimizerConfig) {
    this.classes = modelConfig.classes;
    this.model = buildModel(modelConfig, seed);
    this.layers = renormLayers(this.model);
    this.optimizer = tf.train.rmsprop(optimizer.learningRate, optimizer.decay, optimizer.momentum, optimizer.epsilon);
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
    this.stepped = true;
  }

  readTally(): { loss: number; accuracy: number } {
    return this.tally.read();
  }

  private readonly logits: LogitsFn = (x, training) => this.model.apply(x, { training }) as tf.Tensor;

  inferenceAccuracy(split: DeviceSplit): number {
    return inferenceAccuracy(this.logits, split);
  }

  batchStats(split: DeviceSplit, sampler: BatchSampler, batches: number): BatchStatsEvaluation {
    return withFrozenStatistics(this.layers, () => batchStatsEvaluation(this.logits, split, sampler, batches));
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    return this.stepped ? this.layers.map((l) => ({ layer: l.name, ...l.diagnostics()! })) : [];
  }

  async state(): Promise<TrainerState> {
    const read = (name: string, t: tf.Tensor): NamedArray => ({ name, shape: t.shape, values: t.dataSync() as Float32Array });
    return {
      weights: this.model.weights.map((w) => read(w.originalName, w.read())),
      optimizer: (await this.optimizer.getWeights()).map((w) => read(w.name, w.tensor)),
    };
  }

  /** Sets the model's weights from arrays named as `state()` names them (layer/weight). */
  loadWeights(arrays: NamedArray[]): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    const weights = this.model.weights.map((w) => {
      const a = byName.get(w.originalName);
      if (a === undefined) throw new Error(`no weight named '${w.originalName}' among ${[...byName.keys()].join(', ')}`);
      return tf.tensor(a.values, a.shape);
    });
    this.model.setWeights(weights);
    tf.dispose(weights);
  }

  async restore(state: TrainerState): Promise<void> {
    this.loadWeights(state.weights);
    await this.optimizer.setWeights(state.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) })));
  }

  dispose(): void {
    this.tally.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
