/**
 * The framed convolution kernels (`conv-gemm.ts`) on wasm with SIMD against a
 * float64 direct convolution written out here, for kernels 1, 3, 5 and 7,
 * channel counts on and off the product's 8- and 4-column tiles, image sides
 * odd and even, one example and many; blocks of grid rows that split the
 * batch; the row kernels (`conv_rows`, `conv_filter_rows`) bit for bit
 * against the grid's products; `gemm_acc` against C + A·B; the model's two layers' forward and
 * input gradient bit for bit against tfjs's conv2d; and the errors.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { initBackend } from '../backend';
import { assertCloseToScale } from '../testing';
import { tf } from '../tf';
import { BLOCK_ROWS, FILTER_BLOCK_ROWS, frameOf, gridBlocks } from './conv-gemm';
import { convSameFilterOp, convSameOp } from './index';
import { hasSimdKernels, hostMemory } from './memory';

before(async () => {
  await initBackend('wasm');
});

function values(n: number, seed: string): Float32Array {
  const rng = seedrandom(seed);
  return Float32Array.from({ length: n }, () => 2 * rng() - 1);
}

/** y[n,i,j,o] = Σ_{a,b,c} x[n, i+a−p, j+b−p, c]·w[a,b,c,o] in float64 (zero outside x). */
function directConv(x: Float32Array, w: Float32Array, [N, H, W, C]: number[], k: number, cout: number): Float64Array {
  const p = (k - 1) / 2;
  const y = new Float64Array(N * H * W * cout);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) {
            const h = i + a - p;
            const v = j + b - p;
            if (h < 0 || h >= H || v < 0 || v >= W) continue;
            for (let c = 0; c < C; c++) {
              const xv = x[((n * H + h) * W + v) * C + c];
              for (let o = 0; o < cout; o++)
                y[((n * H + i) * W + j) * cout + o] += xv * w[((a * k + b) * C + c) * cout + o];
            }
          }
  return y;
}

/** ∂/∂w of Σ y·dy in float64. */
function directFilter(
  x: Float32Array,
  dy: Float32Array,
  [N, H, W, C]: number[],
  k: number,
  cout: number,
): Float64Array {
  const p = (k - 1) / 2;
  const g = new Float64Array(k * k * C * cout);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let a = 0; a < k; a++)
          for (let b = 0; b < k; b++) {
            const h = i + a - p;
            const v = j + b - p;
            if (h < 0 || h >= H || v < 0 || v >= W) continue;
            for (let c = 0; c < C; c++) {
              const xv = x[((n * H + h) * W + v) * C + c];
              for (let o = 0; o < cout; o++)
                g[((a * k + b) * C + c) * cout + o] += xv * dy[((n * H + i) * W + j) * cout + o];
            }
          }
  return g;
}

/** w [k, k, cout, cin] flipped in both spatial axes with its channel axes swapped: [k, k, cin, cout]. */
function flipKernel(w: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const f = new Float32Array(w.length);
  for (let a = 0; a < k; a++)
    for (let b = 0; b < k; b++)
      for (let o = 0; o < cin; o++)
        for (let c = 0; c < cout; c++)
          f[((a * k + b) * cout + c) * cin + o] = w[(((k - 1 - a) * k + (k - 1 - b)) * cin + o) * cout + c];
  return f;
}

function simdIt(name: string, fn: () => void): void {
  it(name, (t) => {
    if (!hasSimdKernels()) {
      t.skip('this runtime has no wasm SIMD: the ops take tfjs');
      return;
    }
    fn();
  });
}

describe('framed convolutions on wasm SIMD against a float64 direct convolution', () => {
  // [N, H, W, C, Cout, k]
  const cases: [number, number, number, number, number, number][] = [
    [2, 6, 6, 1, 16, 5],
    [3, 7, 5, 3, 5, 3],
    [1, 4, 9, 4, 8, 1],
    [2, 9, 8, 16, 32, 5],
    [2, 10, 10, 2, 3, 7],
    [5, 3, 3, 6, 12, 3],
  ];
  for (const [N, H, W, C, Cout, k] of cases) {
    const shape = [N, H, W, C];
    const label = `x [${shape}], ${k}×${k}×${C}×${Cout}`;
    simdIt(`${label}: forward, input gradient and weight gradient`, () => {
      const xv = values(N * H * W * C, `x${label}`);
      const wv = values(k * k * C * Cout, `w${label}`);
      const dyv = values(N * H * W * Cout, `dy${label}`);
      const x = tf.tensor4d(xv, [N, H, W, C]);
      const w = tf.tensor4d(wv, [k, k, C, Cout]);
      const dy = tf.tensor4d(dyv, [N, H, W, Cout]);
      const y = convSameOp(x, w);
      assert.deepEqual(y.shape, [N, H, W, Cout]);
      assertCloseToScale(y.dataSync(), directConv(xv, wv, shape, k, Cout), 'y', 1e-5);
      // ∂ℓ/∂x of y·dy is the convolution of dy with the flipped, channel-swapped kernel.
      const dx = convSameOp(dy, w, true);
      assert.deepEqual(dx.shape, [N, H, W, C]);
      const expectedDx = directConv(dyv, flipKernel(wv, k, C, Cout), [N, H, W, Cout], k, C);
      assertCloseToScale(dx.dataSync(), expectedDx, 'dx', 1e-5);
      const dw = convSameFilterOp(x, dy, k);
      assert.deepEqual(dw.shape, [k, k, C, Cout]);
      assertCloseToScale(dw.dataSync(), directFilter(xv, dyv, shape, k, Cout), 'dW', 1e-5);
      tf.dispose([x, w, dy, y, dx, dw]);
    });
  }

  simdIt(`splits an example's rows into blocks of ${BLOCK_ROWS} and sums the blocks, with the same values`, () => {
    // 3 examples of 40×36 with 5×5 kernels: 40·38 − 2 = 1,518 grid rows each, two blocks each.
    const [N, H, W, C, Cout, k] = [3, 40, 36, 4, 8, 5];
    assert.equal(gridBlocks(frameOf(N, H, W, k)).length, 2 * N, 'the case must split every example');
    const xv = values(N * H * W * C, 'bx');
    const wv = values(k * k * C * Cout, 'bw');
    const dyv = values(N * H * W * Cout, 'bdy');
    const x = tf.tensor4d(xv, [N, H, W, C]);
    const dy = tf.tensor4d(dyv, [N, H, W, Cout]);
    const w = tf.tensor4d(wv, [k, k, C, Cout]);
    assertCloseToScale(convSameOp(x, w).dataSync(), directConv(xv, wv, [N, H, W, C], k, Cout), 'y', 1e-5);
    assertCloseToScale(convSameFilterOp(x, dy, k).dataSync(), directFilter(xv, dyv, [N, H, W, C], k, Cout), 'dW', 1e-5);
    tf.dispose([x, dy, w]);
  });

  simdIt("the conv model's layers forward and conv2's input gradient: the same bits as tfjs's conv2d", () => {
    for (const [N, side, C, Cout] of [
      [32, 28, 1, 16],
      [32, 14, 16, 32],
      [4, 14, 16, 32],
    ]) {
      const x = tf.tensor4d(values(N * side * side * C, `m${side}`), [N, side, side, C]);
      const w = tf.tensor4d(values(25 * C * Cout, `mw${side}`), [5, 5, C, Cout]);
      const dy = tf.tensor4d(values(N * side * side * Cout, `mdy${side}`), [N, side, side, Cout]);
      const flipped = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
      assert.deepEqual(Array.from(convSameOp(x, w).dataSync()), Array.from(tf.conv2d(x, w, 1, 'same').dataSync()));
      assert.deepEqual(
        Array.from(convSameOp(dy, w, true).dataSync()),
        Array.from(tf.conv2d(dy, flipped, 1, 'same').dataSync()),
      );
      tf.dispose([x, w, dy, flipped]);
    }
  });

  simdIt(
    "the row kernels give the grid products' bits: partial tiles, 4-column tiles, zeros in ∂ℓ/∂y, blocks of rows",
    () => {
      // [N, H, W, C, Cout, k]: outputs and taps not in fours, Cout 4 (a 4-column tile only) and 12 (8 + 4),
      // and a batch of more than FILTER_BLOCK_ROWS outputs (the weight gradient summed over blocks).
      const cases: [number, number, number, number, number, number][] = [
        [1, 3, 5, 1, 4, 3],
        [3, 7, 5, 3, 12, 5],
        [2, 10, 10, 2, 8, 7],
        [4, 14, 14, 16, 32, 5],
      ];
      assert.ok(4 * 14 * 14 > FILTER_BLOCK_ROWS, 'the last case must split into blocks');
      const bits = (t: tf.Tensor) => Array.from(new Uint32Array(t.dataSync().buffer.slice(0)));
      const kernel = (name: string, inputs: Record<string, tf.Tensor>, attrs: object) =>
        tf.engine().runKernel(name, inputs as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as unknown as tf.Tensor[];
      for (const [N, H, W, C, Cout, k] of cases) {
        const label = `x [${[N, H, W, C]}], ${k}×${k}×${C}×${Cout}`;
        const x = tf.tensor4d(values(N * H * W * C, `r${label}`), [N, H, W, C]);
        // ReLU and pooling leave exact zeros (of both signs) in the gradients.
        const dyv = values(N * H * W * Cout, `rdy${label}`).map((v, i) => (i % 3 === 0 ? 0 : i % 7 === 0 ? -0 : v));
        const dy = tf.tensor4d(dyv, [N, H, W, Cout]);
        const w = tf.tensor4d(values(k * k * C * Cout, `rw${label}`), [k, k, C, Cout]);
        // An input gradient with Cout channels too (a layer Cout → Cout), so that it takes the row kernel.
        const wBack = tf.tensor4d(values(k * k * Cout * Cout, `rwb${label}`), [k, k, Cout, Cout]);
        const pairs: [string, Record<string, tf.Tensor>, object][] = [
          ['BrnConvSame', { x, w }, { flip: false }],
          ['BrnConvSame', { x: dy, w: wBack }, { flip: true }],
          ['BrnConvSameFilter', { x, dy }, { k }],
        ];
        for (const [name, inputs, attrs] of pairs) {
          const [rows] = kernel(name, inputs, attrs);
          const [grid] = kernel(name, inputs, { ...attrs, grid: true });
          assert.deepEqual(bits(rows), bits(grid), `${name} ${JSON.stringify(attrs)}, ${label}`);
          tf.dispose([rows, grid]);
        }
        tf.dispose([x, dy, w, wBack]);
      }
    },
  );

  simdIt('gemm_acc adds A·B to C, on every tile (8, 4 and 1 columns; 4 rows and 1)', () => {
    const [m, k, n] = [7, 5, 13];
    const a = tf.tensor2d(values(m * k, 'ga'), [m, k]);
    const b = tf.tensor2d(values(k * n, 'gb'), [k, n]);
    const c0 = values(m * n, 'gc');
    const c = tf.tensor2d(c0, [m, n]);
    const mem = hostMemory('wasm', tf.backend());
    const info = (t: tf.Tensor) => t as unknown as Parameters<typeof mem.offset>[0];
    mem.simd!.loops.gemm_acc(mem.offset(info(a)), mem.offset(info(b)), mem.offset(info(c)), m, k, n, k, 1);
    const got = mem.read(info(c));
    const av = a.dataSync();
    const bv = b.dataSync();
    const expected = Float64Array.from({ length: m * n }, (_, e) => {
      const [i, j] = [Math.floor(e / n), e % n];
      let s = c0[e];
      for (let r = 0; r < k; r++) s += av[i * k + r] * bv[r * n + j];
      return s;
    });
    assertCloseToScale(got, expected, 'C + A·B', 1e-6);
    tf.dispose([a, b, c]);
  });

  simdIt('names shapes that do not fit', () => {
    const x = tf.zeros([1, 6, 6, 2]);
    assert.throws(
      () => convSameOp(x, tf.zeros([5, 5, 3, 4])),
      /convSame: input \[1,6,6,2\] and \[5,5,3,4\] do not fit/,
    );
    assert.throws(() => convSameOp(x, tf.zeros([4, 4, 2, 4])), /odd kernel, got 4/);
    assert.throws(
      () => convSameFilterOp(x, tf.zeros([1, 5, 5, 3]), 5),
      /convSameFilter: input \[1,6,6,2\] and \[1,5,5,3\]/,
    );
  });
});
