/**
 * batch-renorm-kit/kit: the replication kit around the layer — data and
 * samplers, the experiments' models and fused trainer, the runner, summaries,
 * references and figures. Loads vega, resvg and MNIST only when those are used.
 * The library itself (the layer, its maths, the ramp) is the package root.
 */
export * from './index';
export { loadImageData, mnistDataDir, MNIST_MD5, IDX_FILES, type ImageData, type ImageSet } from './data/mnist';
export { parseIdx, readIdxFile } from './data/idx';
export { dataIdentity, knownDataIdentity, type DataIdentity } from './data/identity';
export { DATASETS, DATASET_NAMES, datasetByName, type KnownDataset, type DataTask } from './data/datasets';
export {
  composeTriples,
  downscale2x2,
  splitDigest,
  TRIPLES,
  TRIPLES_TRAIN_DIGEST,
  type TriplesSplits,
} from './data/triples';
export {
  iidSampler,
  labelGroupedSampler,
  validationSplit,
  sampledBatches,
  coveringBatches,
  type BatchSampler,
  type EvalBatch,
  type LabelGrouping,
} from './data/samplers';
export {
  prepareData,
  loadDataset,
  toDevice,
  gatherBatch,
  DataCache,
  type DataOptions,
  type ExperimentData,
  type DeviceSplit,
} from './data/dataset';
export {
  buildModel,
  NORMALIZATIONS,
  ARCHITECTURES,
  type ModelConfig,
  type NormLayerConfig,
  type Normalization,
  type Architecture,
} from './models';
export { DenseLayer, denseLayer, matMul2d } from './models/dense';
export { Conv2DLayer, conv2dLayer, conv2dSame } from './models/conv';
export { fusedKernelsAvailable } from './kernels';
export {
  BASE,
  forProfile,
  validateConfig,
  scaleDecay,
  QUICK_FACTOR,
  PROFILES,
  type ExperimentConfig,
  type Profile,
} from './protocol/config';
export {
  TRAINED_VARIANTS,
  SUMMARY_VARIANTS,
  VARIANT_INFO,
  normalizationOf,
  variantClipAt,
  type Variant,
  type SummaryVariant,
} from './protocol/variants';
export { baseline } from './protocol/baseline';
export { microbatch, microbatchSweep, MICROBATCH_SWEEP } from './protocol/microbatch';
export { nonIid, nonIidSweep, NON_IID_SWEEP } from './protocol/non-iid';
export { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './protocol/registry';
export { runJob, trainerFor } from './train/job';
export { STANDARD_EVAL, type Trainer, type TrainerState, type EvalWeights } from './train/trainer';
export { LayersTrainer } from './train/layers-trainer';
export { FusedMlpTrainer } from './train/fused-mlp';
export { FusedConvTrainer } from './train/fused-conv';
export type { JobRecord, HeaderRecord, EvalRecord, FinalRecord } from './results/records';
export { readJobRecords, readFinishedLog, LogProblem } from './results/seal';
export { jobPaths, jobId, type JobSpec } from './train/spec';
export { runExperiments, jobSpecs, type RunOptions } from './train/runner';
export { summarize } from './results/summary';
export { writeSummary, readSummary } from './results/store';
export { finalResults } from './results/logs';
export type { Summary, CurvePoint } from './results/schema';
export type { Stat } from './results/stats';
export { compareWithReference, loadReference, writeReference, type Reference } from './results/reference';
export { FIGURES, type Spec } from './report/figures';
export { makeFigures } from './report/make';
export { KIT_ROOT, DEFAULT_PATHS, kitPaths } from './paths';
