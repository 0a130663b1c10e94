import type { ConfirmatoryPlan } from './rule';

/**
 * The conv protocol's confirmatory round (issue 32, declared with the
 * protocol before any of its runs, on rule v2's conv seeds 6–10): the
 * variants above, GN, LN and no normalization shared from the baseline at
 * microbatches (their model ignores the size).
 */
export const CNN_CONFIRMATORY_PLAN = Object.freeze({
  'cnn-baseline': { variants: ['bn', 'brn', 'gn', 'ln', 'none'] },
  'cnn-microbatch': {
    variants: ['bn', 'brn'],
    sharedVariants: { gn: 'cnn-baseline', ln: 'cnn-baseline', none: 'cnn-baseline' },
  },
  'cnn-microbatch-mb2': {
    variants: ['bn', 'brn'],
    sharedVariants: { gn: 'cnn-baseline', ln: 'cnn-baseline', none: 'cnn-baseline' },
  },
  'cnn-non-iid': { variants: ['bn', 'brn', 'gn', 'none'] },
} satisfies Record<string, ConfirmatoryPlan>);
