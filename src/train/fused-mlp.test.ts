/**
 * The fused MLP trainer against the layers trainer it replaces on wasm and
 * cpu: one step's weight changes, loss curves, evaluation on the same
 * weights and on the same averages, no tensor leaks, and determinism.
 */
import assert from 'node:assert/strict';
import { before, describe } from 'node:test';
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { coveringBatches, iidSampler, sampledBatches } from '../data/samplers';
import type { ModelConfig } from '../models';
import { BASE } from '../protocol/config';
import { assertClose, assertCloseToScale, fusedIt } from '../testing';
import { tf } from '../tf';
import { FusedMlpTrainer } from './fused-mlp';
import { LayersTrainer } from './layers-trainer';
import { STANDARD_EVAL, type EvalWeights } from './trainer';

before(async () => {
  await initBackend();
});

describe('the fused trainer against the layers trainer', () => {
  const data = new DataCache();
  const model = (normalization: ModelConfig['normalization'], microbatchSize: number | null): ModelConfig => ({
    architecture: 'mlp',
    hidden: [100, 100, 100],
    normalization,
    microbatchSize,
    normLayer: BASE.normLayer,
    imageSize: 28,
    classes: 10,
  });
  for (const [normalization, microbatchSize, clip] of [
    ['brn', null, { rmax: 1.5, dmax: 0.5 }],
    ['bn', 4, null],
    ['none', null, null],
  ] as const) {
    fusedIt(
      `${normalization}${microbatchSize === null ? '' : `, microbatches of ${microbatchSize}`}: same loss curve over 60 steps, same evaluation on the same weights`,
      async () => {
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
        if (normalization === 'bn')
          modes.push({ average: false, statistics: 'variance' }, { average: true, statistics: 'variance' });
        for (const mode of modes) {
          const acc = [fused, layers].map((t) => t.inferenceAccuracy(d.validation, mode));
          assert.ok(
            Math.abs(acc[0] - acc[1]) <= 2e-4,
            `validation accuracy ${JSON.stringify(mode)}: ${acc[0]} vs ${acc[1]}`,
          );
        }
        // The evaluations differ from each other (each reads other values).
        assert.notEqual(fused.inferenceAccuracy(d.validation, modes[1]), fused.inferenceAccuracy(d.validation));
        const stats = [fused, layers].map((t) =>
          t.batchStats(d.validation, sampledBatches(iidSampler(d.validation.count, 32, 5), 5)),
        );
        assert.ok(
          Math.abs(stats[0].accuracy - stats[1].accuracy) <= 1 / 160 &&
            Math.abs(stats[0].logitGap - stats[1].logitGap) <= 1e-3 * stats[1].logitGap + 1e-6,
          JSON.stringify(stats),
        );
        if (normalization !== 'none') assert.equal(fused.diagnostics().length, 3);
        fused.dispose();
        layers.dispose();
      },
    );
  }

  fusedIt('one step gives the same weights, moving statistics and optimizer slots as the layers path', async () => {
    const d = data.get(BASE);
    const byName = (xs: { name: string; values: Float32Array }[]) =>
      new Map(xs.map((x) => [x.name.replace(/_\d+$/, ''), x.values]));
    for (const [normalization, microbatchSize] of [
      ['brn', 4],
      ['none', null],
    ] as const) {
      const trainers = [
        new FusedMlpTrainer(model(normalization, microbatchSize), 3, BASE.optimizer, BASE.emaDecay),
        new LayersTrainer(model(normalization, microbatchSize), 3, BASE.optimizer, BASE.emaDecay),
      ];
      const initial = byName((await trainers[1].state()).weights);
      const positions = iidSampler(d.train.count, 32, 3).next();
      trainers.forEach((t) => t.step(d.train, positions, { rmax: 2, dmax: 1 }, 1e-3));
      const [fused, layers] = await Promise.all(trainers.map((t) => t.state()));
      const expected = byName(layers.weights);
      assert.equal(fused.weights.length, layers.weights.length);
      // Both start from the same weights; the changes one step makes are compared, to 0.1% of the largest.
      const delta = (after: Float32Array, name: string) => after.map((v, i) => v - initial.get(name)![i]);
      for (const w of fused.weights)
        assertCloseToScale(
          delta(w.values, w.name),
          delta(expected.get(w.name)!, w.name),
          `${normalization}: change of ${w.name}`,
          1e-3,
        );
      trainers.forEach((t) => t.dispose());
    }
  });

  fusedIt(
    'the average follows every step: s₀ = the initial values, sₜ = sₜ₋₁ − (1 − δ)(sₜ₋₁ − wₜ), moving statistics included',
    async () => {
      const d = data.get(BASE);
      for (const Trainer of [FusedMlpTrainer, LayersTrainer]) {
        const trainer = new Trainer(model('bn', null), 4, BASE.optimizer, 0.5);
        const sampler = iidSampler(d.train.count, 32, 4);
        let expected = new Map((await trainer.state()).weights.map((w) => [w.name, Array.from(w.values)]));
        assert.deepEqual(
          [...new Map((await trainer.state()).average.map((w) => [w.name, Array.from(w.values)]))],
          [...expected],
          'starts at the initial values',
        );
        for (let step = 0; step < 3; step++) {
          trainer.step(d.train, sampler.next(), null, 1e-3);
          const now = await trainer.state();
          expected = new Map(
            now.weights.map((w) => [w.name, expected.get(w.name)!.map((s, i) => s - (s - w.values[i]) * 0.5)]),
          );
          for (const a of now.average)
            assertClose(
              a.values,
              expected.get(a.name)!,
              `${Trainer.name} step ${step + 1}: average of ${a.name}`,
              1e-5,
              1e-7,
            );
        }
        assert.ok(
          (await trainer.state()).average.some((w) => w.name.endsWith('moving_variance')),
          'the moving variance is averaged too',
        );
        trainer.dispose();
      }
    },
  );

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
