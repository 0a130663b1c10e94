/**
 * ∂ℓ/∂W of a 2-D convolution (tfjs's `Conv2DBackpropFilter`, which the wasm
 * backend lacks, tfjs issue 8474) on the kit's SIMD matrix product.
 *
 * Stride 1 with 'same' padding and an odd square kernel goes to
 * `convSameFilter` (`conv-gemm.ts`, the kernel the kit's conv trainer uses):
 * no patch matrix. Every other geometry takes the patch matrix below.
 *
 * For x [N, H, W, Cin], ∂ℓ/∂y [N, Ho, Wo, Cout] and a kernel [kh, kw, Cin, Cout]:
 * with the patches P [N·Ho·Wo, kh·kw·Cin] of x (im2col; zeros where the
 * window reaches into the padding), ∂ℓ/∂W as [kh·kw·Cin, Cout] is Pᵀ·∂ℓ/∂y,
 * one `gemm` of Pᵀ, built directly, by ∂ℓ/∂y as it is. Pᵀ is built
 * in the backend's scratch memory, a block of examples at a time so that it
 * stays under `PATCH_FLOATS`; blocks after the first are summed into the
 * output in float32. Strides, 'same', 'valid', explicit and numeric padding
 * and the rounding modes come from tfjs's own `computeConv2DInfo`; NHWC only
 * (the wasm backend's convolutions are NHWC only too).
 */
import { tf } from '../tf';
import { convSameFilter } from './conv-gemm';
import type { HostMemory } from './memory';
import type { Info } from './renorm-relu';

/** The largest patch matrix built at once, in floats (16 MiB). */
export const PATCH_FLOATS = 1 << 22;

export interface ConvFilterAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | number[][];
  dataFormat?: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

export function conv2DBackpropFilter(mem: HostMemory, inputs: { x: Info; dy: Info }, attrs: ConvFilterAttrs): Info[] {
  const { x: xInfo, dy: dyInfo } = inputs;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') {
    throw new Error(`Conv2DBackpropFilter: dataFormat '${attrs.dataFormat}' is not supported here, only 'NHWC'`);
  }
  if (xInfo.shape.length !== 4 || dyInfo.shape.length !== 4) {
    throw new Error(`Conv2DBackpropFilter: x [${xInfo.shape}] and dy [${dyInfo.shape}] must both be rank 4 (NHWC)`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xInfo.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1,
    attrs.pad as 'valid',
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: N, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, outChannels: Co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top, left } = info.padInfo;
  if (dyInfo.shape[0] !== N || dyInfo.shape[1] !== Ho || dyInfo.shape[2] !== Wo || dyInfo.shape[3] !== Co) {
    throw new Error(
      `Conv2DBackpropFilter: dy is [${dyInfo.shape}], but x [${xInfo.shape}] and a ${kh}x${kw} kernel give [${[N, Ho, Wo, Co]}]`,
    );
  }
  // Stride 1 and 'same' padding with an odd square kernel (the conv model's layers, and most): the framed kernel.
  const p = (kh - 1) / 2;
  const framed =
    mem.simd !== null &&
    kh === kw &&
    kh % 2 === 1 &&
    sh === 1 &&
    sw === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    [info.padInfo.top, info.padInfo.bottom, info.padInfo.left, info.padInfo.right].every((v) => v === p);
  if (framed) return convSameFilter(mem, inputs, { k: kh });
  const taps = kh * kw * C;
  const rowsPerExample = Ho * Wo;
  const perBlock = Math.max(1, Math.min(N, Math.floor(PATCH_FLOATS / Math.max(1, taps * rowsPerExample))));
  const blocks = Math.ceil(N / perBlock);

  // Scratch first (it may grow the heap), then the outputs, then views.
  const simd = mem.simd;
  const patchFloats = perBlock * rowsPerExample * taps;
  const partialFloats = blocks > 1 ? taps * Co : 0;
  const scratch = simd !== null ? simd.scratch(patchFloats + partialFloats) : 0;
  const { infos, views } = mem.alloc([[kh, kw, C, Co]]);
  const out = views[0];
  const x = mem.read(xInfo);
  const dy = mem.read(dyInfo);
  // Without the SIMD loops (no wasm SIMD, or the cpu backend) the scratch is ordinary JavaScript memory.
  const area = simd !== null ? simd.heap().subarray(scratch >> 2) : new Float32Array(patchFloats + partialFloats);
  const patches = area.subarray(0, patchFloats);
  const partial = area.subarray(patchFloats, patchFloats + partialFloats);

  for (let b = 0; b < blocks; b++) {
    const n0 = b * perBlock;
    const n1 = Math.min(N, n0 + perBlock);
    const geometry = { H, W, C, Ho, Wo, kh, kw, sh, sw, top, left };
    const rows = (n1 - n0) * rowsPerExample;
    fillPatchesTransposed(x, patches, n0, n1, geometry);
    const target = b === 0 ? out : partial;
    if (simd !== null) {
      const dyAt = mem.offset(dyInfo) + 4 * n0 * rowsPerExample * Co;
      const targetAt = b === 0 ? mem.offset(infos[0]) : scratch + 4 * patchFloats;
      // C [taps, Co] = Pᵀ · dy, both row-major.
      simd.loops.gemm(scratch, dyAt, targetAt, taps, rows, Co, rows, 1);
    } else {
      product(patches, dy.subarray(n0 * rowsPerExample * Co), target, taps, rows, Co);
    }
    if (b > 0) for (let i = 0; i < taps * Co; i++) out[i] = Math.fround(out[i] + partial[i]);
  }
  return infos;
}

interface Geometry {
  H: number;
  W: number;
  C: number;
  Ho: number;
  Wo: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
}

/**
 * The patches of the examples in [n0, n1), transposed: Pᵀ [kh·kw·Cin, rows], row (a, b, c) holding
 * x[n, i·sh − top + a, j·sw − left + b, c] (0 in the padding) over (n, i, j), contiguous, so the
 * product reads both operands row by row (faster, as measured,
 * than P read through strides). Element loops: no typed-array views.
 */
function fillPatchesTransposed(x: Float32Array, p: Float32Array, n0: number, n1: number, g: Geometry): void {
  const { H, W, C, Ho, Wo, kh, kw, sh, sw, top, left } = g;
  const rows = (n1 - n0) * Ho * Wo;
  const rowFloats = W * C;
  for (let a = 0; a < kh; a++)
    for (let b = 0; b < kw; b++)
      for (let c = 0; c < C; c++) {
        let o = ((a * kw + b) * C + c) * rows;
        for (let n = n0; n < n1; n++) {
          const xn = n * H * rowFloats + c;
          for (let i = 0; i < Ho; i++) {
            const h = i * sh - top + a;
            if (h < 0 || h >= H) {
              for (let e = o + Wo; o < e; o++) p[o] = 0;
              continue;
            }
            const rowAt = xn + h * rowFloats;
            for (let j = 0; j < Wo; j++, o++) {
              const w = j * sw - left + b;
              p[o] = w < 0 || w >= W ? 0 : x[rowAt + w * C];
            }
          }
        }
      }
}

/** c [m, n] = a·b for a [m, k] and b [k, n], each element the float32 sum over k in order (the `gemm` order). */
function product(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number): void {
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let r = 0; r < k; r++) s = Math.fround(s + Math.fround(a[i * k + r] * b[r * n + j]));
      c[i * n + j] = s;
    }
}
