/**
 * The kit's fused kernels, registered with tfjs for the backends whose memory
 * JavaScript can address (wasm, cpu), and the ops that run them. Importing
 * this module registers them; `fusedKernelsAvailable()` says whether the
 * active backend has them (tfjs-node does not, and takes the op-composed path).
 */
import { tf } from '../tf';
import { HOST_MEMORY_BACKENDS, hasHostKernels, hasSimdKernels, hostMemory, type HostMemory } from './memory';
import {
  biasReluBackward,
  biasReluForward,
  renormReluBackward,
  renormReluForward,
  renormReluInference,
  type RenormReluAttrs,
} from './renorm-relu';
import { renormReluBackwardSimd, renormReluForwardSimd } from './renorm-relu-simd';
import { maxPool2, maxPool2Backward } from './conv';
import { convSame, convSameFilter } from './conv-gemm';
import {
  groupNormReluBackward,
  groupNormReluBackwardSimd,
  groupNormReluForward,
  groupNormReluForwardSimd,
  type GroupNormAttrs,
} from './group-norm-relu';
import {
  gatherRows,
  matMul,
  movingAverageUpdate,
  rmsPropUpdate,
  softmaxCrossEntropy,
  type MovingAverageAttrs,
  type RmsPropAttrs,
} from './training';

export { STATS_ROWS } from './renorm-relu';

type Info = { dataId: object; shape: number[]; dtype: tf.DataType };
type KernelBody = (mem: HostMemory, inputs: Record<string, Info>, attrs: Record<string, unknown>) => Info[];

/** The SIMD version where the wasm loops are there and the features come in fours, else the scalar one. */
function withSimd(
  simd: KernelBody,
  scalar: KernelBody,
  features: (inputs: Record<string, Info>) => number,
): KernelBody {
  return (mem, inputs, attrs) => (mem.simd !== null && features(inputs) % 4 === 0 ? simd : scalar)(mem, inputs, attrs);
}

const KERNELS: Record<string, KernelBody> = {
  BrnRenormReluForward: withSimd(
    renormReluForwardSimd as unknown as KernelBody,
    renormReluForward as unknown as KernelBody,
    (i) => i.x.shape[1],
  ),
  BrnRenormReluBackward: withSimd(
    renormReluBackwardSimd as unknown as KernelBody,
    renormReluBackward as unknown as KernelBody,
    (i) => i.dy.shape[1],
  ),
  BrnRenormReluInference: renormReluInference as unknown as KernelBody,
  BrnGroupNormReluForward: withSimd(
    groupNormReluForwardSimd as unknown as KernelBody,
    groupNormReluForward as unknown as KernelBody,
    (i) => i.x.shape[1],
  ),
  BrnGroupNormReluBackward: withSimd(
    groupNormReluBackwardSimd as unknown as KernelBody,
    groupNormReluBackward as unknown as KernelBody,
    (i) => i.dy.shape[1],
  ),
  BrnConvSame: convSame as unknown as KernelBody,
  BrnConvSameFilter: convSameFilter as unknown as KernelBody,
  BrnMaxPool2: maxPool2 as unknown as KernelBody,
  BrnMaxPool2Backward: maxPool2Backward as unknown as KernelBody,
  BrnBiasReluForward: biasReluForward as unknown as KernelBody,
  BrnBiasReluBackward: biasReluBackward as unknown as KernelBody,
  BrnGatherRows: gatherRows as unknown as KernelBody,
  BrnSoftmaxCrossEntropy: softmaxCrossEntropy as unknown as KernelBody,
  BrnRmsPropUpdate: rmsPropUpdate as unknown as KernelBody,
  BrnMatMul: matMul as unknown as KernelBody,
  BrnMovingAverageUpdate: movingAverageUpdate as unknown as KernelBody,
};

for (const backendName of HOST_MEMORY_BACKENDS) {
  for (const [kernelName, body] of Object.entries(KERNELS)) {
    if (tf.getKernel(kernelName, backendName) !== undefined) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) =>
        body(
          hostMemory(backendName, backend),
          inputs as unknown as Record<string, Info>,
          attrs as Record<string, unknown>,
        ) as unknown as tf.TensorInfo[],
    });
  }
}

/** Whether the active backend runs the fused kernels. */
export const fusedKernelsAvailable = hasHostKernels;

function run(name: string, inputs: Record<string, tf.Tensor>, attrs: object = {}): tf.Tensor[] {
  return tf
    .engine()
    .runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as unknown as tf.Tensor[];
}

/** What inference-mode renorm + ReLU reads: γ, β and the moving mean and standard deviation. */
export interface RenormParams {
  gamma: tf.Tensor;
  beta: tf.Tensor;
  movingMean: tf.Tensor;
  movingStd: tf.Tensor;
}

/** What training-mode renorm + ReLU reads: also the moving biased variance it keeps for standard batchnorm. */
export interface RenormTrainingParams extends RenormParams {
  movingVariance: tf.Tensor;
}

/** Training-mode renorm + ReLU: [y, x̂₀, yᵀ, stats, new moving mean, new moving std, new moving variance]. */
export function renormReluForwardOp(x: tf.Tensor, p: RenormTrainingParams, attrs: RenormReluAttrs): tf.Tensor[] {
  return run('BrnRenormReluForward', { x, ...p }, attrs);
}

/** [∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β] of renorm + ReLU, from the forward's y, x̂₀ and stats. */
export function renormReluBackwardOp(
  dy: tf.Tensor,
  y: tf.Tensor,
  xhat: tf.Tensor,
  stats: tf.Tensor,
  gamma: tf.Tensor,
  groupSize: number,
): tf.Tensor[] {
  return run('BrnRenormReluBackward', { dy, y, xhat, stats, gamma }, { groupSize });
}

/** Inference-mode renorm + ReLU with the moving statistics (extra fields of `p` are ignored). */
export function renormReluInferenceOp(x: tf.Tensor, p: RenormParams): tf.Tensor {
  return run('BrnRenormReluInference', {
    x,
    gamma: p.gamma,
    beta: p.beta,
    movingMean: p.movingMean,
    movingStd: p.movingStd,
  })[0];
}

/** relu(x + b): [y, yᵀ] (yᵀ empty with `transposed` false). */
export function biasReluForwardOp(x: tf.Tensor, bias: tf.Tensor, attrs: { transposed?: boolean } = {}): tf.Tensor[] {
  return run('BrnBiasReluForward', { x, bias }, attrs);
}

/** Group norm + ReLU over [examples × rows, channels]: [y, x̂, yᵀ (empty unless `transposed`), stats [N, G, 2]]. */
export function groupNormReluForwardOp(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  attrs: GroupNormAttrs,
): tf.Tensor[] {
  return run('BrnGroupNormReluForward', { x, gamma, beta }, attrs);
}

/** [∂ℓ/∂x, ∂ℓ/∂γ, ∂ℓ/∂β] of group norm + ReLU from the forward's y, x̂ and stats. */
export function groupNormReluBackwardOp(
  dy: tf.Tensor,
  y: tf.Tensor,
  xhat: tf.Tensor,
  stats: tf.Tensor,
  gamma: tf.Tensor,
  attrs: { groups: number; rows: number },
): tf.Tensor[] {
  return run('BrnGroupNormReluBackward', { dy, y, xhat, stats, gamma }, attrs);
}

/** 2×2 max-pooling of x [N, H, W, C]: [y, where the maxima were, yᵀ [H/2·W/2·C, N] (empty unless `transposed`)]. */
export function maxPool2Op(x: tf.Tensor, transposed: boolean): tf.Tensor[] {
  return run('BrnMaxPool2', { x }, { transposed });
}

/** ∂ℓ/∂x of `maxPool2Op` from ∂ℓ/∂y and its `where`. */
export function maxPool2BackwardOp(dy: tf.Tensor, where: tf.Tensor): tf.Tensor {
  return run('BrnMaxPool2Backward', { dy, where })[0];
}

/** [∂ℓ/∂x, ∂ℓ/∂b] of relu(x + b) from its output y. */
export function biasReluBackwardOp(dy: tf.Tensor, y: tf.Tensor): tf.Tensor[] {
  return run('BrnBiasReluBackward', { dy, y });
}

/**
 * a·b (or aᵀ·b with `transposeA`) for 2-D a and b. On wasm with SIMD, the
 * kit's kernel, which packs neither operand: tfjs's matMul packs b at every
 * call, which in a training step (where both operands are new) costs more than
 * the product at these sizes, and takes a slow path for aᵀ. The same bits as
 * `tf.matMul` of a (or of an explicit transpose of a) on wasm: sums over k in
 * order. Elsewhere it is `tf.matMul` (of an explicit transpose for aᵀ, which
 * tfjs's wasm matMul would take on a slow path).
 */
export function matMulOp(a: tf.Tensor, b: tf.Tensor, transposeA = false): tf.Tensor {
  if (hasSimdKernels()) return run('BrnMatMul', { a, b }, { transposeA })[0];
  return tf.matMul(transposeA ? tf.transpose(a) : a, b);
}

/**
 * x [N, H, W, C] ⊛ w [k, k, C, Cout], stride 1, 'same' (odd k). With `flip`,
 * the input gradient of a layer with kernel w [k, k, Cout', C] from
 * x = ∂ℓ/∂y: the convolution with w flipped in both spatial axes and its
 * channel axes swapped. On wasm with SIMD, the kit's kernel on `gemm`
 * (`conv-gemm.ts`); elsewhere `tf.conv2d`.
 */
export function convSameOp(x: tf.Tensor, w: tf.Tensor, flip = false): tf.Tensor {
  if (hasSimdKernels()) return run('BrnConvSame', { x, w }, { flip })[0];
  const kernel = flip ? tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) : w;
  return tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 1, 'same');
}

/**
 * ∂ℓ/∂W [k, k, C, Cout] of a stride-1 'same' k×k convolution of x [N, H, W, C]
 * from ∂ℓ/∂y [N, H, W, Cout]. On wasm with SIMD, the kit's kernel on `gemm`;
 * elsewhere tfjs's own `Conv2DBackpropFilter`.
 */
export function convSameFilterOp(x: tf.Tensor, dy: tf.Tensor, k: number): tf.Tensor {
  if (hasSimdKernels()) return run('BrnConvSameFilter', { x, dy }, { k })[0];
  const filterShape = [k, k, x.shape[3]!, dy.shape[3]!];
  return run('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape })[0];
}

/** Rows `positions` of `data` and `labels`: [x, labels as float32]. */
export function gatherRowsOp(data: tf.Tensor, labels: tf.Tensor, positions: tf.Tensor): tf.Tensor[] {
  return run('BrnGatherRows', { data, labels, positions });
}

/** Softmax cross-entropy of logits + bias against labels: [∂ℓ/∂logits, ∂ℓ/∂bias, [mean loss, correct]]. */
export function softmaxCrossEntropyOp(logits: tf.Tensor, bias: tf.Tensor, labels: tf.Tensor): tf.Tensor[] {
  return run('BrnSoftmaxCrossEntropy', { logits, bias, labels });
}

/** One RMSProp update of each parameter: the new weights, in order; ms and mom are updated in place (see `rmsPropUpdate` for when that is safe). */
export function rmsPropUpdateOp(
  params: { w: tf.Tensor; g: tf.Tensor; ms: tf.Tensor; mom: tf.Tensor }[],
  attrs: Omit<RmsPropAttrs, 'count'>,
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = {};
  params.forEach((p, i) =>
    Object.assign(inputs, { [`w${i}`]: p.w, [`g${i}`]: p.g, [`ms${i}`]: p.ms, [`mom${i}`]: p.mom }),
  );
  return run('BrnRmsPropUpdate', inputs, { ...attrs, count: params.length });
}

/** The moving average s ← s − (1 − decay)·(s − v) of each (shadow, value) pair: the new shadows, in order. */
export function movingAverageUpdateOp(
  pairs: { shadow: tf.Tensor; value: tf.Tensor }[],
  attrs: Omit<MovingAverageAttrs, 'count'>,
): tf.Tensor[] {
  const inputs: Record<string, tf.Tensor> = {};
  pairs.forEach((p, i) => Object.assign(inputs, { [`s${i}`]: p.shadow, [`v${i}`]: p.value }));
  return run('BrnMovingAverageUpdate', inputs, { ...attrs, count: pairs.length });
}
