/**
 * Summaries of finished jobs, per profile, at
 * `<resultsDir>/[<data set>/]<profile>/summary.json`, which figures, tables
 * and notebooks read:
 *
 *     { profile, dataset, backend,
 *       experiments: { <experiment>: {
 *         <variant>: { step, seeds, validationAccuracy, validationAccuracyEma,
 *                      testAccuracy, testAccuracyEma },      // each {mean, std, n, values, seeds}
 *         pairs: { 'brn-bn': {mean, ciLow, ciHigh, n, seeds, values}, … },   // b − a on test accuracy
 *         pairsEma: { … } } },                               // the same with the parameter average
 *       comparisons, claims, curves, configs, timing }
 *
 * Variants are those of `variants.ts`: the trained ones, and the BN model's
 * further evaluations (`bn-standard`, and with `batchStatsVariant`
 * `bn-batchstats` and `bn-batchstats-iid`). `std` is the sample standard
 * deviation over seeds (0 for one seed); `values` are per seed, in `seeds`
 * order. Pairs are paired by seed (the same seed gives every variant the same
 * initialization and batches), with a 95% interval from Student's t over the
 * per-seed differences. Only finished jobs count, with the config recorded in
 * their headers. A value a log does not hold (logs made before it was
 * measured) is null.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../io/atomic';
import { kitPaths } from '../paths';
import type { ExperimentConfig, PaperResult, Profile, SamplerConfig } from './config';
import { dataSubdir } from '../data/identity';
import { parseJobFileName, profileRunsDir, readJobRecords, type EvalRecord, type FinalRecord, type HeaderRecord } from './records';
import { SUMMARY_VARIANTS, TRAINED_VARIANTS, type SummaryVariant, type Variant } from './variants';
import { CLAIMS, COMPARISONS, judgeClaims, type ClaimResult } from './claims';

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
  /** Null where the logs do not hold it (the BN model's further evaluations are not averaged on validation). */
  validationAccuracyEma: SeedStat | null;
  testAccuracy: SeedStat;
  /** Test accuracy with the exponential moving average of every parameter (`emaDecay`). */
  testAccuracyEma: SeedStat | null;
  seeds: number[];
  /** For the batch-statistics evaluations: how many test examples were scored (draws, for label-grouped batches). */
  testExamples?: number;
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
  /** The per-seed differences, in `seeds` order. */
  values: number[];
}

/**
 * One experiment's results: its variants by name, and `pairs` (`pairsEma`)
 * of variants by 'b-a', b − a on test accuracy (with the parameter average).
 */
export type ExperimentResults = Record<string, VariantSummary> & { pairs?: Record<string, PairStat>; pairsEma?: Record<string, PairStat> };

const NOT_VARIANTS = new Set(['pairs', 'pairsEma']);

/** The variants of an experiment's results (everything but the pairs). */
export function variantEntries(results: ExperimentResults): [string, VariantSummary][] {
  return Object.entries(results).filter(([k]) => !NOT_VARIANTS.has(k)) as [string, VariantSummary][];
}

/** t(0.975, df) for df = 1…30; beyond, the normal 1.96. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** `b − a` over the seeds both ran, with its 95% t interval. */
export function pairedDifference(a: SeedStat, b: SeedStat): PairStat {
  const seeds = a.seeds.filter((seed) => b.seeds.includes(seed));
  const values = seeds.map((seed) => b.values[b.seeds.indexOf(seed)] - a.values[a.seeds.indexOf(seed)]);
  const { mean, std, n } = stat(values);
  if (n < 2) return { mean, ciLow: null, ciHigh: null, n, seeds, values };
  const half = (T975[n - 2] ?? 1.96) * (std / Math.sqrt(n));
  return { mean, ciLow: mean - half, ciHigh: mean + half, n, seeds, values };
}

export interface CurvePoint {
  step: number;
  rmax: number | null;
  dmax: number | null;
  /** The variant's validation accuracy (for the BN model's further evaluations, theirs). */
  validationAccuracy: Stat;
  /** The same with the parameter average (trained variants). */
  validationAccuracyEma: Stat | null;
  /** Accuracy with minibatch statistics on validation minibatches drawn like the training ones (trained variants). */
  batchStatsAccuracy: Stat | null;
  /** Relative gap between training-mode and inference-mode logits on the same examples (trained variants). */
  logitGap: Stat | null;
  /** Mean training loss and accuracy since the previous point, measured in training mode on the training minibatches. */
  trainLoss: Stat | null;
  trainAccuracy: Stat | null;
  /** Mean over normalization layers of the fraction of r (d) values the clip changed. */
  rClippedFraction: Stat | null;
  dClippedFraction: Stat | null;
}

/** A comparison of two (experiment, variant) results, paired by seed. */
export interface Comparison {
  b: { experiment: string; variant: string };
  a: { experiment: string; variant: string };
  test: PairStat;
  ema: PairStat | null;
}

export interface Summary {
  profile: Profile;
  /** The data set's name (`mnist`, or `idx-<hash>` for other IDX files). */
  dataset: string;
  backend: string;
  experiments: Record<string, ExperimentResults>;
  /** Paired differences across experiments (e.g. BRN on non-i.i.d. batches − BN on i.i.d. ones), by name. */
  comparisons: Record<string, Comparison>;
  /** Each claim of the paper read from its interval by the rule in `claims.ts`. */
  claims: ClaimResult[];
  curves: Record<string, Record<string, CurvePoint[]>>;
  configs: Record<string, { title: string; paper: PaperResult | null; steps: number; batchSize: number; microbatchSize: number | null; sampler: SamplerConfig; ramp: ExperimentConfig['ramp']; emaDecay: number | null; variants: string[] }>;
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
export function formatStat(s: Stat | null | undefined): string {
  if (s === undefined || s === null || s.n === 0) return '—';
  return `${(100 * s.mean).toFixed(2)}% ± ${(100 * s.std).toFixed(2)} (n=${s.n})`;
}

/** A paired difference in percentage points with its interval: `+0.62 [+0.31, +0.93] (n=5)`, or '—'. */
export function formatPair(p: PairStat | null | undefined): string {
  if (p === undefined || p === null || p.n === 0) return '—';
  const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}`;
  return p.ciLow === null || p.ciHigh === null ? `${pts(p.mean)} (n=${p.n}, no interval)` : `${pts(p.mean)} [${pts(p.ciLow)}, ${pts(p.ciHigh)}] (n=${p.n})`;
}

function seedStat(values: number[], seeds: number[]): SeedStat {
  return { ...stat(values), values, seeds };
}

/** A seed stat of values that every run has, else null. */
function seedStatOrNull(values: (number | null | undefined)[], seeds: number[]): SeedStat | null {
  return values.every((v): v is number => typeof v === 'number') ? seedStat(values, seeds) : null;
}

function statOrNull(values: (number | null | undefined)[]): Stat | null {
  const have = values.filter((v): v is number => typeof v === 'number');
  return have.length === 0 ? null : stat(have);
}

const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

interface FinishedRun {
  seed: number;
  header: HeaderRecord;
  evals: EvalRecord[];
  final: FinalRecord;
}

/** The finished jobs of one experiment directory, by trained variant, in seed order. */
function finishedRuns(dir: string): Map<Variant, FinishedRun[]> {
  const byVariant = new Map<Variant, FinishedRun[]>();
  const files = readdirSync(dir)
    .map((f) => ({ f, job: parseJobFileName(f) }))
    .filter((x) => x.job !== null && (TRAINED_VARIANTS as readonly string[]).includes(x.job.variant))
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

/**
 * Where each summary variant's numbers come from: the trained job they belong
 * to, and which fields of its final record and evaluations.
 */
interface Source {
  job: Variant;
  /** Whether an experiment with this config has the variant. */
  applies: (config: ExperimentConfig) => boolean;
  test: (f: FinalRecord) => number | null | undefined;
  testEma: (f: FinalRecord) => number | null | undefined;
  /** The variant's validation accuracy at one evaluation. */
  validation: (e: EvalRecord) => number | null | undefined;
  validationEma: (e: EvalRecord) => number | null | undefined;
  /** Whether the variant's curves carry the training-side fields (loss, batch statistics, clipping). */
  trained: boolean;
  /** Test examples scored, where that is not the whole test set in inference mode. */
  examples?: (f: FinalRecord) => number | undefined;
}

const trainedSource = (job: Variant): Source => ({
  job,
  applies: () => true,
  test: (f) => f.testAccuracy,
  testEma: (f) => f.testAccuracyEma,
  validation: (e) => e.validationAccuracy,
  validationEma: (e) => e.validationAccuracyEma,
  trained: true,
});

const labelGrouped = (c: ExperimentConfig) => c.batchStatsVariant && c.sampler.kind !== 'iid';

export const SOURCES: Record<SummaryVariant, Source> = {
  bn: trainedSource('bn'),
  brn: trainedSource('brn'),
  'brn-noramp': trainedSource('brn-noramp'),
  none: trainedSource('none'),
  'bn-standard': {
    job: 'bn',
    applies: () => true,
    test: (f) => f.testAccuracyStandard,
    testEma: (f) => f.testAccuracyStandardEma,
    validation: (e) => e.validationAccuracyStandard,
    validationEma: () => null,
    trained: false,
  },
  'bn-batchstats': {
    job: 'bn',
    applies: (c) => c.batchStatsVariant,
    test: (f) => f.testBatchStats.accuracy,
    testEma: (f) => f.testBatchStatsEma?.accuracy,
    validation: (e) => e.batchStats.accuracy,
    validationEma: () => null,
    trained: false,
    examples: (f) => f.testBatchStats.examples,
  },
  'bn-batchstats-iid': {
    job: 'bn',
    applies: labelGrouped,
    test: (f) => f.testBatchStatsIid?.accuracy,
    testEma: (f) => f.testBatchStatsIidEma?.accuracy,
    validation: (e) => e.batchStatsIid?.accuracy,
    validationEma: () => null,
    trained: false,
    examples: (f) => f.testBatchStatsIid?.examples,
  },
};

function curve(runs: FinishedRun[], source: Source): CurvePoint[] {
  const steps = runs[0].evals.map((e) => e.step);
  return steps.map((step, i) => {
    const at = runs.map((r) => r.evals[i]).filter((e) => e !== undefined && e.step === step);
    const withRenorm = at.filter((e) => e.renorm.length > 0);
    const trained = <T>(f: () => T): T | null => (source.trained ? f() : null);
    return {
      step,
      rmax: at[0].rmax,
      dmax: at[0].dmax,
      validationAccuracy: stat(at.map((e) => source.validation(e)).filter((v): v is number => typeof v === 'number')),
      validationAccuracyEma: statOrNull(at.map((e) => source.validationEma(e))),
      batchStatsAccuracy: trained(() => stat(at.map((e) => e.batchStats.accuracy))),
      logitGap: trained(() => stat(at.map((e) => e.batchStats.logitGap))),
      trainLoss: trained(() => statOrNull(at.map((e) => e.trainLoss))),
      trainAccuracy: trained(() => statOrNull(at.map((e) => e.trainAccuracy))),
      rClippedFraction: trained(() => (withRenorm.length === 0 ? null : stat(withRenorm.map((e) => meanOf(e.renorm.map((l) => l.rClippedFraction)))))),
      dClippedFraction: trained(() => (withRenorm.length === 0 ? null : stat(withRenorm.map((e) => meanOf(e.renorm.map((l) => l.dClippedFraction)))))),
    };
  });
}

/** The pairs every experiment reports where both variants are there: b − a. */
export const PAIRS: [SummaryVariant, SummaryVariant][] = [
  ['brn', 'bn'],
  ['brn', 'bn-standard'],
  ['brn', 'none'],
  ['brn', 'brn-noramp'],
  ['brn', 'bn-batchstats-iid'],
  ['bn-standard', 'bn'],
];

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

/** The variants of one experiment directory's finished runs, their curves and timing. */
function summarizeExperiment(runsByVariant: Map<Variant, FinishedRun[]>) {
  const variants: Record<string, VariantSummary> = {};
  const curves: Record<string, CurvePoint[]> = {};
  const timing: Record<string, { msPerStep: Stat; trainSeconds: Stat }> = {};
  const config = [...runsByVariant.values()][0][0].header.config;
  for (const variant of SUMMARY_VARIANTS) {
    const source = SOURCES[variant];
    const runs = runsByVariant.get(source.job);
    if (runs === undefined || !source.applies(runs[0].header.config)) continue;
    const seeds = runs.map((r) => r.seed);
    const test = runs.map((r) => source.test(r.final));
    // Logs made before a further evaluation was measured do not have it.
    if (!test.every((v): v is number => typeof v === 'number')) continue;
    const last = (r: FinishedRun) => r.evals[r.evals.length - 1];
    variants[variant] = {
      step: runs[0].final.step,
      validationAccuracy: seedStat(runs.map((r) => source.validation(last(r)) ?? NaN), seeds),
      validationAccuracyEma: seedStatOrNull(runs.map((r) => source.validationEma(last(r))), seeds),
      testAccuracy: seedStat(test, seeds),
      testAccuracyEma: seedStatOrNull(runs.map((r) => source.testEma(r.final)), seeds),
      seeds,
    };
    const examples = source.examples?.(runs[0].final);
    if (examples !== undefined) variants[variant].testExamples = examples;
    curves[variant] = curve(runs, source);
    if (source.trained) timing[variant] = { msPerStep: stat(runs.map((r) => r.final.timing.msPerStep)), trainSeconds: stat(runs.map((r) => r.final.timing.trainSeconds)) };
  }
  const pairs: Record<string, PairStat> = {};
  const pairsEma: Record<string, PairStat> = {};
  for (const [b, a] of PAIRS) {
    const [vb, va] = [variants[b], variants[a]];
    if (vb === undefined || va === undefined) continue;
    pairs[`${b}-${a}`] = pairedDifference(va.testAccuracy, vb.testAccuracy);
    if (va.testAccuracyEma !== null && vb.testAccuracyEma !== null) pairsEma[`${b}-${a}`] = pairedDifference(va.testAccuracyEma, vb.testAccuracyEma);
  }
  const results: ExperimentResults = variants;
  if (Object.keys(pairs).length > 0) results.pairs = pairs;
  if (Object.keys(pairsEma).length > 0) results.pairsEma = pairsEma;
  return { results, curves, timing, config };
}

/** The comparisons across experiments (`claims.ts`) that `experiments` holds both sides of. */
function comparisonsOf(experiments: Record<string, ExperimentResults>): Record<string, Comparison> {
  const out: Record<string, Comparison> = {};
  for (const c of COMPARISONS) {
    const vb = experiments[c.b.experiment]?.[c.b.variant];
    const va = experiments[c.a.experiment]?.[c.a.variant];
    if (vb === undefined || va === undefined) continue;
    out[c.name] = { b: c.b, a: c.a, test: pairedDifference(va.testAccuracy, vb.testAccuracy), ema: va.testAccuracyEma !== null && vb.testAccuracyEma !== null ? pairedDifference(va.testAccuracyEma, vb.testAccuracyEma) : null };
  }
  return out;
}

/**
 * Builds the summary of `profile` from every finished job under
 * `<runsDir>/<profile>/`, with each experiment's config taken from its jobs'
 * headers (the config they really ran with). Experiments appear in `order`
 * first, then alphabetically.
 */
export function summarize(profile: Profile, runsDir: string, order: string[] = [], dataset = 'mnist'): Summary {
  const summary: Summary = { profile, dataset, backend: '', experiments: {}, comparisons: {}, claims: [], curves: {}, configs: {}, timing: {} };
  const backends = new Set<string>();
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  const names = existsSync(root) ? readdirSync(root).filter((n) => statSync(join(root, n)).isDirectory()) : [];
  const rank = (n: string) => (order.includes(n) ? order.indexOf(n) : order.length);
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const name of names) {
    const runsByVariant = finishedRuns(join(root, name));
    if (runsByVariant.size === 0) continue;
    for (const runs of runsByVariant.values()) runs.forEach((r) => backends.add(r.header.backend));
    const { results, curves, timing, config } = summarizeExperiment(runsByVariant);
    summary.experiments[name] = results;
    summary.curves[name] = curves;
    summary.timing[name] = timing;
    summary.configs[name] = {
      title: config.title,
      paper: config.paper,
      steps: config.steps,
      batchSize: config.batchSize,
      microbatchSize: config.microbatchSize,
      sampler: config.sampler,
      ramp: config.ramp,
      emaDecay: config.emaDecay ?? null,
      variants: Object.keys(curves),
    };
  }
  summary.comparisons = comparisonsOf(summary.experiments);
  summary.claims = judgeClaims(summary, CLAIMS);
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
