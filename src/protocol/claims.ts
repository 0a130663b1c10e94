/**
 * The papers' claims as data, and the rule that turns a paired interval into
 * a verdict, applied to every claim, those that come out against a paper
 * included. What was known when each part was written down:
 * - the rule and the ten Batch Renorm claims on the MLP (`CLAIMS`' first ten)
 *   were committed (237b8d7) after three-seed results for bn and brn of the
 *   three main experiments had been committed on MNIST and on Fashion-MNIST
 *   (71f5586, under an earlier protocol), and before any five-seed run and
 *   any run of the controls;
 * - the claims on GN and LN and every claim on the conv model
 *   (`NORMALIZER_CLAIMS`, `CNN_CLAIMS`) were committed before any run of
 *   `gn` or `ln` and before any run of the conv model's experiments.
 *
 * The rule, for b − a in test accuracy, paired by seed, with its 95% interval
 * [lo, hi] from Student's t over the per-seed differences:
 * - a claim that b **beats** a is *reproduced* when lo > 0, *reversed* when
 *   hi < 0, and *not significant* otherwise;
 * - a claim that b **matches** a is *matched* when the whole interval lies
 *   within ±0.3 percentage points, *differs* when it excludes 0 (and is not
 *   inside the margin), and *inconclusive* otherwise (it holds 0 but reaches
 *   past the margin);
 * - fewer than two seeds give no interval and no verdict.
 * Each claim is read twice: with the trained values and with their
 * exponential moving average (the paper's protocol, section 4); the latter is
 * the headline, and where the two disagree both are reported.
 */
import type { SummaryVariant } from './variants';

/** "Matches" means the interval lies inside ±this, in accuracy (0.003 = 0.3 percentage points). */
export const MATCH_MARGIN = 0.003;

export type Verdict =
  'reproduced' | 'reversed' | 'not significant' | 'matched' | 'differs' | 'inconclusive' | 'no interval';

export interface Side {
  experiment: string;
  variant: SummaryVariant;
}

export interface Claim {
  id: string;
  /** The claim at laptop scale, in one line. */
  statement: string;
  /** Where the paper makes it, with its numbers. */
  paper: string;
  kind: 'beats' | 'matches';
  /** The claim is about b − a. */
  b: Side;
  a: Side;
}

/** A 95% interval of b − a (null bounds: fewer than two seeds). */
export interface Interval {
  ciLow: number | null;
  ciHigh: number | null;
}

/** The verdict of `kind` on a paired difference, by the rule above. */
export function verdictOf(kind: Claim['kind'], pair: Interval | null, margin = MATCH_MARGIN): Verdict {
  if (pair === null || pair.ciLow === null || pair.ciHigh === null) return 'no interval';
  const { ciLow: lo, ciHigh: hi } = pair;
  if (kind === 'beats') return lo > 0 ? 'reproduced' : hi < 0 ? 'reversed' : 'not significant';
  if (lo >= -margin && hi <= margin) return 'matched';
  return lo > 0 || hi < 0 ? 'differs' : 'inconclusive';
}

const side = (experiment: string, variant: SummaryVariant): Side => ({ experiment, variant });

/** The claims, in the order the README lists them. */
export const CLAIMS: Claim[] = [
  {
    id: 'baseline',
    statement: 'i.i.d. minibatches of 32: BRN matches BN',
    paper: 'Figure 1: 78.5% vs 78.3%',
    kind: 'matches',
    b: side('baseline', 'brn'),
    a: side('baseline', 'bn'),
  },
  {
    id: 'baseline-standard',
    statement: 'i.i.d. minibatches of 32: BRN matches standard BN (moving variance)',
    paper: 'Figure 1',
    kind: 'matches',
    b: side('baseline', 'brn'),
    a: side('baseline', 'bn-standard'),
  },
  {
    id: 'microbatch',
    statement: 'microbatches of 4: BRN beats BN',
    paper: 'Figure 2: 76.5% vs 74.2%',
    kind: 'beats',
    b: side('microbatch', 'brn'),
    a: side('microbatch', 'bn'),
  },
  {
    id: 'microbatch-standard',
    statement: 'microbatches of 4: BRN beats standard BN (moving variance)',
    paper: 'Figure 2',
    kind: 'beats',
    b: side('microbatch', 'brn'),
    a: side('microbatch', 'bn-standard'),
  },
  {
    id: 'non-iid',
    statement: '2 labels × 16: BRN beats BN',
    paper: 'Figure 3: 78.6% vs 67%',
    kind: 'beats',
    b: side('non-iid', 'brn'),
    a: side('non-iid', 'bn'),
  },
  {
    id: 'non-iid-standard',
    statement: '2 labels × 16: BRN beats standard BN (moving variance)',
    paper: 'Figure 3',
    kind: 'beats',
    b: side('non-iid', 'brn'),
    a: side('non-iid', 'bn-standard'),
  },
  {
    id: 'non-iid-batchstats',
    statement: '2 labels × 16: BRN beats BN normalized with the statistics of (label-blind, i.i.d.) test minibatches',
    paper: 'section 4.3: 78.6% vs 76.5% (test batches of 25 labels × 2)',
    kind: 'beats',
    b: side('non-iid', 'brn'),
    a: side('non-iid', 'bn-batchstats-iid'),
  },
  {
    id: 'non-iid-vs-iid',
    statement: 'BRN trained on 2 labels × 16 matches BN trained on i.i.d. minibatches',
    paper: 'Figures 1 and 3: 78.6% vs 78.3%',
    kind: 'matches',
    b: side('non-iid', 'brn'),
    a: side('baseline', 'bn'),
  },
  {
    id: 'ramp-microbatch',
    statement: 'microbatches of 4: the ramp helps (BRN beats BRN at rmax 3, dmax 5 from step 0)',
    paper: 'section 4 (no numbers)',
    kind: 'beats',
    b: side('microbatch', 'brn'),
    a: side('microbatch', 'brn-noramp'),
  },
  {
    id: 'ramp-non-iid',
    statement: '2 labels × 16: the ramp helps (BRN beats BRN at rmax 3, dmax 5 from step 0)',
    paper: 'section 4 (no numbers)',
    kind: 'beats',
    b: side('non-iid', 'brn'),
    a: side('non-iid', 'brn-noramp'),
  },
];

/**
 * Group Normalization (Wu & He 2018) beside BN and BRN on the MLP's main
 * experiments: the GN paper's claims at laptop scale (its Figure 1 and
 * section 4.1, ResNet-50 on ImageNet, validation error by images per GPU:
 * BN 23.6 and GN 24.1 at 32, LN 25.3 at 32; at 4, BN 27.3, Batch Renorm
 * (rmax 1.5, dmax 0.5) 26.3, GN 24.2), and one beyond both papers. GN, LN and
 * no normalization ignore the microbatch size, so their microbatch numbers
 * are the baseline jobs' (`sharedVariants`).
 */
export const NORMALIZER_CLAIMS: Claim[] = [
  {
    id: 'gn-baseline',
    statement: 'i.i.d. minibatches of 32: BN beats GN',
    paper: 'GN paper, 32 per GPU: BN 23.6% vs GN 24.1% error (by 0.5)',
    kind: 'beats',
    b: side('baseline', 'bn'),
    a: side('baseline', 'gn'),
  },
  {
    id: 'ln-baseline',
    statement: 'i.i.d. minibatches of 32: BN beats LN',
    paper: 'GN paper, 32 per GPU: BN 23.6% vs LN 25.3% error (by 1.7)',
    kind: 'beats',
    b: side('baseline', 'bn'),
    a: side('baseline', 'ln'),
  },
  {
    id: 'gn-microbatch',
    statement: 'microbatches of 4: GN beats BRN',
    paper: 'GN paper, 4 per GPU: GN 24.2% vs Batch Renorm 26.3% error (by 2.1)',
    kind: 'beats',
    b: side('microbatch', 'gn'),
    a: side('microbatch', 'brn'),
  },
  {
    id: 'gn-non-iid',
    statement: '2 labels × 16: GN beats BRN',
    paper: 'beyond both papers (no numbers)',
    kind: 'beats',
    b: side('non-iid', 'gn'),
    a: side('non-iid', 'brn'),
  },
];

/**
 * The same questions on the conv model (`cnn-*` experiments, Fashion-MNIST):
 * the Batch Renorm paper's claims, whose setting is a conv net (Inception-v3),
 * and the GN paper's, whose setting is ResNet-50; and GN against BRN on
 * label-grouped minibatches, beyond both.
 */
export const CNN_CLAIMS: Claim[] = [
  {
    id: 'cnn-baseline',
    statement: 'CNN, i.i.d. minibatches of 32: BRN matches BN',
    paper: 'Figure 1: 78.5% vs 78.3%',
    kind: 'matches',
    b: side('cnn-baseline', 'brn'),
    a: side('cnn-baseline', 'bn'),
  },
  {
    id: 'cnn-microbatch',
    statement: 'CNN, microbatches of 4: BRN beats BN',
    paper: 'Figure 2: 76.5% vs 74.2%; GN paper at 4 per GPU: 26.3% vs 27.3% error (by 1.0)',
    kind: 'beats',
    b: side('cnn-microbatch', 'brn'),
    a: side('cnn-microbatch', 'bn'),
  },
  {
    id: 'cnn-microbatch-mb2',
    statement: 'CNN, microbatches of 2: BRN beats BN',
    paper: 'section 4.2 (small microbatches; no numbers at 2)',
    kind: 'beats',
    b: side('cnn-microbatch-mb2', 'brn'),
    a: side('cnn-microbatch-mb2', 'bn'),
  },
  {
    id: 'cnn-non-iid',
    statement: 'CNN, 2 labels × 16: BRN beats BN',
    paper: 'Figure 3: 78.6% vs 67%',
    kind: 'beats',
    b: side('cnn-non-iid', 'brn'),
    a: side('cnn-non-iid', 'bn'),
  },
  {
    id: 'cnn-gn-baseline',
    statement: 'CNN, i.i.d. minibatches of 32: BN beats GN',
    paper: 'GN paper, 32 per GPU: BN 23.6% vs GN 24.1% error (by 0.5)',
    kind: 'beats',
    b: side('cnn-baseline', 'bn'),
    a: side('cnn-baseline', 'gn'),
  },
  {
    id: 'cnn-ln-baseline',
    statement: 'CNN, i.i.d. minibatches of 32: BN beats LN',
    paper: 'GN paper, 32 per GPU: BN 23.6% vs LN 25.3% error (by 1.7)',
    kind: 'beats',
    b: side('cnn-baseline', 'bn'),
    a: side('cnn-baseline', 'ln'),
  },
  {
    id: 'cnn-gn-microbatch',
    statement: 'CNN, microbatches of 4: GN beats BRN',
    paper: 'GN paper, 4 per GPU: GN 24.2% vs Batch Renorm 26.3% error (by 2.1)',
    kind: 'beats',
    b: side('cnn-microbatch', 'gn'),
    a: side('cnn-microbatch', 'brn'),
  },
  {
    id: 'cnn-gn-microbatch-mb2',
    statement: 'CNN, microbatches of 2: GN beats BN',
    paper: 'GN paper, 2 per GPU: GN 24.1% vs BN 34.7% error (by 10.6)',
    kind: 'beats',
    b: side('cnn-microbatch-mb2', 'gn'),
    a: side('cnn-microbatch-mb2', 'bn'),
  },
  {
    id: 'cnn-gn-non-iid',
    statement: 'CNN, 2 labels × 16: GN beats BRN',
    paper: 'beyond both papers (no numbers)',
    kind: 'beats',
    b: side('cnn-non-iid', 'gn'),
    a: side('cnn-non-iid', 'brn'),
  },
];

/** Every claim a summary is judged on, in the order tables list them (a claim applies where the summary holds both sides). */
export const ALL_CLAIMS: Claim[] = [...CLAIMS, ...NORMALIZER_CLAIMS, ...CNN_CLAIMS];

/** Paired differences across experiments that summaries report, by name (b − a). */
export const COMPARISONS: { name: string; description: string; b: Side; a: Side }[] = [
  {
    name: 'non-iid:brn-baseline:bn',
    description: 'BRN on 2 labels × 16 − BN on i.i.d. minibatches',
    b: side('non-iid', 'brn'),
    a: side('baseline', 'bn'),
  },
  {
    name: 'non-iid:none-baseline:none',
    description: "no normalization on 2 labels × 16 − no normalization on i.i.d. minibatches: the sampler's own cost",
    b: side('non-iid', 'none'),
    a: side('baseline', 'none'),
  },
  {
    name: 'microbatch:brn-baseline:bn',
    description: 'BRN on microbatches of 4 − BN on whole minibatches of 32',
    b: side('microbatch', 'brn'),
    a: side('baseline', 'bn'),
  },
];

/**
 * The reading rule for comparing the claims across data sets, fixed before
 * any Fashion-MNIST run (notebook 06 states it): on means over seeds, baseline
 * "BRN matches BN" holds when |BRN − BN| < 0.5 points of test accuracy;
 * microbatch and non-iid "BRN beats BN" hold when BRN − BN > 0. It predates
 * the interval rule above, which `verdictRows` reports beside it.
 */
export const FASHION_MEAN_RULE: { experiment: string; claim: string; holds: (differencePoints: number) => boolean }[] =
  [
    {
      experiment: 'baseline',
      claim: 'i.i.d. minibatches of 32: BRN matches BN (BRN − BN within ±0.5 points)',
      holds: (d) => Math.abs(d) < 0.5,
    },
    { experiment: 'microbatch', claim: 'microbatches of 4: BRN beats BN (BRN − BN > 0)', holds: (d) => d > 0 },
    {
      experiment: 'non-iid',
      claim: '2 labels × 16: BRN beats BN with moving averages (BRN − BN > 0)',
      holds: (d) => d > 0,
    },
  ];
