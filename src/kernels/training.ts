/**
 * The rest of a training step as single kernels: gathering a minibatch, the
 * matrix products without packing, softmax cross-entropy with its gradient
 * and tally, and the RMSProp update of every parameter at once.
 */
import type { HostMemory } from './memory';

type Info = { dataId: object; shape: number[]; dtype: 'float32' | 'int32' | 'bool' | 'complex64' | 'string' };

/** Rows `positions` of `data` [N, D] and of `labels` [N]; outputs [x, labels (as float32)]. */
export function gatherRows(mem: HostMemory, inputs: { data: Info; labels: Info; positions: Info }): Info[] {
  const [, D] = inputs.data.shape;
  const B = inputs.positions.shape[0];
  const { infos, views } = mem.alloc([[B, D], [B]]);
  const [x, out] = views;
  const data = mem.read(inputs.data);
  const labels = mem.readInt(inputs.labels);
  const positions = mem.readInt(inputs.positions);
  for (let i = 0; i < B; i++) {
    const p = positions[i];
    x.set(data.subarray(p * D, (p + 1) * D), i * D);
    out[i] = labels[p];
  }
  return infos;
}

/**
 * Softmax cross-entropy of logits z + b [B, K] against integer labels (as
 * float32), mean over the batch as `tf.losses.softmaxCrossEntropy` reduces it.
 * Outputs [∂ℓ/∂z = (softmax − onehot)/B, ∂ℓ/∂b, [loss, correct]], where a
 * prediction is the first largest logit (as `tf.argMax`).
 */
export function softmaxCrossEntropy(mem: HostMemory, inputs: { logits: Info; bias: Info; labels: Info }): Info[] {
  const [B, K] = inputs.logits.shape;
  const { infos, views } = mem.alloc([[B, K], [K], [2]]);
  const [dz, dbias, tally] = views;
  const z = mem.read(inputs.logits);
  const bias = mem.read(inputs.bias);
  const labels = mem.read(inputs.labels);
  const p = new Float64Array(K);
  const db = new Float64Array(K);
  let loss = 0;
  let correct = 0;
  for (let i = 0; i < B; i++) {
    const o = i * K;
    let max = -Infinity;
    let arg = 0;
    for (let k = 0; k < K; k++) {
      p[k] = Math.fround(z[o + k] + bias[k]);
      if (p[k] > max) {
        max = p[k];
        arg = k;
      }
    }
    let sum = 0;
    for (let k = 0; k < K; k++) {
      p[k] = Math.exp(p[k] - max);
      sum += p[k];
    }
    const label = labels[i];
    loss += Math.log(sum) - Math.log(p[label]);
    if (arg === label) correct++;
    for (let k = 0; k < K; k++) {
      const g = (p[k] / sum - (k === label ? 1 : 0)) / B;
      dz[o + k] = g;
      db[k] += g;
    }
  }
  dbias.set(db);
  tally[0] = loss / B;
  tally[1] = correct;
  return infos;
}

/**
 * a·b, or aᵀ·b with `transposeA` (a [K, M]), for a [M, K] and b [K, N], with
 * neither operand packed (see `gemm` in simd.wat): every element the float32
 * sum over k in order, from zero, the same bits as tfjs's wasm matMul. The
 * scalar loop is for memory without the SIMD loops.
 */
export function matMul(mem: HostMemory, inputs: { a: Info; b: Info }, attrs: { transposeA: boolean }): Info[] {
  const { a: aInfo, b: bInfo } = inputs;
  const [K, N] = bInfo.shape;
  const [M, Ka] = attrs.transposeA ? [aInfo.shape[1], aInfo.shape[0]] : aInfo.shape;
  if (aInfo.shape.length !== 2 || bInfo.shape.length !== 2 || Ka !== K) {
    const a = attrs.transposeA ? `[${aInfo.shape}]ᵀ` : `[${aInfo.shape}]`;
    throw new Error(`matMul of ${a} and [${bInfo.shape}]: the inner dimensions differ`);
  }
  // Element (i, k) of a is at i·aRow + k·aK.
  const [aRow, aK] = attrs.transposeA ? [1, M] : [K, 1];
  const { infos, views } = mem.alloc([[M, N]]);
  if (mem.simd !== null) {
    mem.simd.loops.gemm(mem.offset(aInfo), mem.offset(bInfo), mem.offset(infos[0]), M, K, N, aRow, aK);
    return infos;
  }
  const a = mem.read(aInfo);
  const b = mem.read(bInfo);
  const c = views[0];
  for (let i = 0; i < M; i++)
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s = Math.fround(s + Math.fround(a[i * aRow + k * aK] * b[k * N + j]));
      c[i * N + j] = s;
    }
  return infos;
}

export interface RmsPropAttrs {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  /** Number of parameters; inputs are w0, g0, ms0, mom0, w1, …. */
  count: number;
}

/**
 * tfjs's RMSProp (not centred) on every parameter at once:
 * ms ← decay·ms + (1 − decay)·g², mom ← momentum·mom + lr·g/√(ms + ε),
 * w ← w − mom. The new weights are outputs (fresh tensors, in parameter
 * order); the slots ms and mom are updated **in place**, so they may only be
 * tensors that nothing else holds (the fused trainer's own slots) on a backend
 * that has finished every earlier kernel (wasm and cpu run synchronously).
 * Weights cannot be written in place: wasm's matMul caches packed weights by
 * tensor, so a weight must change identity when its values change.
 */
export function rmsPropUpdate(mem: HostMemory, inputs: Record<string, Info>, attrs: RmsPropAttrs): Info[] {
  const { learningRate: lr, decay, momentum, epsilon, count } = attrs;
  const keep = 1 - decay;
  const { infos, views } = mem.alloc(Array.from({ length: count }, (_, i) => inputs[`w${i}`].shape));
  if (mem.simd !== null) {
    for (let i = 0; i < count; i++) {
      const [w, g, ms, mom] = ['w', 'g', 'ms', 'mom'].map((k) => mem.offset(inputs[`${k}${i}`]));
      mem.simd.loops.rmsprop(w, g, ms, mom, mem.offset(infos[i]), views[i].length, lr, decay, momentum, epsilon);
    }
    return infos;
  }
  for (let i = 0; i < count; i++) {
    const w = mem.read(inputs[`w${i}`]);
    const g = mem.read(inputs[`g${i}`]);
    const ms = mem.read(inputs[`ms${i}`]);
    const mom = mem.read(inputs[`mom${i}`]);
    const out = views[i];
    for (let j = 0; j < w.length; j++) {
      const gj = g[j];
      ms[j] = ms[j] * decay + gj * gj * keep;
      mom[j] = mom[j] * momentum + (gj * lr) / Math.sqrt(ms[j] + epsilon);
      out[j] = w[j] - mom[j];
    }
  }
  return infos;
}

export interface MovingAverageAttrs {
  /** δ: the shadow keeps this fraction of itself at each update. */
  decay: number;
  /** Number of (shadow, value) pairs; inputs are s0, v0, s1, v1, …. */
  count: number;
}

/**
 * The exponential moving average of every parameter at once, as
 * TensorFlow's `ExponentialMovingAverage` applies it:
 * s ← s − (1 − δ)·(s − v). Outputs the new shadows as fresh tensors, in
 * order (like the weights of `rmsPropUpdate`, and for the same reason: the
 * shadows feed matMuls when the model is evaluated with them).
 */
export function movingAverageUpdate(mem: HostMemory, inputs: Record<string, Info>, attrs: MovingAverageAttrs): Info[] {
  const { decay, count } = attrs;
  const keep = 1 - decay;
  const { infos, views } = mem.alloc(Array.from({ length: count }, (_, i) => inputs[`s${i}`].shape));
  if (mem.simd !== null) {
    for (let i = 0; i < count; i++)
      mem.simd.loops.ema(
        mem.offset(inputs[`s${i}`]),
        mem.offset(inputs[`v${i}`]),
        mem.offset(infos[i]),
        views[i].length,
        keep,
      );
    return infos;
  }
  for (let i = 0; i < count; i++) {
    const s = mem.read(inputs[`s${i}`]);
    const v = mem.read(inputs[`v${i}`]);
    const out = views[i];
    for (let j = 0; j < s.length; j++) out[j] = s[j] - (s[j] - v[j]) * keep;
  }
  return infos;
}
