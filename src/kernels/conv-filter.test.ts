/**
 * The wasm backend's Conv2DBackpropFilter (the kit's, `tfjs-gaps.ts`) against
 * the cpu backend's own, through autodiff of `tf.conv2d`: random shapes,
 * kernels square and not, strides 1 and 2, 'same', 'valid', numeric and
 * explicit padding; several patch blocks; the loop without SIMD; and the
 * README's conv model trained on wasm against the same model on cpu.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { initBackend } from '../backend';
import { assertCloseToScale } from '../testing';
import { tf } from '../tf';
import { conv2DBackpropFilter, PATCH_FLOATS, type ConvFilterAttrs } from './conv-filter';
import { hostMemory } from './memory';
import type { Info } from './renorm-relu';
import { filledByKit } from './tfjs-gaps';
import { batchRenormalization, groupNormalization } from '../index';

before(async () => {
  await initBackend();
});

type Pad = 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]];

function values(n: number, seed: string): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
}

/** ∂/∂W of Σ conv2d(x, W)·u on the named backend, from the same values. */
function filterGradient(
  backend: string,
  xShape: [number, number, number, number],
  wShape: [number, number, number, number],
  strides: number | [number, number],
  pad: Pad,
  seed: string,
): { grad: Float32Array; yShape: number[] } {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(
        values(
          xShape.reduce((a, b) => a * b),
          `${seed}x`,
        ),
        xShape,
      );
      const w = tf.tensor4d(
        values(
          wShape.reduce((a, b) => a * b),
          `${seed}w`,
        ),
        wShape,
      );
      const y = tf.conv2d(x, w, strides, pad as 'same');
      const u = tf.tensor(values(y.size, `${seed}u`), y.shape);
      const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, v as tf.Tensor4D, strides, pad as 'same'), u)))(
        w,
      );
      return { grad: grad.dataSync() as Float32Array, yShape: y.shape };
    });
  } finally {
    tf.setBackend(previous);
  }
}

describe("Conv2DBackpropFilter on wasm against the cpu backend's", () => {
  it('is the kit’s on wasm (tfjs 4.22 has none) and tfjs’s own on cpu', () => {
    assert.ok(filledByKit.has('wasm/Conv2DBackpropFilter'));
    assert.ok(tf.getKernel('Conv2DBackpropFilter', 'wasm') !== undefined);
    assert.ok(!filledByKit.has('cpu/Conv2DBackpropFilter'));
  });

  // [x shape, kernel shape, strides, padding]
  const cases: [[number, number, number, number], [number, number, number, number], number | [number, number], Pad][] =
    [
      [[2, 7, 7, 1], [5, 5, 1, 4], 1, 'same'],
      [[3, 8, 6, 3], [3, 3, 3, 5], 1, 'valid'],
      [[2, 9, 9, 2], [3, 3, 2, 4], 2, 'same'],
      [[2, 10, 7, 4], [3, 2, 4, 3], [2, 1], 'valid'],
      [[1, 6, 6, 8], [1, 1, 8, 8], 1, 'same'],
      [[4, 5, 8, 2], [2, 4, 2, 6], 2, 'same'],
      [[2, 8, 8, 3], [3, 3, 3, 2], 1, 1],
      [
        [2, 7, 9, 2],
        [3, 3, 2, 3],
        [1, 2],
        [
          [0, 0],
          [2, 0],
          [1, 3],
          [0, 0],
        ],
      ],
      [[8, 14, 14, 16], [5, 5, 16, 32], 1, 'same'],
    ];
  for (const [xs, ws, strides, pad] of cases) {
    it(`x [${xs}], kernel [${ws}], strides ${JSON.stringify(strides)}, padding ${JSON.stringify(pad)}`, () => {
      const seed = `${xs}/${ws}/${strides}/${JSON.stringify(pad)}`;
      const wasm = filterGradient('wasm', xs, ws, strides, pad, seed);
      const cpu = filterGradient('cpu', xs, ws, strides, pad, seed);
      assert.deepEqual(wasm.yShape, cpu.yShape);
      assertCloseToScale(wasm.grad, cpu.grad, 'dW', 1e-5);
    });
  }

  it(`sums several blocks of examples when the patches exceed ${PATCH_FLOATS} floats`, () => {
    // 10 examples of 40·40 rows × 400 taps ('valid': the patch path, not the framed one): blocks of 6 and 4.
    const xs: [number, number, number, number] = [10, 44, 44, 16];
    const ws: [number, number, number, number] = [5, 5, 16, 4];
    assert.ok(10 * 40 * 40 * 400 > PATCH_FLOATS, 'the case must need more than one block');
    const wasm = filterGradient('wasm', xs, ws, 1, 'valid', 'blocks');
    const cpu = filterGradient('cpu', xs, ws, 1, 'valid', 'blocks');
    assertCloseToScale(wasm.grad, cpu.grad, 'dW', 1e-5);
  });

  it('gives the same values from its loop without SIMD', () => {
    const xs = [3, 9, 8, 4];
    const ws: [number, number, number, number] = [3, 3, 4, 8];
    const x = tf.tensor4d(values(3 * 9 * 8 * 4, 'nosimd-x'), xs as [number, number, number, number]);
    const dy = tf.tensor4d(values(3 * 5 * 4 * 8, 'nosimd-dy'), [3, 5, 4, 8]);
    const attrs: ConvFilterAttrs = { strides: 2, pad: 'same', filterShape: ws };
    const backend = tf.backend();
    const inputs = { x: x as unknown as Info, dy: dy as unknown as Info };
    const mem = hostMemory('wasm', backend);
    assert.ok(mem.simd !== null, 'this runtime has wasm SIMD');
    const [fast] = conv2DBackpropFilter(mem, inputs, attrs);
    const [plain] = conv2DBackpropFilter({ ...mem, simd: null }, inputs, attrs);
    const read = (i: Info) => tf.engine().makeTensorFromTensorInfo(i as unknown as tf.TensorInfo);
    const [a, b] = [read(fast), read(plain)];
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    tf.dispose([a, b, x, dy]);
  });

  it('names a bad dy shape and an NCHW request', () => {
    const x = tf.zeros([1, 6, 6, 2]);
    const dy = tf.zeros([1, 5, 5, 3]);
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', filterShape: [3, 3, 2, 3] }),
      /dy is \[1,5,5,3\], but x \[1,6,6,2\] and a 3x3 kernel give \[1,6,6,3\]/,
    );
    assert.throws(
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x, dy },
            { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 3] },
          ),
      /dataFormat 'NCHW' is not supported here, only 'NHWC'/,
    );
    tf.dispose([x, dy]);
  });
});

/** The side of the images: the README's model on 16x16 inputs (its 28x28 would only make the cpu reference slower). */
const SIDE = 16;

/** The README's conv model (both layers), or with `plain` tfjs's own layers only. */
function convModel(plain: boolean): tf.Sequential {
  const norm = (i: number) =>
    plain
      ? tf.layers.batchNormalization({ momentum: 0.99 })
      : i === 0
        ? batchRenormalization({ momentum: 0.99, microbatchSize: 4 })
        : groupNormalization({ groups: 4 });
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [SIDE, SIDE, 1], filters: 16, kernelSize: 5, padding: 'same', useBias: false }),
      norm(0),
      tf.layers.reLU(),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 32, kernelSize: 5, padding: 'same', useBias: false }),
      norm(1),
      tf.layers.reLU(),
      plain ? tf.layers.averagePooling2d({ poolSize: 2 }) : tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'rmsprop', loss: 'sparseCategoricalCrossentropy' });
  return model;
}

/** Losses of `steps` training steps of batch 8 on each backend, from the same weights and data. */
async function losses(backend: string, plain: boolean, weights: Float32Array[], steps: number): Promise<number[]> {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    const model = convModel(plain);
    model.setWeights(model.getWeights().map((w, i) => tf.tensor(weights[i], w.shape)));
    const x = tf.tensor4d(values(steps * 8 * SIDE * SIDE, 'fit-x'), [steps * 8, SIDE, SIDE, 1]);
    const labels = Array.from({ length: steps * 8 }, (_, i) => (i * 7) % 10);
    const out: number[] = [];
    for (let s = 0; s < steps; s++) {
      const xs = tf.slice(x, [8 * s, 0, 0, 0], [8, SIDE, SIDE, 1]);
      const ys = tf.tensor1d(labels.slice(8 * s, 8 * s + 8), 'float32');
      out.push((await model.trainOnBatch(xs, ys)) as number);
      tf.dispose([xs, ys]);
    }
    model.dispose();
    x.dispose();
    return out;
  } finally {
    tf.setBackend(previous);
  }
}

describe('conv models train on wasm, as on cpu', () => {
  for (const plain of [false, true]) {
    const what = plain
      ? "tfjs's conv2d + batchNormalization + max- and average-pooling (no kit layer)"
      : "the README's model: conv2d + batchRenormalization, conv2d + groupNormalization, max-pooling";
    it(`${what}: the losses of 5 steps match the cpu backend's`, async () => {
      const weights = tf.tidy(() =>
        convModel(plain)
          .getWeights()
          .map((w) => w.dataSync() as Float32Array),
      );
      const onWasm = await losses('wasm', plain, weights, 5);
      const onCpu = await losses('cpu', plain, weights, 5);
      assert.ok(onWasm.every(Number.isFinite), `losses ${onWasm}`);
      assert.ok(onWasm[4] !== onWasm[0], 'the model trains');
      assertCloseToScale(onWasm, onCpu, 'loss', 1e-4);
    });
  }
});
