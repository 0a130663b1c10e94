/**
 * Every figure the kit draws, by name, in the numbering the README uses
 * (figure 1 the ramp, 2 baseline, 3a/3b microbatch and its sweep, 4a/4b/4c
 * non-i.i.d., its sweep and its training accuracy, 5 the mismatch, 6 the verdicts).
 */
import type { Summary } from '../results/schema';
import type { Spec } from './chart';
import { baselineSpec, microbatchSpec, mismatchSpec, nonIidSpec, nonIidTrainingSpec, rampSpec } from './curve-figures';
import { microbatchSweepSpec, nonIidSweepSpec } from './sweep-figures';
import { verdictsSpec } from './verdict-figure';

export type { Spec } from './chart';

export interface FigureDef {
  name: string;
  /** What the figure shows, for the README and notebooks. */
  description: string;
  spec: (summary: Summary) => Spec | null;
}

export const FIGURES: FigureDef[] = [
  {
    name: 'ramp',
    description: 'rmax and dmax over training, with the observed fraction of clipped r and d (paper section 4)',
    spec: (s) => rampSpec(s),
  },
  {
    name: 'baseline',
    description: 'BN, BN (standard), BRN and no normalization on i.i.d. minibatches of 32 (paper Figure 1)',
    spec: baselineSpec,
  },
  {
    name: 'microbatch',
    description: 'BN, BN (standard), BRN and BRN without the ramp, normalizing over microbatches of 4 (paper Figure 2)',
    spec: microbatchSpec,
  },
  {
    name: 'microbatch-sweep',
    description: 'final accuracy against the microbatch size, every seed shown (sweep)',
    spec: microbatchSweepSpec,
  },
  {
    name: 'non-iid',
    description: 'every variant and control on label-grouped minibatches (paper Figure 3)',
    spec: nonIidSpec,
  },
  {
    name: 'non-iid-training',
    description: 'training accuracy on label-grouped minibatches, BN vs BRN vs no normalization (paper section 4.3)',
    spec: nonIidTrainingSpec,
  },
  {
    name: 'non-iid-sweep',
    description: 'final accuracy against labels per minibatch, every seed shown (sweep)',
    spec: nonIidSweepSpec,
  },
  { name: 'mismatch', description: 'train/inference output gap, BN vs BRN', spec: mismatchSpec },
  {
    name: 'verdicts',
    description: "each claim's paired difference with its 95% interval and verdict",
    spec: verdictsSpec,
  },
];
