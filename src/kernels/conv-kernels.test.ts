/**
 * The group-norm and convolution kernels against the op-composed path:
 * group norm + ReLU forward and backward against `groupNormalize` + `tf.relu`
 * and tfjs autodiff (scalar and SIMD channel counts, dense and NHWC rows);
 * 2×2 max-pooling against `tf.maxPool` and a
 * hand-routed gradient; renorm and bias + ReLU without their transposed copy.
 */
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { initBackend } from '../backend';
import { groupNormalize } from '../groupnorm/ops';
import { assertClose, assertCloseToScale, fusedIt } from '../testing';
import { tf } from '../tf';
import {
  biasReluForwardOp,
  groupNormReluBackwardOp,
  groupNormReluForwardOp,
  maxPool2BackwardOp,
  maxPool2Op,
  renormReluForwardOp,
} from './index';

before(async () => {
  await initBackend();
});

describe('group norm + ReLU kernels against groupNormalize and autodiff', () => {
  // [examples, rows per example, channels, groups]: dense (one row per example) and NHWC-like rows;
  // 6 and 10 channels take the scalar kernels, multiples of 4 the SIMD ones on wasm.
  const cases: [number, number, number, number][] = [
    [8, 1, 12, 4],
    [6, 1, 10, 2],
    [4, 9, 16, 4],
    [3, 5, 6, 3],
    [2, 12, 8, 1],
  ];
  for (const [N, S, C, G] of cases) {
    for (const transposed of [false, true]) {
      fusedIt(`${N} examples × ${S} rows × ${C} channels, ${G} groups${transposed ? ', with yᵀ' : ''}`, () => {
        const x = tf.randomNormal([N * S, C], 0.4, 1.7, 'float32', 11 + C);
        const gamma = tf.randomUniform([C], 0.5, 1.5, 'float32', 12);
        const beta = tf.randomUniform([C], -0.4, 0.4, 'float32', 13);
        const upstream = tf.randomNormal([N * S, C], 0, 1, 'float32', 14);
        const composed = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
          tf.reshape(tf.relu(groupNormalize(tf.reshape(xv, [N, S, C]), G, 1e-3, g, b)), [N * S, C]);
        const [y, xhat, yT, stats] = groupNormReluForwardOp(x, gamma, beta, {
          groups: G,
          rows: S,
          epsilon: 1e-3,
          transposed,
        });
        assertCloseToScale(y.dataSync(), composed(x, gamma, beta).dataSync(), 'y', 2e-6);
        assert.deepEqual(stats.shape, [N, G, 2]);
        if (transposed) assert.deepEqual(Array.from(yT.dataSync()), Array.from(tf.transpose(y).dataSync()));
        else assert.deepEqual(yT.shape, [C, 0]);
        const [dx, dgamma, dbeta] = groupNormReluBackwardOp(upstream, y, xhat, stats, gamma, { groups: G, rows: S });
        const loss = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(xv, g, b), upstream));
        const [ex, eg, eb] = tf.grads(loss)([x, gamma, beta]);
        assertCloseToScale(dx.dataSync(), ex.dataSync(), 'dx', 2e-5);
        assertCloseToScale(dgamma.dataSync(), eg.dataSync(), 'dgamma', 1e-5);
        assertCloseToScale(dbeta.dataSync(), eb.dataSync(), 'dbeta', 1e-5);
      });
    }
  }
});

describe('max-pooling, and the blocks without their transposed copy', () => {
  // 5 channels take the scalar loop; 8 the SIMD one on wasm (without yᵀ). Rounded values make ties.
  for (const [transposed, C] of [
    [false, 5],
    [true, 5],
    [false, 8],
  ] as const) {
    fusedIt(
      `2×2 max-pooling of ${C} channels with ties: tf.maxPool's output, the first maximum's position, the gradient routed there${transposed ? ', with yᵀ' : ''}`,
      () => {
        const [N, H, W] = [3, 4, 6];
        const x = tf.round(tf.randomNormal([N, H, W, C], 0, 1.5, 'float32', 31));
        const [y, where, yT] = maxPool2Op(x, transposed);
        // tf.maxPool's values; which of a tied −0 and +0 it returns is XNNPACK's choice, so the sign of 0 is not held.
        const unsigned = (t: tf.Tensor) => Array.from(t.dataSync(), (v) => v + 0);
        assert.deepEqual(unsigned(y), unsigned(tf.maxPool(x as tf.Tensor4D, 2, 2, 'valid')));
        if (transposed)
          assert.deepEqual(Array.from(yT.dataSync()), Array.from(tf.transpose(tf.reshape(y, [N, -1])).dataSync()));
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 32);
        const dx = maxPool2BackwardOp(dy, where).dataSync();
        const xs = x.dataSync();
        const dys = dy.dataSync();
        const expected = new Float32Array(xs.length);
        const expectedY = new Float32Array(y.size);
        for (let n = 0; n < N; n++)
          for (let i = 0; i < H / 2; i++)
            for (let j = 0; j < W / 2; j++)
              for (let c = 0; c < C; c++) {
                const at = (a: number, b: number) => ((n * H + 2 * i + a) * W + 2 * j + b) * C + c;
                const window = [at(0, 0), at(0, 1), at(1, 0), at(1, 1)];
                const best = window.reduce((p, q) => (xs[q] > xs[p] ? q : p));
                expected[best] = dys[((n * (H / 2) + i) * (W / 2) + j) * C + c];
                expectedY[((n * (H / 2) + i) * (W / 2) + j) * C + c] = xs[best];
              }
        assert.deepEqual(Array.from(dx), Array.from(expected));
        // The first largest, −0 and +0 told apart.
        assert.deepEqual(Array.from(y.dataSync()), Array.from(expectedY));
      },
    );
  }

  fusedIt('renorm + ReLU and bias + ReLU without yᵀ give the same y and x̂', () => {
    const x = tf.randomNormal([24, 8], 0, 1, 'float32', 41);
    const p = {
      gamma: tf.ones([8]),
      beta: tf.zeros([8]),
      movingMean: tf.zeros([8]),
      movingStd: tf.ones([8]),
      movingVariance: tf.ones([8]),
    };
    const attrs = { epsilon: 1e-3, momentum: 0.99, rmax: 3, dmax: 5, groupSize: 6 };
    const withT = renormReluForwardOp(x, p, attrs);
    const without = renormReluForwardOp(x, p, { ...attrs, transposed: false });
    for (const i of [0, 1, 3, 4, 5, 6])
      assert.deepEqual(Array.from(without[i].dataSync()), Array.from(withT[i].dataSync()));
    assert.deepEqual(without[2].shape, [8, 0]);
    const bias = tf.randomNormal([8], 0, 1, 'float32', 42);
    const [y, yT] = biasReluForwardOp(x, bias, { transposed: false });
    assertClose(y.dataSync(), tf.relu(tf.add(x, bias)).dataSync(), 'bias relu', 0, 0);
    assert.deepEqual(yT.shape, [8, 0]);
  });
});
