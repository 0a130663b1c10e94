/**
 * The variants an experiment compares, in one place: the six that train
 * (`bn`, `brn`, `brn-noramp`, `brn-tight`, `gn`, `ln`, `none`) and the three further
 * evaluations of a trained BN model (`bn-standard`, `bn-batchstats`,
 * `bn-batchstats-iid`). Summaries, tables and figures find every variant by
 * these names.
 */
import type { RenormClip } from '../renorm/clip';
import { renormClipAt, type RenormRamp } from '../renorm/schedule';

/** Variants that are trained, one job per seed. */
export const TRAINED_VARIANTS = ['bn', 'brn', 'brn-noramp', 'brn-tight', 'gn', 'ln', 'none'] as const;
export type Variant = (typeof TRAINED_VARIANTS)[number];

/** Every variant a summary can hold: the trained ones and the evaluations of the BN model. */
export const SUMMARY_VARIANTS = [
  'bn',
  'bn-standard',
  'bn-batchstats',
  'bn-batchstats-iid',
  'brn',
  'brn-noramp',
  'brn-tight',
  'gn',
  'ln',
  'none',
] as const;
export type SummaryVariant = (typeof SUMMARY_VARIANTS)[number];

/** The normalization a trained variant's model uses. */
export function normalizationOf(variant: Variant): 'bn' | 'brn' | 'gn' | 'ln' | 'none' {
  return variant === 'brn-noramp' || variant === 'brn-tight' ? 'brn' : variant;
}

/**
 * Group normalization's group count, the same in every normalized layer of
 * both models; chosen before any run. GN's default of 32 groups does not fit:
 * it does not divide the MLP's 100 units, and would leave the conv model's
 * first layer (16 channels) with half a channel per group. 4 groups give
 * conv1 4 channels a group, conv2 8, and the 100-unit dense layers 25. The
 * GN paper (Table 3, ResNet-50 at 32 images per GPU) finds every count from
 * 4 to 32 groups within 0.5 points of the best, while 1 or 2 channels per
 * group cost 1 to 4 points; 4 is the largest count that keeps at least 4
 * channels a group in every layer here.
 */
export const GN_GROUPS = 4;

/** The groups of a group-normalized variant: `gn` GN_GROUPS, `ln` one (layer norm as GN with G = 1); else null. */
export function groupsOf(variant: Variant): number | null {
  return variant === 'gn' ? GN_GROUPS : variant === 'ln' ? 1 : null;
}

/** Variants whose model does not depend on the microbatch size: their job in a microbatch experiment is the whole-batch one. */
export const MICROBATCH_FREE: readonly Variant[] = ['gn', 'ln', 'none'];

/**
 * The final limits of `brn-tight`: rmax 1.5, dmax 0.5, the Batch Renorm
 * setting the GN paper ran (Wu & He 2018, Figure 1 at 4 images per GPU),
 * reached on the same ramp as `brn` (batchnorm for its warm-up, then linear):
 * rule v2's ablation (`rule.ts`).
 */
export const TIGHT_CLIP: Readonly<RenormClip> = Object.freeze({ rmax: 1.5, dmax: 0.5 });

/**
 * The clipping of a variant at `step` (null: not a renorm variant). `brn`
 * follows the ramp; `brn-noramp` uses the ramp's final limits from step 0
 * (the control for the paper's advice to start as batchnorm and relax gradually).
 */
export function variantClipAt(variant: Variant, step: number, ramp: RenormRamp): RenormClip | null {
  if (variant === 'brn') return renormClipAt(step, ramp);
  if (variant === 'brn-noramp') return { rmax: ramp.rmax, dmax: ramp.dmax };
  if (variant === 'brn-tight') return renormClipAt(step, { ...ramp, ...TIGHT_CLIP });
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
  'brn-tight': {
    label: 'BRN (rmax 1.5, dmax 0.5)',
    description: 'Batch Renormalization ramped as BRN but to rmax 1.5 and dmax 0.5, the setting the GN paper ran',
  },
  gn: {
    label: 'GN',
    description:
      'Group Normalization (Wu & He 2018), 4 groups of channels in every normalized layer: per-example statistics, the same in training and inference',
  },
  ln: {
    label: 'LN',
    description:
      'layer normalization as the GN paper defines it: GN with one group, each example normalized over all its channels and positions, one γ and β per channel',
  },
  none: {
    label: 'no normalization',
    description: 'the same network without normalization (each dense layer gets a bias)',
  },
};
