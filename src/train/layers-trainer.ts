/**
 * The tfjs-layers trainer: the kit's models (`buildModel`) with
 * `BatchRenormalization` layers, RMSProp through `optimizer.minimize`. It
 * works on every backend and architecture.
 */
import { gatherBatch, type DeviceSplit } from '../data/dataset';
import type { EvalBatch } from '../data/samplers';
import { buildModel, type ModelConfig } from '../models';
import { VarianceTrackingRenormalization } from '../models/tracked-renorm';
import type { OptimizerConfig } from '../protocol/config';
import { applyRenormClip, renormLayers } from '../renorm/callback';
import type { RenormClip } from '../renorm/clip';
import type { RenormDiagnostics } from '../renorm/diagnostics';
import { withFrozenStatistics, type BatchRenormalization } from '../renorm/layer';
import type { BatchStatsEvaluation } from '../results/records';
import { tf } from '../tf';
import { batchStatsEvaluation, inferenceAccuracy, type LogitsFn } from './evaluate';
import { TrainingTally, trainStep } from './step';
import { STANDARD_EVAL, type EvalWeights, type NamedArray, type Trainer, type TrainerState } from './trainer';

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
    this.average = tf.tidy(() =>
      this.model.weights.map((w, i) => tf.sub(old[i], tf.mul(tf.sub(old[i], w.read()), keep))),
    );
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
    const tracked = this.layers.filter(
      (l): l is VarianceTrackingRenormalization => l instanceof VarianceTrackingRenormalization,
    );
    if (weights.statistics === 'variance' && tracked.length !== this.layers.length)
      throw new Error(
        'this model keeps no moving variance: standard-BN evaluation needs VarianceTrackingRenormalization layers',
      );
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
    return this.with(weights, () =>
      withFrozenStatistics(this.layers, () => batchStatsEvaluation(this.logits, split, batches)),
    );
  }

  diagnostics(): (RenormDiagnostics & { layer: string })[] {
    return this.stepped ? this.layers.map((l) => ({ layer: l.name, ...l.diagnostics()! })) : [];
  }

  async state(): Promise<TrainerState> {
    const read = (name: string, t: tf.Tensor): NamedArray => ({
      name,
      shape: t.shape,
      values: t.dataSync() as Float32Array,
    });
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
      if (a === undefined)
        throw new Error(`no weight named '${w.originalName}' among ${[...byName.keys()].join(', ')}`);
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
    await this.optimizer.setWeights(
      state.optimizer.map((w) => ({ name: w.name, tensor: tf.tensor(w.values, w.shape) })),
    );
  }

  dispose(): void {
    tf.dispose(this.average);
    this.tally.dispose();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
