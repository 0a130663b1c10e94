/**
 * The pure functions: the reference composition (`reference.ts`,
 * differentiated by tfjs through stopGradient) against the float64
 * references, and the fused op against the reference where no float64 case
 * exists (microbatches, a feature axis that is not last, rank 4 in groups).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { tf } from '../tf';
import { assertClose, assertCloseToScale } from '../testing';
import { normalizationPlan, renormInTraining, type RenormClip } from './ops';
import { referenceRenorm } from './reference';

before(async () => {
  await initBackend();
});

interface Case {
  name: string;
  shape: number[];
  x: number[];
  upstream: number[];
  params: {
    epsilon: number;
    rmax: number;
    dmax: number;
    gamma: number[];
    beta: number[];
    movingMean: number[];
    movingStd: number[];
  };
  expected: Record<'y' | 'dx' | 'dgamma' | 'dbeta', number[]>;
}
const { cases } = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'src', 'renorm', 'testdata', 'reference.json'), 'utf8'),
) as { cases: Case[] };

function composed(
  x: tf.Tensor,
  axes: number[],
  gamma: tf.Tensor,
  beta: tf.Tensor,
  movingMean: tf.Tensor,
  movingStd: tf.Tensor,
  epsilon: number,
  clip: RenormClip,
): tf.Tensor {
  return referenceRenorm(x, axes, { gamma, beta, movingMean, movingStd }, epsilon, clip);
}

/**
 * dx is checked relative to the case's largest |dx| (float32 rounding of the
 * centred sums scales with it): 2e-3 of it, and 2e-2 in the near-ε cases,
 * where 1/σ_B ≈ 30 amplifies the rounding of x − μ_B.
 */
const DX_TOLERANCE = (name: string) => (name.includes('epsilon') ? 2e-2 : 2e-3);

describe('reference composition against float64 references', () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = c.params;
      const axes = c.shape.slice(0, -1).map((_, i) => i);
      const upstream = tf.tensor(c.upstream, c.shape);
      const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        tf.sum(
          tf.mul(
            composed(x, axes, gamma, beta, tf.tensor1d(p.movingMean), tf.tensor1d(p.movingStd), p.epsilon, p),
            upstream,
          ),
        );
      const x = tf.tensor(c.x, c.shape);
      const y = composed(
        x,
        axes,
        tf.tensor1d(p.gamma),
        tf.tensor1d(p.beta),
        tf.tensor1d(p.movingMean),
        tf.tensor1d(p.movingStd),
        p.epsilon,
        p,
      );
      assertClose(y.dataSync(), c.expected.y, 'y', 1e-4, 1e-4);
      const [dx, dgamma, dbeta] = tf.grads(f)([x, tf.tensor1d(p.gamma), tf.tensor1d(p.beta)]);
      assertCloseToScale(dx.dataSync(), c.expected.dx, 'dx', DX_TOLERANCE(c.name));
      assertClose(dgamma.dataSync(), c.expected.dgamma, 'dgamma', 1e-4, 1e-4);
      assertClose(dbeta.dataSync(), c.expected.dbeta, 'dbeta', 1e-5, 1e-5);
    });
  }
});

describe('fused op against the composition', () => {
  const clip = { rmax: 1.3, dmax: 0.4 };
  const C = 3;
  const gamma = tf.tensor1d([0.7, 1.2, 1.5]);
  const beta = tf.tensor1d([0.1, -0.2, 0.3]);
  const movingMean = tf.tensor1d([0.2, -0.1, 0.5]);
  const movingStd = tf.tensor1d([1.4, 0.9, 2.5]);

  it('microbatches: output and gradients equal those of each group on its own', () => {
    const x = tf.randomNormal([8, C], 0.4, 1.5, 'float32', 21);
    const upstream = tf.randomNormal([8, C], 0, 1, 'float32', 22);
    const plan = normalizationPlan([8, C], 1, 2);
    const fused = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(renormInTraining(xv, plan, { gamma: g, beta: b, movingMean, movingStd }, 1e-3, clip).y, upstream));
    const perGroup = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.concat(
            [0, 1, 2, 3].map((i) =>
              composed(tf.slice(xv, [2 * i, 0], [2, C]), [0], g, b, movingMean, movingStd, 1e-3, clip),
            ),
          ),
          upstream,
        ),
      );
    const args = [x, gamma, beta];
    assertClose(fused(x, gamma, beta).dataSync(), perGroup(x, gamma, beta).dataSync(), 'loss', 1e-5, 1e-5);
    const a = tf.grads(fused)(args);
    const b = tf.grads(perGroup)(args);
    ['dx', 'dgamma', 'dbeta'].forEach((name, i) => assertClose(a[i].dataSync(), b[i].dataSync(), name, 1e-4, 1e-5));
  });

  it('a feature axis that is not last (NCHW) equals the NHWC result', () => {
    const nhwc = tf.randomNormal([2, 4, 4, C], 0, 2, 'float32', 23);
    const upstream = tf.randomNormal([2, 4, 4, C], 0, 1, 'float32', 24);
    const toNchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const last = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          renormInTraining(
            xv,
            normalizationPlan(xv.shape, 3, null),
            { gamma: g, beta: b, movingMean, movingStd },
            1e-3,
            clip,
          ).y,
          upstream,
        ),
      );
    const first = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const xc = toNchw(xv);
      return tf.sum(
        tf.mul(
          renormInTraining(
            xc,
            normalizationPlan(xc.shape, 1, 2),
            { gamma: g, beta: b, movingMean, movingStd },
            1e-3,
            clip,
          ).y,
          toNchw(upstream),
        ),
      );
    };
    const lastGroups = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          renormInTraining(
            xv,
            normalizationPlan(xv.shape, 3, 2),
            { gamma: g, beta: b, movingMean, movingStd },
            1e-3,
            clip,
          ).y,
          upstream,
        ),
      );
    const args = [nhwc, gamma, beta];
    const a = tf.grads(lastGroups)(args);
    const b = tf.grads(first)(args);
    ['dx', 'dgamma', 'dbeta'].forEach((name, i) => assertClose(a[i].dataSync(), b[i].dataSync(), name, 1e-4, 1e-5));
    // And the single-group NHWC case against the composition.
    const comp = (xv: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(composed(xv, [0, 1, 2], g, bb, movingMean, movingStd, 1e-3, clip), upstream));
    const c1 = tf.grads(last)(args);
    const c2 = tf.grads(comp)(args);
    ['dx', 'dgamma', 'dbeta'].forEach((name, i) => assertClose(c1[i].dataSync(), c2[i].dataSync(), name, 1e-4, 1e-5));
  });

  it('center and scale off', () => {
    const x = tf.randomNormal([6, C], 1, 3, 'float32', 25);
    const out = renormInTraining(
      x,
      normalizationPlan([6, C], 1, null),
      { gamma: null, beta: null, movingMean, movingStd },
      1e-3,
      clip,
    ).y;
    const expected = composed(x, [0], tf.onesLike(gamma), tf.zerosLike(beta), movingMean, movingStd, 1e-3, clip);
    assertClose(out.dataSync(), expected.dataSync(), 'y', 1e-5, 1e-5);
  });
});
