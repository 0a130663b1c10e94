/**
 * The layer checklist beyond its maths (`layer.test.ts`): weights and their
 * names, clipping, save/load, training, tensor leaks, bad input, and frozen
 * statistics.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { assertClose } from '../testing';
import { tf } from '../tf';
import { BatchRenormalization, batchRenormalization, withFrozenStatistics } from './layer';

before(async () => {
  await initBackend();
});

describe('layer contract', () => {
  it('has weights [gamma, beta, moving_mean, moving_stddev] starting at 1, 0, 0, 1', () => {
    const layer = batchRenormalization({ name: 'brn' });
    layer.apply(tf.zeros([2, 3]));
    assert.deepEqual(
      layer.weights.map((w) => w.name),
      ['brn/gamma', 'brn/beta', 'brn/moving_mean', 'brn/moving_stddev'],
    );
    assert.deepEqual(
      layer.trainableWeights.map((w) => w.name),
      ['brn/gamma', 'brn/beta'],
    );
    assert.deepEqual(
      layer.getWeights().map((w) => Array.from(w.dataSync())),
      [
        [1, 1, 1],
        [0, 0, 0],
        [0, 0, 0],
        [1, 1, 1],
      ],
    );
    const noAffine = batchRenormalization({ center: false, scale: false });
    noAffine.apply(tf.zeros([2, 3]));
    assert.equal(noAffine.getWeights().length, 2);
  });

  it('setClipping changes the clipping of the next training call', () => {
    const layer = batchRenormalization({ rmax: 1, dmax: 0 });
    const x = tf.randomNormal([8, 4], 3, 5, 'float32', 3);
    layer.apply(x, { training: true });
    assert.deepEqual(Array.from(layer.lastRenormValues()!.r), [1, 1, 1, 1]);
    assert.equal(layer.diagnostics()!.rClippedFraction, 1);
    layer.setClipping({ rmax: 100, dmax: 100 });
    layer.apply(x, { training: true });
    const d = layer.diagnostics()!;
    assert.deepEqual([d.rmax, d.dmax, d.rClippedFraction, d.dClippedFraction], [100, 100, 0, 0]);
    assert.ok(d.meanAbsRMinus1 > 0.5, `|r - 1| = ${d.meanAbsRMinus1}`);
  });

  it('saves and loads with tfjs model.save / loadLayersModel, weights and config included', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [6], units: 5, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        batchRenormalization({ rmax: 2.5, dmax: 1.5, microbatchSize: 2, momentum: 0.9, epsilon: 1e-4 }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
      ],
    });
    const x = tf.randomNormal([4, 6], 0, 1, 'float32', 5);
    model.apply(x, { training: true }); // moves the moving statistics away from 0 and 1
    let saved: tf.io.ModelArtifacts | null = null;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    const layer = loaded.layers[1] as BatchRenormalization;
    assert.ok(layer instanceof BatchRenormalization);
    assert.deepEqual(
      [layer.clipping.rmax, layer.clipping.dmax, layer.microbatchSize, layer.momentum, layer.epsilon],
      [2.5, 1.5, 2, 0.9, 1e-4],
    );
    assertClose(
      (loaded.predict(x) as tf.Tensor).dataSync(),
      (model.predict(x) as tf.Tensor).dataSync(),
      'prediction',
      1e-6,
      1e-6,
    );
    const moved = layer.getWeights()[3].dataSync();
    assert.ok(
      Array.from(moved).some((v) => v !== 1),
      'moving std was saved after it moved',
    );
  });

  it('a model with the layer trains: its loss falls', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 16, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }),
        batchRenormalization(),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    const x = tf.randomNormal([32, 4], 0, 1, 'float32', 6);
    const y = tf.sum(tf.mul(x, tf.tensor1d([1, -2, 0.5, 3])), 1, true);
    const optimizer = tf.train.adam(0.05);
    const step = () =>
      optimizer
        .minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor), true)!
        .dataSync()[0];
    const first = step();
    let last = first;
    for (let i = 0; i < 30; i++) last = step();
    assert.ok(last < first / 4, `loss ${first} -> ${last}`);
  });

  it('leaks no tensors over 100 training calls', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [8], units: 8 }),
        batchRenormalization({ microbatchSize: 4 }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const x = tf.randomNormal([16, 8]);
    const y = tf.randomNormal([16, 2]);
    const optimizer = tf.train.sgd(0.01);
    const step = () =>
      tf.dispose(
        optimizer.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor),
          true,
        ) ?? [],
      );
    step();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) step();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose(model.predict(x));
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('bad input gets an error naming the value', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['rmax < 1', { rmax: 0.5 }, /rmax must be a finite number >= 1, got 0.5/],
    ['dmax < 0', { dmax: -1 }, /dmax must be a finite number >= 0, got -1/],
    ['non-finite rmax', { rmax: Infinity }, /rmax .* got Infinity/],
    ['non-finite dmax', { dmax: NaN }, /dmax .* got NaN/],
    ['epsilon = 0', { epsilon: 0 }, /epsilon must be a finite number > 0, got 0/],
    ['epsilon < 0', { epsilon: -1e-3 }, /epsilon .* got -0.001/],
    ['momentum = 1', { momentum: 1 }, /momentum must be in \[0, 1\), got 1/],
    ['momentum < 0', { momentum: -0.1 }, /momentum .* got -0.1/],
    ['fractional axis', { axis: 1.5 }, /axis must be an integer, got 1.5/],
    ['microbatch 0', { microbatchSize: 0 }, /microbatchSize must be a positive integer or null, got 0/],
    ['unknown initializer', { gammaInitializer: 'twos' }, /gammaInitializer: expected .* got "twos"/],
  ];
  for (const [what, args, pattern] of cases) {
    it(what, () => assert.throws(() => batchRenormalization(args), pattern));
  }

  it('an axis out of range for the input', () => {
    assert.throws(
      () => batchRenormalization({ axis: 2 }).apply(tf.zeros([2, 3])),
      /axis 2 is out of range for inputs of rank 2/,
    );
    assert.throws(() => batchRenormalization({ axis: -3 }).apply(tf.zeros([2, 3])), /axis -3 is out of range/);
  });

  it('setClipping with bad limits', () => {
    const layer = batchRenormalization();
    assert.throws(() => layer.setClipping({ rmax: 0.9, dmax: 1 }), /rmax .* got 0.9/);
    assert.throws(() => layer.setClipping({ rmax: 2, dmax: -Infinity }), /dmax .* got -Infinity/);
    assert.deepEqual(layer.clipping, { rmax: 3, dmax: 5 });
  });
});

describe('withFrozenStatistics', () => {
  it('training-mode calls leave moving statistics and diagnostics alone, then updates resume', () => {
    const layer = batchRenormalization({ rmax: 2, dmax: 1 });
    const x = tf.randomNormal([8, 3], 2, 3, 'float32', 9);
    layer.apply(x, { training: true });
    const diagnostics = layer.diagnostics();
    const weights = layer.getWeights().map((w) => Array.from(w.dataSync()));
    const y = withFrozenStatistics(
      [layer],
      () => layer.apply(tf.randomNormal([8, 3], -1, 1, 'float32', 10), { training: true }) as tf.Tensor,
    );
    assert.deepEqual(y.shape, [8, 3]);
    assert.deepEqual(
      layer.getWeights().map((w) => Array.from(w.dataSync())),
      weights,
    );
    assert.deepEqual(layer.diagnostics(), diagnostics);
    assert.equal(layer.updatesMovingStatistics, true);
    layer.apply(x, { training: true });
    assert.notDeepEqual(Array.from(layer.getWeights()[2].dataSync()), weights[2]);
  });
});
