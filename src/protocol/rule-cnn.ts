/** Rule v2's families for the conv model (part of the rule declared in issue 28, moved unchanged from `rule.ts`). */
import { BN, claim, side, type RuleClaim } from './rule-claim';

/** The conv protocol at the paper's schedule (Fashion-MNIST). */
export const CNN_PRIMARY: RuleClaim[] = [
  claim(
    'primary',
    'cnn-iid',
    'matches',
    side('cnn-baseline', 'brn'),
    side('cnn-baseline', BN),
    'CNN, i.i.d. minibatches of 32: BRN matches BN',
    'Figure 1: 78.5% vs 78.3%',
  ),
  claim(
    'primary',
    'cnn-microbatch',
    'beats',
    side('cnn-microbatch', 'brn'),
    side('cnn-microbatch', BN),
    'CNN, microbatches of 4: BRN beats BN',
    'Figure 2: 76.5% vs 74.2%',
  ),
  claim(
    'primary',
    'cnn-stress-2x16',
    'beats',
    side('cnn-non-iid', 'brn'),
    side('cnn-non-iid', BN),
    'CNN, 2 labels × 16 of 10 classes (the stress test): BRN beats BN',
    'Figure 3 (16 labels × 2 of 1,000): 78.6% vs 67%',
  ),
];

export const CNN_SECONDARY: RuleClaim[] = [
  claim(
    'secondary',
    'cnn-mb2',
    'beats',
    side('cnn-microbatch-mb2', 'brn'),
    side('cnn-microbatch-mb2', BN),
    'CNN, microbatches of 2: BRN beats BN',
    'section 4.2 (small microbatches; no numbers at 2)',
  ),
  claim(
    'secondary',
    'cnn-iid-bn-gn',
    'beats',
    side('cnn-baseline', BN),
    side('cnn-baseline', 'gn'),
    'CNN, i.i.d. minibatches of 32: BN beats GN',
    'GN paper, 32 per GPU: BN 23.6% vs GN 24.1% error',
  ),
  claim(
    'secondary',
    'cnn-iid-bn-ln',
    'beats',
    side('cnn-baseline', BN),
    side('cnn-baseline', 'ln'),
    'CNN, i.i.d. minibatches of 32: BN beats LN',
    'GN paper, 32 per GPU: BN 23.6% vs LN 25.3% error',
  ),
  claim(
    'secondary',
    'cnn-microbatch-gn-brn',
    'beats',
    side('cnn-microbatch', 'gn'),
    side('cnn-microbatch', 'brn'),
    'CNN, microbatches of 4: GN beats BRN',
    'GN paper, 4 per GPU: GN 24.2% vs Batch Renorm 26.3% error',
  ),
  claim(
    'secondary',
    'cnn-mb2-gn-bn',
    'beats',
    side('cnn-microbatch-mb2', 'gn'),
    side('cnn-microbatch-mb2', BN),
    'CNN, microbatches of 2: GN beats BN',
    'GN paper, 2 per GPU: GN 24.1% vs BN 34.7% error',
  ),
  claim(
    'secondary',
    'cnn-stress-2x16-gn-brn',
    'beats',
    side('cnn-non-iid', 'gn'),
    side('cnn-non-iid', 'brn'),
    'CNN, 2 labels × 16 of 10 classes: GN beats BRN',
    'beyond both papers (no numbers)',
  ),
];

/** The conv model on the 1,000-class task, if the conv protocol runs it (issue 32 leaves it to its cost). */
export const CNN_TRIPLES_PRIMARY: RuleClaim[] = [
  claim(
    'primary',
    'cnn-triples-paired',
    'beats',
    side('cnn-triples-paired', 'brn'),
    side('cnn-triples-paired', BN),
    'CNN, 1,000 classes, 16 labels × 2: BRN beats BN',
    'Figure 3: 78.6% vs 67%',
  ),
];

export const CNN_TRIPLES_SECONDARY: RuleClaim[] = [
  claim(
    'secondary',
    'cnn-triples-paired-gn-brn',
    'beats',
    side('cnn-triples-paired', 'gn'),
    side('cnn-triples-paired', 'brn'),
    'CNN, 1,000 classes, 16 labels × 2: GN beats BRN',
    'beyond both papers (no numbers)',
  ),
];
