/**
 * Where each summary variant's numbers come from: the trained job they belong
 * to and which fields of its final record and evaluations; and the curve of
 * one variant over its runs.
 */
import type { ExperimentConfig } from '../protocol/config';
import type { SummaryVariant, Variant } from '../protocol/variants';
import type { FinishedRun } from './logs';
import type { EvalRecord, FinalRecord } from './records';
import type { CurvePoint } from './schema';
import { meanOf, seedStat, stat, statOrNull } from './stats';

export interface Source {
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
  'brn-tight': trainedSource('brn-tight'),
  gn: trainedSource('gn'),
  ln: trainedSource('ln'),
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

/** The pairs every experiment reports where both variants are there: b − a. */
export const PAIRS: [SummaryVariant, SummaryVariant][] = [
  ['brn', 'bn'],
  ['brn', 'bn-standard'],
  ['brn', 'none'],
  ['brn', 'brn-noramp'],
  ['brn', 'bn-batchstats-iid'],
  ['bn-standard', 'bn'],
  ['brn', 'gn'],
  ['brn', 'ln'],
  ['bn', 'gn'],
  ['bn', 'ln'],
  ['gn', 'bn'],
  ['gn', 'brn'],
];

/** The curve of `source`'s variant: every evaluation step, as mean ± std over `runs`. */
export function curve(runs: FinishedRun[], source: Source): CurvePoint[] {
  const steps = runs[0].evals.map((e) => e.step);
  return steps.map((step, i) => {
    const at = runs.map((r) => r.evals[i]).filter((e) => e !== undefined && e.step === step);
    const withRenorm = at.filter((e) => e.renorm.length > 0);
    const trained = <T>(f: () => T): T | null => (source.trained ? f() : null);
    // Trained variants keep each seed's validation accuracy (trained and averaged), for per-seed figures.
    const perSeed = (value: (e: EvalRecord) => number | null | undefined) => {
      const seeds = runs.filter((r) => r.evals[i]?.step === step).map((r) => r.seed);
      const values = at.map(value);
      return values.every((v): v is number => typeof v === 'number') ? seedStat(values, seeds) : statOrNull(values);
    };
    const clipped = (field: 'rClippedFraction' | 'dClippedFraction') =>
      withRenorm.length === 0 ? null : stat(withRenorm.map((e) => meanOf(e.renorm.map((l) => l[field]))));
    return {
      step,
      rmax: at[0].rmax,
      dmax: at[0].dmax,
      validationAccuracy: source.trained
        ? perSeed(source.validation)!
        : stat(at.map((e) => source.validation(e)).filter((v): v is number => typeof v === 'number')),
      validationAccuracyEma: source.trained
        ? perSeed(source.validationEma)
        : statOrNull(at.map((e) => source.validationEma(e))),
      batchStatsAccuracy: trained(() => stat(at.map((e) => e.batchStats.accuracy))),
      logitGap: trained(() => stat(at.map((e) => e.batchStats.logitGap))),
      trainLoss: trained(() => statOrNull(at.map((e) => e.trainLoss))),
      trainAccuracy: trained(() => statOrNull(at.map((e) => e.trainAccuracy))),
      rClippedFraction: trained(() => clipped('rClippedFraction')),
      dClippedFraction: trained(() => clipped('dClippedFraction')),
    };
  });
}
