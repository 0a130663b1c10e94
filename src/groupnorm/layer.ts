/**
 * `GroupNormalization`: a TensorFlow.js layer for Group Normalization (Y. Wu
 * and K. He, "Group Normalization", ECCV 2018, arXiv 1803.08494), which tfjs
 * lacks. It is serialized under Keras' class name with Keras' config keys, so
 * a Keras model.json that uses `keras.layers.GroupNormalization` loads with
 * `tf.loadLayersModel` once this module is imported.
 *
 *     y = γ·(x − μ_ng)/sqrt(σ²_ng + ε) + β, per example n and channel group g
 *
 * (`ops.ts`). Training and inference compute the same thing: it has no
 * moving statistics and no dependence on the batch.
 *
 * Porting note (Keras): the same arguments, defaults and weight names (gamma,
 * beta) as `keras.layers.GroupNormalization`; `axis` must be a single integer
 * (Keras also takes a list), and it must name the last axis or the layer
 * transposes the channels there and back.
 */
import { resolveInitializer, resolveSerializable, serializeInitializer, serializeSerializable } from '../initializers';
import type { ConstraintLike, InitializerLike, RegularizerLike } from '../initializers';
import { tf } from '../tf';
import type { Initializer, LayerArgs, LayerVariable } from '../tf-types';
import { groupNormalize, resolveGroups } from './ops';

type Tensor = tf.Tensor;

export interface GroupNormalizationLayerArgs extends LayerArgs {
  /** Groups the channels are split into; must divide them; -1 for one per channel (instance norm). Defaults to 32. */
  groups?: number;
  /** The channel axis. Defaults to -1 (the last axis). */
  axis?: number;
  /** ε, added to each group's variance inside the square root. Must be > 0. Defaults to 1e-3. */
  epsilon?: number;
  /** Whether to add the learned offset β. Defaults to true. */
  center?: boolean;
  /** Whether to multiply by the learned scale γ. Defaults to true. */
  scale?: boolean;
  /** Initializer of β. Defaults to 'zeros'. */
  betaInitializer?: InitializerLike;
  /** Initializer of γ. Defaults to 'ones'. */
  gammaInitializer?: InitializerLike;
  /** Regularizer of β (an instance or `{className, config}`). Defaults to none. */
  betaRegularizer?: RegularizerLike | { className: string; config: object } | null;
  /** Regularizer of γ. Defaults to none. */
  gammaRegularizer?: RegularizerLike | { className: string; config: object } | null;
  /** Constraint on β (an instance or `{className, config}`). Defaults to none. */
  betaConstraint?: ConstraintLike | { className: string; config: object } | null;
  /** Constraint on γ. Defaults to none. */
  gammaConstraint?: ConstraintLike | { className: string; config: object } | null;
}

export class GroupNormalization extends tf.layers.Layer {
  /** @nocollapse */
  static className = 'GroupNormalization';

  /** As given (-1 stays -1 in the config); the count in use is known once the layer is built. */
  readonly groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  private readonly betaInitializer: Initializer;
  private readonly gammaInitializer: Initializer;
  private readonly betaRegularizer: RegularizerLike | null;
  private readonly gammaRegularizer: RegularizerLike | null;
  private readonly betaConstraint: ConstraintLike | null;
  private readonly gammaConstraint: ConstraintLike | null;
  private gamma: LayerVariable | null = null;
  private beta: LayerVariable | null = null;
  private groupCount = 0;

  constructor(args: GroupNormalizationLayerArgs = {}) {
    super(args);
    this.supportsMasking = true;
    this.groups = args.groups ?? 32;
    this.axis = args.axis ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.betaInitializer = resolveInitializer(args.betaInitializer ?? 'zeros', 'GroupNormalization: betaInitializer');
    this.gammaInitializer = resolveInitializer(args.gammaInitializer ?? 'ones', 'GroupNormalization: gammaInitializer');
    this.betaRegularizer = resolveSerializable(args.betaRegularizer, 'GroupNormalization: betaRegularizer');
    this.gammaRegularizer = resolveSerializable(args.gammaRegularizer, 'GroupNormalization: gammaRegularizer');
    this.betaConstraint = resolveSerializable(args.betaConstraint, 'GroupNormalization: betaConstraint');
    this.gammaConstraint = resolveSerializable(args.gammaConstraint, 'GroupNormalization: gammaConstraint');
    if (!Number.isInteger(this.groups) || (this.groups < 1 && this.groups !== -1)) {
      throw new Error(`GroupNormalization: groups must be a positive integer or -1, got ${this.groups}`);
    }
    if (!Number.isInteger(this.axis)) {
      throw new Error(`GroupNormalization: axis must be an integer, got ${JSON.stringify(this.axis)}`);
    }
    if (typeof this.epsilon !== 'number' || !(this.epsilon > 0) || !Number.isFinite(this.epsilon)) {
      throw new Error(`GroupNormalization: epsilon must be a finite number > 0, got ${this.epsilon}`);
    }
  }

  private channelAxis(rank: number): number {
    const axis = this.axis >= 0 ? this.axis : this.axis + rank;
    if (axis < 1 || axis >= rank) {
      throw new Error(
        `GroupNormalization: axis ${this.axis} is out of range for inputs of rank ${rank} (axis 0 is the batch)`,
      );
    }
    return axis;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.channelAxis(shape.length);
    const dim = shape[axis];
    if (dim == null) {
      throw new Error(
        `GroupNormalization: axis ${axis} of the input must have a defined size, got shape ${JSON.stringify(shape)}`,
      );
    }
    this.groupCount = resolveGroups(this.groups, dim, 'GroupNormalization');
    this.inputSpec = [new tf.InputSpec({ ndim: shape.length, axes: { [axis]: dim } })];
    if (this.scale) {
      this.gamma = this.addWeight(
        'gamma',
        [dim],
        undefined,
        this.gammaInitializer,
        this.gammaRegularizer ?? undefined,
        true,
        this.gammaConstraint ?? undefined,
      );
    }
    if (this.center) {
      this.beta = this.addWeight(
        'beta',
        [dim],
        undefined,
        this.betaInitializer,
        this.betaRegularizer ?? undefined,
        true,
        this.betaConstraint ?? undefined,
      );
    }
    this.built = true;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const axis = this.channelAxis(x.rank);
      const last = x.rank - 1;
      // Channels last for the maths; any other channel axis is moved there and back.
      const perm = axis === last ? null : [...Array(x.rank).keys()].filter((i) => i !== axis).concat(axis);
      const xs = perm === null ? x : tf.transpose(x, perm);
      const gamma = this.gamma === null ? null : this.gamma.read();
      const beta = this.beta === null ? null : this.beta.read();
      const y = groupNormalize(xs, this.groupCount, this.epsilon, gamma, beta);
      if (perm === null) return y;
      const inverse = perm.map((_, i) => perm.indexOf(i));
      return tf.transpose(y, inverse);
    });
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: serializeInitializer(this.betaInitializer),
      gammaInitializer: serializeInitializer(this.gammaInitializer),
      betaRegularizer: serializeSerializable(this.betaRegularizer),
      gammaRegularizer: serializeSerializable(this.gammaRegularizer),
      betaConstraint: serializeSerializable(this.betaConstraint),
      gammaConstraint: serializeSerializable(this.gammaConstraint),
    };
    return { ...config, ...super.getConfig() };
  }
}
tf.serialization.registerClass(GroupNormalization);

/** A `GroupNormalization` layer (`tf.layers`-style factory). */
export function groupNormalization(args?: GroupNormalizationLayerArgs): GroupNormalization {
  return new GroupNormalization(args);
}
