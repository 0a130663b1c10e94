import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { tf } from '../tf';
import { batchRenormalization, BatchRenormalization } from './layer';
import { renormLayers, RenormRampCallback } from './callback';
import { learningRateAt, PAPER_RAMP, renormClipAt, scaleRamp } from './schedule';

before(async () => {
  await initBackend();
});

describe('renormClipAt with the paper ramp', () => {
  const at = (step: number) => renormClipAt(step, PAPER_RAMP);
  it('is batchnorm for the first 5k steps', () => {
    assert.deepEqual(at(0), { rmax: 1, dmax: 0 });
    assert.deepEqual(at(4_999), { rmax: 1, dmax: 0 });
    assert.deepEqual(at(5_000), { rmax: 1, dmax: 0 });
  });
  it('relaxes linearly: dmax reaches 5 at 25k, rmax reaches 3 at 40k', () => {
    assert.deepEqual(at(15_000), { rmax: 1 + 2 * (10_000 / 35_000), dmax: 2.5 });
    assert.deepEqual(at(25_000), { rmax: 1 + 2 * (20_000 / 35_000), dmax: 5 });
    assert.deepEqual(at(22_500), { rmax: 2, dmax: 5 * (17_500 / 20_000) });
    assert.deepEqual(at(40_000), { rmax: 3, dmax: 5 });
  });
  it('stays at the final limits afterwards', () => {
    assert.deepEqual(at(60_000), { rmax: 3, dmax: 5 });
    assert.deepEqual(at(1e9), { rmax: 3, dmax: 5 });
  });
  it('is monotone', () => {
    let prev = at(0);
    for (let s = 0; s <= 50_000; s += 250) {
      const cur = at(s);
      assert.ok(cur.rmax >= prev.rmax && cur.dmax >= prev.dmax, `step ${s}`);
      prev = cur;
    }
  });
});

describe('ramp scaling and validation', () => {
  it('scales every step count', () => {
    const quick = scaleRamp(PAPER_RAMP, 0.1);
    assert.deepEqual(quick, { warmupSteps: 500, rmax: 3, rmaxSteps: 4_000, dmax: 5, dmaxSteps: 2_500 });
    assert.deepEqual(renormClipAt(2_500, quick), { rmax: 1 + 2 * (2_000 / 3_500), dmax: 5 });
  });
  it('rejects bad steps, factors and ramps, naming the value', () => {
    assert.throws(() => renormClipAt(-1), /step must be a finite number >= 0, got -1/);
    assert.throws(() => renormClipAt(NaN), /got NaN/);
    assert.throws(() => scaleRamp(PAPER_RAMP, 0), /factor must be a finite number > 0, got 0/);
    assert.throws(() => renormClipAt(0, { ...PAPER_RAMP, rmax: 0.5 }), /rmax .* got 0.5/);
    assert.throws(
      () => renormClipAt(0, { ...PAPER_RAMP, dmaxSteps: 100 }),
      /dmaxSteps \(100\) must be >= warmupSteps \(5000\)/,
    );
    assert.throws(
      () => renormClipAt(0, { ...PAPER_RAMP, warmupSteps: -5 }),
      /warmupSteps must be a finite number >= 0, got -5/,
    );
  });
});

describe('learningRateAt', () => {
  it('decays in steps: the rate times factor^floor(step / steps)', () => {
    const schedule = { learningRate: 1e-3, lrDecayFactor: 0.5, lrDecaySteps: 10 };
    assert.deepEqual(
      [0, 9, 10, 19, 20, 35].map((s) => learningRateAt(s, schedule)),
      [1e-3, 1e-3, 5e-4, 5e-4, 2.5e-4, 1.25e-4],
    );
  });
});

describe('RenormRampCallback', () => {
  it('sets every renorm layer from the ramp before each batch of model.fit', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [3], units: 4 }),
        batchRenormalization(),
        tf.layers.dense({ units: 4 }),
        batchRenormalization(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const layers = renormLayers(model);
    assert.equal(layers.length, 2);
    const ramp = { warmupSteps: 2, rmax: 3, rmaxSteps: 6, dmax: 5, dmaxSteps: 4 };
    const seen: { rmax: number; dmax: number }[] = [];
    await model.fit(tf.randomNormal([16, 3]), tf.randomNormal([16, 1]), {
      batchSize: 2,
      epochs: 1,
      callbacks: [
        new RenormRampCallback(ramp),
        new tf.CustomCallback({
          onBatchEnd: async () => void seen.push((layers[1] as BatchRenormalization).diagnostics()!),
        }),
      ],
    });
    assert.deepEqual(
      seen.map((d) => [d.rmax, d.dmax]),
      [0, 1, 2, 3, 4, 5, 6, 7].map((s) => [renormClipAt(s, ramp).rmax, renormClipAt(s, ramp).dmax]),
    );
  });
});
