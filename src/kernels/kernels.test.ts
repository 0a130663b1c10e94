/**
 * The fused kernels against the op-composed path they replace: renorm + ReLU
 * (forward, backward through tfjs autodiff of `renormInTraining` + `tf.relu`,
 * inference, microbatch groups), softmax cross-entropy against
 * `tf.losses.softmaxCrossEntropy` and its autodiff gradient, RMSProp against
 * tfjs's optimizer, the matrix products against sums in order and tf.matMul
 * (the fused trainer is held to the layers trainer in
 * `train/fused-mlp.test.ts`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { normalizationPlan, renormalizeInInference, renormInTraining } from '../renorm/ops';
import { assertClose, assertCloseToScale, fusedIt } from '../testing';
import { tf } from '../tf';
import {
  matMulOp,
  movingAverageUpdateOp,
  renormReluBackwardOp,
  renormReluForwardOp,
  renormReluInferenceOp,
  rmsPropUpdateOp,
  softmaxCrossEntropyOp,
  STATS_ROWS,
} from './index';

before(async () => {
  await initBackend();
});

/** Per-feature parameters for C features (C = 6 takes the scalar kernels; multiples of 4 take the SIMD ones on wasm). */
const params = (C: number) => ({
  gamma: tf.randomUniform([C], 0.5, 1.5, 'float32', 51),
  beta: tf.randomUniform([C], -0.3, 0.3, 'float32', 52),
  movingMean: tf.randomUniform([C], -0.5, 0.5, 'float32', 53),
  movingStd: tf.randomUniform([C], 0.6, 2.5, 'float32', 54),
  movingVariance: tf.randomUniform([C], 0.4, 6, 'float32', 55),
});

describe('fused kernels against the op-composed path', () => {
  for (const [C, groupSize] of [
    [6, 16],
    [6, 4],
    [8, 16],
    [12, 4],
  ]) {
    fusedIt(`renorm + ReLU, forward and backward, ${C} features, groups of ${groupSize}`, () => {
      const x = tf.randomNormal([16, C], 0.3, 1.6, 'float32', 41);
      const upstream = tf.randomNormal([16, C], 0, 1, 'float32', 42);
      const p = params(C);
      const clip = { rmax: 1.3, dmax: 0.4 };
      const plan = normalizationPlan([16, C], 1, groupSize);
      const composed = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.relu(
          renormInTraining(
            xv,
            plan,
            { gamma: g, beta: b, movingMean: p.movingMean, movingStd: p.movingStd },
            1e-3,
            clip,
          ).y,
        );
      const [y, xhat, yT, stats, mean, std, variance] = renormReluForwardOp(x, p, {
        epsilon: 1e-3,
        ...clip,
        groupSize,
        momentum: 0.9,
      });
      const expected = composed(x, p.gamma, p.beta);
      assertCloseToScale(y.dataSync(), expected.dataSync(), 'y', 1e-5);
      assertClose(yT.dataSync(), tf.transpose(expected).dataSync(), 'yT', 1e-5, 1e-5);
      assert.deepEqual(stats.shape, [16 / groupSize, STATS_ROWS, C]);
      // The moving statistics move toward the mean over groups, as the layer does.
      const out = renormInTraining(x, plan, { ...p }, 1e-3, clip);
      assertClose(
        mean.dataSync(),
        tf.add(p.movingMean, tf.mul(tf.sub(out.meanTarget, p.movingMean), 0.1)).dataSync(),
        'moving mean',
        1e-5,
        1e-6,
      );
      assertClose(
        std.dataSync(),
        tf.add(p.movingStd, tf.mul(tf.sub(out.stdTarget, p.movingStd), 0.1)).dataSync(),
        'moving std',
        1e-5,
        1e-6,
      );
      // The moving biased variance, toward the mean over groups of each group's variance (no ε).
      const groupVariance = tf.mean(tf.moments(tf.reshape(x, [16 / groupSize, groupSize, C]), 1).variance, 0);
      assertClose(
        variance.dataSync(),
        tf.add(p.movingVariance, tf.mul(tf.sub(groupVariance, p.movingVariance), 0.1)).dataSync(),
        'moving variance',
        1e-5,
        1e-6,
      );
      assertClose(tf.slice(stats, [0, 2, 0], [-1, 1, -1]).dataSync(), out.r.dataSync(), 'r', 1e-5, 1e-6);
      assertClose(tf.slice(stats, [0, 3, 0], [-1, 1, -1]).dataSync(), out.d.dataSync(), 'd', 1e-5, 1e-6);
      const [dx, dgamma, dbeta] = renormReluBackwardOp(upstream, y, xhat, stats, p.gamma, groupSize);
      const grads = tf.grads((xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(composed(xv, g, b), upstream)),
      )([x, p.gamma, p.beta]);
      assertCloseToScale(dx.dataSync(), grads[0].dataSync(), 'dx', 2e-4);
      assertCloseToScale(dgamma.dataSync(), grads[1].dataSync(), 'dgamma', 1e-5);
      assertCloseToScale(dbeta.dataSync(), grads[2].dataSync(), 'dbeta', 1e-5);
    });
  }

  fusedIt('renorm + ReLU in inference mode', () => {
    const C = 6;
    const x = tf.randomNormal([10, C], 0.3, 1.6, 'float32', 43);
    const p = params(C);
    const expected = tf.relu(renormalizeInInference(x, p.movingMean, p.movingStd, p.gamma, p.beta));
    assertCloseToScale(renormReluInferenceOp(x, p).dataSync(), expected.dataSync(), 'y', 1e-6);
  });

  fusedIt('softmax cross-entropy: loss, gradient, correct count', () => {
    const z = tf.randomNormal([12, 5], 0, 3, 'float32', 44);
    const bias = tf.tensor1d([0.1, -0.3, 0.2, 0, 0.5]);
    const labels = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1], 'int32');
    const loss = (zv: tf.Tensor, b: tf.Tensor) =>
      tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 5), tf.add(zv, b)) as tf.Scalar;
    const [dz, db, tally] = softmaxCrossEntropyOp(z, bias, tf.cast(labels, 'float32'));
    const [gz, gb] = tf.grads(loss)([z, bias]);
    assertCloseToScale(dz.dataSync(), gz.dataSync(), 'dz', 1e-5);
    assertCloseToScale(db.dataSync(), gb.dataSync(), 'db', 1e-5);
    const [l, correct] = tally.dataSync();
    assertClose([l], loss(z, bias).dataSync(), 'loss', 1e-5);
    assert.equal(correct, tf.sum(tf.cast(tf.equal(tf.argMax(tf.add(z, bias), 1), labels), 'int32')).dataSync()[0]);
  });

  fusedIt('moving average of the parameters: s − (1 − δ)(s − v), fresh outputs, the inputs left alone', () => {
    for (const n of [7, 12, 103]) {
      const s = tf.randomNormal([n], 0, 1, 'float32', 60 + n);
      const v = tf.randomNormal([n], 2, 1, 'float32', 61 + n);
      const before = Array.from(s.dataSync());
      const [out] = movingAverageUpdateOp([{ shadow: s, value: v }], { decay: 0.9 });
      const expected = before.map((x, i) => x - (x - v.dataSync()[i]) * (1 - 0.9));
      assertClose(out.dataSync(), expected, `average of ${n} values`, 1e-6, 1e-6);
      assert.deepEqual(Array.from(s.dataSync()), before, 'the shadow passed in is not written');
      assert.notEqual(out.dataId, s.dataId);
    }
  });

  fusedIt(
    'matrix products: float32 sums over k in order at every tile edge, aᵀ by strides, as tf.matMul on wasm',
    () => {
      for (const [m, k, n] of [
        [32, 784, 100],
        [9, 17, 13],
        [5, 3, 4],
        [1, 1, 1],
        [6, 5, 10],
      ]) {
        const a = tf.randomNormal([m, k], 0, 1, 'float32', 70 + m);
        const b = tf.randomNormal([k, n], 0, 1, 'float32', 71 + n);
        const [A, B] = [a.dataSync(), b.dataSync()];
        const inOrder = new Float32Array(m * n);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < n; j++) {
            let sum = 0;
            for (let q = 0; q < k; q++) sum = Math.fround(sum + Math.fround(A[i * k + q] * B[q * n + j]));
            inOrder[i * n + j] = sum;
          }
        const kernel = (x: tf.Tensor, transposeA: boolean) =>
          (tf.engine().runKernel('BrnMatMul', { a: x, b }, { transposeA }) as unknown as tf.Tensor[])[0].dataSync();
        const shape = `${m}×${k}·${k}×${n}`;
        assert.deepEqual(kernel(a, false), inOrder, shape);
        assert.deepEqual(kernel(tf.transpose(a), true), inOrder, `${shape}, a transposed`);
        assert.deepEqual(matMulOp(tf.transpose(a), b, true).dataSync(), matMulOp(a, b).dataSync(), `${shape}, op`);
        // What lets the trainers use it without changing a logged bit.
        if (tf.getBackend() === 'wasm') assert.deepEqual(tf.matMul(a, b).dataSync(), inOrder, `${shape}, tf.matMul`);
      }
      assert.throws(
        () => tf.engine().runKernel('BrnMatMul', { a: tf.zeros([2, 3]), b: tf.zeros([4, 5]) }, { transposeA: false }),
        /matMul of \[2,3\] and \[4,5\]: the inner dimensions differ/,
      );
    },
  );

  fusedIt("RMSProp: three steps equal tfjs's optimizer", () => {
    const w0 = tf.randomNormal([7, 3], 0, 1, 'float32', 45);
    const v = tf.variable(w0.clone());
    const opt = tf.train.rmsprop(0.01, 0.9, 0.9, 1e-6);
    let w = w0;
    const ms = tf.zerosLike(w0);
    const mom = tf.zerosLike(w0);
    for (let s = 0; s < 3; s++) {
      const g = tf.randomNormal([7, 3], 0, 1, 'float32', 46 + s);
      opt.applyGradients({ [v.name]: g });
      [w] = rmsPropUpdateOp([{ w, g, ms, mom }], { learningRate: 0.01, decay: 0.9, momentum: 0.9, epsilon: 1e-6 });
    }
    assertClose(w.dataSync(), v.dataSync(), 'weights', 1e-5, 1e-6);
  });
});

describe('build and backends', () => {
  it('the committed SIMD binary is simd.wat assembled', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build-simd.mjs'), '--check'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
  });

  it(
    "these tests and the fused trainer's pass on the cpu backend too (the scalar kernels on plain typed arrays)",
    { skip: process.env.BRN_BACKEND !== undefined && 'already running under a forced backend' },
    () => {
      // Without NODE_TEST_CONTEXT, so the child reports in TAP as a run of its own.
      const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
      const files = [
        __filename,
        join(__dirname, 'conv-kernels.test.js'),
        join(__dirname, '..', 'train', 'fused-mlp.test.js'),
      ];
      const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], {
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...env, BRN_BACKEND: 'cpu' },
      });
      assert.equal(r.status, 0, r.stdout.slice(-3000));
      assert.match(r.stdout, /# fail 0/);
      assert.doesNotMatch(r.stdout, /# pass 0\b/);
    },
  );
});
