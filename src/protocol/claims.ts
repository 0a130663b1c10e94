/**
 * The paper's claims as data, and the rule that turns a paired interval into a
 * verdict. Both were written down (here and in the README) before the
 * five-seed full-profile runs they are applied to, and are applied to every
 * claim, those that come out against the paper included.
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
