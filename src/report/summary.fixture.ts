/**
 * A hand-made summary in which every curve and every number is distinct, so a
 * figure or table that shows the wrong variant or field cannot pass its test.
 * Test-only: not packed.
 */
import type { SummaryVariant } from '../protocol/variants';
import { PAPER_RAMP } from '../renorm/schedule';
import type { CurvePoint, ExperimentResults, Summary, VariantSummary } from '../results/schema';
import { pairedDifference, type SeedStat, type Stat } from '../results/stats';
import { judgeClaims } from '../results/verdicts';

/** A number in (0, 1) that differs for every key (a small string hash). */
export function distinct(...key: (string | number)[]): number {
  let h = 2_166_136_261;
  for (const c of key.join('|')) h = Math.imul(h ^ c.charCodeAt(0), 16_777_619) >>> 0;
  return 0.5 + (h % 100_000) / 250_000;
}

const s = (mean: number): Stat => ({ mean, std: 0.004, n: 3 });
export const FIELDS = [
  'validationAccuracy',
  'validationAccuracyEma',
  'batchStatsAccuracy',
  'logitGap',
  'trainLoss',
  'trainAccuracy',
  'rClippedFraction',
  'dClippedFraction',
] as const;
/** Fields whose curve points keep each seed's value, as summaries do (the averaging figure draws them). */
const PER_SEED = new Set<string>(['validationAccuracy', 'validationAccuracyEma']);
export const curve = (e: string, v: string): CurvePoint[] =>
  [0, 500, 1000].map((step) => ({
    step,
    rmax: 1,
    dmax: 0,
    ...(Object.fromEntries(
      FIELDS.map((f) => [f, PER_SEED.has(f) ? seeded(distinct(e, v, f, step)) : s(distinct(e, v, f, step))]),
    ) as Record<(typeof FIELDS)[number], Stat>),
  }));
function seeded(mean: number): SeedStat {
  return {
    mean,
    std: 0.004,
    n: 3,
    values: [mean - 0.004, mean, mean + 0.004],
    seeds: [1, 2, 3],
  };
}
const variant = (e: string, v: string): VariantSummary => ({
  step: 1000,
  validationAccuracy: seeded(distinct(e, v, 'val')),
  validationAccuracyEma: seeded(distinct(e, v, 'valEma')),
  testAccuracy: seeded(distinct(e, v, 'test')),
  testAccuracyEma: seeded(distinct(e, v, 'testEma')),
  seeds: [1, 2, 3],
});
const config = (title: string, extra: Partial<Summary['configs'][string]> = {}): Summary['configs'][string] => ({
  title,
  paper: null,
  steps: 1000,
  architecture: 'mlp',
  batchSize: 32,
  microbatchSize: null,
  sampler: { kind: 'iid' },
  ramp: PAPER_RAMP,
  emaDecay: 0.998,
  variants: [],
  ...extra,
});

export const VARIANTS: Record<string, string[]> = {
  baseline: ['bn', 'bn-standard', 'brn', 'none'],
  microbatch: ['bn', 'bn-standard', 'brn', 'brn-noramp'],
  'non-iid': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'brn-noramp', 'none'],
  'microbatch-mb2': ['bn', 'bn-standard', 'brn'],
  'microbatch-mb8': ['bn', 'bn-standard', 'brn'],
  'non-iid-k1': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
  'non-iid-k4': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
  'cnn-baseline': ['bn', 'bn-standard', 'brn', 'gn', 'ln', 'none'],
  'cnn-microbatch-mb8': ['bn', 'bn-standard', 'brn'],
  'cnn-microbatch': ['bn', 'bn-standard', 'brn'],
  'cnn-microbatch-mb2': ['bn', 'bn-standard', 'brn'],
  'cnn-non-iid': ['bn', 'bn-standard', 'bn-batchstats-iid', 'brn', 'gn', 'ln', 'none'],
};
/** Variants an experiment shows from another's jobs (GN, LN and no normalization ignore the microbatch size). */
export const SHARED: Record<string, Record<string, string>> = Object.fromEntries(
  ['cnn-microbatch-mb8', 'cnn-microbatch', 'cnn-microbatch-mb2'].map((e) => [
    e,
    { gn: 'cnn-baseline', ln: 'cnn-baseline', none: 'cnn-baseline' },
  ]),
);
const grouped = (k: number) => ({ kind: 'label-grouped' as const, labelsPerBatch: k, examplesPerLabel: 32 / k });
export const CONFIGS: Summary['configs'] = {
  baseline: config('Minibatch 32, i.i.d.', { paper: { figure: 'Figure 1', bn: '78.3%', brn: '78.5%' } }),
  microbatch: config('microbatches of 4', { microbatchSize: 4 }),
  'non-iid': config('2 labels x 16', {
    sampler: grouped(2),
    paper: { figure: 'Figure 3', bn: '67%', brn: '78.6%', notes: 'BN with minibatch statistics: 76.5%' },
  }),
  'microbatch-mb2': config('microbatches of 2', { microbatchSize: 2 }),
  'microbatch-mb8': config('microbatches of 8', { microbatchSize: 8 }),
  'non-iid-k1': config('1 label x 32', { sampler: grouped(1) }),
  'non-iid-k4': config('4 labels x 8', { sampler: grouped(4) }),
  'cnn-baseline': config('conv model, minibatch 32, i.i.d.', { architecture: 'conv' }),
  'cnn-microbatch-mb8': config('conv model, microbatches of 8', { microbatchSize: 8, architecture: 'conv' }),
  'cnn-microbatch': config('conv model, microbatches of 4', { microbatchSize: 4, architecture: 'conv' }),
  'cnn-microbatch-mb2': config('conv model, microbatches of 2', { microbatchSize: 2, architecture: 'conv' }),
  'cnn-non-iid': config('conv model, 2 labels x 16', { sampler: grouped(2), architecture: 'conv' }),
};

export function makeSummary(): Summary {
  const experiments: Record<string, ExperimentResults> = {};
  const curves: Summary['curves'] = {};
  for (const [e, vs] of Object.entries(VARIANTS)) {
    const variants = Object.fromEntries(vs.map((v) => [v, variant(e, v)])) as Record<SummaryVariant, VariantSummary>;
    for (const [v, from] of Object.entries(SHARED[e] ?? {}))
      variants[v as SummaryVariant] = { ...experiments[from].variants[v as SummaryVariant]!, trainedIn: from };
    if (variants['bn-batchstats'] !== undefined) variants['bn-batchstats'].testExamples = 9_984;
    if (variants['bn-batchstats-iid'] !== undefined) variants['bn-batchstats-iid'].testExamples = 10_000;
    const others = vs.filter((v) => v !== 'brn') as SummaryVariant[];
    const results: ExperimentResults = {
      variants,
      pairs: Object.fromEntries(
        others.map((v) => [`brn-${v}`, pairedDifference(variants[v].testAccuracy, variants.brn.testAccuracy)]),
      ),
      pairsEma: Object.fromEntries(
        others.map((v) => [`brn-${v}`, pairedDifference(variants[v].testAccuracyEma!, variants.brn.testAccuracyEma!)]),
      ),
    };
    experiments[e] = results;
    curves[e] = Object.fromEntries([
      ...vs.map((v) => [v, curve(e, v)]),
      ...Object.entries(SHARED[e] ?? {}).map(([v, from]) => [v, curves[from][v as SummaryVariant]]),
    ]);
  }
  const summary: Summary = {
    profile: 'quick',
    dataset: 'mnist',
    backend: 'wasm',
    experiments,
    comparisons: {},
    claims: [],
    curves,
    configs: CONFIGS,
    timing: {},
  };
  const bn = experiments.baseline.variants.bn!;
  const brn = experiments['non-iid'].variants.brn!;
  summary.comparisons['non-iid:brn-baseline:bn'] = {
    b: { experiment: 'non-iid', variant: 'brn' },
    a: { experiment: 'baseline', variant: 'bn' },
    test: pairedDifference(bn.testAccuracy, brn.testAccuracy),
    ema: pairedDifference(bn.testAccuracyEma!, brn.testAccuracyEma!),
  };
  summary.claims = judgeClaims(summary);
  return summary;
}

export const SUMMARY = makeSummary();
