/**
 * What a job trains through: a `Trainer` owns a model and its optimizer and
 * does the steps, evaluations and checkpoint state the training loop asks for
 * (`layers-trainer.ts`: tfjs-layers on any backend; `fused-mlp.ts`: the MLP
 * through the fused kernels).
 *
 * Every trainer also keeps an exponential moving average of all its values
 * (weights and moving statistics), updated after every step, and evaluates
 * with either set, and (normalized models) with Algorithm 1's moving standard
 * deviation or standard batchnorm's moving variance.
 */
import type { DeviceSplit } from '../data/dataset';
import type { EvalBatch } from '../data/samplers';
import type { RenormClip } from '../renorm/clip';
import type { RenormDiagnostics } from '../renorm/diagnostics';
import type { BatchStatsEvaluation } from '../results/records';

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
