import { baseline } from './baseline';
import type { ExperimentConfig } from './config';
import { nonIid } from './non-iid';

/**
 * The paper's non-i.i.d. experiment as it drew its minibatches (section 4.3,
 * Figure 3): 16 labels × 2 images out of 1,000 classes, on mnist-triples
 * (`data/triples.ts`: three MNIST digits side by side, class 000–999). A batch
 * covers 1.6% of the classes, as on ImageNet; the 10-class sets' 2 × 16
 * (`non-iid`) is a different, harsher stress, and stays as the stress test.
 * Same MLP (input 588, output 1,000), optimizer, 60,000-step schedule and ramp.
 * Declared, with rule v2's claims on it (`rule-families.ts`), before any run.
 */
const ON_TRIPLES = { dataset: 'mnist-triples' } as const;

/** i.i.d. minibatches of 32 on the 1,000 classes: the reference BN should keep. */
export const triplesBaseline: ExperimentConfig = {
  ...baseline,
  ...ON_TRIPLES,
  name: 'triples-baseline',
  title: 'mnist-triples (1,000 classes): minibatch 32, i.i.d.',
  paper: { figure: 'Figure 3', bn: '78.3% (i.i.d. baseline)', brn: '78.5% (i.i.d. baseline)' },
  variants: ['bn', 'brn', 'gn', 'ln', 'none'],
};

/** Label-paired minibatches: 16 labels × 2 images, as the paper drew them. */
export const triplesPaired: ExperimentConfig = {
  ...nonIid,
  ...ON_TRIPLES,
  name: 'triples-paired',
  title: 'mnist-triples (1,000 classes): minibatch 32 = 16 labels x 2 (label-paired)',
  paper: nonIid.paper,
  sampler: { kind: 'label-grouped', labelsPerBatch: 16, examplesPerLabel: 2 },
  // BN is also read with minibatch statistics of test batches drawn like training (16 x 2, which uses the
  // test labels) and of i.i.d. test batches (label-blind): batchStatsVariant.
  variants: ['bn', 'brn', 'gn', 'ln', 'none'],
};

/** The labels-per-batch sweep on the 1,000 classes; k = 16 is `triples-paired` itself. */
export const TRIPLES_SWEEP = [4, 8, 32];

export function triplesSweep(labelsPerBatch: number): ExperimentConfig {
  const m = triplesPaired.batchSize / labelsPerBatch;
  return {
    ...triplesPaired,
    name: `triples-k${labelsPerBatch}`,
    title: `mnist-triples: minibatch 32 = ${labelsPerBatch} labels x ${m}`,
    paper: null,
    sampler: { kind: 'label-grouped', labelsPerBatch, examplesPerLabel: m },
    variants: ['bn', 'brn'],
    seeds: [1, 2, 3],
  };
}

export const TRIPLES_EXPERIMENTS: ExperimentConfig[] = [
  triplesBaseline,
  triplesPaired,
  ...TRIPLES_SWEEP.map(triplesSweep),
];
