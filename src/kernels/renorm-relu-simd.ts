/**
 * `renorm-relu.ts`'s training kernels with their row loops in wasm SIMD
 * (`simd.wat`), on the wasm backend's heap; the per-feature arithmetic stays
 * in JavaScript, as there. Features in multiples of 4.
 */
import { clipBounds } from '../renorm/clip';
import type { HostMemory } from './memory';
import { clamp, moveStatistics, STATS_ROWS, type ForwardInputs, type Info, type RenormReluAttrs } from './renorm-relu';

/**
 * `renormReluForward` with its row loops in wasm SIMD (`simd.wat`), on the
 * wasm backend's heap; the per-feature arithmetic stays here. Needs features
 * in multiples of 4.
 */
export function renormReluForwardSimd(mem: HostMemory, inputs: ForwardInputs, attrs: RenormReluAttrs): Info[] {
  const simd = mem.simd!;
  const [B, C] = inputs.x.shape;
  const m = attrs.groupSize;
  if (B % m !== 0) throw new Error(`Microbatch size ${m} does not divide the batch size ${B}`);
  const G = B / m;
  const scratch = simd.scratch(5 * C);
  const transposed = attrs.transposed ?? true;
  const { infos } = mem.alloc([[B, C], [B, C], [C, transposed ? B : 0], [G, STATS_ROWS, C], [C], [C], [C]]);
  const heap = simd.heap();
  const at = (t: Info) => mem.offset(t) >> 2;
  const [y, xhat, yT, stats, newMean, newStd, newVariance] = infos.map((t) => mem.offset(t));
  const x = mem.offset(inputs.x);
  const [fGamma, fBeta, fMu, fSigma, fVariance] = [
    inputs.gamma,
    inputs.beta,
    inputs.movingMean,
    inputs.movingStd,
    inputs.movingVariance,
  ].map(at);
  const [mean, variance, inv, scale, shift] = [0, 1, 2, 3, 4].map((k) => scratch + 4 * k * C);
  const bounds = clipBounds(attrs);
  const meanTarget = new Float64Array(C);
  const stdTarget = new Float64Array(C);
  const varianceTarget = new Float64Array(C);
  const rowBytes = 4 * C;
  for (let g = 0; g < G; g++) {
    const xg = x + g * m * rowBytes;
    simd.loops.col_mean(xg, m, C, mean);
    simd.loops.col_var(xg, m, C, mean, variance);
    const s = (stats >> 2) + g * STATS_ROWS * C;
    for (let c = 0; c < C; c++) {
      const mc = heap[(mean >> 2) + c];
      const vc = heap[(variance >> 2) + c];
      const std = Math.fround(Math.sqrt(vc + attrs.epsilon));
      const rU = std / heap[fSigma + c];
      const dU = (mc - heap[fMu + c]) / heap[fSigma + c];
      const r = clamp(rU, bounds.rLow, bounds.rHigh);
      const d = clamp(dU, bounds.dLow, bounds.dHigh);
      heap[s + c] = mc;
      heap[s + C + c] = std;
      heap[s + 2 * C + c] = r;
      heap[s + 3 * C + c] = d;
      heap[s + 4 * C + c] = rU;
      heap[s + 5 * C + c] = dU;
      heap[(inv >> 2) + c] = 1 / std;
      heap[(scale >> 2) + c] = heap[fGamma + c] * heap[s + 2 * C + c];
      heap[(shift >> 2) + c] = heap[fGamma + c] * heap[s + 3 * C + c] + heap[fBeta + c];
      meanTarget[c] += mc;
      stdTarget[c] += std;
      varianceTarget[c] += vc;
    }
    const [yg, xhatg] = [y + g * m * rowBytes, xhat + g * m * rowBytes];
    if (transposed) simd.loops.norm_relu(xg, m, C, mean, inv, scale, shift, yg, xhatg, yT + 4 * g * m, B);
    else simd.loops.norm_relu_nt(xg, m, C, mean, inv, scale, shift, yg, xhatg);
  }
  const view = (float: number) => heap.subarray(float, float + C);
  moveStatistics(
    { mean: view(newMean >> 2), std: view(newStd >> 2), variance: view(newVariance >> 2) },
    { mean: view(fMu), std: view(fSigma), variance: view(fVariance) },
    { mean: meanTarget, std: stdTarget, variance: varianceTarget },
    G,
    attrs.momentum,
  );
  return infos;
}

/** `renormReluBackward` with its row loops in wasm SIMD; features in multiples of 4. */
export function renormReluBackwardSimd(
  mem: HostMemory,
  inputs: { dy: Info; y: Info; xhat: Info; stats: Info; gamma: Info },
  attrs: { groupSize: number },
): Info[] {
  const simd = mem.simd!;
  const [B, C] = inputs.dy.shape;
  const m = attrs.groupSize;
  const G = B / m;
  const scratch = simd.scratch(5 * C);
  const { infos } = mem.alloc([[B, C], [C], [C]]);
  const heap = simd.heap();
  const [dx, dgamma, dbeta] = infos.map((t) => mem.offset(t));
  const [dy, y, xhat] = [inputs.dy, inputs.y, inputs.xhat].map((t) => mem.offset(t));
  const fStats = mem.offset(inputs.stats) >> 2;
  const fGamma = mem.offset(inputs.gamma) >> 2;
  const [sumG, sumGX, k, meanG, meanGX] = [0, 1, 2, 3, 4].map((j) => scratch + 4 * j * C);
  const dg = new Float64Array(C);
  const db = new Float64Array(C);
  const rowBytes = 4 * C;
  for (let g = 0; g < G; g++) {
    const o = g * m * rowBytes;
    simd.loops.masked_col_sums(dy + o, y + o, xhat + o, m, C, sumG, sumGX);
    const s = fStats + g * STATS_ROWS * C;
    for (let c = 0; c < C; c++) {
      const a = heap[(sumG >> 2) + c];
      const b = heap[(sumGX >> 2) + c];
      const std = heap[s + C + c];
      const r = heap[s + 2 * C + c];
      const d = heap[s + 3 * C + c];
      dg[c] += r * b + d * a;
      db[c] += a;
      heap[(k >> 2) + c] = (heap[fGamma + c] * r) / std;
      heap[(meanG >> 2) + c] = a / m;
      heap[(meanGX >> 2) + c] = b / m;
    }
    simd.loops.masked_dx(dy + o, y + o, xhat + o, m, C, k, meanG, meanGX, dx + o);
  }
  heap.set(dg, dgamma >> 2);
  heap.set(db, dbeta >> 2);
  return infos;
}
