/**
 * The fused kernels against the op-composed path they replace: renorm + ReLU
 * (forward, backward through tfjs autodiff of `renormInTraining` + `tf.relu`,
 * inference, microbatch groups), softmax cross-entropy against
 * `tf.losses.softmaxCrossEntropy` and its autodiff gradient, RMSProp against
 * tfjs's optimizer; and the fused trainer against the layers trainer.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { coveringBatches, iidSampler, sampledBatches } from '../data/samplers';
import { BASE } from '../experiments/config';
import { FusedMlpTrainer } from '../experiments/fused-trainer';
import { LayersTrainer, STANDARD_EVAL, type EvalWeights } from '../experiments/trainer';
import type { ModelConfig } from '../models';
import { normalizationPlan, renormalizeInInference, renormInTraining } from '../renorm/ops';
import { assertClose, assertCloseToScale } from '../testing';
import { tf } from '../tf';
import {
  fusedKernelsAvailable,
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

/** A test that runs where the active backend has the fused kernels (wasm, cpu) and is skipped, saying so, elsewhere. */
function fusedIt(name: string, fn: () => void | Promise<void>): void {
  it(name, async (t) => {
    if (!fusedKernelsAvailable()) {
      t.skip(`backend ${tf.getBackend()} has no fused kernels`);
      return;
    }
    await fn();
  });
}

/** Per-feature parameters for C features (C = 6 takes the scalar kernels; multiples of 4 take the SIMD ones on wasm). */
const params = (C: number) => ({
  gamma: tf.randomUniform([C], 0.5, 1.5, 'float32', 51),
  beta: tf.randomUniform([C], -0.3, 0.3, 'float32', 52),
  movingMean: tf.randomUniform([C], -0.5, 0.5, 'float32', 53),
  movingStd: tf.randomUniform([C], 0.6, 2.5, 'float32', 54),
  movingVariance: tf.randomUniform([C], 0.4, 6, 'float32', 55),
});

describe('fused kernels against the op-composed path', () => {
  for (const [C, groupSize] of [[6, 16], [6, 4], [8, 16], [12, 4]]) {
    fusedIt(`renorm + ReLU, forward and backward, ${C} features, groups of ${groupSize}`, () => {
      const x = tf.randomNormal([16, C], 0.3, 1.6, 'float32', 41);
      const upstream = tf.randomNormal([16, C], 0, 1, 'float32', 42);
      const p = params(C);
      const clip = { rmax: 1.3, dmax: 0.4 };
      const plan = normalizationPlan([16, C], 1, groupSize);
      const composed = (xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.relu(renormInTraining(xv, plan, { gamma: g, beta: b, movingMean: p.movingMean, movingStd: p.movingStd }, 1e-3, clip).y);
      const [y, xhat, yT, stats, mean, std, variance] = renormReluForwardOp(x, p, { epsilon: 1e-3, ...clip, groupSize, momentum: 0.9 });
      const expected = composed(x, p.gamma, p.beta);
      assertCloseToScale(y.dataSync(), expected.dataSync(), 'y', 1e-5);
      assertClose(yT.dataSync(), tf.transpose(expected).dataSync(), 'yT', 1e-5, 1e-5);
      assert.deepEqual(stats.shape, [16 / groupSize, STATS_ROWS, C]);
      // The moving statistics move toward the mean over groups, as the layer does.
      const out = renormInTraining(x, plan, { ...p }, 1e-3, clip);
      assertClose(mean.dataSync(), tf.add(p.movingMean, tf.mul(tf.sub(out.meanTarget, p.movingMean), 0.1)).dataSync(), 'moving mean', 1e-5, 1e-6);
      assertClose(std.dataSync(), tf.add(p.movingStd, tf.mul(tf.sub(out.stdTarget, p.movingStd), 0.1)).dataSync(), 'moving std', 1e-5, 1e-6);
      // The moving biased variance, toward the mean over groups of each group's variance (no ε).
      const groupVariance = tf.mean(tf.moments(tf.reshape(x, [16 / groupSize, groupSize, C]), 1).variance, 0);
      assertClose(variance.dataSync(), tf.add(p.movingVariance, tf.mul(tf.sub(groupVariance, p.movingVariance), 0.1)).dataSync(), 'moving variance', 1e-5, 1e-6);
      assertClose(tf.slice(stats, [0, 2, 0], [-1, 1, -1]).dataSync(), out.r.dataSync(), 'r', 1e-5, 1e-6);
      assertClose(tf.slice(stats, [0, 3, 0], [-1, 1, -1]).dataSync(), out.d.dataSync(), 'd', 1e-5, 1e-6);
      const [dx, dgamma, dbeta] = renormReluBackwardOp(upstream, y, xhat, stats, p.gamma, groupSize);
      const grads = tf.grads((xv: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(composed(xv, g, b), upstream)))([x, p.gamma, p.beta]);
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
    const loss = (zv: tf.Tensor, b: tf.Tensor) => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 5), tf.add(zv, b)) as tf.Scalar;
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

describe('the fused trainer against the layers trainer', () => {
  const data = new DataCache();
  const model = (normalization: ModelConfig['normalization'], microbatchSize: number | null): ModelConfig => ({ architecture: 'mlp', hidden: [100, 100, 100], normalization, microbatchSize, normLayer: BASE.normLayer, imageSize: 28, classes: 10 });
  for (const [normalization, microbatchSize, clip] of [['brn', null, { rmax: 1.5, dmax: 0.5 }], ['bn', 4, null], ['none', null, null]] as const) {
    fusedIt(`${normalization}${microbatchSize === null ? '' : `, microbatches of ${microbatchSize}`}: same loss curve over 60 steps, same evaluation on the same weights`, async () => {
      const d = data.get(BASE);
      const fused = new FusedMlpTrainer(model(normalization, microbatchSize), 1, BASE.optimizer, BASE.emaDecay);
      const layers = new LayersTrainer(model(normalization, microbatchSize), 1, BASE.optimizer, BASE.emaDecay);
      const samplers = [iidSampler(d.train.count, 32, 1), iidSampler(d.train.count, 32, 1)];
      const curves: number[][] = [[], []];
      for (let s = 0; s < 60; s++) {
        [fused, layers].forEach((t, i) => {
          t.step(d.train, samplers[i].next(), clip, 1e-3);
          if (s % 10 === 9) curves[i].push(t.readTally().loss);
        });
      }
      // The paths round differently (float64 or SIMD float32 in the kernels, float32 per op in tfjs), and
      // training amplifies the difference: the first 20 steps are held to 0.1%, the whole curve to 1%;
      // statistics over 4 examples, where 1/σ_B can be large, amplify it fastest and get only the first.
      assertClose(curves[0].slice(0, 2), curves[1].slice(0, 2), 'mean loss of steps 1-20', 1e-3, 0);
      if (microbatchSize === null) assertClose(curves[0], curves[1], 'mean loss of each 10 steps', 1e-2, 0);
      // Evaluation on the same weights: the layers model takes the fused trainer's (and their average).
      const state = await fused.state();
      layers.loadWeights(state.weights, state.average);
      const modes: EvalWeights[] = [STANDARD_EVAL, { average: true, statistics: 'stddev' }];
      if (normalization === 'bn') modes.push({ average: false, statistics: 'variance' }, { average: true, statistics: 'variance' });
      for (const mode of modes) {
        const acc = [fused, layers].map((t) => t.inferenceAccuracy(d.validation, mode));
        assert.ok(Math.abs(acc[0] - acc[1]) <= 2e-4, `validation accuracy ${JSON.stringify(mode)}: ${acc[0]} vs ${acc[1]}`);
      }
      // The evaluations differ from each other (each reads other values).
      assert.notEqual(fused.inferenceAccuracy(d.validation, modes[1]), fused.inferenceAccuracy(d.validation));
      const stats = [fused, layers].map((t) => t.batchStats(d.validation, sampledBatches(iidSampler(d.validation.count, 32, 5), 5)));
      assert.ok(Math.abs(stats[0].accuracy - stats[1].accuracy) <= 1 / 160 && Math.abs(stats[0].logitGap - stats[1].logitGap) <= 1e-3 * stats[1].logitGap + 1e-6, JSON.stringify(stats));
      if (normalization !== 'none') assert.equal(fused.diagnostics().length, 3);
      fused.dispose();
      layers.dispose();
    });
  }

  fusedIt('one step gives the same weights, moving statistics and optimizer slots as the layers path', async () => {
    const d = data.get(BASE);
    const byName = (xs: { name: string; values: Float32Array }[]) => new Map(xs.map((x) => [x.name.replace(/_\d+$/, ''), x.values]));
    for (const [normalization, microbatchSize] of [['brn', 4], ['none', null]] as const) {
      const trainers = [new FusedMlpTrainer(model(normalization, microbatchSize), 3, BASE.optimizer, BASE.emaDecay), new LayersTrainer(model(normalization, microbatchSize), 3, BASE.optimizer, BASE.emaDecay)];
      const initial = byName((await trainers[1].state()).weights);
      const positions = iidSampler(d.train.count, 32, 3).next();
      trainers.forEach((t) => t.step(d.train, positions, { rmax: 2, dmax: 1 }, 1e-3));
      const [fused, layers] = await Promise.all(trainers.map((t) => t.state()));
      const expected = byName(layers.weights);
      assert.equal(fused.weights.length, layers.weights.length);
      // Both start from the same weights; the changes one step makes are compared, to 0.1% of the largest.
      const delta = (after: Float32Array, name: string) => after.map((v, i) => v - initial.get(name)![i]);
      for (const w of fused.weights) assertCloseToScale(delta(w.values, w.name), delta(expected.get(w.name)!, w.name), `${normalization}: change of ${w.name}`, 1e-3);
      trainers.forEach((t) => t.dispose());
    }
  });

  fusedIt('the average follows every step: s₀ = the initial values, sₜ = sₜ₋₁ − (1 − δ)(sₜ₋₁ − wₜ), moving statistics included', async () => {
    const d = data.get(BASE);
    for (const Trainer of [FusedMlpTrainer, LayersTrainer]) {
      const trainer = new Trainer(model('bn', null), 4, BASE.optimizer, 0.5);
      const sampler = iidSampler(d.train.count, 32, 4);
      let expected = new Map((await trainer.state()).weights.map((w) => [w.name, Array.from(w.values)]));
      assert.deepEqual([...new Map((await trainer.state()).average.map((w) => [w.name, Array.from(w.values)]))], [...expected], 'starts at the initial values');
      for (let step = 0; step < 3; step++) {
        trainer.step(d.train, sampler.next(), null, 1e-3);
        const now = await trainer.state();
        expected = new Map(now.weights.map((w) => [w.name, expected.get(w.name)!.map((s, i) => s - (s - w.values[i]) * 0.5)]));
        for (const a of now.average) assertClose(a.values, expected.get(a.name)!, `${Trainer.name} step ${step + 1}: average of ${a.name}`, 1e-5, 1e-7);
      }
      assert.ok((await trainer.state()).average.some((w) => w.name.endsWith('moving_variance')), 'the moving variance is averaged too');
      trainer.dispose();
    }
  });

  fusedIt('leaks no tensors over 1,000 steps and evaluations', () => {
    const d = data.get(BASE);
    const trainer = new FusedMlpTrainer(model('brn', 4), 2, BASE.optimizer, BASE.emaDecay);
    const sampler = iidSampler(d.train.count, 32, 2);
    trainer.step(d.train, sampler.next(), { rmax: 2, dmax: 1 }, 1e-3);
    const before = tf.memory().numTensors;
    for (let s = 0; s < 1_000; s++) {
      trainer.step(d.train, sampler.next(), { rmax: 2, dmax: 1 }, 1e-3);
      if (s % 250 === 0) {
        trainer.batchStats(d.validation, sampledBatches(iidSampler(d.validation.count, 32, 3), 2));
        trainer.batchStats(d.validation, coveringBatches(100, 32, 3), { average: true, statistics: 'stddev' });
        trainer.inferenceAccuracy(d.validation, { average: true, statistics: 'variance' });
        trainer.diagnostics();
        trainer.readTally();
      }
    }
    assert.equal(tf.memory().numTensors, before);
    trainer.dispose();
    data.dispose();
  });
});

describe('build and backends', () => {
  it('the committed SIMD binary is simd.wat assembled', () => {
    const r = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'build-simd.mjs'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
  });

  it('these tests pass on the cpu backend too (the scalar kernels on plain typed arrays)', { skip: process.env.BRN_BACKEND !== undefined && 'already running under a forced backend' }, () => {
    // Without NODE_TEST_CONTEXT, so the child reports in TAP as a run of its own.
    const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
    const r = spawnSync(process.execPath, ['--test', '--test-reporter=tap', __filename], { encoding: 'utf8', timeout: 300_000, env: { ...env, BRN_BACKEND: 'cpu' } });
    assert.equal(r.status, 0, r.stdout.slice(-3000));
    assert.match(r.stdout, /# fail 0/);
    assert.doesNotMatch(r.stdout, /# pass 0\b/);
  });
});
