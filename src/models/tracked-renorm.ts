/**
 * The experiments' normalization layer on the tfjs-layers path:
 * `BatchRenormalization` that also keeps the moving *biased variance*
 * tfjs-layers' `BatchNormalization` keeps (v ← v + α(var_B − v), var_B
 * without ε, the mean over microbatch groups), so one trained BN model can be
 * evaluated both as Algorithm 1 (moving standard deviation) and as standard
 * batchnorm, y = γ(x − μ)/√(v + ε) + β. Training is unchanged: the variance
 * is only ever read at inference, and only when `inferenceStatistics` is
 * 'variance'. Kit-internal (not serialized, not exported from the package root).
 */
import type { Kwargs, LayerVariable } from '../tf-types';
import { BatchRenormalization, type BatchRenormalizationLayerArgs } from '../renorm/layer';
import { movingAverage, normalizationPlan, renormalizeInInference } from '../renorm/ops';
import { tf } from '../tf';

export class VarianceTrackingRenormalization extends BatchRenormalization {
  /** @nocollapse */
  static override className = 'VarianceTrackingRenormalization';

  /** What inference normalizes with: Algorithm 1's moving standard deviation, or standard BN's √(moving variance + ε). */
  inferenceStatistics: 'stddev' | 'variance' = 'stddev';
  private movingVariance!: LayerVariable;

  constructor(args: BatchRenormalizationLayerArgs = {}) {
    super(args);
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    super.build(inputShape);
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const axis = this.axis >= 0 ? this.axis : this.axis + shape.length;
    this.movingVariance = this.addWeight(
      'moving_variance',
      [shape[axis]!],
      undefined,
      tf.initializers.ones(),
      undefined,
      false,
    );
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const axis = this.axis >= 0 ? this.axis : this.axis + x.rank;
    if (!kwargs['training'] && this.inferenceStatistics === 'variance') {
      return tf.tidy(() => {
        const weight = (name: string) => this.weights.find((w) => w.originalName.endsWith(`/${name}`))?.read() ?? null;
        const shape = x.shape.map((s, i) => (i === axis ? s : 1));
        const bc = (t: tf.Tensor | null) => (t === null ? null : tf.reshape(t, shape));
        const std = tf.sqrt(tf.add(this.movingVariance.read(), this.epsilon));
        return renormalizeInInference(x, bc(weight('moving_mean'))!, bc(std)!, bc(weight('gamma')), bc(weight('beta')));
      });
    }
    if (kwargs['training'] && this.updatesMovingStatistics) {
      tf.tidy(() => {
        const plan = normalizationPlan(x.shape, axis, this.microbatchSize);
        const grouped = plan.groupedShape === null ? x : tf.reshape(x, plan.groupedShape);
        const { variance } = tf.moments(grouped, plan.reductionAxes);
        const target = plan.groups === 1 ? variance : tf.mean(variance, 0);
        this.movingVariance.write(movingAverage(this.movingVariance.read(), tf.reshape(target, [-1]), this.momentum));
      });
    }
    return super.call(inputs, kwargs);
  }
}
