/**
 * A normalization + ReLU block of a fused trainer, over a linear layer's
 * output laid out as [examples × rows, channels] (rows = 1 after a dense
 * layer, H·W after a convolution): Batch Renormalization (BN at rmax 1,
 * dmax 0), Group Normalization, or a bias alone. One forward for training,
 * one for evaluation, one backward; the kernels do the work (`src/kernels`).
 */
import {
  biasReluBackwardOp,
  biasReluForwardOp,
  groupNormReluBackwardOp,
  groupNormReluForwardOp,
  renormReluBackwardOp,
  renormReluForwardOp,
  renormReluInferenceOp,
} from '../kernels';
import type { NormLayerConfig } from '../models';
import type { RenormClip } from '../renorm/clip';
import { tf } from '../tf';
import type { FusedValues, Values } from './fused-values';

export type BlockKind = 'renorm' | 'group' | 'bias';

export interface Block {
  /** The layer name its weights go by: `norm<i>` (gamma, beta, moving statistics) or the linear layer's (bias). */
  name: string;
  kind: BlockKind;
  channels: number;
  /** Rows per example: 1 after a dense layer, H·W after a convolution. */
  rows: number;
  /** `group`: the groups of channels. */
  groups: number;
}

/** How the blocks of one model normalize: the kind, and BN's microbatch and GN's groups. */
export interface BlockSettings {
  kind: BlockKind;
  groups: number;
  /** Examples per normalization group (null: the whole batch). */
  microbatchSize: number | null;
  normLayer: NormLayerConfig;
}

/** The block kind and groups of a model's normalization. */
export function blockSettings(normalization: string, groups: number | undefined): { kind: BlockKind; groups: number } {
  if (normalization === 'bn' || normalization === 'brn') return { kind: 'renorm', groups: 1 };
  if (normalization === 'gn') return { kind: 'group', groups: groups ?? 4 };
  if (normalization === 'ln') return { kind: 'group', groups: 1 };
  if (normalization === 'none') return { kind: 'bias', groups: 1 };
  throw new Error(`The fused trainers train none, bn, brn, gn and ln, got '${normalization}'`);
}

/** Adds a block's parameters (and moving statistics) to `values`, named as `buildModel` names them. */
export function addBlock(values: FusedValues, block: Block): void {
  if (block.kind === 'bias') {
    values.addParam(`${block.name}/bias`, tf.zeros([block.channels]));
    return;
  }
  values.addParam(`${block.name}/gamma`, tf.ones([block.channels]));
  values.addParam(`${block.name}/beta`, tf.zeros([block.channels]));
  if (block.kind === 'renorm') values.addMoving(block.name, block.channels);
}

/** What the backward pass needs of a training forward. */
export interface Saved {
  y: tf.Tensor;
  xhat: tf.Tensor | null;
  stats: tf.Tensor | null;
}

export interface TrainingForward {
  y: tf.Tensor;
  saved: Saved;
  /** `renorm`: the new moving mean, standard deviation and variance. */
  moving: tf.Tensor[];
}

const param = (values: Values, block: Block, weight: string) => values.params.get(`${block.name}/${weight}`)!;

/**
 * The training-mode forward of `block` on h [examples × rows, channels]:
 * minibatch (or group) statistics, the clipping `clip` for renorm.
 * `inEvaluation`: for an evaluation in training mode, which has always taken
 * the SIMD kernels.
 */
export function blockTrain(
  block: Block,
  h: tf.Tensor,
  values: Values,
  settings: BlockSettings,
  clip: RenormClip,
  inEvaluation = false,
): TrainingForward {
  const examples = h.shape[0] / block.rows;
  if (block.kind === 'bias') {
    const [y] = biasReluForwardOp(h, param(values, block, 'bias'), { transposed: false });
    return { y, saved: { y, xhat: null, stats: null }, moving: [] };
  }
  if (block.kind === 'group') {
    // After a dense layer (one row per example), `transposed` (whose yᵀ is not used) keeps training on the
    // scalar forward kernel, which the committed gn and ln logs were trained with there: the SIMD one (the
    // conv layers', and evaluation's) rounds the statistics differently.
    const transposed = block.rows === 1 && !inEvaluation;
    const attrs = { groups: block.groups, rows: block.rows, epsilon: settings.normLayer.epsilon, transposed };
    const [y, xhat, , stats] = groupNormReluForwardOp(
      h,
      param(values, block, 'gamma'),
      param(values, block, 'beta'),
      attrs,
    );
    return { y, saved: { y, xhat, stats }, moving: [] };
  }
  const m = values.moving.get(block.name)!;
  const p = {
    gamma: param(values, block, 'gamma'),
    beta: param(values, block, 'beta'),
    movingMean: m.mean,
    movingStd: m.std,
    movingVariance: m.variance,
  };
  const groupSize = (settings.microbatchSize ?? examples) * block.rows;
  const [y, xhat, , stats, mean, std, variance] = renormReluForwardOp(h, p, {
    ...settings.normLayer,
    ...clip,
    groupSize,
    transposed: false,
  });
  return { y, saved: { y, xhat, stats }, moving: [mean, std, variance] };
}

/**
 * The evaluation forward of `block`: in training mode with minibatch
 * statistics (moving statistics left alone), else with the moving mean and
 * either the moving standard deviation or, as standard batchnorm,
 * √(moving variance + ε). Group norm and bias blocks have one mode.
 */
export function blockEval(
  block: Block,
  h: tf.Tensor,
  values: Values,
  settings: BlockSettings,
  clip: RenormClip,
  mode: { training: boolean; statistics: 'stddev' | 'variance'; observe?: (block: string, h: tf.Tensor) => void },
): tf.Tensor {
  mode.observe?.(block.name, h);
  if (block.kind !== 'renorm' || mode.training) return blockTrain(block, h, values, settings, clip, true).y;
  const m = values.moving.get(block.name)!;
  const movingStd = mode.statistics === 'variance' ? tf.sqrt(tf.add(m.variance, settings.normLayer.epsilon)) : m.std;
  return renormReluInferenceOp(h, {
    gamma: param(values, block, 'gamma'),
    beta: param(values, block, 'beta'),
    movingMean: m.mean,
    movingStd,
  });
}

/** ∂ℓ/∂h of `block` from ∂ℓ/∂y, and its parameters' gradients by name. */
export function blockBackward(
  block: Block,
  dy: tf.Tensor,
  saved: Saved,
  values: Values,
  settings: BlockSettings,
): { dh: tf.Tensor; grads: [string, tf.Tensor][] } {
  if (block.kind === 'bias') {
    const [dh, dbias] = biasReluBackwardOp(dy, saved.y);
    return { dh, grads: [[`${block.name}/bias`, dbias]] };
  }
  const gamma = param(values, block, 'gamma');
  const [dh, dgamma, dbeta] =
    block.kind === 'group'
      ? groupNormReluBackwardOp(dy, saved.y, saved.xhat!, saved.stats!, gamma, {
          groups: block.groups,
          rows: block.rows,
        })
      : renormReluBackwardOp(
          dy,
          saved.y,
          saved.xhat!,
          saved.stats!,
          gamma,
          (settings.microbatchSize ?? dy.shape[0] / block.rows) * block.rows,
        );
  return {
    dh,
    grads: [
      [`${block.name}/gamma`, dgamma],
      [`${block.name}/beta`, dbeta],
    ],
  };
}
