/**
 * Stride-1 'same' convolutions with an odd k×k kernel (the conv model's
 * layers) on the kit's SIMD matrix product, with no patch matrix: the input
 * is copied once into a *frame*, and every tap is then a plain strided
 * operand of `gemm`.
 *
 * The frame of x [N, H, W, C] with p = (k − 1)/2 holds each example's rows at
 * a period of W + p positions and each example at a period of H + p rows, with
 * zeros in between, and p·(W + p) + p zero positions before and after. An
 * output position r = (n·(H + p) + i)·(W + p) + j of the *grid* (the outputs
 * in the same periodic layout) then reads its tap (a, b) at frame position
 * r + (a − p)·(W + p) + (b − p) + base for every r: one stride for the whole
 * batch, the padding read as zeros. Grid rows with i ≥ H or j ≥ W are not
 * outputs: the products run over each example's rows from its first output
 * to its last, so the p columns between rows cost about (W + p)/W of the
 * arithmetic (1.07 on 28×28, 1.14 on 14×14), and no k²·C-wide patch matrix
 * is built; the weight gradient gives those columns ∂ℓ/∂y = 0.
 *
 * - `convSame` (forward, or with `flip` the input gradient, which is the
 *   forward convolution of ∂ℓ/∂y with the kernel flipped and its channels
 *   swapped): for each kernel row a, grid [R, Cout] += A_a [R, k·C] · W[a]
 *   [k·C, Cout], A_a being the frame read at stride C from tap (a, 0).
 * - `convSameFilter` (∂ℓ/∂W): for each kernel row a, ∂ℓ/∂W[a] [k·C, Cout] =
 *   A_aᵀ · ∂ℓ/∂y on the grid, one `gemm` per kernel row with A read transposed.
 *
 * With output channels in fours, both run instead on `simd.wat`'s row
 * kernels, which make the same additions in the same order without the grid:
 * - `conv_rows` takes each output's row of A as k runs of k·C floats from a
 *   table of the outputs' tap (0, 0) in the frame, so a tile of 4 outputs by
 *   8 channels sums all k·k·C taps in registers (no stores and loads of C
 *   between kernel rows, which cost most on conv1's runs of 5), computes
 *   only outputs (not the p columns between rows) and writes [N, H, W, Cout]
 *   in place (no gather);
 * - `conv_filter_rows` reads ∂ℓ/∂y where it is, over the outputs only, in
 *   blocks of `FILTER_BLOCK_ROWS`: the grid's rows it leaves out hold
 *   ∂ℓ/∂y = 0, and a product ±0 added to a sum begun at +0 changes no bit
 *   (such a sum is never −0), so for finite inputs the result is the grid
 *   products' bits. The tests hold the two paths to each other bit for bit
 *   (the `grid` attribute forces the grid's products).
 *
 * Sums run over taps and channels in a fixed order, so results are
 * deterministic; forward and input gradient are tfjs's conv2d's bits (the
 * tests hold them so on the conv model's layers), the weight gradient is not
 * (tfjs sums it in another order).
 * wasm with SIMD only (`mem.simd`): callers take tfjs's ops elsewhere.
 */
import type { HostMemory } from './memory';
import type { Info } from './renorm-relu';

/** At most this many grid rows per product (a block stays in cache while every kernel row runs on it). */
export const BLOCK_ROWS = 1024;

/** The periodic layout of one stride-1 'same' k×k convolution's input and outputs. */
export interface Frame {
  N: number;
  H: number;
  W: number;
  p: number;
  /** Row and example periods, in positions and rows. */
  Wp: number;
  Hp: number;
  /** Zero positions before the first example (and after the last). */
  base: number;
  /** Grid positions, N·Hp·Wp (outputs and the rows between them). */
  R: number;
  /** Frame positions: base + R + base. */
  positions: number;
}

export function frameOf(N: number, H: number, W: number, k: number): Frame {
  if (k % 2 !== 1) throw new Error(`a 'same' convolution on a frame needs an odd kernel, got ${k}`);
  const p = (k - 1) / 2;
  const Wp = W + p;
  const Hp = H + p;
  const base = p * Wp + p;
  const R = N * Hp * Wp;
  return { N, H, W, p, Wp, Hp, base, R, positions: base + R + base };
}

/**
 * The products' blocks of grid rows, [first row, rows]: each example's rows
 * from its first output to its last (the p zero rows after each example and
 * the p columns after its last row are never computed), in pieces of at most
 * `BLOCK_ROWS`.
 */
export function gridBlocks(f: Frame): [number, number][] {
  const blocks: [number, number][] = [];
  const span = f.H * f.Wp - f.p;
  for (let n = 0; n < f.N; n++)
    for (let r = 0; r < span; r += BLOCK_ROWS) blocks.push([n * f.Hp * f.Wp + r, Math.min(BLOCK_ROWS, span - r)]);
  return blocks;
}

/**
 * Copies rows [N, H, W, ch] at float `src` of the heap into the periodic
 * layout at float `dst`, starting `at` positions in, zeros everywhere else
 * (`total` positions).
 */
function spread(heap: Float32Array, src: number, dst: number, f: Frame, ch: number, at: number, total: number): void {
  heap.fill(0, dst, dst + total * ch);
  const row = f.W * ch;
  for (let n = 0; n < f.N; n++)
    for (let i = 0; i < f.H; i++) {
      const from = src + (n * f.H + i) * row;
      heap.copyWithin(dst + (at + (n * f.Hp + i) * f.Wp) * ch, from, from + row);
    }
}

/** The inverse of `spread` with at = 0: the grid's output rows into [N, H, W, ch] at float `dst`. */
function gather(heap: Float32Array, src: number, dst: number, f: Frame, ch: number): void {
  const row = f.W * ch;
  for (let n = 0; n < f.N; n++)
    for (let i = 0; i < f.H; i++) {
      const from = src + (n * f.Hp + i) * f.Wp * ch;
      heap.copyWithin(dst + (n * f.H + i) * row, from, from + row);
    }
}

const tables = new Map<string, Int32Array>();

/**
 * The output rows' table of `conv_rows` and `conv_filter_rows`: for each
 * output (n, i, j) in order, the byte offset in the frame (C channels) of its
 * tap (0, 0), (base + (n·Hp + i)·Wp + j − p·Wp − p)·C·4. Kept per shape.
 */
function rowTable(f: Frame, C: number): Int32Array {
  const key = `${f.N},${f.H},${f.W},${f.p},${C}`;
  let table = tables.get(key);
  if (table === undefined) {
    table = new Int32Array(f.N * f.H * f.W);
    let o = 0;
    for (let n = 0; n < f.N; n++)
      for (let i = 0; i < f.H; i++)
        for (let j = 0; j < f.W; j++) table[o++] = 4 * C * (f.base + (n * f.Hp + i) * f.Wp + j - f.p * f.Wp - f.p);
    if (tables.size >= 16) tables.clear();
    tables.set(key, table);
  }
  return table;
}

/** Rows of ∂ℓ/∂y per `conv_filter_rows` call (each call sums onto the last: the same additions in order). */
export const FILTER_BLOCK_ROWS = 512;

function shapeError(name: string, x: Info, w: Info, detail: string): Error {
  return new Error(`${name}: input [${x.shape}] and [${w.shape}] ${detail}`);
}

function requireSimd(mem: HostMemory, name: string): NonNullable<HostMemory['simd']> {
  if (mem.simd === null) throw new Error(`${name} runs on wasm with SIMD only; use tf.conv2d elsewhere`);
  return mem.simd;
}

/**
 * y [N, H, W, Cout] = x [N, H, W, C] ⊛ w [k, k, C, Cout], stride 1, 'same'.
 * With `flip`, w is a layer's kernel [k, k, Cout, C] and the result is its
 * input gradient from x = ∂ℓ/∂y [N, H, W, C]: the kernel flipped in both
 * spatial axes with its channel axes swapped.
 */
export function convSame(
  mem: HostMemory,
  inputs: { x: Info; w: Info },
  attrs: { flip: boolean; grid?: boolean },
): Info[] {
  const simd = requireSimd(mem, 'convSame');
  const { x: xInfo, w: wInfo } = inputs;
  if (xInfo.shape.length !== 4 || wInfo.shape.length !== 4)
    throw shapeError('convSame', xInfo, wInfo, 'must be rank 4 (NHWC and a k×k kernel)');
  const [N, H, W, C] = xInfo.shape;
  const [k, k2] = wInfo.shape;
  const [cin, cout] = attrs.flip ? [wInfo.shape[3], wInfo.shape[2]] : [wInfo.shape[2], wInfo.shape[3]];
  if (k !== k2 || cin !== C) throw shapeError('convSame', xInfo, wInfo, `do not fit (flip: ${attrs.flip})`);
  const f = frameOf(N, H, W, k);
  const frameFloats = f.positions * C;
  const gridFloats = f.R * cout;
  const kernelFloats = attrs.flip ? k * k * C * cout : 0;
  // Scratch first (it may grow the heap), then the output, then views.
  // Channels in fours: the output rows only (`conv_rows`), from a table of their taps.
  const rows = cout % 4 === 0 && attrs.grid !== true;
  const tableInts = rows ? N * H * W : 0;
  const scratch = simd.scratch(frameFloats + (rows ? tableInts : gridFloats) + kernelFloats);
  const { infos } = mem.alloc([[N, H, W, cout]]);
  const heap = simd.heap();
  const at = scratch >> 2;
  const gridAt = at + frameFloats;
  if (rows) simd.heap32().set(rowTable(f, C), gridAt);
  const xAt = mem.offset(xInfo) >> 2;
  spread(heap, xAt, at, f, C, f.base, f.positions);
  let kernelAt = mem.offset(wInfo);
  if (attrs.flip) {
    // w'[a, b, c, o] = w[k−1−a, k−1−b, o, c], for w [k, k, o, c] read as the layer's [k, k, Cout, Cin].
    const dst = gridAt + (rows ? tableInts : gridFloats);
    const src = kernelAt >> 2;
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) {
        const from = src + ((k - 1 - a) * k + (k - 1 - b)) * cout * C;
        const to = dst + (a * k + b) * C * cout;
        for (let o = 0; o < cout; o++) for (let c = 0; c < C; c++) heap[to + c * cout + o] = heap[from + o * C + c];
      }
    kernelAt = dst << 2;
  }
  const outAt = mem.offset(infos[0]);
  if (rows) {
    simd.loops.conv_rows(scratch, gridAt << 2, kernelAt, outAt, N * H * W, cout, k, k * C, 4 * f.Wp * C);
    return infos;
  }
  const rowFloats = k * C * cout;
  // A block of grid rows at a time, every kernel row on it: the block stays in cache between them.
  // Grid rows outside the blocks are never outputs.
  for (const [r0, rows] of gridBlocks(f)) {
    for (let a = 0; a < k; a++) {
      const aAt = scratch + 4 * (f.base + r0 + (a - f.p) * f.Wp - f.p) * C;
      const product = a === 0 ? simd.loops.gemm : simd.loops.gemm_acc;
      product(aAt, kernelAt + 4 * a * rowFloats, (gridAt + r0 * cout) << 2, rows, k * C, cout, C, 1);
    }
  }
  gather(heap, gridAt, outAt >> 2, f, cout);
  return infos;
}

/** ∂ℓ/∂W [k, k, C, Cout] of a stride-1 'same' convolution of x [N, H, W, C], from ∂ℓ/∂y [N, H, W, Cout]. */
export function convSameFilter(
  mem: HostMemory,
  inputs: { x: Info; dy: Info },
  attrs: { k: number; grid?: boolean },
): Info[] {
  const simd = requireSimd(mem, 'convSameFilter');
  const { x: xInfo, dy: dyInfo } = inputs;
  const [N, H, W, C] = xInfo.shape;
  const cout = dyInfo.shape[3];
  if (
    xInfo.shape.length !== 4 ||
    dyInfo.shape.length !== 4 ||
    dyInfo.shape[0] !== N ||
    dyInfo.shape[1] !== H ||
    dyInfo.shape[2] !== W
  )
    throw shapeError('convSameFilter', xInfo, dyInfo, "are not an input and its 'same' output gradient (NHWC)");
  const k = attrs.k;
  const f = frameOf(N, H, W, k);
  const frameFloats = f.positions * C;
  // Channels in fours: ∂ℓ/∂y read where it is, over the output rows only (`conv_filter_rows`).
  const rows = cout % 4 === 0 && attrs.grid !== true;
  const scratch = simd.scratch(frameFloats + (rows ? N * H * W : f.R * cout));
  const { infos } = mem.alloc([[k, k, C, cout]]);
  const heap = simd.heap();
  const at = scratch >> 2;
  const gridAt = at + frameFloats;
  spread(heap, mem.offset(xInfo) >> 2, at, f, C, f.base, f.positions);
  const out = mem.offset(infos[0]);
  if (rows) {
    simd.heap32().set(rowTable(f, C), gridAt);
    // The same additions in the same order as the grid's products below: the rows left out hold
    // ∂ℓ/∂y = 0, and adding a product ±0 to a sum begun at +0 leaves it as it was (for finite x).
    const dy = mem.offset(dyInfo);
    const total = N * H * W;
    for (let r0 = 0; r0 < total; r0 += FILTER_BLOCK_ROWS) {
      const r = Math.min(FILTER_BLOCK_ROWS, total - r0);
      simd.loops.conv_filter_rows(
        scratch,
        (gridAt + r0) << 2,
        dy + 4 * r0 * cout,
        out,
        r,
        k * k * C,
        cout,
        k * C,
        4 * f.Wp * C,
        r0 > 0 ? 1 : 0,
      );
    }
    return infos;
  }
  spread(heap, mem.offset(dyInfo) >> 2, gridAt, f, cout, 0, f.R);
  // A block of grid rows at a time, every kernel row on it, each summed onto the blocks before: the
  // same additions in the same order as one product over all rows, with the block in cache (the rows
  // left out of the blocks hold ∂ℓ/∂y = 0).
  for (const [r0, rows] of gridBlocks(f)) {
    const product = r0 === 0 ? simd.loops.gemm : simd.loops.gemm_acc;
    for (let a = 0; a < k; a++) {
      const aAt = scratch + 4 * (f.base + r0 + (a - f.p) * f.Wp - f.p) * C;
      // Element (i, r) of A_aᵀ, i = (b, c) over the kernel row, is frame float (tap start + r)·C + i.
      product(aAt, (gridAt + r0 * cout) << 2, out + 4 * a * k * C * cout, k * C, rows, cout, 1, C);
    }
  }
  return infos;
}
