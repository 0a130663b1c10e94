/**
 * Batch Renormalization (Algorithm 1) followed by ReLU, as single kernels on
 * [batch, features] inputs, forward and backward, for the experiments' MLP.
 * Each is one kernel launch where the op-composed path (`ops.ts` plus
 * `tf.relu`) takes a few dozen; the arithmetic is the same, in float64,
 * rounded to float32 where it is stored. The tests hold them to the
 * op-composed path and to the float64 references.
 *
 * Layout of the `stats` output, per group g (G = batch / groupSize):
 * stats[g][k][c] for k = 0…5: μ_B, σ_B, r, d, r unclipped, d unclipped.
 */
import { clipBounds } from '../renorm/clip';
import type { HostMemory } from './memory';

export const STATS_ROWS = 6;

export interface RenormReluAttrs {
  epsilon: number;
  rmax: number;
  dmax: number;
  /** Examples per normalization group (the batch, or the microbatch size). */
  groupSize: number;
  /** Momentum of the moving statistics. */
  momentum: number;
  /** Also output yᵀ [C, B] (for the next dense layer's weight gradient); else an empty [C, 0]. Defaults to true. */
  transposed?: boolean;
}

export type Info = { dataId: object; shape: number[]; dtype: 'float32' | 'int32' | 'bool' | 'complex64' | 'string' };

export const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/**
 * The moving-average update of Algorithm 1 toward the mean over the G groups:
 * μ' = μ + (Σμ_B/G − μ)·α and σ' = σ + (Σσ_B/G − σ)·α, with α = 1 − momentum;
 * and, at the same rate, the moving biased variance that tfjs-layers' and
 * Keras' BatchNormalization keep: v' = v + (Σvar_B/G − v)·α, var_B without ε.
 */
export function moveStatistics(
  out: { mean: Float32Array; std: Float32Array; variance: Float32Array },
  old: { mean: Float32Array; std: Float32Array; variance: Float32Array },
  sums: { mean: Float64Array; std: Float64Array; variance: Float64Array },
  G: number,
  momentum: number,
): void {
  const alpha = 1 - momentum;
  for (let c = 0; c < old.mean.length; c++) {
    out.mean[c] = old.mean[c] + (sums.mean[c] / G - old.mean[c]) * alpha;
    out.std[c] = old.std[c] + (sums.std[c] / G - old.std[c]) * alpha;
    out.variance[c] = old.variance[c] + (sums.variance[c] / G - old.variance[c]) * alpha;
  }
}

/** The inputs of the training-mode forward. */
export type ForwardInputs = {
  x: Info;
  gamma: Info;
  beta: Info;
  movingMean: Info;
  movingStd: Info;
  movingVariance: Info;
};

/**
 * Training-mode forward: y = relu(γ·((x − μ_B)/σ_B·r + d) + β) per group.
 * Outputs [y, x̂₀ = (x − μ_B)/σ_B, yᵀ, stats, new moving mean, new moving std,
 * new moving variance].
 */
export function renormReluForward(mem: HostMemory, inputs: ForwardInputs, attrs: RenormReluAttrs): Info[] {
  const [B, C] = inputs.x.shape;
  const m = attrs.groupSize;
  if (B % m !== 0) throw new Error(`Microbatch size ${m} does not divide the batch size ${B}`);
  const G = B / m;
  const transposed = attrs.transposed ?? true;
  const { infos, views } = mem.alloc([[B, C], [B, C], [C, transposed ? B : 0], [G, STATS_ROWS, C], [C], [C], [C]]);
  const [y, xhat, yT, stats, newMean, newStd, newVariance] = views;
  const x = mem.read(inputs.x);
  const gamma = mem.read(inputs.gamma);
  const beta = mem.read(inputs.beta);
  const mu = mem.read(inputs.movingMean);
  const sigma = mem.read(inputs.movingStd);
  const bounds = clipBounds(attrs);
  const sum = new Float64Array(C);
  const meanTarget = new Float64Array(C);
  const stdTarget = new Float64Array(C);
  const varianceTarget = new Float64Array(C);
  const scale = new Float64Array(C);
  const shift = new Float64Array(C);
  const inv = new Float64Array(C);
  const mean = new Float64Array(C);
  for (let g = 0; g < G; g++) {
    const r0 = g * m;
    sum.fill(0);
    for (let i = r0; i < r0 + m; i++) for (let c = 0, o = i * C; c < C; c++) sum[c] += x[o + c];
    for (let c = 0; c < C; c++) mean[c] = sum[c] / m;
    sum.fill(0);
    for (let i = r0; i < r0 + m; i++) {
      for (let c = 0, o = i * C; c < C; c++) {
        const dx = x[o + c] - mean[c];
        sum[c] += dx * dx;
      }
    }
    const s = stats.subarray(g * STATS_ROWS * C, (g + 1) * STATS_ROWS * C);
    for (let c = 0; c < C; c++) {
      const variance = sum[c] / m;
      const std = Math.sqrt(variance + attrs.epsilon);
      const rU = std / sigma[c];
      const dU = (mean[c] - mu[c]) / sigma[c];
      const r = clamp(rU, bounds.rLow, bounds.rHigh);
      const d = clamp(dU, bounds.dLow, bounds.dHigh);
      s[c] = mean[c];
      s[C + c] = std;
      s[2 * C + c] = r;
      s[3 * C + c] = d;
      s[4 * C + c] = rU;
      s[5 * C + c] = dU;
      inv[c] = 1 / std;
      scale[c] = gamma[c] * r;
      shift[c] = gamma[c] * d + beta[c];
      meanTarget[c] += mean[c];
      stdTarget[c] += std;
      varianceTarget[c] += variance;
    }
    for (let i = r0; i < r0 + m; i++) {
      for (let c = 0, o = i * C; c < C; c++) {
        const xh = (x[o + c] - mean[c]) * inv[c];
        xhat[o + c] = xh;
        const v = xh * scale[c] + shift[c];
        const out = v > 0 ? v : 0;
        y[o + c] = out;
        if (transposed) yT[c * B + i] = out;
      }
    }
  }
  const old = { mean: mu, std: sigma, variance: mem.read(inputs.movingVariance) };
  moveStatistics(
    { mean: newMean, std: newStd, variance: newVariance },
    old,
    { mean: meanTarget, std: stdTarget, variance: varianceTarget },
    G,
    attrs.momentum,
  );
  return infos;
}

/**
 * Backward of `renormReluForward` with r and d constant (the paper's): with
 * g = ∂ℓ/∂y·[y > 0] and means over each group,
 * ∂ℓ/∂x = γr/σ_B·(g − mean(g) − x̂₀·mean(g·x̂₀)), ∂ℓ/∂γ = Σ g·(r·x̂₀ + d),
 * ∂ℓ/∂β = Σ g. Outputs [∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β].
 */
export function renormReluBackward(
  mem: HostMemory,
  inputs: { dy: Info; y: Info; xhat: Info; stats: Info; gamma: Info },
  attrs: { groupSize: number },
): Info[] {
  const [B, C] = inputs.dy.shape;
  const m = attrs.groupSize;
  const G = B / m;
  const { infos, views } = mem.alloc([[B, C], [C], [C]]);
  const [dx, dgamma, dbeta] = views;
  const dy = mem.read(inputs.dy);
  const y = mem.read(inputs.y);
  const xhat = mem.read(inputs.xhat);
  const stats = mem.read(inputs.stats);
  const gamma = mem.read(inputs.gamma);
  const sumG = new Float64Array(C);
  const sumGX = new Float64Array(C);
  const dg = new Float64Array(C);
  const db = new Float64Array(C);
  const k = new Float64Array(C);
  for (let g = 0; g < G; g++) {
    const r0 = g * m;
    sumG.fill(0);
    sumGX.fill(0);
    for (let i = r0; i < r0 + m; i++) {
      for (let c = 0, o = i * C; c < C; c++) {
        if (y[o + c] > 0) {
          const v = dy[o + c];
          sumG[c] += v;
          sumGX[c] += v * xhat[o + c];
        }
      }
    }
    const s = g * STATS_ROWS * C;
    for (let c = 0; c < C; c++) {
      const std = stats[s + C + c];
      const r = stats[s + 2 * C + c];
      const d = stats[s + 3 * C + c];
      dg[c] += r * sumGX[c] + d * sumG[c];
      db[c] += sumG[c];
      k[c] = (gamma[c] * r) / std;
      sumG[c] /= m;
      sumGX[c] /= m;
    }
    for (let i = r0; i < r0 + m; i++) {
      for (let c = 0, o = i * C; c < C; c++) {
        const v = y[o + c] > 0 ? dy[o + c] : 0;
        dx[o + c] = k[c] * (v - sumG[c] - xhat[o + c] * sumGX[c]);
      }
    }
  }
  dgamma.set(dg);
  dbeta.set(db);
  return infos;
}

/** Inference-mode forward: relu(x·s + o) with s = γ/σ and o = β − μ·s (the moving statistics). */
export function renormReluInference(
  mem: HostMemory,
  inputs: { x: Info; gamma: Info; beta: Info; movingMean: Info; movingStd: Info },
): Info[] {
  const [B, C] = inputs.x.shape;
  const { infos, views } = mem.alloc([[B, C]]);
  const [y] = views;
  const x = mem.read(inputs.x);
  const gamma = mem.read(inputs.gamma);
  const beta = mem.read(inputs.beta);
  const mu = mem.read(inputs.movingMean);
  const sigma = mem.read(inputs.movingStd);
  const scale = new Float64Array(C);
  const offset = new Float64Array(C);
  for (let c = 0; c < C; c++) {
    scale[c] = (1 / sigma[c]) * gamma[c];
    offset[c] = -(mu[c] * scale[c]) + beta[c];
  }
  for (let i = 0; i < B; i++) {
    for (let c = 0, o = i * C; c < C; c++) {
      const v = x[o + c] * scale[c] + offset[c];
      y[o + c] = v > 0 ? v : 0;
    }
  }
  return infos;
}

/** The `none` variant's block, y = relu(x + b); outputs [y, yᵀ] (yᵀ empty, [C, 0], with `transposed` false). */
export function biasReluForward(
  mem: HostMemory,
  inputs: { x: Info; bias: Info },
  attrs: { transposed?: boolean } = {},
): Info[] {
  const [B, C] = inputs.x.shape;
  const transposed = attrs.transposed ?? true;
  const { infos, views } = mem.alloc([
    [B, C],
    [C, transposed ? B : 0],
  ]);
  const [y, yT] = views;
  const x = mem.read(inputs.x);
  const bias = mem.read(inputs.bias);
  for (let i = 0; i < B; i++) {
    for (let c = 0, o = i * C; c < C; c++) {
      const v = x[o + c] + bias[c];
      const out = v > 0 ? v : 0;
      y[o + c] = out;
      if (transposed) yT[c * B + i] = out;
    }
  }
  return infos;
}

/** Backward of `biasReluForward`: outputs [∂ℓ/∂x = ∂ℓ/∂y·[y > 0], ∂ℓ/∂b = Σ ∂ℓ/∂x]. */
export function biasReluBackward(mem: HostMemory, inputs: { dy: Info; y: Info }): Info[] {
  const [B, C] = inputs.dy.shape;
  const { infos, views } = mem.alloc([[B, C], [C]]);
  const [dx, dbias] = views;
  const dy = mem.read(inputs.dy);
  const y = mem.read(inputs.y);
  const db = new Float64Array(C);
  for (let i = 0; i < B; i++) {
    for (let c = 0, o = i * C; c < C; c++) {
      const v = y[o + c] > 0 ? dy[o + c] : 0;
      dx[o + c] = v;
      db[c] += v;
    }
  }
  dbias.set(db);
  return infos;
}
