/**
 * Every figure the kit draws, by name, in the numbering the README and the
 * report use (figure 1 the ramp, 2 baseline, 3a/3b microbatch and its sweep,
 * 4a/4b/4c non-i.i.d., its sweep and its training accuracy, 5 the mismatch,
 * 6 the verdicts, 7 the conv protocol's batch-size figure and 7a-c its
 * curves, 8 the parameter average seed by seed, 9a-b the 1,000-class task's
 * curves; 9c, labels per batch against the class count, needs two summaries:
 * `CLASS_COUNT_FIGURE`). A figure whose data a
 * summary lacks is not drawn for it.
 */
import type { Summary } from '../results/schema';
import type { Spec } from './chart';
import {
  baselineSpec,
  microbatchSpec,
  mismatchSpec,
  nonIidSpec,
  nonIidTrainingSpec,
  rampSpec,
  triplesPairedSpec,
} from './curve-figures';
import { averagingSpec } from './averaging-figure';
import { cnnBatchSizeSpec, microbatchSweepSpec, nonIidSweepSpec } from './sweep-figures';
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
    description:
      'rmax and dmax over training, with the observed fraction of clipped r and d on i.i.d. minibatches, microbatches and 2 labels x 16 (paper section 4)',
    spec: (s) => rampSpec(s),
  },
  {
    name: 'baseline',
    description: 'BN, BN (standard), BRN and no normalization on i.i.d. minibatches of 32 (paper Figure 1)',
    spec: (s) => baselineSpec(s),
  },
  {
    name: 'microbatch',
    description: 'BN, BN (standard), BRN and BRN without the ramp, normalizing over microbatches of 4 (paper Figure 2)',
    spec: (s) => microbatchSpec(s),
  },
  {
    name: 'microbatch-sweep',
    description: 'final accuracy (parameter average) against the microbatch size, every seed shown (sweep)',
    spec: microbatchSweepSpec,
  },
  {
    name: 'non-iid',
    description:
      'label-grouped minibatches (paper Figure 3): the normalizers in one panel, BN read other ways and BRN without the ramp in another',
    spec: (s) => nonIidSpec(s),
  },
  {
    name: 'non-iid-training',
    description: 'training accuracy on label-grouped minibatches, BN vs BRN vs no normalization (paper section 4.3)',
    spec: nonIidTrainingSpec,
  },
  {
    name: 'non-iid-sweep',
    description: 'final accuracy (parameter average) against labels per minibatch, every seed shown (sweep)',
    spec: nonIidSweepSpec,
  },
  { name: 'mismatch', description: 'train/inference output gap, BN vs BRN', spec: mismatchSpec },
  {
    name: 'cnn-batch-size',
    description:
      'conv model: final accuracy (parameter average) against the normalization batch size for BN, BRN, GN and LN (GN paper Figure 1)',
    spec: cnnBatchSizeSpec,
  },
  {
    name: 'cnn-baseline',
    description: 'conv model: every normalizer on i.i.d. minibatches of 32',
    spec: (s) => baselineSpec(s, 'cnn-'),
  },
  {
    name: 'cnn-microbatch',
    description: 'conv model: BN and BRN over microbatches of 4, beside GN and LN',
    spec: (s) => microbatchSpec(s, 'cnn-'),
  },
  {
    name: 'cnn-non-iid',
    description: 'conv model: every normalizer on minibatches of 2 labels x 16',
    spec: (s) => nonIidSpec(s, 'cnn-'),
  },
  {
    name: 'triples-baseline',
    description: '1,000 classes (mnist-triples): every variant on i.i.d. minibatches of 32',
    spec: (s) => baselineSpec(s, 'triples-'),
  },
  {
    name: 'triples-paired',
    description:
      "1,000 classes (mnist-triples): label-paired minibatches of 16 labels x 2 (paper Figure 3's setting): the normalizers, then BN read other ways",
    spec: triplesPairedSpec,
  },
  {
    name: 'averaging',
    description:
      'the parameter average against the trained parameters, seed by seed, on 2 labels x 16 (BRN, BRN without the ramp)',
    spec: (s) => averagingSpec(s),
  },
  {
    name: 'verdicts',
    description: "each claim's paired difference with its 95% interval and verdict",
    spec: verdictsSpec,
  },
];

/** Figure 9c: BN and BRN against labels per minibatch with 10 classes and with 1,000 (the MNIST and the mnist-triples summary of one profile). */
export const CLASS_COUNT_FIGURE = {
  name: 'labels-per-batch-classes',
  description:
    'final accuracy against labels per minibatch, BN and BRN, with 10 classes (MNIST) and 1,000 (mnist-triples)',
} as const;
