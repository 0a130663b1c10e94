/**
 * batch-renorm-kit: Batch Renormalization (Ioffe 2017) for TensorFlow.js — the
 * layer, its maths, the rmax/dmax ramp and its `model.fit` callback, backend
 * selection, and file:// model saving without tfjs-node. It computes in the
 * tfjs the application has installed (a peer dependency) and loads nothing
 * else: the replication kit is `batch-renorm-kit/kit`.
 */
import { registerFileHandlers } from './io/file-handlers';
// Conv2DBackpropFilter for the wasm backend, which lacks it: conv models train there (tfjs-gaps.ts).
import './kernels/tfjs-gaps';

registerFileHandlers();

export { tf } from './tf';
export { initBackend, activeBackend, BACKENDS, type BackendName } from './backend';
export {
  BatchRenormalization,
  batchRenormalization,
  withFrozenStatistics,
  type BatchRenormalizationLayerArgs,
  type RenormDiagnostics,
} from './renorm/layer';
export { GroupNormalization, groupNormalization, type GroupNormalizationLayerArgs } from './groupnorm/layer';
export { groupNormalize, groupMoments, resolveGroups } from './groupnorm/ops';
export type { InitializerLike } from './initializers';
export { validateClip, type RenormClip } from './renorm/clip';
export {
  stopGradient,
  batchMoments,
  renormCorrection,
  movingAverage,
  renormalizeInInference,
  renormInTraining,
  normalizationPlan,
  type RenormCorrection,
  type NormalizationPlan,
} from './renorm/ops';
export { referenceRenorm } from './renorm/reference';
export {
  PAPER_RAMP,
  renormClipAt,
  scaleRamp,
  validateRamp,
  learningRateAt,
  type RenormRamp,
  type StaircaseRate,
} from './renorm/schedule';
export { renormLayers, applyRenormClip, RenormRampCallback } from './renorm/callback';
export { batchnormLimit, type BatchnormLimit } from './renorm/batchnorm-limit';
export { registerFileHandlers, fileSaveHandler, fileLoadHandler } from './io/file-handlers';
