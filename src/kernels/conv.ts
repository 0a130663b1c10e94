/**
 * The pieces of a convolutional layer's training step that tfjs's wasm
 * backend lacks or does slowly, as single kernels on NHWC tensors:
 *
 * - `maxPool2`: 2×2 max-pooling with stride 2, which also records where each
 *   maximum came from (the first largest in the window, as tfjs's gradient
 *   takes it), and optionally the output transposed to [H/2·W/2·C, N] for a
 *   following dense layer's weight gradient;
 * - `maxPool2Backward`: ∂ℓ/∂y routed back to those positions, zeros elsewhere.
 *
 * On wasm with SIMD and channels in fours, both are loops of `simd.wat`
 * (`max_pool2`, `max_pool2_back`: the same selections, so the same bits);
 * the loops below are for the rest.
 */
import type { HostMemory } from './memory';
import type { Info } from './renorm-relu';

/**
 * 2×2 max-pooling, stride 2, on x [N, H, W, C] (H, W even): outputs
 * [y [N, H/2, W/2, C], where [same shape: 0…3, the window position of the
 * maximum, row-major], yᵀ [H/2·W/2·C, N] or an empty [0, N]].
 */
export function maxPool2(mem: HostMemory, inputs: { x: Info }, attrs: { transposed: boolean }): Info[] {
  const [N, H, W, C] = inputs.x.shape;
  if (H % 2 !== 0 || W % 2 !== 0) throw new Error(`maxPool2: height and width must be even, got ${H}x${W}`);
  const [Ho, Wo] = [H / 2, W / 2];
  const per = Ho * Wo * C;
  const { infos, views } = mem.alloc([
    [N, Ho, Wo, C],
    [N, Ho, Wo, C],
    [attrs.transposed ? per : 0, N],
  ]);
  if (mem.simd !== null && C % 4 === 0 && !attrs.transposed) {
    mem.simd.loops.max_pool2(mem.offset(inputs.x), N * Ho, Wo, C, mem.offset(infos[0]), mem.offset(infos[1]));
    return infos;
  }
  const [y, where, yT] = views;
  const x = mem.read(inputs.x);
  const rowStride = W * C;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const base = ((n * H + 2 * i) * W + 2 * j) * C;
        const o = ((n * Ho + i) * Wo + j) * C;
        for (let c = 0; c < C; c++) {
          const v0 = x[base + c];
          const v1 = x[base + C + c];
          const v2 = x[base + rowStride + c];
          const v3 = x[base + rowStride + C + c];
          // Plain assignments: a destructuring swap here allocated an array per element.
          let best = v0;
          let at = 0;
          if (v1 > best) {
            best = v1;
            at = 1;
          }
          if (v2 > best) {
            best = v2;
            at = 2;
          }
          if (v3 > best) {
            best = v3;
            at = 3;
          }
          y[o + c] = best;
          where[o + c] = at;
          if (attrs.transposed) yT[(o - n * per + c) * N + n] = best;
        }
      }
    }
  }
  return infos;
}

/** ∂ℓ/∂x [N, H, W, C] of `maxPool2` from ∂ℓ/∂y [N, H/2, W/2, C] and its `where`. */
export function maxPool2Backward(mem: HostMemory, inputs: { dy: Info; where: Info }): Info[] {
  const [N, Ho, Wo, C] = inputs.dy.shape;
  const [H, W] = [2 * Ho, 2 * Wo];
  const { infos, views } = mem.alloc([[N, H, W, C]]);
  if (mem.simd !== null && C % 4 === 0) {
    mem.simd.loops.max_pool2_back(mem.offset(inputs.dy), mem.offset(inputs.where), N * Ho, Wo, C, mem.offset(infos[0]));
    return infos;
  }
  const [dx] = views;
  const dy = mem.read(inputs.dy);
  const where = mem.read(inputs.where);
  const rowStride = W * C;
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < Ho; i++) {
      for (let j = 0; j < Wo; j++) {
        const base = ((n * H + 2 * i) * W + 2 * j) * C;
        const o = ((n * Ho + i) * Wo + j) * C;
        for (let c = 0; c < C; c++) {
          const at = where[o + c];
          const g = dy[o + c];
          dx[base + c] = at === 0 ? g : 0;
          dx[base + C + c] = at === 1 ? g : 0;
          dx[base + rowStride + c] = at === 2 ? g : 0;
          dx[base + rowStride + C + c] = at === 3 ? g : 0;
        }
      }
    }
  }
  return infos;
}
