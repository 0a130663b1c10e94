/**
 * The reference: Algorithm 1 written step by step as the paper states it,
 * μ_B, σ_B → r, d (through `stopGradient`) → y, and differentiated by tfjs's
 * own autodiff. Slow (every step is its own op and its own gradient) but
 * plainly correct; the tests hold the fused op of `ops.ts` and the experiments'
 * fast kernels to it, and it to the float64 references in `testdata/`.
 */
import { tf } from '../tf';
import { batchMoments, renormCorrection, stopGradient, type RenormClip } from './ops';

type Tensor = tf.Tensor;

/**
 * The training-mode output y = γ·((x − μ_B)/σ_B·r + d) + β of Algorithm 1
 * over `axes`, r and d held constant in the backward pass. `gamma`, `beta`,
 * `movingMean` and `movingStd` must broadcast against `x`; `gamma`/`beta` may
 * be null (scale/center off).
 */
export function referenceRenorm(
  x: Tensor,
  axes: number[],
  params: { gamma: Tensor | null; beta: Tensor | null; movingMean: Tensor; movingStd: Tensor },
  epsilon: number,
  clip: RenormClip,
): Tensor {
  return tf.tidy(() => {
    const { mean, std } = batchMoments(x, axes, epsilon);
    const c = renormCorrection(mean, std, params.movingMean, params.movingStd, clip);
    const xhat = tf.add(tf.mul(tf.div(tf.sub(x, mean), std), stopGradient(c.r)), stopGradient(c.d));
    const scaled = params.gamma === null ? xhat : tf.mul(xhat, params.gamma);
    return params.beta === null ? scaled : tf.add(scaled, params.beta);
  });
}
