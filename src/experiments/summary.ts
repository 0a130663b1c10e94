/**
 * Summaries of finished jobs, per profile, at
 * `<resultsDir>/<profile>/summary.json`, which figures and notebooks read:
 *
 *     { profile, backend, experiments: { <experiment>: { <variant>: {
 *         step, validationAccuracy: {mean, std, n}, testAccuracy: {mean, std, n} } } },
 *       curves, configs, timing }
 *
 * Variants are `bn`, `brn` and, where the experiment asks for it,
 * `bn-batchstats` (the BN model evaluated with minibatch statistics on
 * minibatches drawn like the training ones). `std` is the sample standard
 * deviation over seeds (0 for one seed). Only finished jobs count, with the
 * config recorded in their headers.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../io/atomic';
import { kitPaths } from '../paths';
import { VARIANTS, type ExperimentConfig, type PaperResult, type Profile, type SamplerConfig, type Variant } from './config';
import { dataSubdir } from '../data/identity';
import { parseJobFileName, profileRunsDir, readJobRecords, type EvalRecord, type FinalRecord, type HeaderRecord } from './records';

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

/** A stat with the value of each seed, in `seeds` order. */
export interface SeedStat extends Stat {
  values: number[];
  seeds: number[];
}

export interface VariantSummary {
  step: number;
  validationAccuracy: SeedStat;
  testAccuracy: SeedStat;
  seeds: number[];
}

/**
 * A paired difference (e.g. BRN − BN on test accuracy, seed by seed: the
 * same seed gives both variants the same initialization and batches) with a
 * 95% interval from Student's t over the per-seed differences
 * (mean ± t(0.975, n − 1)·s/√n); null bounds for fewer than two seeds.
 */
export interface PairStat {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  seeds: number[];
}

/** One experiment's results: its variants by name, and `pairs` of variants by 'a-b'. */
export type ExperimentResults = Record<string, VariantSummary> & { pairs?: Record<string, PairStat> };

/** The variants of an experiment's results (everything but `pairs`). */
export function variantEntries(results: ExperimentResults): [string, VariantSummary][] {
  return Object.entries(results).filter(([k]) => k !== 'pairs') as [string, VariantSummary][];
}

/** t(0.975, df) for df = 1…30; beyond, the normal 1.96. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** `b − a` on test accuracy over the seeds both ran, with its 95% t interval. */
export function pairedDifference(a: SeedStat, b: SeedStat): PairStat {
  const seeds = a.seeds.filter((seed) => b.seeds.includes(seed));
  const diffs = seeds.map((seed) => b.values[b.seeds.indexOf(seed)] - a.values[a.seeds.indexOf(seed)]);
  const { mean, std, n } = stat(diffs);
  if (n < 2) return { mean, ciLow: null, ciHigh: null, n, seeds };
  const half = (T975[n - 2] ?? 1.96) * (std / Math.sqrt(n));
  return { mean, ciLow: mean - half, ciHigh: mean + half, n, seeds };
}

export interface CurvePoint {
  step: number;
  rmax: number | null;
  dmax: number | null;
  validationAccuracy: Stat;
  /** Accuracy with minibatch statistics on validation minibatches drawn like the training ones. */
  batchStatsAccuracy: Stat;
  /** Relative gap between training-mode and inference-mode logits on the same examples. */
  logitGap: Stat;
  trainLoss: Stat | null;
  /** Mean over normalization layers of the fraction of r (d) values the clip changed. */
  rClippedFraction: Stat | null;
  dClippedFraction: Stat | null;
}

export interface Summary {
  profile: Profile;
  /** The data set's name (`mnist`, or `idx-<hash>` for other IDX files). */
  dataset: string;
  backend: string;
  experiments: Record<string, ExperimentResults>;
  curves: Record<string, Record<string, CurvePoint[]>>;
  configs: Record<string, { title: string; paper: PaperResult | null; steps: number; batchSize: number; microbatchSize: number | null; sampler: SamplerConfig; ramp: ExperimentConfig['ramp'] }>;
  timing: Record<string, Record<string, { msPerStep: Stat; trainSeconds: Stat }>>;
}

export function stat(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

/** A stat of fractions as `mean% ± std (n=N)` in percentage points, or '—' when there is none. */
export function formatStat(s: Stat | undefined): string {
  if (s === undefined || s.n === 0) return '—';
  return `${(100 * s.mean).toFixed(2)}% ± ${(100 * s.std).toFixed(2)} (n=${s.n})`;
}

function seedStat(values: number[], seeds: number[]): SeedStat {
  return { ...stat(values), values, seeds };
}

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface FinishedRun {
  seed: number;
  header: HeaderRecord;
  evals: EvalRecord[];
  final: FinalRecord;
}

/** The finished jobs of one experiment directory, by variant, in seed order. */
function finishedRuns(dir: string): Map<Variant, FinishedRun[]> {
  const byVariant = new Map<Variant, FinishedRun[]>();
  const files = readdirSync(dir)
    .map((f) => ({ f, job: parseJobFileName(f) }))
    .filter((x) => x.job !== null && (VARIANTS as readonly string[]).includes(x.job.variant))
    .sort((a, b) => a.job!.seed - b.job!.seed);
  for (const { f, job } of files) {
    const path = join(dir, f);
    const records = readJobRecords(path);
    const header = records.find((r): r is HeaderRecord => r.kind === 'header');
    const final = records.find((r): r is FinalRecord => r.kind === 'final');
    if (header === undefined || final === undefined) throw new Error(`${path}: a finished job file without header or final record`);
    const variant = job!.variant as Variant;
    if (!byVariant.has(variant)) byVariant.set(variant, []);
    byVariant.get(variant)!.push({ seed: job!.seed, header, final, evals: records.filter((r): r is EvalRecord => r.kind === 'eval') });
  }
  return byVariant;
}

function curve(runs: FinishedRun[]): CurvePoint[] {
  const steps = runs[0].evals.map((e) => e.step);
  return steps.map((step, i) => {
    const at = runs.map((r) => r.evals[i]).filter((e) => e !== undefined && e.step === step);
    const withTrain = at.filter((e) => e.trainLoss !== null);
    const withRenorm = at.filter((e) => e.renorm.length > 0);
    return {
      step,
      rmax: at[0].rmax,
      dmax: at[0].dmax,
      validationAccuracy: stat(at.map((e) => e.validationAccuracy)),
      batchStatsAccuracy: stat(at.map((e) => e.batchStats.accuracy)),
      logitGap: stat(at.map((e) => e.batchStats.logitGap)),
      trainLoss: withTrain.length === 0 ? null : stat(withTrain.map((e) => e.trainLoss!)),
      rClippedFraction: withRenorm.length === 0 ? null : stat(withRenorm.map((e) => meanOf(e.renorm.map((l) => l.rClippedFraction)))),
      dClippedFraction: withRenorm.length === 0 ? null : stat(withRenorm.map((e) => meanOf(e.renorm.map((l) => l.dClippedFraction)))),
    };
  });
}

/** The final result of one finished job. */
export interface JobResult {
  experiment: string;
  variant: string;
  seed: number;
  backend: string;
  trainer: string;
  testAccuracy: number;
}

/** The final test accuracy of every finished job of `profile` under `runsDir`, in experiment, variant, seed order. */
export function finalResults(profile: Profile, runsDir: string, dataset = 'mnist'): JobResult[] {
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  if (!existsSync(root)) return [];
  const results: JobResult[] = [];
  for (const name of readdirSync(root).sort()) {
    if (!statSync(join(root, name)).isDirectory()) continue;
    for (const [variant, runs] of [...finishedRuns(join(root, name))].sort(([a], [b]) => a.localeCompare(b))) {
      for (const r of runs) results.push({ experiment: name, variant, seed: r.seed, backend: r.header.backend, trainer: r.header.trainer, testAccuracy: r.final.testAccuracy });
    }
  }
  return results;
}

/**
 * Builds the summary of `profile` from every finished job under
 * `<runsDir>/<profile>/`, with each experiment's config taken from its jobs'
 * headers (the config they really ran with). Experiments appear in `order`
 * first, then alphabetically.
 */
export function summarize(profile: Profile, runsDir: string, order: string[] = [], dataset = 'mnist'): Summary {
  const summary: Summary = { profile, dataset, backend: '', experiments: {}, curves: {}, configs: {}, timing: {} };
  const backends = new Set<string>();
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  const names = existsSync(root) ? readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()) : [];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const name of names) {
    const runsByVariant = finishedRuns(join(root, name));
    if (runsByVariant.size === 0) continue;
    const variants: Record<string, VariantSummary> = {};
    const curves: Record<string, CurvePoint[]> = {};
    const timing: Record<string, { msPerStep: Stat; trainSeconds: Stat }> = {};
    let config: ExperimentConfig | null = null;
    for (const variant of VARIANTS) {
      const runs = runsByVariant.get(variant);
      if (runs === undefined) continue;
      config = runs[0].header.config;
      runs.forEach((r) => backends.add(r.header.backend));
      const step = runs[0].final.step;
      const seeds = runs.map((r) => r.seed);
      variants[variant] = {
        step,
        validationAccuracy: seedStat(runs.map((r) => r.final.validationAccuracy), seeds),
        testAccuracy: seedStat(runs.map((r) => r.final.testAccuracy), seeds),
        seeds,
      };
      curves[variant] = curve(runs);
      timing[variant] = { msPerStep: stat(runs.map((r) => r.final.timing.msPerStep)), trainSeconds: stat(runs.map((r) => r.final.timing.trainSeconds)) };
      if (variant === 'bn' && config.batchStatsVariant) {
        variants['bn-batchstats'] = {
          step,
          validationAccuracy: seedStat(runs.map((r) => r.evals[r.evals.length - 1].batchStats.accuracy), seeds),
          testAccuracy: seedStat(runs.map((r) => r.final.testBatchStats.accuracy), seeds),
          seeds,
        };
      }
    }
    const results: ExperimentResults = variants;
    if (variants.bn !== undefined && variants.brn !== undefined) results.pairs = { 'brn-bn': pairedDifference(variants.bn.testAccuracy, variants.brn.testAccuracy) };
    summary.experiments[name] = results;
    summary.curves[name] = curves;
    summary.timing[name] = timing;
    summary.configs[name] = {
      title: config!.title,
      paper: config!.paper,
      steps: config!.steps,
      batchSize: config!.batchSize,
      microbatchSize: config!.microbatchSize,
      sampler: config!.sampler,
      ramp: config!.ramp,
    };
  }
  summary.backend = [...backends].sort().join(', ') || 'none';
  return summary;
}

export function summaryPath(resultsDir: string, profile: Profile, dataset = 'mnist'): string {
  return join(resultsDir, dataSubdir({ name: dataset }), profile, 'summary.json');
}

/** Every (experiment, variant, seed) a summary holds, as `experiment/variant-seedN`. */
function jobsOf(summary: Summary): Set<string> {
  const jobs = new Set<string>();
  for (const [e, results] of Object.entries(summary.experiments)) {
    for (const [v, s] of variantEntries(results)) for (const seed of s.seeds) jobs.add(`${e}/${v}-seed${seed}`);
  }
  return jobs;
}

/**
 * What keeps `summary` from replacing `previous`: results `previous` holds
 * that `summary` lacks (their logs are missing here), and experiments whose
 * variants were not all run on the same seeds (the paired design).
 */
export function incompleteness(summary: Summary, previous: Summary | null): string[] {
  const problems: string[] = [];
  if (previous !== null) {
    const now = jobsOf(summary);
    const lost = [...jobsOf(previous)].filter((j) => !now.has(j));
    if (lost.length > 0) problems.push(`the summary holds ${lost.length} result(s) whose logs are not here: ${lost.slice(0, 8).join(', ')}${lost.length > 8 ? ', …' : ''}`);
  }
  for (const [e, results] of Object.entries(summary.experiments)) {
    const seedSets = variantEntries(results).map(([v, s]) => [v, s.seeds.join(',')] as const);
    if (new Set(seedSets.map(([, seeds]) => seeds)).size > 1) problems.push(`${e}: variants ran on different seeds (${seedSets.map(([v, seeds]) => `${v}: ${seeds}`).join('; ')})`);
  }
  return problems;
}

/**
 * Summarizes and writes `<resultsDir>/[<dataset>/]<profile>/summary.json`
 * atomically. Refuses, saying why and leaving the old summary alone, when
 * there is no finished job, when the old summary holds results whose logs are
 * missing, or when an experiment's variants have different seeds.
 */
export function writeSummary(profile: Profile, runsDir: string, resultsDir: string, order: string[] = [], dataset = 'mnist'): { path: string; summary: Summary } {
  const summary = summarize(profile, runsDir, order, dataset);
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  if (Object.keys(summary.experiments).length === 0) throw new Error(`No finished jobs under ${root}: nothing to summarize`);
  const path = summaryPath(resultsDir, profile, dataset);
  const previous = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Summary) : null;
  const problems = incompleteness(summary, previous);
  if (problems.length > 0) throw new Error(`${path} left as it was: ${problems.join('; ')}. Run the missing jobs (their logs go under ${root}).`);
  writeJsonAtomic(path, summary);
  return { path, summary };
}

/** Reads a profile's summary, or null when it has not been written. */
export function readSummary(profile: Profile, resultsDir?: string, dataset = 'mnist'): Summary | null {
  const path = summaryPath(kitPaths({ resultsDir }).resultsDir, profile, dataset);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Summary) : null;
}

/** Whether `summary` holds every experiment named in `experiments`. */
export function summaryCovers(summary: Summary | null, experiments: string[]): summary is Summary {
  return summary !== null && experiments.every((e) => summary.experiments[e] !== undefined);
}
