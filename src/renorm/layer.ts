/**
 * `BatchRenormalization`: a TensorFlow.js layer implementing Algorithm 1 of
 * S. Ioffe, "Batch Renormalization: Towards Reducing Minibatch Dependence in
 * Batch-Normalized Models" (NIPS 2017, arXiv 1702.03275).
 *
 * Training:   μ_B, σ_B = sqrt(var_B + ε) over every axis but the feature axis;
 *             r = stop_gradient(clip(σ_B/σ, 1/rmax, rmax));
 *             d = stop_gradient(clip((μ_B − μ)/σ, −dmax, dmax));
 *             y = γ·((x − μ_B)/σ_B·r + d) + β;
 *             μ += α(μ_B − μ), σ += α(σ_B − σ), α = 1 − momentum.
 * Inference:  y = γ·(x − μ)/σ + β.
 *
 * With rmax = 1 and dmax = 0 the layer is batchnorm.
 *
 * Porting note (Keras): Keras' `BatchNormalization(renorm=True)` keeps two
 * sets of statistics (renorm_mean/renorm_stddev for r and d, and
 * moving_mean/moving_variance for inference). This layer keeps one set, the
 * moving mean and moving standard deviation of Algorithm 1, used both for r, d
 * and for inference; and missing clipping does not mean "unclipped" here: rmax
 * and dmax always apply, defaulting to the paper's final limits.
 */
import type { Initializer, Kwargs, LayerArgs, LayerVariable } from '../tf-types';
import { resolveInitializer, serializeInitializer, type InitializerLike } from '../initializers';
import { tf } from '../tf';
import { validateClip, type RenormClip } from './clip';
import { CorrectionRecord, type RenormDiagnostics } from './diagnostics';
import { movingAverage, normalizationPlan, renormalizeInInference, renormInTraining } from './ops';

export type { RenormDiagnostics } from './diagnostics';

type Tensor = tf.Tensor;

export interface BatchRenormalizationLayerArgs extends LayerArgs {
  /** The feature axis, normalized per feature. Defaults to -1 (the last axis). */
  axis?: number;
  /** Moving-average momentum; the update rate is α = 1 − momentum. Must be in [0, 1). Defaults to 0.99 (α = 0.01, the paper's). */
  momentum?: number;
  /** ε, added to the batch variance inside the square root. Must be > 0. Defaults to 1e-3. */
  epsilon?: number;
  /** Whether to add the learned offset β. Defaults to true. */
  center?: boolean;
  /** Whether to multiply by the learned scale γ. Defaults to true. */
  scale?: boolean;
  /** Initial clipping limit for r, in [1/rmax, rmax]; must be finite and ≥ 1. Defaults to 3 (the paper's final value). */
  rmax?: number;
  /** Initial clipping limit for d, in [−dmax, dmax]; must be finite and ≥ 0. Defaults to 5 (the paper's final value). */
  dmax?: number;
  /**
   * Normalize over consecutive groups of this many examples inside the batch
   * (the paper's microbatch experiment): one μ_B, σ_B, r and d per group, and
   * the moving statistics move toward the mean over groups. Must divide the
   * batch size. Defaults to null: the whole batch is one group.
   */
  microbatchSize?: number | null;
  /** Initializer of β. Defaults to 'zeros'. */
  betaInitializer?: InitializerLike;
  /** Initializer of γ. Defaults to 'ones'. */
  gammaInitializer?: InitializerLike;
  /** Initializer of the moving mean μ. Defaults to 'zeros'. */
  movingMeanInitializer?: InitializerLike;
  /** Initializer of the moving standard deviation σ. Defaults to 'ones'. */
  movingStddevInitializer?: InitializerLike;
}

export class BatchRenormalization extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'BatchRenormalization';

  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly microbatchSize: number | null;
  private clip: RenormClip;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private readonly movingMeanInitializer: Initializer;
  private readonly movingStddevInitializer: Initializer;

  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private movingMean!: LayerVariable;
  private movingStddev!: LayerVariable;
  /**
   * Whether a training-mode call moves the moving statistics (and records r, d
   * for `diagnostics()`). Turn it off to evaluate with minibatch statistics
   * without changing the model; see `withFrozenStatistics`. Not serialized.
   */
  updatesMovingStatistics = true;
  private readonly lastCorrection = new CorrectionRecord();

  constructor(args: BatchRenormalizationLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.axis = args.axis ?? -1;
    this.momentum = args.momentum ?? 0.99;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.microbatchSize = args.microbatchSize ?? null;
    this.clip = { rmax: args.rmax ?? 3, dmax: args.dmax ?? 5 };
    this.betaInitializer = resolveInitializer(args.betaInitializer ?? 'zeros', 'betaInitializer');
    this.gammaInitializer = resolveInitializer(args.gammaInitializer ?? 'ones', 'gammaInitializer');
    this.movingMeanInitializer = resolveInitializer(args.movingMeanInitializer ?? 'zeros', 'movingMeanInitializer');
    this.movingStddevInitializer = resolveInitializer(
      args.movingStddevInitializer ?? 'ones',
      'movingStddevInitializer',
    );

    if (!Number.isInteger(this.axis))
      throw new Error(`BatchRenormalization: axis must be an integer, got ${this.axis}`);
    if (typeof this.momentum !== 'number' || !(this.momentum >= 0 && this.momentum < 1)) {
      throw new Error(`BatchRenormalization: momentum must be in [0, 1), got ${this.momentum}`);
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new Error(`BatchRenormalization: epsilon must be a finite number > 0, got ${this.epsilon}`);
    }
    const mb = this.microbatchSize;
    if (mb !== null && !(Number.isInteger(mb) && mb >= 1)) {
      throw new Error(`BatchRenormalization: microbatchSize must be a positive integer or null, got ${mb}`);
    }
    validateClip(this.clip, 'BatchRenormalization');
  }

  /** The clipping limits used by the next training call. */
  get clipping(): RenormClip {
    return { ...this.clip };
  }

  /** Sets the clipping for the next training call (e.g. from `renormClipAt(step)`); nothing is rebuilt. */
  setClipping(clip: RenormClip): void {
    validateClip(clip, 'BatchRenormalization.setClipping');
    this.clip = { rmax: clip.rmax, dmax: clip.dmax };
  }

  private featureAxis(rank: number): number {
    const axis = this.axis >= 0 ? this.axis : this.axis + rank;
    if (axis < 0 || axis >= rank) {
      throw new Error(`BatchRenormalization: axis ${this.axis} is out of range for inputs of rank ${rank}`);
    }
    return axis;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.featureAxis(shape.length);
    const dim = shape[axis];
    if (dim == null) {
      throw new Error(
        `BatchRenormalization: axis ${axis} of the input must have a defined size, got shape ${JSON.stringify(shape)}`,
      );
    }
    this.inputSpec = [new tf.InputSpec({ ndim: shape.length, axes: { [axis]: dim } })];
    const weightShape = [dim];
    if (this.scale)
      this.gamma = this.addWeight('gamma', weightShape, undefined, this.gammaInitializer, undefined, true);
    if (this.center) this.beta = this.addWeight('beta', weightShape, undefined, this.betaInitializer, undefined, true);
    this.movingMean = this.addWeight(
      'moving_mean',
      weightShape,
      undefined,
      this.movingMeanInitializer,
      undefined,
      false,
    );
    this.movingStddev = this.addWeight(
      'moving_stddev',
      weightShape,
      undefined,
      this.movingStddevInitializer,
      undefined,
      false,
    );
    this.built = true;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = this.featureAxis(x.rank);
      const gamma = this.gamma === null ? null : this.gamma.read();
      const beta = this.beta === null ? null : this.beta.read();
      const movingMean = this.movingMean.read();
      const movingStd = this.movingStddev.read();
      if (!kwargs['training']) {
        const shape = x.shape.map((s, i) => (i === axis ? s : 1));
        const bc = (t: Tensor | null) => (t === null ? null : tf.reshape(t, shape));
        return renormalizeInInference(x, bc(movingMean)!, bc(movingStd)!, bc(gamma), bc(beta));
      }
      const plan = normalizationPlan(x.shape, axis, this.microbatchSize);
      const out = renormInTraining(x, plan, { gamma, beta, movingMean, movingStd }, this.epsilon, this.clip);
      if (!this.updatesMovingStatistics) return out.y;
      this.lastCorrection.keep(out, this.clip);
      // Moving statistics move once per call, after r and d used their old values.
      this.movingMean.write(movingAverage(movingMean, out.meanTarget, this.momentum));
      this.movingStddev.write(movingAverage(movingStd, out.stdTarget, this.momentum));
      return out.y;
    });
  }

  /**
   * r and d from the last training call, as (features × groups) arrays. They
   * are kept from the forward pass, so reading them costs one small download
   * and no extra work on steps where nobody asks. Null before any training call.
   */
  lastRenormValues(): { r: Float32Array; d: Float32Array; rUnclipped: Float32Array; dUnclipped: Float32Array } | null {
    return this.lastCorrection.values();
  }

  /** Summary statistics of the last training call's r and d (see `RenormDiagnostics`). */
  diagnostics(): RenormDiagnostics | null {
    return this.lastCorrection.diagnostics();
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override dispose(): { refCountAfterDispose: number; numDisposedVariables: number } {
    this.lastCorrection.dispose();
    return super.dispose();
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rmax: this.clip.rmax,
      dmax: this.clip.dmax,
      microbatchSize: this.microbatchSize,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      movingMeanInitializer: serializeInitializer(this.movingMeanInitializer),
      movingStddevInitializer: serializeInitializer(this.movingStddevInitializer),
    };
    return { ...config, ...super.getConfig() };
  }
}
tf.serialization.registerClass(BatchRenormalization);

/**
 * Runs `fn` with every renorm layer of `layers` leaving its moving statistics
 * and diagnostics alone in training-mode calls (evaluation with minibatch
 * statistics), then restores them.
 */
export function withFrozenStatistics<T>(layers: BatchRenormalization[], fn: () => T): T {
  const before = layers.map((l) => l.updatesMovingStatistics);
  layers.forEach((l) => (l.updatesMovingStatistics = false));
  try {
    return fn();
  } finally {
    layers.forEach((l, i) => (l.updatesMovingStatistics = before[i]));
  }
}

/** Factory in the style of `tf.layers.batchNormalization`. */
export function batchRenormalization(args?: BatchRenormalizationLayerArgs): BatchRenormalization {
  return new BatchRenormalization(args);
}
