/**
 * Rule v2's families of claims (declared in issue 28 and committed with
 * `rule.ts`, of which this file is the second half, moved unchanged to keep
 * each file short): for each data set × model, the primary family (the
 * paper's figure claims as the kit tests them there) and the secondary one.
 * BN in every claim is standard BN (`bn-standard`).
 */
import { BN, claim, side, type ClaimFamily, type RuleClaim } from './rule-claim';
import { CNN_PRIMARY, CNN_SECONDARY, CNN_TRIPLES_PRIMARY, CNN_TRIPLES_SECONDARY } from './rule-cnn';

export * from './rule-claim';

/** The MLP on the 10-class sets (MNIST, Fashion-MNIST). */
const MLP_PRIMARY: RuleClaim[] = [
  claim(
    'primary',
    'iid',
    'matches',
    side('baseline', 'brn'),
    side('baseline', BN),
    'i.i.d. minibatches of 32: BRN matches BN',
    'Figure 1: 78.5% vs 78.3%',
  ),
  claim(
    'primary',
    'microbatch',
    'beats',
    side('microbatch', 'brn'),
    side('microbatch', BN),
    'microbatches of 4: BRN beats BN',
    'Figure 2: 76.5% vs 74.2%',
  ),
  claim(
    'primary',
    'stress-2x16',
    'beats',
    side('non-iid', 'brn'),
    side('non-iid', BN),
    '2 labels × 16 of 10 classes (the stress test): BRN beats BN',
    'Figure 3 (16 labels × 2 of 1,000): 78.6% vs 67%',
  ),
];

const MLP_SECONDARY: RuleClaim[] = [
  claim(
    'secondary',
    'iid-bn-gn',
    'beats',
    side('baseline', BN),
    side('baseline', 'gn'),
    'i.i.d. minibatches of 32: BN beats GN',
    'GN paper, 32 per GPU: BN 23.6% vs GN 24.1% error',
  ),
  claim(
    'secondary',
    'microbatch-gn-brn',
    'beats',
    side('microbatch', 'gn'),
    side('microbatch', 'brn'),
    'microbatches of 4: GN beats BRN',
    'GN paper, 4 per GPU: GN 24.2% vs Batch Renorm 26.3% error',
  ),
  claim(
    'secondary',
    'microbatch-gn-brn-tight',
    'beats',
    side('microbatch', 'gn'),
    side('microbatch', 'brn-tight'),
    'microbatches of 4: GN beats BRN at rmax 1.5, dmax 0.5 (the GN paper’s setting)',
    'GN paper, 4 per GPU: GN 24.2% vs Batch Renorm (rmax 1.5, dmax 0.5) 26.3% error',
  ),
  claim(
    'secondary',
    'microbatch-brn-tight-bn',
    'beats',
    side('microbatch', 'brn-tight'),
    side('microbatch', BN),
    'microbatches of 4: BRN at rmax 1.5, dmax 0.5 beats BN',
    'GN paper, 4 per GPU: Batch Renorm (rmax 1.5, dmax 0.5) 26.3% vs BN 27.3% error',
  ),
  claim(
    'secondary',
    'mb2',
    'beats',
    side('microbatch-mb2', 'brn'),
    side('microbatch-mb2', BN),
    'microbatches of 2: BRN beats BN',
    'section 4.2 (small microbatches; no numbers at 2)',
  ),
  claim(
    'secondary',
    'mb2-brn-tight-bn',
    'beats',
    side('microbatch-mb2', 'brn-tight'),
    side('microbatch-mb2', BN),
    'microbatches of 2: BRN at rmax 1.5, dmax 0.5 beats BN',
    'GN paper (Batch Renorm at 4 per GPU only)',
  ),
  claim(
    'secondary',
    'mb2-gn-brn',
    'beats',
    side('microbatch-mb2', 'gn'),
    side('microbatch-mb2', 'brn'),
    'microbatches of 2: GN beats BRN',
    'GN paper, 2 per GPU: GN 24.1% vs BN 34.7% error (no Batch Renorm at 2)',
  ),
  claim(
    'secondary',
    'stress-2x16-gn-brn',
    'beats',
    side('non-iid', 'gn'),
    side('non-iid', 'brn'),
    '2 labels × 16 of 10 classes: GN beats BRN',
    'beyond both papers (no numbers)',
  ),
];

/**
 * The 1,000-class task (`mnist-triples`, the MLP): i.i.d. minibatches of 32
 * (`triples-baseline`) and label-paired 16 labels × 2 (`triples-paired`),
 * the paper's own non-i.i.d. shape at its class count.
 */
const TRIPLES_PRIMARY: RuleClaim[] = [
  claim(
    'primary',
    'triples-iid',
    'matches',
    side('triples-baseline', 'brn'),
    side('triples-baseline', BN),
    '1,000 classes, i.i.d. minibatches of 32: BRN matches BN',
    'Figure 1: 78.5% vs 78.3%',
  ),
  claim(
    'primary',
    'triples-paired',
    'beats',
    side('triples-paired', 'brn'),
    side('triples-paired', BN),
    '1,000 classes, 16 labels × 2: BRN beats BN',
    'Figure 3: 78.6% vs 67%',
  ),
];

const TRIPLES_SECONDARY: RuleClaim[] = [
  claim(
    'secondary',
    'triples-paired-vs-iid',
    'matches',
    side('triples-paired', 'brn'),
    side('triples-baseline', BN),
    '1,000 classes: BRN trained on 16 labels × 2 matches BN trained on i.i.d. minibatches',
    'Figures 1 and 3: 78.6% vs 78.3%',
  ),
  claim(
    'secondary',
    'triples-paired-batchstats',
    'beats',
    side('triples-paired', 'brn'),
    side('triples-paired', 'bn-batchstats-iid'),
    '1,000 classes, 16 labels × 2: BRN beats BN normalized with the statistics of (label-blind, i.i.d.) test minibatches',
    'section 4.3: 78.6% vs 76.5% (test batches of 25 labels × 2)',
  ),
  claim(
    'secondary',
    'triples-paired-gn-brn',
    'beats',
    side('triples-paired', 'gn'),
    side('triples-paired', 'brn'),
    '1,000 classes, 16 labels × 2: GN beats BRN',
    'beyond both papers (no numbers)',
  ),
  claim(
    'secondary',
    'triples-paired-ln-brn',
    'beats',
    side('triples-paired', 'ln'),
    side('triples-paired', 'brn'),
    '1,000 classes, 16 labels × 2: LN beats BRN',
    'beyond both papers (no numbers)',
  ),
  claim(
    'secondary',
    'triples-iid-bn-gn',
    'beats',
    side('triples-baseline', BN),
    side('triples-baseline', 'gn'),
    '1,000 classes, i.i.d. minibatches of 32: BN beats GN',
    'GN paper, 32 per GPU: BN 23.6% vs GN 24.1% error',
  ),
  claim(
    'secondary',
    'triples-iid-bn-ln',
    'beats',
    side('triples-baseline', BN),
    side('triples-baseline', 'ln'),
    '1,000 classes, i.i.d. minibatches of 32: BN beats LN',
    'GN paper, 32 per GPU: BN 23.6% vs LN 25.3% error',
  ),
];

const TEN_CLASS = ['mnist', 'fashion-mnist'];

/** Every family of rule v2. A summary is judged on the families of its data set and each model it holds. */
export const FAMILIES: readonly ClaimFamily[] = Object.freeze([
  { datasets: TEN_CLASS, architecture: 'mlp', family: 'primary', claims: MLP_PRIMARY },
  { datasets: TEN_CLASS, architecture: 'mlp', family: 'secondary', claims: MLP_SECONDARY },
  { datasets: ['mnist-triples'], architecture: 'mlp', family: 'primary', claims: TRIPLES_PRIMARY },
  { datasets: ['mnist-triples'], architecture: 'mlp', family: 'secondary', claims: TRIPLES_SECONDARY },
  { datasets: ['fashion-mnist'], architecture: 'conv', family: 'primary', claims: CNN_PRIMARY },
  { datasets: ['fashion-mnist'], architecture: 'conv', family: 'secondary', claims: CNN_SECONDARY },
  { datasets: ['mnist-triples'], architecture: 'conv', family: 'primary', claims: CNN_TRIPLES_PRIMARY },
  { datasets: ['mnist-triples'], architecture: 'conv', family: 'secondary', claims: CNN_TRIPLES_SECONDARY },
] satisfies ClaimFamily[]);

/** The families a summary of `dataset` is judged on. */
export function familiesOf(dataset: string): ClaimFamily[] {
  return FAMILIES.filter((f) => f.datasets.includes(dataset));
}
