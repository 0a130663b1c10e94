/**
 * Summaries of finished jobs: per experiment, each variant's accuracies over
 * seeds, the pairs of variants paired by seed, curves and timing; across
 * experiments, the comparisons; and the claims with their verdicts.
 *
 * Variants are those of `protocol/variants.ts`: the trained ones, and the BN
 * model's further evaluations (`bn-standard`, and with `batchStatsVariant`
 * `bn-batchstats` and `bn-batchstats-iid`). `std` is the sample standard
 * deviation over seeds (0 for one seed); `values` are per seed, in `seeds`
 * order. Only finished jobs count, with the config recorded in their headers.
 * A value a log does not hold (logs made before it was measured) is null.
 */
import { join } from 'node:path';
import { COMPARISONS } from '../protocol/claims';
import type { ExperimentConfig, Profile } from '../protocol/config';
import { WHOLE_ROUNDS } from '../protocol/cnn-plan';
import { SHORT_SCHEDULE_CNN_EXPERIMENTS } from '../protocol/cnn-short';
import { ALL_EXPERIMENTS } from '../protocol/registry';
import { SUMMARY_VARIANTS, type SummaryVariant, type Variant } from '../protocol/variants';
import { accountJobs, configOfLogs, hasJobFiles } from './completeness';
import { profileRunsDir } from './layout';
import { experimentDirs, finishedRuns, LogProblems, type FinishedRun } from './logs';
import type { LogProblem } from './seal';
import type {
  CrossComparison,
  ExperimentInfo,
  ExperimentResults,
  RunProvenance,
  Summary,
  VariantSummary,
} from './schema';
import { curve, PAIRS, SOURCES } from './sources';
import { pairedDifference, seedStat, seedStatOrNull, stat } from './stats';
import { judgeRuleV2, type SideValues } from './rule-verdicts';
import { judgeClaims } from './verdicts';

/**
 * The variants of one experiment's finished runs (its own, then those it
 * shares from other experiments, `shared`: variant → experiment), their
 * pairs, curves and timing.
 */
function summarizeExperiment(runsByVariant: Map<Variant, FinishedRun[]>, shared: Map<Variant, string>) {
  const results: ExperimentResults = { variants: {}, pairs: {}, pairsEma: {} };
  const curves: Summary['curves'][string] = {};
  const timing: Summary['timing'][string] = {};
  for (const variant of SUMMARY_VARIANTS) {
    const source = SOURCES[variant];
    const runs = runsByVariant.get(source.job);
    if (runs === undefined || !source.applies(runs[0].header.config)) continue;
    const seeds = runs.map((r) => r.seed);
    const test = runs.map((r) => source.test(r.final));
    // Logs made before a further evaluation was measured do not have it.
    if (!test.every((v): v is number => typeof v === 'number')) continue;
    const last = (r: FinishedRun) => r.evals[r.evals.length - 1];
    const summary: VariantSummary = {
      step: runs[0].final.step,
      validationAccuracy: seedStat(
        runs.map((r) => source.validation(last(r)) ?? NaN),
        seeds,
      ),
      validationAccuracyEma: seedStatOrNull(
        runs.map((r) => source.validationEma(last(r))),
        seeds,
      ),
      testAccuracy: seedStat(test, seeds),
      testAccuracyEma: seedStatOrNull(
        runs.map((r) => source.testEma(r.final)),
        seeds,
      ),
      seeds,
    };
    const examples = source.examples?.(runs[0].final);
    if (examples !== undefined) summary.testExamples = examples;
    const trainedIn = shared.get(source.job);
    if (trainedIn !== undefined) summary.trainedIn = trainedIn;
    results.variants[variant] = summary;
    curves[variant] = curve(runs, source);
    if (source.trained && trainedIn === undefined) {
      timing[variant] = {
        msPerStep: stat(runs.map((r) => r.final.timing.msPerStep)),
        trainSeconds: stat(runs.map((r) => r.final.timing.trainSeconds)),
      };
    }
  }
  for (const [b, a] of PAIRS) {
    const [vb, va] = [results.variants[b], results.variants[a]];
    if (vb === undefined || va === undefined) continue;
    results.pairs[`${b}-${a}`] = pairedDifference(va.testAccuracy, vb.testAccuracy);
    if (va.testAccuracyEma !== null && vb.testAccuracyEma !== null) {
      results.pairsEma[`${b}-${a}`] = pairedDifference(va.testAccuracyEma, vb.testAccuracyEma);
    }
  }
  const config = [...runsByVariant].find(([v]) => !shared.has(v))![1][0].header.config;
  const info: ExperimentInfo = {
    title: config.title,
    paper: config.paper,
    steps: config.steps,
    architecture: config.architecture,
    batchSize: config.batchSize,
    microbatchSize: config.microbatchSize,
    sampler: config.sampler,
    ramp: config.ramp,
    emaDecay: config.emaDecay ?? null,
    variants: Object.keys(curves),
  };
  return { results, curves, timing, info };
}

/** The comparisons across experiments (`protocol/claims.ts`) that `experiments` holds both sides of. */
function comparisonsOf(experiments: Record<string, ExperimentResults>): Record<string, CrossComparison> {
  const out: Record<string, CrossComparison> = {};
  for (const c of COMPARISONS) {
    const vb = experiments[c.b.experiment]?.variants[c.b.variant as SummaryVariant];
    const va = experiments[c.a.experiment]?.variants[c.a.variant as SummaryVariant];
    if (vb === undefined || va === undefined) continue;
    const ema =
      va.testAccuracyEma !== null && vb.testAccuracyEma !== null
        ? pairedDifference(va.testAccuracyEma, vb.testAccuracyEma)
        : null;
    out[c.name] = { b: c.b, a: c.a, test: pairedDifference(va.testAccuracy, vb.testAccuracy), ema };
  }
  return out;
}

/** Each side's per-seed test accuracies in a summary, with the trained parameters or their average (rule v2's readings). */
export function sideValues(summary: Summary): SideValues {
  return (side, reading) => {
    const v = summary.experiments[side.experiment]?.variants[side.variant];
    if (v === undefined) return null;
    return reading === 'trained' ? v.testAccuracy : v.testAccuracyEma;
  };
}

/**
 * Builds the summary of `profile` from every finished job under
 * `<runsDir>/[<dataset>/]<profile>/`, with each experiment's config taken
 * from its jobs' headers (the config they really ran with), and its shared
 * variants (`sharedVariants`) from the protocol's definition in `known`.
 * Experiments appear in `order` first, then alphabetically.
 */
/**
 * `order` with the superseded protocol's experiments it lacks, each before the
 * next one of that protocol it holds (so its summary keeps the order it had).
 */
function withSuperseded(order: string[]): string[] {
  const out = [...order];
  const names = SHORT_SCHEDULE_CNN_EXPERIMENTS.map((e) => e.name);
  if (order.length === 0) return out;
  names.forEach((name, i) => {
    if (out.includes(name)) return;
    const next = names.slice(i + 1).find((n) => out.includes(n));
    out.splice(next === undefined ? out.length : out.indexOf(next), 0, name);
  });
  return out;
}

export function summarize(
  profile: Profile,
  runsDir: string,
  order: string[] = [],
  dataset = 'mnist',
  known: ExperimentConfig[] = ALL_EXPERIMENTS,
): Summary {
  const { summary, problems } = summarizeLogs(profile, runsDir, order, dataset, known);
  if (problems.length > 0) throw new LogProblems(problems);
  return summary;
}

/** `summarize`, returning the logs that failed their check (left out of the summary) instead of throwing. */
export function summarizeLogs(
  profile: Profile,
  runsDir: string,
  order: string[] = [],
  dataset = 'mnist',
  known: ExperimentConfig[] = ALL_EXPERIMENTS,
  /** Jobs a run just saw fail, recorded as such among the jobs the summary lacks. */
  failed: string[] = [],
): { summary: Summary; problems: LogProblem[] } {
  const problems: LogProblem[] = [];
  const summary: Summary = {
    profile,
    dataset,
    backend: '',
    experiments: {},
    comparisons: {},
    claims: [],
    curves: {},
    configs: {},
    timing: {},
  };
  const backends = new Set<string>();
  const root = profileRunsDir(runsDir, profile, { name: dataset });
  const dirs = experimentDirs(root, withSuperseded(order));
  const read = new Map<string, Map<Variant, FinishedRun[]>>();
  const runsOf = (name: string) => {
    if (!read.has(name)) read.set(name, dirs.includes(name) ? finishedRuns(join(root, name), problems) : new Map());
    return read.get(name)!;
  };
  const accounted = new Map<string, { held: Map<string, Set<number>>; header?: ExperimentConfig }>();
  for (const name of dirs) {
    const own = runsOf(name);
    if (own.size > 0 || hasJobFiles(join(root, name)))
      accounted.set(name, {
        held: new Map([...own].map(([v, runs]) => [v, new Set(runs.map((r) => r.seed))])),
        header: [...own.values()][0]?.[0]?.header.config,
      });
    if (own.size === 0) continue;
    for (const runs of own.values()) runs.forEach((r) => backends.add(r.header.backend));
    const shared = new Map<Variant, string>();
    const runsByVariant = new Map(own);
    const sharing = configOfLogs(name, profile, known, accounted.get(name)?.header)?.sharedVariants ?? {};
    // Shared runs on this experiment's seeds only: the paired design needs every variant on the same ones.
    const seeds = new Set([...own.values()].flatMap((runs) => runs.map((r) => r.seed)));
    for (const [v, from] of Object.entries(sharing) as [Variant, string][]) {
      const runs = runsOf(from)
        .get(v)
        ?.filter((r) => seeds.has(r.seed));
      if (runs === undefined || runs.length === 0 || own.has(v)) continue;
      runsByVariant.set(v, runs);
      shared.set(v, from);
    }
    const { results, curves, timing, info } = summarizeExperiment(runsByVariant, shared);
    summary.experiments[name] = results;
    summary.curves[name] = curves;
    summary.timing[name] = timing;
    summary.configs[name] = info;
  }
  const withheld =
    profile === 'confirmatory'
      ? withholdUnfinishedRounds(summary, accounted, { runsDir, dataset, known, problems, failed })
      : new Set<string>();
  summary.comparisons = comparisonsOf(summary.experiments);
  summary.jobs = accountJobs({ profile, runsDir, dataset, experiments: accounted, known, problems, failed });
  if (profile === 'confirmatory') {
    summary.ruleV2 = judgeRuleV2(dataset, sideValues(summary));
    summary.provenance = provenanceOf(
      [...read].filter(([name]) => !withheld.has(name)).flatMap(([, m]) => [...m.values()].flat()),
    );
  } else summary.claims = judgeClaims(summary);
  summary.backend = [...backends].sort().join(', ') || 'none';
  return { summary, problems };
}

type Accounted = Map<string, { held: Map<string, Set<number>>; header?: ExperimentConfig }>;

/**
 * Takes out of `summary` (and `accounted`) the experiments of every whole
 * round (`WHOLE_ROUNDS`) whose planned jobs have not all finished, recording
 * each such round's account in `summary.inProgress`; returns the experiments
 * taken out. A round none of whose jobs has started is left out silently.
 */
function withholdUnfinishedRounds(
  summary: Summary,
  accounted: Accounted,
  opts: { runsDir: string; dataset: string; known: ExperimentConfig[]; problems: LogProblem[]; failed: string[] },
): Set<string> {
  const withheld = new Set<string>();
  for (const { round, architecture, title, experiments } of WHOLE_ROUNDS) {
    if (!experiments.some((e) => accounted.has(e))) continue;
    const own: Accounted = new Map(experiments.map((e) => [e, accounted.get(e) ?? { held: new Map() }]));
    const jobs = accountJobs({ profile: summary.profile, ...opts, experiments: own });
    if (jobs.lacking.length === 0) continue;
    for (const e of experiments) {
      withheld.add(e);
      accounted.delete(e);
      for (const part of [summary.experiments, summary.curves, summary.timing, summary.configs]) delete part[e];
    }
    (summary.inProgress ??= []).push({
      round,
      architecture,
      title,
      experiments: [...experiments],
      planned: jobs.planned,
      finished: jobs.held,
      unfinished: jobs.lacking.map((l) => l.job),
    });
  }
  return withheld;
}

/** When `runs` started and from which commits (a run read twice, as a shared variant, counts once). */
export function provenanceOf(runs: FinishedRun[]): RunProvenance {
  const headers = [...new Set(runs.map((r) => r.header))];
  const dates = headers.flatMap((h) => (h.startedAt === undefined ? [] : [h.startedAt])).sort();
  const commits = headers.flatMap((h) =>
    h.code === undefined || h.code === null ? [] : [`${h.code.commit}${h.code.dirty ? '+dirty' : ''}`],
  );
  return {
    firstStartedAt: dates[0] ?? null,
    lastStartedAt: dates[dates.length - 1] ?? null,
    commits: [...new Set(commits)].sort(),
    undated: headers.length - dates.length,
  };
}

/** One line per whole round still running (`Summary.inProgress`): how far it is, and that the summary leaves it out. */
export function describeInProgress(summary: Pick<Summary, 'inProgress' | 'profile'>): string[] {
  return (summary.inProgress ?? []).map(
    (r) =>
      `${r.title}: ${r.finished} of ${r.planned} jobs finished; its experiments (${r.experiments.join(', ')}) stay out of the summary until all have (brn status ${summary.profile} shows which are running)`,
  );
}
