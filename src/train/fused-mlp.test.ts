/**
 * The fused MLP trainer against the layers trainer it replaces on wasm and
 * cpu (`fused.fixture.ts`): loss curves, evaluation on the same weights and on
 * the same averages, one step's weight changes, the parameter average, and no
 * tensor leaks over 1,000 steps.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { initBackend } from '../backend';
import { BASE } from '../protocol/config';
import { fusedIt } from '../testing';
import { FusedMlpTrainer } from './fused-mlp';
import { checkAgainstLayers, checkAverage, checkNoLeaks, checkOneStep, data, fusedFor, modelOf } from './fused.fixture';
import { LayersTrainer } from './layers-trainer';

before(async () => {
  await initBackend();
});

after(() => data.dispose());

describe('the fused MLP trainer against the layers trainer', () => {
  for (const [normalization, microbatchSize, clip] of [
    ['brn', null, { rmax: 1.5, dmax: 0.5 }],
    ['bn', 4, null],
    ['gn', null, null],
    ['ln', null, null],
    ['none', null, null],
  ] as const) {
    const what = `${normalization}${microbatchSize === null ? '' : `, microbatches of ${microbatchSize}`}`;
    fusedIt(`${what}: same loss curve over 60 steps, same evaluation on the same weights`, () =>
      checkAgainstLayers(modelOf('mlp', normalization, microbatchSize), clip, microbatchSize === null ? 60 : 20),
    );
  }

  for (const [normalization, microbatchSize] of [
    ['brn', 4],
    ['gn', null],
    ['none', null],
  ] as const) {
    fusedIt(`${normalization}: one step gives the same weights, moving statistics and optimizer slots`, () =>
      checkOneStep(modelOf('mlp', normalization, microbatchSize), { rmax: 2, dmax: 1 }),
    );
  }

  fusedIt('the average follows every step, moving statistics included (both trainers)', async () => {
    await checkAverage(fusedFor(modelOf('mlp', 'bn'), 4, 0.5), 0.5);
    const layers = new LayersTrainer(modelOf('mlp', 'bn'), 4, BASE.optimizer, 0.5);
    assert.ok((await layers.state()).average.some((w) => w.name.endsWith('moving_variance')));
    await checkAverage(layers, 0.5);
  });

  fusedIt('leaks no tensors over 1,000 steps and evaluations', () => {
    checkNoLeaks(new FusedMlpTrainer(modelOf('mlp', 'brn', 4), 2, BASE.optimizer, BASE.emaDecay), 1_000);
    checkNoLeaks(new FusedMlpTrainer(modelOf('mlp', 'gn'), 2, BASE.optimizer, BASE.emaDecay), 200);
  });
});
