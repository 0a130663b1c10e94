/**
 * Group Normalization (Wu & He 2018, arXiv 1803.08494) as plain functions on
 * tensors; the layer (`layer.ts`) only owns γ and β and calls them.
 *
 * The channels of each example are split into G contiguous groups of C/G;
 * each (example, group) is normalized by its own mean and variance over the
 * group's channels and every spatial position:
 *
 *     μ_ng = mean over (s, c ∈ g) of x[n, s, c],  σ_ng = sqrt(var + ε),
 *     y[n, s, c] = γ_c·(x[n, s, c] − μ_ng)/σ_ng + β_c.
 *
 * The same in training and inference: no batch statistics, no moving
 * averages, no dependence on the other examples of the batch. G = 1 is layer
 * normalization over every non-batch axis (the GN paper's LN, with one γ, β
 * per channel); G = C is instance normalization.
 */
import { tf } from '../tf';

type Tensor = tf.Tensor;

/**
 * Checks that `groups` divides `channels`, naming `where` in the error; -1
 * means one group per channel (instance normalization). Returns the group count.
 */
export function resolveGroups(groups: number, channels: number, where: string): number {
  const g = groups === -1 ? channels : groups;
  if (!Number.isInteger(g) || g < 1)
    throw new Error(`${where}: groups must be a positive integer or -1, got ${groups}`);
  if (g > channels) throw new Error(`${where}: groups (${g}) cannot be more than the channels (${channels})`);
  if (channels % g !== 0) throw new Error(`${where}: groups (${g}) must divide the channels (${channels})`);
  return g;
}

/** The mean and σ = sqrt(var + ε) of each (example, group) of `x` [N, …, C], as [N, G] tensors. */
export function groupMoments(x: Tensor, groups: number, epsilon: number): { mean: Tensor; std: Tensor } {
  return tf.tidy(() => {
    const grouped = toGroups(x, groups);
    const { mean, variance } = tf.moments(grouped, [1, 3]);
    return { mean, std: tf.sqrt(tf.add(variance, epsilon)) };
  });
}

/** `x` [N, …, C] as [N, S, G, C/G], S the product of the spatial sizes (1 for [N, C]). */
function toGroups(x: Tensor, groups: number): Tensor {
  const [n, ...rest] = x.shape;
  const channels = rest[rest.length - 1];
  const spatial = rest.slice(0, -1).reduce((a, b) => a * b, 1);
  return tf.reshape(x, [n, spatial, groups, channels / groups]);
}

/**
 * Group-normalizes `x` [N, …, C] (channels last) in G groups, then scales by
 * γ [C] and shifts by β [C] (null: left out). Differentiable through tfjs
 * autodiff; the kit's fused kernels implement the same maths by hand.
 */
export function groupNormalize(
  x: Tensor,
  groups: number,
  epsilon: number,
  gamma: Tensor | null,
  beta: Tensor | null,
): Tensor {
  return tf.tidy(() => {
    const grouped = toGroups(x, groups);
    const { mean, variance } = tf.moments(grouped, [1, 3], true);
    const normalized = tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, epsilon))), x.shape);
    const scaled = gamma === null ? normalized : tf.mul(normalized, gamma);
    return beta === null ? scaled : tf.add(scaled, beta);
  });
}
