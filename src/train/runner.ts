/**
 * The experiment runner: expands experiments into (experiment, variant, seed)
 * jobs, checks everything it can before any worker starts (data, directories,
 * backend), runs the jobs over the cores (finished jobs are skipped,
 * interrupted ones resume), and writes the profile's summary.
 */
import { BACKENDS, backendInstalled, isBackendName } from '../backend';
import { inspectData, knownDataIdentity, type DataIdentity } from '../data/identity';
import { ARCHITECTURES, type Architecture } from '../models';
import { checkWritableDir, kitPaths } from '../paths';
import {
  allVariants,
  forProfile,
  PROFILES,
  TRAINED_VARIANTS,
  validateConfig,
  type ExperimentConfig,
  type Profile,
  type Variant,
} from '../protocol/config';
import { ALL_EXPERIMENTS, experimentByName } from '../protocol/registry';
import type { Summary } from '../results/schema';
import { saveSummary } from '../results/store';
import { LogProblems } from '../results/logs';
import { summarizeLogs } from '../results/summary';
import { defaultJobs, runPool, type PoolResult } from './pool';
import { ProgressReporter, type JobProgress } from './progress';
import { jobId, type JobSpec } from './spec';

export interface RunOptions {
  profile: Profile;
  /** Run seeds 1…N instead of each experiment's own (default: the profile's). */
  seeds?: number;
  /** Worker processes (default: one per core). */
  jobs?: number;
  /** Force a backend: tensorflow, wasm or cpu. */
  backend?: string;
  /** Use this directory of IDX files instead of MNIST. */
  dataDir?: string | null;
  /** Use this known data set (`mnist`, `fashion-mnist`), from where it is installed and checked by md5. */
  dataset?: string;
  /** Train this architecture instead of the config's; a non-default one runs as '<experiment>-<architecture>'. */
  architecture?: Architecture;
  /** Only these variants (default: each experiment's). */
  variants?: string[];
  /** Train this many steps instead of the config's; runs as '<experiment>-steps<N>', a job of its own. */
  steps?: number;
  runsDir?: string;
  resultsDir?: string;
  /** Where progress goes (default: stderr); null for none. */
  log?: NodeJS.WriteStream | null;
  /** Called with every job's progress (each evaluation, and steps between), beside `log`. */
  onProgress?: (p: JobProgress) => void;
  /** Called when a job finishes (`skipped`: its finished log was there already). */
  onDone?: (job: string, skipped: boolean) => void;
}

/**
 * The data set a run uses: --dataset, else the one its experiments are
 * defined on (mnist-triples), else none (MNIST or --data-dir). Experiments on
 * different data sets, or a --dataset or --data-dir other than an
 * experiment's own, are an error naming them.
 */
export function impliedDataset(
  experiments: ExperimentConfig[],
  options: Pick<RunOptions, 'dataset' | 'dataDir'>,
): string | undefined {
  const own = [...new Set(experiments.map((e) => e.dataset ?? null))];
  const defined = own.filter((d): d is string => d !== null);
  if (defined.length === 0) return options.dataset;
  const on = (d: string | null) =>
    experiments
      .filter((e) => (e.dataset ?? null) === d)
      .map((e) => e.name)
      .join(', ');
  if (own.length > 1)
    throw new Error(
      `these experiments are defined on different data sets: ${own.map((d) => `${on(d)} on ${d ?? 'any (MNIST by default)'}`).join('; ')}: run them separately`,
    );
  const [d] = defined;
  if ((options.dataset !== undefined && options.dataset !== d) || (options.dataDir ?? null) !== null)
    throw new Error(
      `${on(d)}: defined on ${d}, not on ${options.dataset ?? options.dataDir}: drop --dataset/--data-dir (or give --dataset ${d})`,
    );
  return d;
}

export function jobSpecs(experiments: ExperimentConfig[], options: RunOptions): JobSpec[] {
  if (!(PROFILES as readonly string[]).includes(options.profile))
    throw new Error(`Unknown profile '${options.profile}': expected one of ${PROFILES.join(', ')}`);
  if (options.seeds !== undefined && (!Number.isInteger(options.seeds) || options.seeds < 1))
    throw new Error(`--seeds must be a positive integer, got ${options.seeds}`);
  if (options.backend !== undefined && !isBackendName(options.backend))
    throw new Error(`Unknown backend '${options.backend}': expected one of ${BACKENDS.join(', ')}`);
  if (options.architecture !== undefined && !(ARCHITECTURES as readonly string[]).includes(options.architecture)) {
    throw new Error(`Unknown architecture '${options.architecture}': expected one of ${ARCHITECTURES.join(', ')}`);
  }
  if (options.steps !== undefined && (!Number.isInteger(options.steps) || options.steps < 1))
    throw new Error(`--steps must be a positive integer, got ${options.steps}`);
  for (const v of options.variants ?? []) {
    if (!(TRAINED_VARIANTS as readonly string[]).includes(v))
      throw new Error(`Unknown variant '${v}': expected one of ${TRAINED_VARIANTS.join(', ')}`);
  }
  const wanted = (v: Variant) => options.variants === undefined || options.variants.includes(v);
  const { runsDir } = kitPaths(options);
  const specs: JobSpec[] = [];
  const identities = new Map<string | null, DataIdentity>();
  let dataDir = options.dataDir;
  const dataset = impliedDataset(experiments, options);
  if (dataset !== undefined) {
    if (options.dataDir !== undefined && options.dataDir !== null)
      throw new Error(
        `--dataset and --data-dir name the data twice ('${options.dataset}', '${options.dataDir}'): give one`,
      );
    const known = knownDataIdentity(dataset);
    dataDir = known.dir;
    identities.set(known.dir, known.identity);
  }
  const configFor = (written: ExperimentConfig): ExperimentConfig => {
    const profiled = forProfile(written, options.profile);
    const renamed = options.architecture !== undefined && options.architecture !== profiled.architecture;
    const suffix = `${renamed ? `-${options.architecture}` : ''}${options.steps !== undefined ? `-steps${options.steps}` : ''}`;
    const config: ExperimentConfig = {
      ...profiled,
      ...(suffix !== ''
        ? {
            name: `${profiled.name}${suffix}`,
            sharedVariants: Object.fromEntries(
              Object.entries(profiled.sharedVariants ?? {}).map(([v, from]) => [v, `${from}${suffix}`]),
            ),
          }
        : {}),
      ...(renamed
        ? { architecture: options.architecture!, title: `${profiled.title}, ${options.architecture} model` }
        : {}),
      ...(options.steps !== undefined ? { steps: options.steps } : {}),
      ...(dataDir !== undefined ? { dataDir } : {}),
      ...(options.seeds !== undefined ? { seeds: Array.from({ length: options.seeds }, (_, i) => i + 1) } : {}),
    };
    validateConfig(config);
    return config;
  };
  const ids = new Set<string>();
  const add = (config: ExperimentConfig, variant: Variant, seed: number) => {
    // Checked here, before any worker starts: missing data is an error even when every job is finished.
    if (!identities.has(config.dataDir)) {
      const { identity, trainCount } = inspectData(config.dataDir);
      if (config.validationSize >= trainCount) {
        const where = config.dataDir ?? 'MNIST';
        throw new Error(
          `${where} has ${trainCount} training images: too few to hold out ${config.validationSize} for validation and train on the rest`,
        );
      }
      identities.set(config.dataDir, identity);
    }
    const spec: JobSpec = {
      profile: options.profile,
      config,
      variant,
      seed,
      runsDir,
      data: identities.get(config.dataDir)!,
    };
    if (ids.has(jobId(spec))) return;
    ids.add(jobId(spec));
    specs.push(spec);
  };
  for (const written of experiments) {
    const config = configFor(written);
    const before = specs.length;
    for (const seed of config.seeds) for (const variant of config.variants.filter(wanted)) add(config, variant, seed);
    // A shared variant's jobs are its own experiment's, on this experiment's seeds.
    for (const [variant, from] of Object.entries(forProfile(written, options.profile).sharedVariants ?? {}) as [
      Variant,
      string,
    ][]) {
      if (!wanted(variant)) continue;
      const source = configFor(experimentByName(from));
      for (const seed of config.seeds) add({ ...source, seeds: config.seeds }, variant, seed);
    }
    const all = allVariants(config);
    if (specs.length === before && options.variants !== undefined && !all.some(wanted)) {
      throw new Error(
        `${config.name} has none of the variants ${options.variants.join(', ')} (its variants: ${all.join(', ')})`,
      );
    }
  }
  return specs;
}

export interface RunOutcome {
  pool: PoolResult;
  summary: Summary;
  /** Null when no job finished or the summary was left alone (see `summaryProblem`). */
  summaryPath: string | null;
  /** Why the summary was not written, if it was not. */
  summaryProblem: string | null;
  backends: string[];
  seconds: number;
}

/**
 * What can be checked before any worker starts, each failure a message naming
 * the path or value and the fix: the data (read, parsed and checksummed by
 * `jobSpecs`), the runs and results directories, a forced backend.
 */
export function preflight(options: RunOptions): void {
  const { runsDir, resultsDir } = kitPaths(options);
  checkWritableDir(runsDir, '--runs-dir');
  checkWritableDir(resultsDir, '--results-dir');
  if (options.backend !== undefined) {
    const missing = backendInstalled(options.backend);
    if (missing !== null) throw new Error(missing);
  }
}

/** Runs every job of `experiments` in `options.profile`, then rewrites that profile's summary over all known experiments. */
export async function runExperiments(experiments: ExperimentConfig[], options: RunOptions): Promise<RunOutcome> {
  const specs = jobSpecs(experiments, options);
  preflight(options);
  const started = Date.now();
  const log = options.log === undefined ? process.stderr : options.log;
  const reporter =
    log === null
      ? null
      : new ProgressReporter(
          specs.reduce((a, s) => a + s.config.steps, 0),
          log,
          Boolean(log.isTTY) && process.env.CI === undefined,
        );
  const stepsOf = new Map(specs.map((s) => [jobId(s), s.config.steps]));
  const backends = new Set<string>();
  reporter?.message(
    `running ${specs.length} jobs (${options.profile} profile) on ${Math.min(options.jobs ?? defaultJobs(), specs.length)} worker(s)`,
  );
  const pool = await runPool(specs, {
    jobs: options.jobs,
    backend: options.backend,
    onBackend: (b) => {
      if (!backends.has(b)) reporter?.message(`worker backend: ${b}`);
      backends.add(b);
    },
    onProgress: (p) => {
      reporter?.progress(p);
      options.onProgress?.(p);
    },
    onNotice: (message) => reporter?.message(message),
    onDone: (job, skipped) => {
      reporter?.done(job, skipped, stepsOf.get(job) ?? 0);
      options.onDone?.(job, skipped);
    },
  });
  reporter?.finish();
  const { runsDir, resultsDir } = kitPaths(options);
  // Summaries cover every experiment with finished jobs, so runs of single experiments add up.
  const dataset = specs[0]?.data.name ?? 'mnist';
  const { summary, problems } = summarizeLogs(
    options.profile,
    runsDir,
    ALL_EXPERIMENTS.map((e) => e.name),
    dataset,
    ALL_EXPERIMENTS,
    pool.failed.map((f) => f.job),
  );
  let written: { path: string | null; problem: string | null } = { path: null, problem: null };
  if (problems.length > 0) {
    written.problem = new LogProblems(problems).message;
  } else if (pool.finished.length + pool.skipped.length > 0) {
    try {
      written = { path: saveSummary(summary, runsDir, resultsDir), problem: null };
    } catch (err) {
      written.problem = (err as Error).message;
    }
  }
  const seconds = (Date.now() - started) / 1000;
  return {
    pool,
    summary,
    summaryPath: written.path,
    summaryProblem: written.problem,
    backends: [...backends],
    seconds,
  };
}
