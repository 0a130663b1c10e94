/**
 * The mathematics of Batch Renormalization (Ioffe 2017, Algorithm 1) as pure
 * functions of tensors. The layer in `layer.ts` owns the variables and calls
 * these; they hold no state and can be tested, differentiated and reused alone.
 * The unfused composition that the tests check the fused op against is in
 * `reference.ts`.
 *
 * Shapes: `x` has any rank; statistics are computed over every axis but the
 * feature axis and kept with `keepDims`, so they broadcast against `x`. With
 * microbatches, `x` is first viewed as [groups, groupSize, ...rest] and the
 * statistics keep the leading group axis: one mean and std per group.
 */
import { tf } from '../tf';
import { clipBounds, type RenormClip } from './clip';

export { validateClip, type RenormClip } from './clip';

type Tensor = tf.Tensor;

const stopGradientOp = tf.customGrad(((x: Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: Tensor | Tensor[]) => tf.zerosLike(dy as Tensor),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * Identity in the forward pass and a zero gradient in the backward pass: the
 * `stop_gradient` of Algorithm 1, which TensorFlow.js does not provide.
 */
export function stopGradient<T extends Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}

/** How a layer input is viewed for normalization. */
export interface NormalizationPlan {
  /** Shape the input is reshaped to before computing statistics (null: as is). */
  groupedShape: number[] | null;
  /** Axes of the (grouped) input that statistics reduce over. */
  reductionAxes: number[];
  /** Shape that per-feature vectors ([C]) take to broadcast against the (grouped) input. */
  broadcastShape: number[];
  /** Number of groups the statistics are computed in (1 without microbatches). */
  groups: number;
  /** The feature axis of the (grouped) input. */
  featureAxis: number;
}

/**
 * Works out how to normalize an input of `shape` over every axis but
 * `featureAxis`, optionally in consecutive groups of `microbatchSize` examples
 * along axis 0.
 */
export function normalizationPlan(
  shape: number[],
  featureAxis: number,
  microbatchSize: number | null,
): NormalizationPlan {
  const rank = shape.length;
  if (!Number.isInteger(featureAxis) || featureAxis < 0 || featureAxis >= rank) {
    throw new Error(`Feature axis ${featureAxis} is out of range for an input of rank ${rank} (shape [${shape}])`);
  }
  const batch = shape[0];
  if (microbatchSize === null || microbatchSize === batch) {
    const reductionAxes = shape.map((_, i) => i).filter((i) => i !== featureAxis);
    const broadcastShape = shape.map((s, i) => (i === featureAxis ? s : 1));
    return { groupedShape: null, reductionAxes, broadcastShape, groups: 1, featureAxis };
  }
  if (featureAxis === 0) {
    throw new Error('Microbatch normalization groups examples along axis 0, which cannot also be the feature axis');
  }
  if (batch % microbatchSize !== 0) {
    throw new Error(`Microbatch size ${microbatchSize} does not divide the batch size ${batch}`);
  }
  const groups = batch / microbatchSize;
  const groupedShape = [groups, microbatchSize, ...shape.slice(1)];
  const groupedFeatureAxis = featureAxis + 1;
  const reductionAxes = groupedShape.map((_, i) => i).filter((i) => i !== 0 && i !== groupedFeatureAxis);
  const broadcastShape = groupedShape.map((s, i) => (i === groupedFeatureAxis ? s : 1));
  return { groupedShape, reductionAxes, broadcastShape, groups, featureAxis: groupedFeatureAxis };
}

/**
 * Batch statistics over `axes` (kept as size-1 dims):
 * μ_B = mean(x), σ_B = sqrt(mean((x − μ_B)²) + ε) — the biased variance, with
 * ε inside the square root, as in Algorithm 1.
 */
export function batchMoments(x: Tensor, axes: number[], epsilon: number): { mean: Tensor; std: Tensor } {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, axes, true);
    return { mean, std: tf.sqrt(tf.add(variance, epsilon)) };
  });
}

/** The renorm correction, clipped and unclipped. */
export interface RenormCorrection {
  /** r = clip(σ_B/σ, 1/rmax, rmax). */
  r: Tensor;
  /** d = clip((μ_B − μ)/σ, −dmax, dmax). */
  d: Tensor;
  /** σ_B/σ before clipping. */
  rUnclipped: Tensor;
  /** (μ_B − μ)/σ before clipping. */
  dUnclipped: Tensor;
}

/**
 * r and d of Algorithm 1, from batch statistics and the moving mean μ and
 * moving standard deviation σ (all broadcasting against each other). This is
 * the one place r and d are clipped. Algorithm 1 holds them constant in the
 * backward pass: the fused op does so by its own gradient, the reference
 * composition by `stopGradient`.
 */
export function renormCorrection(
  batchMean: Tensor,
  batchStd: Tensor,
  movingMean: Tensor,
  movingStd: Tensor,
  clip: RenormClip,
): RenormCorrection {
  return tf.tidy(() => {
    const b = clipBounds(clip);
    const rUnclipped = tf.div(batchStd, movingStd);
    const dUnclipped = tf.div(tf.sub(batchMean, movingMean), movingStd);
    return {
      r: tf.clipByValue(rUnclipped, b.rLow, b.rHigh),
      d: tf.clipByValue(dUnclipped, b.dLow, b.dHigh),
      rUnclipped,
      dUnclipped,
    };
  });
}

/**
 * The moving-average update of Algorithm 1, μ ← μ + α(target − μ) with
 * α = 1 − momentum, for the moving mean and the moving standard deviation alike.
 */
export function movingAverage(current: Tensor, target: Tensor, momentum: number): Tensor {
  return tf.tidy(() => tf.add(current, tf.mul(tf.sub(target, current), 1 - momentum)));
}

/**
 * The inference-mode output y = γ·(x − μ)/σ + β with the moving mean μ and
 * moving standard deviation σ, shaped to broadcast against `x`.
 */
export function renormalizeInInference(
  x: Tensor,
  movingMean: Tensor,
  movingStd: Tensor,
  gamma: Tensor | null,
  beta: Tensor | null,
): Tensor {
  return tf.tidy(() => {
    let scale = tf.reciprocal(movingStd);
    if (gamma !== null) scale = tf.mul(scale, gamma);
    let offset = tf.neg(tf.mul(movingMean, scale));
    if (beta !== null) offset = tf.add(offset, beta);
    return tf.add(tf.mul(x, scale), offset);
  });
}

/** Everything one training-mode pass produces. */
export interface RenormTrainingResult extends RenormCorrection {
  /** The normalized output, in the input's shape. */
  y: Tensor;
  /** μ_B averaged over groups, shape [C]: the target of the moving-mean update. */
  meanTarget: Tensor;
  /** σ_B averaged over groups, shape [C]: the target of the moving-std update. */
  stdTarget: Tensor;
}

/**
 * One training-mode pass of Algorithm 1 for input `x` under `plan`, with
 * per-feature vectors of shape [C]. Returns the output, r and d, and the
 * targets the moving statistics move toward (the mean over groups of μ_B and
 * σ_B; with one group, μ_B and σ_B themselves).
 *
 * The pass is one fused differentiable op whose backward pass is the paper's
 * (section 3, r and d constant), simplified with x̂₀ = (x − μ_B)/σ_B and
 * g = ∂ℓ/∂y·γ to ∂ℓ/∂x = (r/σ_B)·(g − mean(g) − x̂₀·mean(g·x̂₀)),
 * ∂ℓ/∂γ = Σ ∂ℓ/∂y·(r·x̂₀ + d), ∂ℓ/∂β = Σ ∂ℓ/∂y (means over each group's
 * statistics axes, sums over everything but the feature axis). It gives the
 * same values as differentiating the unfused composition in `reference.ts`
 * (the tests check both against float64 references) with about half the
 * operations, which is what keeps a renorm step as cheap as a batchnorm step.
 */
export function renormInTraining(
  x: Tensor,
  plan: NormalizationPlan,
  params: { gamma: Tensor | null; beta: Tensor | null; movingMean: Tensor; movingStd: Tensor },
  epsilon: number,
  clip: RenormClip,
): RenormTrainingResult {
  const rank = plan.broadcastShape.length;
  // Per-feature vectors broadcast as they are when the feature axis is last.
  const bc = (t: Tensor) => (plan.featureAxis === rank - 1 ? t : tf.reshape(t, plan.broadcastShape));
  const channels = params.movingMean.shape;
  const perGroup =
    plan.groupedShape === null
      ? x.size / x.shape[plan.featureAxis]
      : plan.groupedShape.reduce((a, b) => a * b, 1) / (plan.groups * plan.groupedShape[plan.featureAxis]);
  const toChannels = (t: Tensor) => tf.reshape(plan.groups === 1 ? t : tf.sum(t, 0), channels);
  let side: Record<'r' | 'd' | 'rUnclipped' | 'dUnclipped' | 'meanTarget' | 'stdTarget', Tensor> | null = null;

  const op = tf.customGrad(((xg: Tensor, gamma: Tensor, beta: Tensor, save: (t: Tensor[]) => void) => {
    const { mean, std } = batchMoments(xg, plan.reductionAxes, epsilon);
    const { r, d, rUnclipped, dUnclipped } = renormCorrection(
      mean,
      std,
      bc(params.movingMean),
      bc(params.movingStd),
      clip,
    );
    const xhat0 = tf.mul(tf.sub(xg, mean), tf.reciprocal(std));
    const g = bc(gamma);
    const y = tf.add(tf.mul(xhat0, tf.mul(g, r)), tf.add(tf.mul(g, d), bc(beta)));
    const overGroups = (t: Tensor) => tf.reshape(plan.groups === 1 ? t : tf.mean(t, 0), channels);
    side = { r, d, rUnclipped, dUnclipped, meanTarget: overGroups(mean), stdTarget: overGroups(std) };
    for (const t of Object.values(side)) tf.keep(t);
    save([xhat0, r, d, std, g]);
    return {
      value: y,
      gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[]) => {
        const dy = dyIn as Tensor;
        const [xh, rs, ds, sd, gs] = saved;
        const meanDy = tf.mean(dy, plan.reductionAxes, true);
        const meanDyXhat = tf.mean(tf.mul(dy, xh), plan.reductionAxes, true);
        const dx = tf.mul(tf.sub(tf.sub(dy, meanDy), tf.mul(xh, meanDyXhat)), tf.div(tf.mul(gs, rs), sd));
        const dgamma = tf.mul(tf.add(tf.mul(rs, meanDyXhat), tf.mul(ds, meanDy)), perGroup);
        const dbeta = tf.mul(meanDy, perGroup);
        return [dx, toChannels(dgamma), toChannels(dbeta)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);

  const result = tf.tidy(() => {
    const grouped = plan.groupedShape === null ? x : tf.reshape(x, plan.groupedShape);
    const out = op(
      grouped,
      params.gamma ?? tf.onesLike(params.movingMean),
      params.beta ?? tf.zerosLike(params.movingMean),
    );
    const y = plan.groupedShape === null ? out : tf.reshape(out, x.shape);
    const s = side!;
    return {
      y,
      r: s.r.clone(),
      d: s.d.clone(),
      rUnclipped: s.rUnclipped.clone(),
      dUnclipped: s.dUnclipped.clone(),
      meanTarget: s.meanTarget.clone(),
      stdTarget: s.stdTarget.clone(),
    };
  });
  tf.dispose(Object.values(side!));
  return result;
}
