/**
 * Group Normalization followed by ReLU as single kernels, forward and
 * backward, on inputs laid out as [examples × positions, channels] rows (a
 * dense layer's [N, C], or NHWC activations as [N·H·W, C]). Each example's
 * `rows` consecutive rows and each group of C/G consecutive channels are
 * normalized together (`groupnorm/ops.ts` is the same maths on tensors); there
 * are no moving statistics, so training and inference are one kernel.
 *
 * The scalar versions accumulate in float64; the SIMD versions run their row
 * loops in wasm SIMD (float32, `simd.wat`) and need channels in fours.
 * Layout of `stats`: [N, G, 2] holding (μ, σ) of each example and group.
 */
import type { HostMemory } from './memory';
import type { Info } from './renorm-relu';

export interface GroupNormAttrs {
  groups: number;
  /** Rows per example: 1 for a dense layer, H·W for a convolution's output. */
  rows: number;
  epsilon: number;
  /** Also output yᵀ [C, R] (the next dense layer's weight gradient needs it); else an empty [C, 0]. */
  transposed: boolean;
}

function shapes(x: Info, attrs: { groups: number; rows: number }) {
  const [R, C] = x.shape;
  const S = attrs.rows;
  const G = attrs.groups;
  if (R % S !== 0) throw new Error(`group norm: ${S} rows per example do not divide the ${R} rows`);
  if (C % G !== 0) throw new Error(`group norm: ${G} groups do not divide the ${C} channels`);
  return { R, C, S, G, N: R / S, cg: C / G, M: S * (C / G) };
}

/** Forward: y = relu(γ·(x − μ)/σ + β) per (example, group). Outputs [y, x̂, yᵀ or empty, stats]. */
export function groupNormReluForward(
  mem: HostMemory,
  inputs: { x: Info; gamma: Info; beta: Info },
  attrs: GroupNormAttrs,
): Info[] {
  const { R, C, S, G, N, cg, M } = shapes(inputs.x, attrs);
  const { infos, views } = mem.alloc([
    [R, C],
    [R, C],
    [C, attrs.transposed ? R : 0],
    [N, G, 2],
  ]);
  const [y, xhat, yT, stats] = views;
  const x = mem.read(inputs.x);
  const gamma = mem.read(inputs.gamma);
  const beta = mem.read(inputs.beta);
  for (let n = 0; n < N; n++) {
    const r0 = n * S;
    for (let g = 0; g < G; g++) {
      const c0 = g * cg;
      let sum = 0;
      for (let r = r0; r < r0 + S; r++) for (let c = c0, o = r * C; c < c0 + cg; c++) sum += x[o + c];
      const mean = sum / M;
      let sq = 0;
      for (let r = r0; r < r0 + S; r++) {
        for (let c = c0, o = r * C; c < c0 + cg; c++) {
          const d = x[o + c] - mean;
          sq += d * d;
        }
      }
      const std = Math.sqrt(sq / M + attrs.epsilon);
      stats[2 * (n * G + g)] = mean;
      stats[2 * (n * G + g) + 1] = std;
      const inv = 1 / std;
      for (let r = r0; r < r0 + S; r++) {
        for (let c = c0, o = r * C; c < c0 + cg; c++) {
          const xh = (x[o + c] - mean) * inv;
          xhat[o + c] = xh;
          const v = xh * gamma[c] + beta[c];
          const out = v > 0 ? v : 0;
          y[o + c] = out;
          if (attrs.transposed) yT[c * R + r] = out;
        }
      }
    }
  }
  return infos;
}

/**
 * Backward of `groupNormReluForward`: with g = ∂ℓ/∂y·[y > 0] and, over each
 * (example, group), a = mean(γg) and b = mean(γg·x̂),
 * ∂ℓ/∂x = (γg − a − x̂·b)/σ, ∂ℓ/∂γ = Σ g·x̂, ∂ℓ/∂β = Σ g. Outputs [∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β].
 */
export function groupNormReluBackward(
  mem: HostMemory,
  inputs: { dy: Info; y: Info; xhat: Info; stats: Info; gamma: Info },
  attrs: { groups: number; rows: number },
): Info[] {
  const { R, C, S, G, N, cg, M } = shapes(inputs.dy, attrs);
  const { infos, views } = mem.alloc([[R, C], [C], [C]]);
  const [dx, dgamma, dbeta] = views;
  const dy = mem.read(inputs.dy);
  const y = mem.read(inputs.y);
  const xhat = mem.read(inputs.xhat);
  const stats = mem.read(inputs.stats);
  const gamma = mem.read(inputs.gamma);
  const dg = new Float64Array(C);
  const db = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    const r0 = n * S;
    for (let g = 0; g < G; g++) {
      const c0 = g * cg;
      let a = 0;
      let b = 0;
      for (let r = r0; r < r0 + S; r++) {
        for (let c = c0, o = r * C; c < c0 + cg; c++) {
          if (y[o + c] > 0) {
            const v = dy[o + c];
            db[c] += v;
            dg[c] += v * xhat[o + c];
            a += gamma[c] * v;
            b += gamma[c] * v * xhat[o + c];
          }
        }
      }
      a /= M;
      b /= M;
      const inv = 1 / stats[2 * (n * G + g) + 1];
      for (let r = r0; r < r0 + S; r++) {
        for (let c = c0, o = r * C; c < c0 + cg; c++) {
          const v = y[o + c] > 0 ? dy[o + c] : 0;
          dx[o + c] = (gamma[c] * v - a - xhat[o + c] * b) * inv;
        }
      }
    }
  }
  dgamma.set(dg);
  dbeta.set(db);
  return infos;
}

/** `groupNormReluForward` with its row loops in wasm SIMD; channels in multiples of 4, and no transposed output. */
export function groupNormReluForwardSimd(
  mem: HostMemory,
  inputs: { x: Info; gamma: Info; beta: Info },
  attrs: GroupNormAttrs,
): Info[] {
  if (attrs.transposed) return groupNormReluForward(mem, inputs, attrs);
  const simd = mem.simd!;
  const { R, C, S, G, N, cg } = shapes(inputs.x, attrs);
  const scratch = simd.scratch(4 * C);
  const { infos } = mem.alloc([
    [R, C],
    [R, C],
    [C, 0],
    [N, G, 2],
  ]);
  const heap = simd.heap();
  const [y, xhat, , stats] = infos.map((t) => mem.offset(t));
  const x = mem.offset(inputs.x);
  const [channelMean, groupMean, spread, inv] = [0, 1, 2, 3].map((k) => scratch + 4 * k * C);
  const [fGamma, fBeta] = [inputs.gamma, inputs.beta].map((t) => mem.offset(t));
  const rowBytes = 4 * C;
  for (let n = 0; n < N; n++) {
    const xn = x + n * S * rowBytes;
    simd.loops.col_mean(xn, S, C, channelMean);
    for (let g = 0; g < G; g++) {
      let sum = 0;
      for (let c = g * cg; c < (g + 1) * cg; c++) sum += heap[(channelMean >> 2) + c];
      const mean = Math.fround(sum / cg);
      for (let c = g * cg; c < (g + 1) * cg; c++) heap[(groupMean >> 2) + c] = mean;
    }
    simd.loops.col_var(xn, S, C, groupMean, spread);
    for (let g = 0; g < G; g++) {
      let sum = 0;
      for (let c = g * cg; c < (g + 1) * cg; c++) sum += heap[(spread >> 2) + c];
      const std = Math.fround(Math.sqrt(sum / cg + attrs.epsilon));
      const s = (stats >> 2) + 2 * (n * G + g);
      heap[s] = heap[(groupMean >> 2) + g * cg];
      heap[s + 1] = std;
      for (let c = g * cg; c < (g + 1) * cg; c++) heap[(inv >> 2) + c] = 1 / std;
    }
    const o = n * S * rowBytes;
    simd.loops.norm_relu_nt(xn, S, C, groupMean, inv, fGamma, fBeta, y + o, xhat + o);
  }
  return infos;
}

/** `groupNormReluBackward` with its row loops in wasm SIMD; channels in multiples of 4. */
export function groupNormReluBackwardSimd(
  mem: HostMemory,
  inputs: { dy: Info; y: Info; xhat: Info; stats: Info; gamma: Info },
  attrs: { groups: number; rows: number },
): Info[] {
  const simd = mem.simd!;
  const { R, C, S, G, N, cg, M } = shapes(inputs.dy, attrs);
  const scratch = simd.scratch(5 * C);
  const { infos } = mem.alloc([[R, C], [C], [C]]);
  const heap = simd.heap();
  const [dx, dgamma, dbeta] = infos.map((t) => mem.offset(t));
  const [dy, y, xhat] = [inputs.dy, inputs.y, inputs.xhat].map((t) => mem.offset(t));
  const fStats = mem.offset(inputs.stats) >> 2;
  const fGamma = mem.offset(inputs.gamma) >> 2;
  const [sumG, sumGX, k, p, q] = [0, 1, 2, 3, 4].map((j) => scratch + 4 * j * C);
  const dg = new Float64Array(C);
  const db = new Float64Array(C);
  const rowBytes = 4 * C;
  for (let n = 0; n < N; n++) {
    const o = n * S * rowBytes;
    simd.loops.masked_col_sums(dy + o, y + o, xhat + o, S, C, sumG, sumGX);
    for (let g = 0; g < G; g++) {
      let a = 0;
      let b = 0;
      for (let c = g * cg; c < (g + 1) * cg; c++) {
        const sg = heap[(sumG >> 2) + c];
        const sgx = heap[(sumGX >> 2) + c];
        db[c] += sg;
        dg[c] += sgx;
        a += heap[fGamma + c] * sg;
        b += heap[fGamma + c] * sgx;
      }
      const inv = 1 / heap[fStats + 2 * (n * G + g) + 1];
      for (let c = g * cg; c < (g + 1) * cg; c++) {
        heap[(k >> 2) + c] = heap[fGamma + c] * inv;
        heap[(p >> 2) + c] = (a / M) * inv;
        heap[(q >> 2) + c] = (b / M) * inv;
      }
    }
    simd.loops.masked_dx_affine(dy + o, y + o, xhat + o, S, C, k, p, q, dx + o);
  }
  heap.set(dg, dgamma >> 2);
  heap.set(db, dbeta >> 2);
  return infos;
}
