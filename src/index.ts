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
export { PAPER_RAMP, renormClipAt, scaleRamp, validateRamp, learningRateAt, type RenormRamp, type StaircaseRate } from './renorm/schedule';
export { renormLayers, applyRenormClip, RenormRampCallback } from './renorm/callback';
export { batchnormLimit, type BatchnormLimit } from './renorm/batchnorm-limit';
export { loadImageData, mnistDataDir, MNIST_MD5, IDX_FILES, type ImageData, type ImageSet } from './data/mnist';
export { parseIdx, readIdxFile } from './data/idx';
export { iidSampler, labelGroupedSampler, validationSplit, type BatchSampler, type LabelGrouping } from './data/samplers';
export { prepareData, toDevice, gatherBatch, DataCache, type ExperimentData, type DeviceSplit } from './data/dataset';
export { buildModel, NORMALIZATIONS, ARCHITECTURES, type ModelConfig, type NormLayerConfig, type Normalization, type Architecture } from './models';
export { DenseLayer, denseLayer, matMul2d } from './models/dense';
export { Conv2DLayer, conv2dLayer, conv2dSame } from './models/conv';
export { BASE, forProfile, validateConfig, QUICK_FACTOR, VARIANTS, PROFILES, type ExperimentConfig, type Profile, type Variant } from './experiments/config';
export { baseline } from './experiments/baseline';
export { microbatch, microbatchSweep, MICROBATCH_SWEEP } from './experiments/microbatch';
export { nonIid, nonIidSweep, NON_IID_SWEEP } from './experiments/non-iid';
export { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './experiments/registry';
export { runJob } from './experiments/job';
export { readJobRecords, jobPaths, jobId, type JobSpec, type JobRecord, type HeaderRecord, type EvalRecord, type FinalRecord } from './experiments/records';
export { runExperiments, jobSpecs, type RunOptions } from './experiments/runner';
export { summarize, writeSummary, readSummary, type Summary, type Stat, type CurvePoint } from './experiments/summary';
export { FIGURES, type Spec } from './figures/specs';
export { renderSvg, svgToPng } from './figures/render';
export { makeFigures } from './figures/make';
export { notebookResults, figureSvg, sweepFigure, resultsTable, markdownTable, trainInferenceGapDemo, type NotebookResults, type GapRow } from './notebook';
export { KIT_ROOT, DEFAULT_PATHS, kitPaths } from './paths';
