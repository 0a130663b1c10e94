/**
 * The models: the dense and convolution layers' hand-laid gradients against
 * tfjs's own (computed on the cpu backend, which has every gradient kernel),
 * and each architecture training a few steps on the active backend.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { trainStep } from '../train/step';
import { assertClose } from '../testing';
import { tf } from '../tf';
import { conv2dSame } from './conv';
import { matMul2d } from './dense';
import { buildModel, type ModelConfig } from './index';
import { VarianceTrackingRenormalization } from './tracked-renorm';

before(async () => {
  await initBackend();
});

/** Runs `fn` on the cpu backend and returns plain arrays. */
async function onCpu(fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  const previous = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    return fn().map((t) => t.dataSync() as Float32Array);
  } finally {
    await tf.setBackend(previous);
  }
}

describe('gradients laid out for every backend', () => {
  it('matMul2d: same gradients as tf.matMul', async () => {
    const x = Array.from(tf.randomNormal([5, 7], 0, 1, 'float32', 1).dataSync());
    const w = Array.from(tf.randomNormal([7, 3], 0, 1, 'float32', 2).dataSync());
    const up = Array.from(tf.randomNormal([5, 3], 0, 1, 'float32', 3).dataSync());
    const loss = (mm: (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(mm(a as tf.Tensor2D, b as tf.Tensor2D), tf.tensor2d(up, [5, 3])));
    const expected = await onCpu(() =>
      tf.grads(loss((a, b) => tf.matMul(a, b)))([tf.tensor2d(x, [5, 7]), tf.tensor2d(w, [7, 3])]),
    );
    const actual = tf.grads(loss(matMul2d))([tf.tensor2d(x, [5, 7]), tf.tensor2d(w, [7, 3])]);
    assertClose(actual[0].dataSync(), expected[0], 'dx', 1e-5, 1e-5);
    assertClose(actual[1].dataSync(), expected[1], 'dw', 1e-5, 1e-5);
  });

  it('conv2dSame: same output and gradients as tf.conv2d (5x5, same padding)', async () => {
    const xShape: [number, number, number, number] = [2, 6, 5, 3];
    const wShape: [number, number, number, number] = [5, 5, 3, 4];
    const x = Array.from(tf.randomNormal(xShape, 0, 1, 'float32', 4).dataSync());
    const w = Array.from(tf.randomNormal(wShape, 0, 1, 'float32', 5).dataSync());
    const up = Array.from(tf.randomNormal([2, 6, 5, 4], 0, 1, 'float32', 6).dataSync());
    const loss = (conv: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), tf.tensor4d(up, [2, 6, 5, 4])));
    const reference = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, 1, 'same');
    const expected = await onCpu(() => [
      reference(tf.tensor4d(x, xShape), tf.tensor4d(w, wShape)),
      ...tf.grads(loss(reference))([tf.tensor4d(x, xShape), tf.tensor4d(w, wShape)]),
    ]);
    const y = conv2dSame(tf.tensor4d(x, xShape), tf.tensor4d(w, wShape));
    const [dx, dw] = tf.grads(loss(conv2dSame))([tf.tensor4d(x, xShape), tf.tensor4d(w, wShape)]);
    assertClose(y.dataSync(), expected[0], 'y', 1e-4, 1e-4);
    assertClose(dx.dataSync(), expected[1], 'dx', 1e-4, 1e-4);
    assertClose(dw.dataSync(), expected[2], 'dw', 1e-4, 1e-4);
    assert.throws(
      () => conv2dSame(tf.tensor4d(x, xShape), tf.zeros([4, 4, 3, 4]) as tf.Tensor4D),
      /square and odd, got 4x4/,
    );
  });
});

describe('models train on the active backend', () => {
  const base: ModelConfig = {
    architecture: 'mlp',
    hidden: [32, 32],
    normalization: 'brn',
    microbatchSize: 4,
    normLayer: { momentum: 0.9, epsilon: 1e-3 },
    imageSize: 8,
    classes: 3,
  };
  const cases: Partial<ModelConfig>[] = [
    { architecture: 'mlp', normalization: 'brn' },
    { architecture: 'mlp', normalization: 'bn' },
    { architecture: 'mlp', normalization: 'bn-tfjs', microbatchSize: null },
    { architecture: 'mlp', normalization: 'none' },
    { architecture: 'conv', normalization: 'brn' },
  ];
  for (const c of cases) {
    it(`${c.architecture} with ${c.normalization}: loss falls over 25 steps, same seed same weights`, () => {
      const cfg = { ...base, ...c };
      const model = buildModel(cfg, 7);
      assert.deepEqual(
        buildModel(cfg, 7)
          .getWeights()
          .map((w) => Array.from(w.dataSync())),
        model.getWeights().map((w) => Array.from(w.dataSync())),
      );
      const x = tf.randomUniform([16, 64], 0, 1, 'float32', 8) as tf.Tensor2D;
      const labels = tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 3),
        'int32',
      );
      const optimizer = tf.train.rmsprop(3e-3);
      const loss = () =>
        tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), model.apply(x) as tf.Tensor).dataSync()[0]);
      const first = loss();
      for (let i = 0; i < 25; i++) trainStep(model, optimizer, x, labels, 3, null);
      const last = loss();
      assert.ok(last < first * 0.8, `inference-mode loss ${first} -> ${last}`);
    });
  }

  it('refuses what cannot be built, naming the value', () => {
    assert.throws(
      () => buildModel({ ...base, normalization: 'bn-tfjs' }, 1),
      /'bn-tfjs' .* cannot normalize over microbatches \(microbatchSize 4\)/,
    );
    assert.throws(() => buildModel({ ...base, normalization: 'xn' as never }, 1), /Unknown normalization 'xn'/);
    assert.throws(() => buildModel({ ...base, architecture: 'resnet' as never }, 1), /Unknown architecture 'resnet'/);
  });
});

describe('standard batchnorm from a BN model (bn-standard)', () => {
  it("the moving variance moves as tf.layers.batchNormalization's does, and inference with it equals tfjs's", () => {
    const epsilon = 1e-3;
    const tfjs = tf.layers.batchNormalization({ momentum: 0.9, epsilon });
    const ours = new VarianceTrackingRenormalization({ momentum: 0.9, epsilon, rmax: 1, dmax: 0 });
    const batches = [0, 1, 2, 3, 4].map((i) => tf.randomNormal([16, 6], 1 + i / 4, 1.5 + i / 3, 'float32', 20 + i));
    tfjs.apply(batches[0]);
    ours.apply(batches[0]);
    // Same γ and β; the moving statistics start where each layer's initializers put them (0 and 1).
    const gamma = tf.randomUniform([6], 0.5, 1.5, 'float32', 30);
    const beta = tf.randomUniform([6], -0.5, 0.5, 'float32', 31);
    tfjs.setWeights([gamma, beta, tf.zeros([6]), tf.ones([6])]);
    ours.setWeights([gamma, beta, tf.zeros([6]), tf.ones([6]), tf.ones([6])]);
    for (const x of batches) {
      tfjs.apply(x, { training: true });
      ours.apply(x, { training: true });
    }
    const [, , tfjsMean, tfjsVariance] = tfjs.getWeights();
    const [, , mean, , variance] = ours.getWeights();
    assertClose(mean.dataSync(), tfjsMean.dataSync(), 'moving mean', 1e-5, 1e-6);
    assertClose(variance.dataSync(), tfjsVariance.dataSync(), 'moving variance (biased, no ε)', 1e-5, 1e-6);
    const probe = tf.randomNormal([10, 6], 1, 2, 'float32', 40);
    ours.inferenceStatistics = 'variance';
    assertClose(
      (ours.apply(probe) as tf.Tensor).dataSync(),
      (tfjs.apply(probe) as tf.Tensor).dataSync(),
      'inference as standard BN',
      1e-5,
      1e-5,
    );
    // Algorithm 1's inference (moving standard deviation) is a different model: at these batch sizes, E[σ_B] < √E[σ_B²].
    ours.inferenceStatistics = 'stddev';
    const [, , , stddev] = ours.getWeights();
    assert.ok(
      tf.all(tf.less(stddev, tf.sqrt(tf.add(variance, epsilon)))).dataSync()[0] === 1,
      'moving σ below √(moving variance + ε)',
    );
    tfjs.dispose();
    ours.dispose();
  });

  it("over microbatches the moving variance moves toward the mean of the groups' variances", () => {
    const layer = new VarianceTrackingRenormalization({
      momentum: 0.5,
      epsilon: 1e-3,
      rmax: 1,
      dmax: 0,
      microbatchSize: 4,
    });
    const x = tf.randomNormal([16, 3], 0, 2, 'float32', 41);
    layer.apply(x);
    layer.apply(x, { training: true });
    const groups = tf.mean(tf.moments(tf.reshape(x, [4, 4, 3]), 1).variance, 0);
    assertClose(
      layer.getWeights()[4].dataSync(),
      tf.add(tf.mul(tf.ones([3]), 0.5), tf.mul(groups, 0.5)).dataSync(),
      'moving variance',
      1e-5,
      1e-6,
    );
    layer.dispose();
  });
});
