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
export { loadImageData, mnistDataDir, MNIST_MD5, IDX_FILES, type ImageData, type ImageSet } from './data/mnist';
export { parseIdx, readIdxFile } from './data/idx';
export { iidSampler, labelGroupedSampler, validationSplit, type BatchSampler, type LabelGrouping } from './data/samplers';
export { prepareData, toDevice, gatherBatch, type ExperimentData, type DeviceSplit } from './data/dataset';
export { buildModel, NORMALIZATIONS, ARCHITECTURES, type ModelConfig, type Normalization, type Architecture } from './models';
export { PortableDense, portableDense, matMulFastGrad } from './models/dense';
export { PortableConv2D, conv2dWithOpsGradient, conv2dSameOpsGrad } from './models/conv';
export { BASE, forProfile, validateConfig, QUICK_FACTOR, VARIANTS, PROFILES, type ExperimentConfig, type Profile, type Variant } from './experiments/config';
export { baseline } from './experiments/baseline';
export { microbatch, microbatchSweep, MICROBATCH_SWEEP } from './experiments/microbatch';
export { nonIid, nonIidSweep, NON_IID_SWEEP } from './experiments/non-iid';
export { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './experiments/registry';
export { runJob, readJobRecords, jobPaths, type JobSpec, type JobRecord, type EvalRecord, type FinalRecord } from './experiments/job';
export { runExperiments, readSummary, jobSpecs, type RunOptions } from './experiments/runner';
export { summarize, writeSummary, type Summary, type Stat, type CurvePoint } from './experiments/summary';
export { FIGURES, type Spec } from './figures/specs';
export { renderSvg, svgToPng } from './figures/render';
export { makeFigures } from './figures/make';
export { resultsTable } from './figures/table';
export { notebookResults, figureSvg, hasFigure, sweepFigure, trainInferenceGapDemo, batchnormLimitCheck, markdownTable, type NotebookResults, type GapRow } from './notebook';
export { KIT_ROOT, DEFAULT_PATHS } from './paths';
