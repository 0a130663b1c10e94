/**
 * The layer checklist for `GroupNormalization`: outputs and gradients against
 * float64 references (testdata/make-reference.mjs, whose gradients are checked
 * there by finite differences), layer normalization at one group, the channel
 * axis, weights and their names, a Keras model.json loaded by
 * `tf.loadLayersModel`, save and load, training, tensor leaks, bad input.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { registerFileHandlers } from '../io/file-handlers';
import { assertClose, assertCloseToScale, testDir } from '../testing';
import { tf } from '../tf';
import { GroupNormalization, groupNormalization } from './layer';
import { groupMoments, groupNormalize } from './ops';

interface ReferenceCase {
  name: string;
  shape: number[];
  x: number[];
  upstream: number[];
  params: { groups: number; epsilon: number; gamma: number[]; beta: number[] };
  expected: Record<'y' | 'mean' | 'std' | 'dx' | 'dgamma' | 'dbeta', number[]>;
}

export const GN_REFERENCE: { cases: ReferenceCase[] } = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'src', 'groupnorm', 'testdata', 'reference.json'), 'utf8'),
);

before(async () => {
  await initBackend();
  registerFileHandlers();
});

function layerFor(c: ReferenceCase, extra: Record<string, unknown> = {}): GroupNormalization {
  const layer = groupNormalization({ groups: c.params.groups, epsilon: c.params.epsilon, ...extra });
  layer.build(c.shape);
  layer.setWeights([tf.tensor1d(c.params.gamma), tf.tensor1d(c.params.beta)]);
  return layer;
}

describe('GroupNormalization against float64 references', () => {
  for (const c of GN_REFERENCE.cases) {
    it(`${c.name}: output, statistics, and the same in both modes`, () => {
      const layer = layerFor(c);
      const x = tf.tensor(c.x, c.shape);
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      assert.deepEqual(y.shape, c.shape);
      assertClose(y.dataSync(), c.expected.y, 'y', 1e-4, 1e-4);
      assert.deepEqual(
        Array.from((layer.apply(x, { training: false }) as tf.Tensor).dataSync()),
        Array.from(y.dataSync()),
      );
      const { mean, std } = groupMoments(x, c.params.groups, c.params.epsilon);
      assertClose(mean.dataSync(), c.expected.mean, 'mean', 1e-5, 1e-5);
      assertClose(std.dataSync(), c.expected.std, 'std', 1e-4, 1e-6);
    });

    it(`${c.name}: gradients w.r.t. x, gamma, beta`, () => {
      const upstream = tf.tensor(c.upstream, c.shape);
      const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        tf.sum(tf.mul(groupNormalize(x, c.params.groups, c.params.epsilon, gamma, beta), upstream));
      const p = c.params;
      const [dx, dgamma, dbeta] = tf.grads(f)([tf.tensor(c.x, c.shape), tf.tensor1d(p.gamma), tf.tensor1d(p.beta)]);
      // Near-constant groups amplify float32 rounding by 1/σ ≈ 30.
      assertCloseToScale(dx.dataSync(), c.expected.dx, 'dx', c.name.includes('near-constant') ? 2e-2 : 2e-3);
      assertClose(dgamma.dataSync(), c.expected.dgamma, 'dgamma', 1e-4, 1e-4);
      assertClose(dbeta.dataSync(), c.expected.dbeta, 'dbeta', 1e-5, 1e-5);
    });
  }
});

describe('GroupNormalization in context', () => {
  it('one group on [N, C] is tfjs layerNormalization (same ε, per-feature γ and β)', () => {
    const x = tf.randomNormal([8, 12], 0.5, 2, 'float32', 3);
    const gn = groupNormalization({ groups: 1, epsilon: 1e-3 });
    const ln = tf.layers.layerNormalization({ epsilon: 1e-3 });
    const gamma = tf.randomUniform([12], 0.5, 1.5, 'float32', 4);
    const beta = tf.randomUniform([12], -0.5, 0.5, 'float32', 5);
    gn.build([8, 12]);
    ln.build([8, 12]);
    gn.setWeights([gamma, beta]);
    ln.setWeights([gamma, beta]);
    assertClose(
      (gn.apply(x) as tf.Tensor).dataSync(),
      (ln.apply(x) as tf.Tensor).dataSync(),
      'GN(G=1) vs LN',
      1e-5,
      1e-5,
    );
  });

  it('a channel axis other than the last gives the channels-last result, transposed', () => {
    const c = GN_REFERENCE.cases.find((k) => k.shape.length === 4)!;
    const channelsLast = tf.tensor(c.x, c.shape);
    const channelsFirst = tf.transpose(channelsLast, [0, 3, 1, 2]);
    const layer = groupNormalization({ groups: c.params.groups, epsilon: c.params.epsilon, axis: 1 });
    layer.build(channelsFirst.shape);
    layer.setWeights([tf.tensor1d(c.params.gamma), tf.tensor1d(c.params.beta)]);
    const y = tf.transpose(layer.apply(channelsFirst) as tf.Tensor, [0, 2, 3, 1]);
    assertClose(y.dataSync(), c.expected.y, 'y', 1e-4, 1e-4);
  });

  it('has weights gamma and beta (Keras names), starting at 1 and 0, or fewer with center/scale off', () => {
    const layer = groupNormalization({ groups: 2 });
    layer.build([3, 4]);
    assert.deepEqual(
      layer.weights.map((w) => w.originalName),
      ['gamma', 'beta'],
    );
    assert.deepEqual(Array.from(layer.getWeights()[0].dataSync()), [1, 1, 1, 1]);
    assert.deepEqual(Array.from(layer.getWeights()[1].dataSync()), [0, 0, 0, 0]);
    const plain = groupNormalization({ groups: 2, center: false, scale: false });
    plain.build([3, 4]);
    assert.equal(plain.weights.length, 0);
    const instance = groupNormalization({ groups: -1 });
    instance.build([2, 5]);
    assert.equal(instance.getConfig().groups, -1, 'the config keeps -1, as Keras does not');
  });

  it('loads a Keras model.json (snake_case config, Keras class name) with tf.loadLayersModel', async () => {
    const c = GN_REFERENCE.cases.find((k) => k.name.startsWith('NHWC [3, 3, 3, 8]'))!;
    const dir = testDir('keras-gn');
    const topology = {
      class_name: 'Sequential',
      config: {
        name: 'sequential',
        layers: [
          {
            class_name: 'InputLayer',
            config: { batch_input_shape: [null, 3, 3, 8], dtype: 'float32', name: 'input_1' },
          },
          {
            class_name: 'GroupNormalization',
            config: {
              name: 'group_normalization',
              trainable: true,
              dtype: 'float32',
              groups: 4,
              axis: -1,
              epsilon: c.params.epsilon,
              center: true,
              scale: true,
              beta_initializer: { class_name: 'Zeros', config: {} },
              gamma_initializer: { class_name: 'Ones', config: {} },
              beta_regularizer: null,
              gamma_regularizer: { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } },
              beta_constraint: null,
              gamma_constraint: null,
            },
          },
        ],
      },
      keras_version: '2.15.0',
      backend: 'tensorflow',
    };
    const manifest = [
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'group_normalization/gamma', shape: [8], dtype: 'float32' },
          { name: 'group_normalization/beta', shape: [8], dtype: 'float32' },
        ],
      },
    ];
    writeFileSync(
      join(dir, 'model.json'),
      JSON.stringify({ format: 'layers-model', modelTopology: topology, weightsManifest: manifest }),
    );
    writeFileSync(
      join(dir, 'group1-shard1of1.bin'),
      new Uint8Array(new Float32Array([...c.params.gamma, ...c.params.beta]).buffer),
    );
    const model = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const layer = model.layers.find((l) => l.getClassName() === 'GroupNormalization') as GroupNormalization;
    assert.equal(layer.getClassName(), 'GroupNormalization');
    assert.equal(layer.groups, 4);
    assert.equal((layer.getConfig().gammaRegularizer as { className: string }).className, 'L1L2');
    const y = model.predict(tf.tensor(c.x, c.shape)) as tf.Tensor;
    assertClose(y.dataSync(), c.expected.y, 'y of the loaded model', 1e-4, 1e-4);
  });

  it('saves and loads through model.save / loadLayersModel with identical predictions', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({
          inputShape: [6, 6, 2],
          filters: 8,
          kernelSize: 3,
          padding: 'same',
          kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
        }),
        groupNormalization({ groups: 4, epsilon: 1e-4 }),
        tf.layers.activation({ activation: 'relu' }),
      ],
    });
    const dir = testDir('gn-save');
    await model.save(`file://${dir}`);
    const loaded = await tf.loadLayersModel(`file://${join(dir, 'model.json')}`);
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 2);
    assert.deepEqual(
      Array.from((loaded.predict(x) as tf.Tensor).dataSync()),
      Array.from((model.predict(x) as tf.Tensor).dataSync()),
    );
    assert.equal((loaded.layers[1] as GroupNormalization).epsilon, 1e-4);
  });

  it('a model with the layer trains: its loss falls; no tensors leak over 100 calls', () => {
    const x = tf.randomNormal([32, 10], 0, 1, 'float32', 7);
    const labels = tf.oneHot(
      tf.tensor1d(
        Array.from({ length: 32 }, (_, i) => i % 3),
        'int32',
      ),
      3,
    );
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [10],
          units: 16,
          useBias: false,
          kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }),
        }),
        groupNormalization({ groups: 4 }),
        tf.layers.activation({ activation: 'relu' }),
        tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }) }),
      ],
    });
    const optimizer = tf.train.adam(0.02);
    const loss = () =>
      tf.losses.softmaxCrossEntropy(labels, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar;
    const first = loss().dataSync()[0];
    for (let i = 0; i < 50; i++) tf.dispose(optimizer.minimize(loss, true) ?? []);
    assert.ok(loss().dataSync()[0] < 0.7 * first, 'loss fell');
    const layer = model.layers[1];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const input = tf.randomNormal([4, 16]);
      tf.dispose([input, layer.apply(input) as tf.Tensor]);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});

describe('GroupNormalization: bad input gets an error naming the value', () => {
  it('groups, epsilon, axis and regularizers', () => {
    assert.throws(() => groupNormalization({ groups: 0 }), /groups must be a positive integer or -1, got 0/);
    assert.throws(() => groupNormalization({ groups: 2.5 }), /got 2.5/);
    assert.throws(() => groupNormalization({ epsilon: 0 }), /epsilon must be a finite number > 0, got 0/);
    assert.throws(
      () => groupNormalization({ axis: [1, 2] as unknown as number }),
      /axis must be an integer, got \[1,2\]/,
    );
    assert.throws(
      () => groupNormalization({ gammaRegularizer: { className: 'L2', config: { l2: 0.1 } } }),
      /gammaRegularizer: unknown class 'L2'/,
    );
    assert.throws(() => groupNormalization({ groups: 3 }).build([2, 8]), /groups \(3\) must divide the channels \(8\)/);
    assert.throws(
      () => groupNormalization({ groups: 16 }).build([2, 8]),
      /groups \(16\) cannot be more than the channels \(8\)/,
    );
    assert.throws(() => groupNormalization({ axis: 0 }).build([2, 8]), /axis 0 is out of range for inputs of rank 2/);
    assert.throws(() => groupNormalization({ axis: 2 }).build([2, 8]), /axis 2 is out of range/);
  });
});
