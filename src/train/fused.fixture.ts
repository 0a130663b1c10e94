/**
 * The checks that hold a fused trainer to the layers trainer, for the MLP and
 * the conv model alike (`fused-mlp.test.ts`, `fused-conv.test.ts`): loss
 * curves and evaluation on the same weights; one step's weight changes; the
 * parameter average; no tensor leaks. Test-only: not packed.
 */
import assert from 'node:assert/strict';
import { DataCache, type ExperimentData } from '../data/dataset';
import { coveringBatches, iidSampler, sampledBatches } from '../data/samplers';
import type { ModelConfig } from '../models';
import { BASE } from '../protocol/config';
import type { RenormClip } from '../renorm/clip';
import { assertClose, assertCloseToScale } from '../testing';
import { tf } from '../tf';
import { FusedConvTrainer } from './fused-conv';
import { FusedMlpTrainer } from './fused-mlp';
import { LayersTrainer } from './layers-trainer';
import { STANDARD_EVAL, type EvalWeights, type Trainer } from './trainer';

export const data = new DataCache();
export const mnist = (): ExperimentData => data.get(BASE);

export function modelOf(
  architecture: ModelConfig['architecture'],
  normalization: ModelConfig['normalization'],
  microbatchSize: number | null = null,
): ModelConfig {
  return {
    architecture,
    hidden: [100, 100, 100],
    normalization,
    groups: 4,
    microbatchSize,
    normLayer: BASE.normLayer,
    imageSize: 28,
    classes: 10,
  };
}

export function fusedFor(model: ModelConfig, seed: number, emaDecay = BASE.emaDecay): Trainer {
  const Fused = model.architecture === 'conv' ? FusedConvTrainer : FusedMlpTrainer;
  return new Fused(model, seed, BASE.optimizer, emaDecay);
}

/**
 * Trains both paths `steps` steps on the same batches and holds their loss
 * curves together, the first `tight` steps to 0.1% and the whole curve to 1%
 * (the paths round differently, float64 or SIMD float32 in the kernels,
 * float32 per op in tfjs, and training amplifies the difference; statistics
 * over 4 examples, where 1/σ_B can be large, amplify it fastest), then
 * evaluates both on the fused trainer's weights in every mode.
 */
export async function checkAgainstLayers(model: ModelConfig, clip: RenormClip | null, steps = 60, tight = 20) {
  const d = mnist();
  const fused = fusedFor(model, 1);
  const layers = new LayersTrainer(model, 1, BASE.optimizer, BASE.emaDecay);
  const samplers = [iidSampler(d.train.count, 32, 1), iidSampler(d.train.count, 32, 1)];
  const curves: number[][] = [[], []];
  for (let s = 0; s < steps; s++) {
    [fused, layers].forEach((t, i) => {
      t.step(d.train, samplers[i].next(), clip, 1e-3);
      if (s % 10 === 9) curves[i].push(t.readTally().loss);
    });
  }
  const t = tight / 10;
  assertClose(curves[0].slice(0, t), curves[1].slice(0, t), `mean loss of each 10 of steps 1-${tight}`, 1e-3, 0);
  assertClose(curves[0], curves[1], `mean loss of each 10 of steps 1-${steps}`, 1e-2, 0);
  // Evaluation on the same weights: the layers model takes the fused trainer's (and their average).
  const state = await fused.state();
  layers.loadWeights(state.weights, state.average);
  const modes: EvalWeights[] = [STANDARD_EVAL, { average: true, statistics: 'stddev' }];
  if (model.normalization === 'bn') {
    modes.push({ average: false, statistics: 'variance' }, { average: true, statistics: 'variance' });
  }
  for (const mode of modes) {
    const acc = [fused, layers].map((t) => t.inferenceAccuracy(d.validation, mode));
    assert.ok(Math.abs(acc[0] - acc[1]) <= 2e-4, `validation accuracy ${JSON.stringify(mode)}: ${acc[0]} vs ${acc[1]}`);
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
  const renorm = model.normalization === 'bn' || model.normalization === 'brn';
  assert.equal(fused.diagnostics().length, renorm ? 3 : 0);
  fused.dispose();
  layers.dispose();
}

/** One step from the same weights: every weight's change, moving statistics included, agrees to 0.1% of its largest. */
export async function checkOneStep(model: ModelConfig, clip: RenormClip | null) {
  const d = mnist();
  const byName = (xs: { name: string; values: Float32Array }[]) =>
    new Map(xs.map((x) => [x.name.replace(/_\d+$/, ''), x.values]));
  const trainers = [fusedFor(model, 3), new LayersTrainer(model, 3, BASE.optimizer, BASE.emaDecay)];
  const initial = byName((await trainers[1].state()).weights);
  const positions = iidSampler(d.train.count, 32, 3).next();
  trainers.forEach((t) => t.step(d.train, positions, clip, 1e-3));
  const [fused, layers] = await Promise.all(trainers.map((t) => t.state()));
  const expected = byName(layers.weights);
  assert.deepEqual(
    fused.weights.map((w) => w.name),
    [...expected.keys()],
    'the same weights, named and ordered as the layers model',
  );
  const delta = (after: Float32Array, name: string) => after.map((v, i) => v - initial.get(name)![i]);
  for (const w of fused.weights) {
    const what = `${model.architecture} ${model.normalization}: change of ${w.name}`;
    assertCloseToScale(delta(w.values, w.name), delta(expected.get(w.name)!, w.name), what, 1e-3);
  }
  trainers.forEach((t) => t.dispose());
}

/** s₀ = the initial values, sₜ = sₜ₋₁ − (1 − δ)(sₜ₋₁ − wₜ), moving statistics included, over three steps. */
export async function checkAverage(trainer: Trainer, decay: number) {
  const d = mnist();
  const sampler = iidSampler(d.train.count, 32, 4);
  let expected = new Map((await trainer.state()).weights.map((w) => [w.name, Array.from(w.values)]));
  const average = async () => new Map((await trainer.state()).average.map((w) => [w.name, Array.from(w.values)]));
  assert.deepEqual([...(await average())], [...expected], 'starts at the initial values');
  for (let step = 0; step < 3; step++) {
    trainer.step(d.train, sampler.next(), null, 1e-3);
    const now = await trainer.state();
    expected = new Map(
      now.weights.map((w) => [w.name, expected.get(w.name)!.map((s, i) => s - (s - w.values[i]) * (1 - decay))]),
    );
    for (const a of now.average) {
      assertClose(a.values, expected.get(a.name)!, `step ${step + 1}: average of ${a.name}`, 1e-5, 1e-7);
    }
  }
  trainer.dispose();
}

/** No tensor is left behind by `steps` steps with evaluations in every mode in between. */
export function checkNoLeaks(trainer: Trainer, steps: number) {
  const d = mnist();
  const sampler = iidSampler(d.train.count, 32, 2);
  trainer.step(d.train, sampler.next(), { rmax: 2, dmax: 1 }, 1e-3);
  const before = tf.memory().numTensors;
  for (let s = 0; s < steps; s++) {
    trainer.step(d.train, sampler.next(), { rmax: 2, dmax: 1 }, 1e-3);
    if (s % Math.max(1, Math.floor(steps / 4)) === 0) {
      trainer.batchStats(d.validation, sampledBatches(iidSampler(d.validation.count, 32, 3), 2));
      trainer.batchStats(d.validation, coveringBatches(100, 32, 3), { average: true, statistics: 'stddev' });
      trainer.diagnostics();
      trainer.readTally();
    }
  }
  assert.equal(tf.memory().numTensors, before);
  trainer.dispose();
}
