/**
 * batch-renorm-kit/kit: the replication kit around the layer — data and
 * samplers, the experiments' models and fused trainer, the runner, summaries,
 * references and figures. Loads vega, resvg and MNIST only when those are used.
 * The library itself (the layer, its maths, the ramp) is the package root.
 */
export * from './index';
export { loadImageData, mnistDataDir, MNIST_MD5, IDX_FILES, type ImageData, type ImageSet } from './data/mnist';
export { parseIdx, readIdxFile } from './data/idx';
export { dataIdentity, type DataIdentity } from './data/identity';
export { iidSampler, labelGroupedSampler, validationSplit, sampledBatches, coveringBatches, type BatchSampler, type EvalBatch, type LabelGrouping } from './data/samplers';
export { prepareData, toDevice, gatherBatch, DataCache, type ExperimentData, type DeviceSplit } from './data/dataset';
export { buildModel, NORMALIZATIONS, ARCHITECTURES, type ModelConfig, type NormLayerConfig, type Normalization, type Architecture } from './models';
export { DenseLayer, denseLayer, matMul2d } from './models/dense';
export { Conv2DLayer, conv2dLayer, conv2dSame } from './models/conv';
export { fusedKernelsAvailable } from './kernels';
export { BASE, forProfile, validateConfig, scaleDecay, QUICK_FACTOR, PROFILES, type ExperimentConfig, type Profile } from './experiments/config';
export { TRAINED_VARIANTS, SUMMARY_VARIANTS, VARIANT_INFO, normalizationOf, variantClipAt, type Variant, type SummaryVariant } from './experiments/variants';
export { baseline } from './experiments/baseline';
export { microbatch, microbatchSweep, MICROBATCH_SWEEP } from './experiments/microbatch';
export { nonIid, nonIidSweep, NON_IID_SWEEP } from './experiments/non-iid';
export { MAIN_EXPERIMENTS, SWEEP_EXPERIMENTS, ALL_EXPERIMENTS, experimentByName } from './experiments/registry';
export { runJob, trainerFor } from './experiments/job';
export { LayersTrainer, STANDARD_EVAL, type Trainer, type TrainerState, type EvalWeights } from './experiments/trainer';
export { FusedMlpTrainer } from './experiments/fused-trainer';
export { readJobRecords, jobPaths, jobId, type JobSpec, type JobRecord, type HeaderRecord, type EvalRecord, type FinalRecord } from './experiments/records';
export { runExperiments, jobSpecs, type RunOptions } from './experiments/runner';
export { summarize, writeSummary, readSummary, finalResults, type Summary, type Stat, type CurvePoint } from './experiments/summary';
export { compareWithReference, loadReference, writeReference, type Reference } from './experiments/reference';
export { FIGURES, type Spec } from './figures/specs';
export { makeFigures } from './figures/make';
export { KIT_ROOT, DEFAULT_PATHS, kitPaths } from './paths';
