/**
 * batch-renorm-kit: Batch Renormalization (Ioffe 2017) for TensorFlow.js, with
 * the rmax/dmax ramp, seeded MNIST samplers, an experiment runner and figures.
 */
export { tf } from './tf';
export { initBackend, activeBackend, BACKENDS, type BackendName } from './backend';
export {
  BatchRenormalization,
  batchRenormalization,
  withFrozenStatistics,
  type BatchRenormalizationLayerArgs,
  type RenormDiagnostics,
} from './renorm/layer';
export type { InitializerLike } from './initializers';
export {
  stopGradient,
  batchMoments,
  renormCorrection,
  renormalize,
  renormalizeInInference,
  renormInTraining,
  normalizationPlan,
  validateClip,
  type RenormClip,
  type RenormCorrection,
  type NormalizationPlan,
} from './renorm/ops';
export {
  PAPER_RAMP,
  renormClipAt,
  scaleRamp,
  validateRamp,
  renormLayers,
  applyRenormClip,
  RenormRampCallback,
  type RenormRamp,
} from './renorm/schedule';
