/**
 * The variants an experiment compares, in one place: the four that train
 * (`bn`, `brn`, `brn-noramp`, `none`) and the three further evaluations of a
 * trained BN model (`bn-standard`, `bn-batchstats`, `bn-batchstats-iid`).
 * Summaries, tables and figures find every variant by these names.
 */
import type { RenormClip } from '../renorm/clip';
import { renormClipAt, type RenormRamp } from '../renorm/schedule';

/** Variants that are trained, one job per seed. */
export const TRAINED_VARIANTS = ['bn', 'brn', 'brn-noramp', 'none'] as const;
export type Variant = (typeof TRAINED_VARIANTS)[number];

/** Every variant a summary can hold: the trained ones and the evaluations of the BN model. */
export const SUMMARY_VARIANTS = [
  'bn',
  'bn-standard',
  'bn-batchstats',
  'bn-batchstats-iid',
  'brn',
  'brn-noramp',
  'none',
] as const;
export type SummaryVariant = (typeof SUMMARY_VARIANTS)[number];

/** The normalization a trained variant's model uses. */
export function normalizationOf(variant: Variant): 'bn' | 'brn' | 'none' {
  return variant === 'brn-noramp' ? 'brn' : variant;
}

/**
 * The clipping of a variant at `step` (null: not a renorm variant). `brn`
 * follows the ramp; `brn-noramp` uses the ramp's final limits from step 0
 * (the control for the paper's advice to start as batchnorm and relax gradually).
 */
export function variantClipAt(variant: Variant, step: number, ramp: RenormRamp): RenormClip | null {
  if (variant === 'brn') return renormClipAt(step, ramp);
  if (variant === 'brn-noramp') return { rmax: ramp.rmax, dmax: ramp.dmax };
  return null;
}

/** What each variant is, for table rows, legends and captions. */
export const VARIANT_INFO: Record<SummaryVariant, { label: string; description: string }> = {
  bn: {
    label: 'BN',
    description:
      "batchnorm (the kit's layer at rmax 1, dmax 0), evaluated with its moving mean and moving standard deviation (Algorithm 1's statistics)",
  },
  'bn-standard': {
    label: 'BN (standard)',
    description:
      "the same BN model evaluated as tfjs-layers' and Keras' BatchNormalization evaluate: with a moving mean and a moving biased variance (momentum 0.99), y = γ(x − μ)/√(var + ε) + β",
  },
  'bn-batchstats': {
    label: 'BN, statistics of label-grouped batches (uses labels)',
    description:
      'the BN model normalized with the statistics of test minibatches drawn like the training ones, i.e. grouped by the true test labels (one batch per 32 test images: 312 batches, 9,984 draws of 10,000 images, some repeated, some missed). Uses the test labels: not a label-blind evaluation',
  },
  'bn-batchstats-iid': {
    label: 'BN, statistics of i.i.d. batches',
    description:
      'the BN model normalized with the statistics of i.i.d. test minibatches of 32, every test image scored exactly once: label-blind, what a deployment could do',
  },
  brn: { label: 'BRN', description: "Batch Renormalization with the paper's ramp" },
  'brn-noramp': {
    label: 'BRN (no ramp)',
    description: 'Batch Renormalization at rmax 3, dmax 5 from step 0 (no batchnorm start, no ramp)',
  },
  none: {
    label: 'no normalization',
    description: 'the same network without normalization (each dense layer gets a bias)',
  },
};
