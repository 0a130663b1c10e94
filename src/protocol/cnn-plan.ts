import type { Architecture } from '../models';
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

/**
 * Confirmatory rounds summarized only whole. While any planned job of one is
 * unfinished, a confirmatory summary holds none of its experiments (so no
 * family of its is judged, and no tally counts it, on part of its seeds) and
 * records how far it has come instead (`Summary.inProgress`). The MLP rounds
 * were run whole before this existed; the conv round took 16 h on two cores (`make cnn` prints it from the logs).
 */
export const WHOLE_ROUNDS: readonly {
  readonly round: string;
  readonly architecture: Architecture;
  readonly title: string;
  readonly experiments: readonly string[];
}[] = Object.freeze([
  {
    round: 'cnn',
    architecture: 'conv',
    title: 'the conv protocol at the paper’s schedule (60,000 steps, seeds 6–10)',
    experiments: Object.keys(CNN_CONFIRMATORY_PLAN),
  },
]);
