/**
 * The fused conv trainer against the layers trainer (`buildModel`'s conv
 * model through tfjs-layers), by the same checks as the MLP's
 * (`fused.fixture.ts`): loss curves, evaluation on the same weights, one
 * step's weight changes, the parameter average, no tensor leaks.
 */
import { after, before, describe } from 'node:test';
import { initBackend } from '../backend';
import { conv2dSame } from '../models/conv';
import { convSameFilterOp, convSameOp } from '../kernels';
import { assertCloseToScale, fusedIt } from '../testing';
import { tf } from '../tf';
import { checkAgainstLayers, checkAverage, checkNoLeaks, checkOneStep, data, fusedFor, modelOf } from './fused.fixture';

before(async () => {
  await initBackend();
});

after(() => data.dispose());

describe("the conv trainer's convolution ops", () => {
  fusedIt("convSameOp and convSameFilterOp are conv2dSame's value and gradients (this backend's)", () => {
    for (const [N, H, W, Cin, Cout, k] of [
      [2, 6, 6, 1, 4, 5],
      [3, 4, 4, 4, 8, 3],
      [2, 8, 6, 3, 5, 5],
    ]) {
      const x = tf.randomNormal([N, H, W, Cin], 0, 1, 'float32', 21) as tf.Tensor4D;
      const w = tf.randomNormal([k, k, Cin, Cout], 0, 0.3, 'float32', 22) as tf.Tensor4D;
      const dy = tf.randomNormal([N, H, W, Cout], 0, 1, 'float32', 23);
      const what = `${[N, H, W, Cin, Cout, k]}`;
      const loss = (xv: tf.Tensor, wv: tf.Tensor) =>
        tf.sum(tf.mul(conv2dSame(xv as tf.Tensor4D, wv as tf.Tensor4D), dy));
      const [dx, dw] = tf.grads(loss)([x, w]);
      assertCloseToScale(convSameOp(x, w).dataSync(), conv2dSame(x, w).dataSync(), `y ${what}`, 1e-6);
      assertCloseToScale(convSameOp(dy, w, true).dataSync(), dx.dataSync(), `dx ${what}`, 1e-5);
      assertCloseToScale(convSameFilterOp(x, dy, k).dataSync(), dw.dataSync(), `dW ${what}`, 1e-5);
    }
  });
});

describe('the fused conv trainer against the layers trainer', () => {
  for (const [normalization, microbatchSize, clip, steps] of [
    ['brn', null, { rmax: 1.5, dmax: 0.5 }, 40],
    ['bn', 4, null, 20],
    ['gn', null, null, 40],
    ['ln', null, null, 20],
    ['none', null, null, 20],
  ] as const) {
    const what = `${normalization}${microbatchSize === null ? '' : `, microbatches of ${microbatchSize}`}`;
    fusedIt(`${what}: same loss curve over ${steps} steps, same evaluation on the same weights`, () =>
      checkAgainstLayers(
        modelOf('conv', normalization, microbatchSize),
        clip,
        steps,
        microbatchSize === null ? 20 : 10,
      ),
    );
  }

  for (const [normalization, microbatchSize] of [
    ['brn', 4],
    ['gn', null],
    ['none', null],
  ] as const) {
    fusedIt(`${normalization}: one step gives the same weights, moving statistics and optimizer slots`, () =>
      checkOneStep(modelOf('conv', normalization, microbatchSize), { rmax: 2, dmax: 1 }),
    );
  }

  fusedIt('the average follows every step, moving statistics included', () =>
    checkAverage(fusedFor(modelOf('conv', 'bn'), 4, 0.5), 0.5),
  );

  fusedIt('leaks no tensors over 1,000 steps and evaluations', () => {
    checkNoLeaks(fusedFor(modelOf('conv', 'brn', 4), 2), 1000);
    checkNoLeaks(fusedFor(modelOf('conv', 'gn'), 2), 50);
  });
});
