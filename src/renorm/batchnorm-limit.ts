/**
 * The batchnorm limit of Algorithm 1: with rmax = 1 and dmax = 0 the layer is
 * batchnorm. `batchnormLimit` measures it against tfjs's own
 * `tf.layers.batchNormalization` on the same input and weights; the tests hold
 * it to float32 rounding and notebook 01 shows it.
 */
import { tf } from '../tf';
import { batchRenormalization } from './layer';

export interface BatchnormLimit {
  /** max |BRN(rmax 1, dmax 0) − tf BatchNormalization| in inference mode, in training mode, and of the moving mean after one training call. */
  inference: number;
  training: number;
  movingMean: number;
  /** Mean |r − 1| and mean |d| of the training call (0 at the limit). */
  meanAbsRMinus1: number;
  meanAbsD: number;
}

/** Compares the two layers on a seeded random input of `shape` (features last) with seeded random weights. */
export function batchnormLimit(shape: number[] = [32, 20], seed = 3): BatchnormLimit {
  const C = shape[shape.length - 1];
  const epsilon = 1e-3;
  const bn = tf.layers.batchNormalization({ momentum: 0.9, epsilon });
  const brn = batchRenormalization({ momentum: 0.9, epsilon, rmax: 1, dmax: 0 });
  try {
    return tf.tidy(() => {
      const x = tf.randomNormal(shape, 1.5, 2, 'float32', seed);
      const gamma = tf.randomUniform([C], 0.5, 1.5, 'float32', seed + 1);
      const beta = tf.randomUniform([C], -0.5, 0.5, 'float32', seed + 2);
      const mean = tf.randomUniform([C], -0.5, 0.5, 'float32', seed + 3);
      const std = tf.randomUniform([C], 0.5, 2, 'float32', seed + 4);
      bn.apply(x);
      brn.apply(x);
      // Same weights: BN stores the variance with ε added at use, BRN the standard deviation.
      bn.setWeights([gamma, beta, mean, tf.sub(tf.square(std), epsilon)]);
      brn.setWeights([gamma, beta, mean, std]);
      const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
      const inference = maxDiff(bn.apply(x) as tf.Tensor, brn.apply(x) as tf.Tensor);
      const training = maxDiff(
        bn.apply(x, { training: true }) as tf.Tensor,
        brn.apply(x, { training: true }) as tf.Tensor,
      );
      const movingMean = maxDiff(bn.getWeights()[2], brn.getWeights()[2]);
      const d = brn.diagnostics()!;
      return { inference, training, movingMean, meanAbsRMinus1: d.meanAbsRMinus1, meanAbsD: d.meanAbsD };
    });
  } finally {
    bn.dispose();
    brn.dispose();
  }
}
