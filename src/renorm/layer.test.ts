/**
 * The layer's maths: reference outputs and gradients (float64 cases from
 * testdata/make-reference.mjs), the batchnorm limit, microbatches, and
 * gradients through the layer inside a model. The rest of the checklist is in
 * `layer-contract.test.ts`.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { tf } from '../tf';
import { assertClose, assertCloseToScale } from '../testing';
import { batchnormLimit } from './batchnorm-limit';
import { BatchRenormalization, batchRenormalization, withFrozenStatistics } from './layer';
import { normalizationPlan, renormInTraining, stopGradient } from './ops';
import { referenceRenorm } from './reference';

interface ReferenceCase {
  name: string;
  shape: number[];
  x: number[];
  upstream: number[];
  params: {
    epsilon: number;
    momentum: number;
    rmax: number;
    dmax: number;
    gamma: number[];
    beta: number[];
    movingMean: number[];
    movingStd: number[];
  };
  expected: Record<
    'y' | 'r' | 'd' | 'batchMean' | 'batchStd' | 'movingMean' | 'movingStd' | 'inference' | 'dx' | 'dgamma' | 'dbeta',
    number[]
  >;
}

const reference: { cases: ReferenceCase[] } = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'src', 'renorm', 'testdata', 'reference.json'), 'utf8'),
);

function layerFor(c: ReferenceCase, extra: Record<string, unknown> = {}): BatchRenormalization {
  const layer = batchRenormalization({
    momentum: c.params.momentum,
    epsilon: c.params.epsilon,
    rmax: c.params.rmax,
    dmax: c.params.dmax,
    ...extra,
  });
  layer.apply(tf.zeros([1, ...c.shape.slice(1)]));
  layer.setWeights([c.params.gamma, c.params.beta, c.params.movingMean, c.params.movingStd].map((v) => tf.tensor1d(v)));
  return layer;
}

before(async () => {
  await initBackend();
});

describe('stopGradient', () => {
  it('is the identity forward and blocks the gradient', () => {
    const x = tf.tensor1d([1, 2, 3]);
    assert.deepEqual(Array.from(stopGradient(x).dataSync()), [1, 2, 3]);
    // d/dx Σ stop(x)·x = stop(x) = x; without the stop it would be 2x.
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))(x);
    assert.deepEqual(Array.from(g.dataSync()), [1, 2, 3]);
    const g0 = tf.grad((v: tf.Tensor) => tf.sum(stopGradient(v)))(x);
    assert.deepEqual(Array.from(g0.dataSync()), [0, 0, 0]);
  });
});

describe('BatchRenormalization against float64 references', () => {
  for (const c of reference.cases) {
    it(`${c.name}: output, r, d, moving statistics, inference`, () => {
      const layer = layerFor(c);
      const x = tf.tensor(c.x, c.shape);
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      assert.deepEqual(y.shape, c.shape);
      assertClose(y.dataSync(), c.expected.y, 'y', 1e-4, 1e-4);
      const values = layer.lastRenormValues()!;
      assertClose(values.r, c.expected.r, 'r');
      assertClose(values.d, c.expected.d, 'd', 1e-4, 1e-4);
      const [, , movingMean, movingStd] = layer.getWeights();
      assertClose(movingMean.dataSync(), c.expected.movingMean, 'moving mean');
      assertClose(movingStd.dataSync(), c.expected.movingStd, 'moving std');
      // Inference uses the moving statistics as they were before the update.
      const fresh = layerFor(c);
      const inference = fresh.apply(x, { training: false }) as tf.Tensor;
      assertClose(inference.dataSync(), c.expected.inference, 'inference', 1e-4, 1e-4);
    });

    it(`${c.name}: gradients w.r.t. x, gamma, beta with r and d held constant`, () => {
      const rank = c.shape.length;
      const plan = normalizationPlan(c.shape, rank - 1, null);
      const upstream = tf.tensor(c.upstream, c.shape);
      const p = c.params;
      const f = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) =>
        tf.sum(
          tf.mul(
            renormInTraining(
              x,
              plan,
              { gamma, beta, movingMean: tf.tensor1d(p.movingMean), movingStd: tf.tensor1d(p.movingStd) },
              p.epsilon,
              p,
            ).y,
            upstream,
          ),
        );
      const [dx, dgamma, dbeta] = tf.grads(f)([tf.tensor(c.x, c.shape), tf.tensor1d(p.gamma), tf.tensor1d(p.beta)]);
      // dx relative to the case's largest |dx|; near-ε batches amplify float32 rounding by 1/σ_B ≈ 30.
      assertCloseToScale(dx.dataSync(), c.expected.dx, 'dx', c.name.includes('epsilon') ? 2e-2 : 2e-3);
      assertClose(dgamma.dataSync(), c.expected.dgamma, 'dgamma', 1e-4, 1e-4);
      assertClose(dbeta.dataSync(), c.expected.dbeta, 'dbeta', 1e-5, 1e-5);
    });
  }
});

describe('BatchRenormalization with rmax = 1, dmax = 0 is batchnorm', () => {
  const shapes: number[][] = [
    [16, 5],
    [4, 3, 3, 6],
    [32, 20],
  ];
  for (const shape of shapes) {
    it(`matches tf.layers.batchNormalization in training and inference, shape [${shape}]`, () => {
      const limit = batchnormLimit(shape, 7);
      // Outputs are O(1)-O(10): float32 rounding of a few ops.
      assert.ok(limit.inference <= 5e-5, `inference: ${limit.inference}`);
      assert.ok(limit.training <= 5e-5, `training: ${limit.training}`);
      assert.ok(limit.movingMean <= 1e-6, `moving mean: ${limit.movingMean}`);
      assert.equal(limit.meanAbsD, 0);
      assert.equal(limit.meanAbsRMinus1, 0);
    });
  }
});

describe('microbatches', () => {
  it('normalizing in groups of 4 equals normalizing each group separately', () => {
    const shape = [12, 5];
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 11);
    const weights = [
      tf.randomUniform([5], 0.5, 1.5, 'float32', 12),
      tf.randomUniform([5], -0.5, 0.5, 'float32', 13),
      tf.randomUniform([5], -0.3, 0.3, 'float32', 14),
      tf.randomUniform([5], 0.8, 1.5, 'float32', 15),
    ];
    const make = (microbatchSize: number | null) => {
      const layer = batchRenormalization({ rmax: 1.2, dmax: 0.3, microbatchSize });
      layer.apply(tf.zeros([4, 5]));
      layer.setWeights(weights);
      return layer;
    };
    const grouped = make(4);
    const y = grouped.apply(x, { training: true }) as tf.Tensor;
    const parts = [0, 1, 2].map((g) => {
      const single = make(null);
      const out = single.apply(tf.slice(x, [4 * g, 0], [4, 5]), { training: true }) as tf.Tensor;
      return { out, weights: single.getWeights(), r: single.lastRenormValues()!.r };
    });
    assertClose(y.dataSync(), tf.concat(parts.map((p) => p.out)).dataSync(), 'output', 1e-5, 1e-5);
    // Three groups of 5 features: r per group, in group order.
    assertClose(
      grouped.lastRenormValues()!.r,
      parts.flatMap((p) => Array.from(p.r)),
      'r per group',
    );
    // The moving statistics move once, toward the mean over groups.
    for (const k of [2, 3]) {
      const expected = tf.mean(tf.stack(parts.map((p) => p.weights[k])), 0);
      assertClose(grouped.getWeights()[k].dataSync(), expected.dataSync(), `weight ${k}`, 1e-6, 1e-6);
    }
  });

  it('works on NHWC inputs and rejects a batch the group size does not divide', () => {
    const layer = batchRenormalization({ microbatchSize: 2 });
    const y = layer.apply(tf.randomNormal([4, 3, 3, 2]), { training: true }) as tf.Tensor;
    assert.deepEqual(y.shape, [4, 3, 3, 2]);
    assert.equal(layer.lastRenormValues()!.r.length, 2 * 2);
    layer.apply(tf.randomNormal([6, 3, 3, 2]), { training: true });
    assert.throws(
      () => layer.apply(tf.randomNormal([5, 3, 3, 2]), { training: true }),
      /Microbatch size 2 does not divide the batch size 5/,
    );
  });
});

describe('gradients through the layer inside a model', () => {
  const C = 4;
  const clip = { rmax: 1.4, dmax: 0.5 };
  const weights = () => [
    tf.tensor1d([0.7, 1.2, 1.5, 0.9]),
    tf.tensor1d([0.1, -0.2, 0.3, 0.05]),
    tf.tensor1d([0.2, -0.1, 0.5, 0.0]),
    tf.tensor1d([1.4, 0.9, 2.5, 1.1]),
  ];
  const oracle = (x: tf.Tensor, axes: number[], g: tf.Tensor, b: tf.Tensor, [, , mean, std]: tf.Tensor[]) =>
    referenceRenorm(x, axes, { gamma: g, beta: b, movingMean: mean, movingStd: std }, 1e-3, clip);

  /** The layer's own γ and β gradients, through `apply` in a model, against the reference's. */
  function check(shape: number[], microbatchSize: number | null, seed: number): void {
    const x = tf.randomNormal(shape, 0.4, 1.7, 'float32', seed);
    const upstream = tf.randomNormal(shape, 0, 1, 'float32', seed + 1);
    const layer = batchRenormalization({ ...clip, microbatchSize });
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: shape.slice(1) }), layer] });
    layer.setWeights(weights());
    const { grads } = tf.variableGrads(
      () => tf.sum(tf.mul(model.apply(x, { training: true }) as tf.Tensor, upstream)) as tf.Scalar,
      layer.trainableWeights.map((w) => w.read() as tf.Variable),
    );
    const w = weights();
    const group = microbatchSize ?? shape[0];
    const axes = shape.slice(0, -1).map((_, i) => i);
    const expected = tf.grads((g: tf.Tensor, b: tf.Tensor) => {
      const parts = Array.from({ length: shape[0] / group }, (_, i) =>
        oracle(tf.slice(x, i * group, group), axes, g, b, w),
      );
      return tf.sum(tf.mul(tf.concat(parts), upstream));
    })([w[0], w[1]]);
    const [dgamma, dbeta] = layer.trainableWeights.map((v) => grads[(v.read() as tf.Variable).name].dataSync());
    assertCloseToScale(dgamma, expected[0].dataSync(), 'dgamma', 1e-4);
    assertCloseToScale(dbeta, expected[1].dataSync(), 'dbeta', 1e-5);
  }

  it('dense, whole batch', () => check([16, C], null, 31));
  it('dense, microbatches of 4', () => check([16, C], 4, 33));
  it('NHWC, three groups of 2 examples against a reference per group', () => check([6, 3, 3, C], 2, 35));

  it('NHWC in groups: outputs and dx equal the reference applied to each group', () => {
    const shape = [6, 3, 3, C];
    const x = tf.randomNormal(shape, 0.4, 1.7, 'float32', 37);
    const upstream = tf.randomNormal(shape, 0, 1, 'float32', 38);
    const w = weights();
    const layer = batchRenormalization({ ...clip, microbatchSize: 2 });
    layer.apply(tf.zeros([2, 3, 3, C]));
    layer.setWeights(weights());
    const perGroup = (v: tf.Tensor) =>
      tf.concat([0, 1, 2].map((i) => oracle(tf.slice(v, i * 2, 2), [0, 1, 2], w[0], w[1], w)));
    const y = tf.tidy(() => withFrozenStatistics([layer], () => layer.apply(x, { training: true }) as tf.Tensor));
    assertCloseToScale(y.dataSync(), perGroup(x).dataSync(), 'y', 1e-5);
    const dx = tf.grad((v: tf.Tensor) =>
      tf.sum(
        tf.mul(
          withFrozenStatistics([layer], () => layer.apply(v, { training: true }) as tf.Tensor),
          upstream,
        ),
      ),
    )(x);
    const dxRef = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(perGroup(v), upstream)))(x);
    assertCloseToScale(dx.dataSync(), dxRef.dataSync(), 'dx', 2e-4);
  });
});
