/** Which trainer a job trains through, and making it. */
import type { ExperimentData } from '../data/dataset';
import { fusedKernelsAvailable } from '../kernels';
import { groupsOf, normalizationOf } from '../protocol/variants';
import { FusedConvTrainer } from './fused-conv';
import { FUSED_NORMALIZATIONS, FusedMlpTrainer } from './fused-mlp';
import { LayersTrainer } from './layers-trainer';
import type { JobSpec } from './spec';
import type { Trainer } from './trainer';
import { CONV_ARITHMETIC } from '../results/records';
import { tf } from '../tf';

/** How a job trains: the fused kernels, or tfjs-layers. Recorded in the log; part of the job's identity. */
export type TrainerKind = 'fused' | 'layers';

/**
 * The trainer kind for a job: the MLP and the conv model through the fused
 * kernels where the backend has them (wasm, cpu), else (tfjs-node) through
 * tfjs-layers. `BRN_TRAINER=layers` (or `fused`) forces one.
 */
export function trainerKind(spec: Pick<JobSpec, 'config' | 'variant'>): TrainerKind {
  const forced = process.env.BRN_TRAINER ?? '';
  if (!['', 'fused', 'layers'].includes(forced))
    throw new Error(`BRN_TRAINER must be 'fused' or 'layers', got '${forced}'`);
  const canFuse =
    fusedKernelsAvailable() && (FUSED_NORMALIZATIONS as readonly string[]).includes(normalizationOf(spec.variant));
  if (forced === 'fused' && !canFuse) {
    throw new Error(
      `BRN_TRAINER=fused, but the fused trainers need ${FUSED_NORMALIZATIONS.join(', ')} on wasm or cpu (backend: ${tf.getBackend()})`,
    );
  }
  return forced === 'layers' || !canFuse ? 'layers' : 'fused';
}

/** The arithmetic label a job's log records (`CONV_ARITHMETIC` for the fused conv trainer), or null. */
export function trainerArithmetic(spec: Pick<JobSpec, 'config' | 'variant'>): string | null {
  return spec.config.architecture === 'conv' && trainerKind(spec) === 'fused' ? CONV_ARITHMETIC : null;
}

export function trainerFor(spec: Pick<JobSpec, 'config' | 'variant' | 'seed'>, data: ExperimentData): Trainer {
  const { config } = spec;
  const model = {
    architecture: config.architecture,
    hidden: config.hidden,
    normalization: normalizationOf(spec.variant),
    groups: groupsOf(spec.variant) ?? undefined,
    microbatchSize: config.microbatchSize,
    normLayer: config.normLayer,
    imageSize: data.imageSize,
    ...(data.imageWidth !== undefined ? { imageWidth: data.imageWidth } : {}),
    classes: data.classes,
  };
  const Fused = config.architecture === 'conv' ? FusedConvTrainer : FusedMlpTrainer;
  const Kind = trainerKind(spec) === 'fused' ? Fused : LayersTrainer;
  return new Kind(model, spec.seed, config.optimizer, config.emaDecay);
}
