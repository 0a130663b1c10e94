/**
 * The summary: what `summary.json` holds, as the code sees it, and the one
 * place it is turned into JSON and read back (older files upgraded here).
 *
 *     { profile, dataset, backend,
 *       experiments: { <experiment>: {
 *         <variant>: { step, seeds, validationAccuracy, validationAccuracyEma,
 *                      testAccuracy, testAccuracyEma },      // each {mean, std, n, values, seeds}
 *         pairs: { 'brn-bn': {mean, ciLow, ciHigh, n, seeds, values}, … },   // b − a on test accuracy
 *         pairsEma: { … } } },                               // the same with the parameter average
 *       comparisons, claims, curves, configs, timing }
 *
 * In the file an experiment's variants and its pairs share one object (as
 * they always have); in code they are apart (`ExperimentResults`).
 */
import type { Architecture } from '../models';
import type { PaperResult, Profile, SamplerConfig, ExperimentConfig } from '../protocol/config';
import type { Claim, Side, Verdict } from '../protocol/claims';
import type { FamilyResult } from './rule-verdicts';
import type { JobsAccount } from './completeness';
import type { SummaryVariant } from '../protocol/variants';
import type { PairStat, SeedStat, Stat } from './stats';

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
  /** A shared variant (`ExperimentConfig.sharedVariants`): the experiment whose jobs these are. */
  trainedIn?: string;
}

/** One experiment's results: its variants, and pairs of them by 'b-a' (b − a on test accuracy; `pairsEma` with the parameter average). */
export interface ExperimentResults {
  variants: Partial<Record<SummaryVariant, VariantSummary>>;
  pairs: Record<string, PairStat>;
  pairsEma: Record<string, PairStat>;
}

export interface CurvePoint {
  step: number;
  rmax: number | null;
  dmax: number | null;
  /** The variant's validation accuracy (for the BN model's further evaluations, theirs); trained variants' with each seed's value. */
  validationAccuracy: Stat | SeedStat;
  /** The same with the parameter average (trained variants), with each seed's value. */
  validationAccuracyEma: Stat | SeedStat | null;
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

/** A paired difference of two (experiment, variant) results across experiments, by seed. */
export interface CrossComparison {
  b: { experiment: string; variant: string };
  a: { experiment: string; variant: string };
  test: PairStat;
  ema: PairStat | null;
}

/** A claim of `protocol/claims.ts` with its intervals and verdicts. */
export interface ClaimResult {
  id: string;
  statement: string;
  paper: string;
  kind: Claim['kind'];
  b: Side;
  a: Side;
  /** b − a on test accuracy with the trained values, and with their moving average (null where a summary lacks it). */
  test: PairStat | null;
  ema: PairStat | null;
  verdict: Verdict;
  verdictEma: Verdict;
}

export interface ExperimentInfo {
  title: string;
  paper: PaperResult | null;
  steps: number;
  /** The model the experiment trains (summaries written before this field: the MLP). */
  architecture: Architecture;
  batchSize: number;
  microbatchSize: number | null;
  sampler: SamplerConfig;
  ramp: ExperimentConfig['ramp'];
  emaDecay: number | null;
  variants: string[];
}

export interface RunProvenance {
  firstStartedAt: string | null;
  lastStartedAt: string | null;
  /** The distinct commits the logs name (a log made from uncommitted src/ adds '+dirty'). */
  commits: string[];
  /** Logs without a start time (made before it was recorded). */
  undated: number;
}

export interface RoundInProgress {
  round: string;
  architecture: Architecture;
  title: string;
  experiments: string[];
  /** Its planned jobs (variants × seeds of its experiments) and how many of them have finished. */
  planned: number;
  finished: number;
  /**
   * The planned jobs not finished, as `<profile>/<experiment>/<variant>-seed<N>`
   * (whether one is running is left to `brn status`: the logs alone, as a
   * clone has them, give the same summary).
   */
  unfinished: string[];
}

export interface Summary {
  profile: Profile;
  /** The data set's name (`mnist`, or `idx-<hash>` for other IDX files). */
  dataset: string;
  backend: string;
  experiments: Record<string, ExperimentResults>;
  /** Paired differences across experiments (e.g. BRN on non-i.i.d. batches − BN on i.i.d. ones), by name. */
  comparisons: Record<string, CrossComparison>;
  /** Each claim of the paper read from its interval by rule v1 (`protocol/claims.ts`); empty in the confirmatory round. */
  claims: ClaimResult[];
  /** The confirmatory round's verdicts under rule v2 (`protocol/rule.ts`), family by family; absent in other profiles. */
  ruleV2?: FamilyResult[];
  /**
   * The confirmatory round: when its summarized jobs first started (the earliest and latest
   * `startedAt` of their logs, ISO 8601 UTC) and the code commits they started from, so the
   * report can show that rule v2's commit precedes them. Absent in other profiles.
   */
  provenance?: RunProvenance;
  /** The planned jobs of the summarized experiments it holds and lacks (absent in summaries written before it was recorded). */
  jobs?: JobsAccount;
  /**
   * Confirmatory rounds summarized only whole (`WHOLE_ROUNDS`) that are still
   * running: their experiments are left out above, and this says how far each
   * has come. Absent when none is.
   */
  inProgress?: RoundInProgress[];
  curves: Record<string, Partial<Record<SummaryVariant, CurvePoint[]>>>;
  configs: Record<string, ExperimentInfo>;
  timing: Record<string, Partial<Record<SummaryVariant, { msPerStep: Stat; trainSeconds: Stat }>>>;
}

/** The variants of an experiment's results, in the order they were summarized. */
export function variantEntries(results: ExperimentResults): [SummaryVariant, VariantSummary][] {
  return Object.entries(results.variants) as [SummaryVariant, VariantSummary][];
}

/** `summary` as `summary.json` holds it: each experiment's variants and pairs in one object. */
export function summaryToJson(summary: Summary): unknown {
  const experiments: Record<string, unknown> = {};
  for (const [name, e] of Object.entries(summary.experiments)) {
    experiments[name] = {
      ...e.variants,
      ...(Object.keys(e.pairs).length > 0 ? { pairs: e.pairs } : {}),
      ...(Object.keys(e.pairsEma).length > 0 ? { pairsEma: e.pairsEma } : {}),
    };
  }
  return { ...summary, experiments };
}

type StoredExperiment = Record<string, VariantSummary> & {
  pairs?: Record<string, PairStat>;
  pairsEma?: Record<string, PairStat>;
};
type StoredSummary = Omit<Summary, 'experiments' | 'dataset' | 'claims' | 'comparisons'> & {
  experiments: Record<string, StoredExperiment>;
  dataset?: string;
  claims?: ClaimResult[];
  comparisons?: Record<string, CrossComparison>;
};

/**
 * A summary as read from `summary.json`, upgraded from older files (those
 * written before the data set, the claims, the comparisons, the parameter
 * average or its decay were recorded) in this one place.
 */
export function summaryFromJson(json: unknown): Summary {
  const stored = json as StoredSummary;
  const experiments: Record<string, ExperimentResults> = {};
  for (const [name, e] of Object.entries(stored.experiments)) {
    const { pairs, pairsEma, ...variants } = e;
    for (const v of Object.values(variants)) {
      v.validationAccuracyEma ??= null;
      v.testAccuracyEma ??= null;
    }
    experiments[name] = { variants, pairs: pairs ?? {}, pairsEma: pairsEma ?? {} };
  }
  const configs: Record<string, ExperimentInfo> = {};
  for (const [name, c] of Object.entries(stored.configs))
    configs[name] = {
      ...c,
      architecture: c.architecture ?? 'mlp',
      emaDecay: c.emaDecay ?? null,
    };
  return {
    ...stored,
    dataset: stored.dataset ?? 'mnist',
    experiments,
    comparisons: stored.comparisons ?? {},
    claims: stored.claims ?? [],
    configs,
  };
}
