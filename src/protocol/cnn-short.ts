/**
 * The conv protocol as it was before the paper's schedule (up to commit
 * 4da7f89, unchanged here but for its names): 10,000 steps with the ramp
 * divided by 6, microbatches of 8, 4 and 2. Its committed logs
 * (data/runs/fashion-mnist/full/cnn-*) were made under these configs; the
 * summarizer reads them against these (a log's config decides which), so
 * their summary stays what it was. No run plans them: `CNN_EXPERIMENTS` is
 * the protocol.
 */
import { PAPER_RAMP, scaleRamp } from '../renorm/schedule';
import { BASE, scaleDecay, type ExperimentConfig } from './config';

/** Steps of every job of the short schedule. */
const SHORT_STEPS = 10_000;

/** What every conv experiment shares. */
const SHORT_BASE: ExperimentConfig = {
  ...BASE,
  name: 'cnn-base',
  title: 'CNN',
  architecture: 'conv', // the conv model, whose statistics pool each channel over N×H×W (BN, BRN) or a group (GN)
  variants: ['bn', 'brn', 'gn', 'ln', 'none'], // every normalizer on the same seeds and batches
  // The check (seed 1, no ramp, validation only): BN's validation accuracy rises to 90.8% by 5,000 steps,
  // then slowly, 90.7% at 10,000 and 92.0-92.7% from 20,000 to 24,000 (±0.5 between evaluations); GN's
  // to 89.9% by 5,000 and 90.6% at 10,000. So the runs stop where the fast rise is over but the slow
  // one is not: a budget choice. 10,000 steps (5.8 epochs) leave the ramp complete for the last third
  // of the run and keep the protocol (76 jobs, 31 ms a step with two workers, about 8 s an
  // evaluation) near the four-hour budget; comparisons are between normalizers at the same step.
  steps: SHORT_STEPS,
  evalEvery: 1_000, // 11 points per curve: each evaluation is three forward passes over 5,000 images
  checkpointEvery: 2_000,
  // The paper's ramp scaled with the run, as the quick profile scales it: batchnorm for the first
  // 1/12 of the steps, dmax 0→5 by 5/12, rmax 1→3 by 2/3.
  ramp: scaleRamp(PAPER_RAMP, SHORT_STEPS / 60_000),
  // The parameter average's window stays 1/6 of the run (10,000 of 60,000 steps in the MLP's).
  emaDecay: scaleDecay(BASE.emaDecay, 60_000 / SHORT_STEPS),
  evalBatches: 25, // 800 validation images in batch-statistics mode per point (each costs a forward pass of the conv model)
};

/** Paper Figure 1 on the conv model: i.i.d. minibatches of 32. */
const shortBaseline: ExperimentConfig = {
  ...SHORT_BASE,
  name: 'cnn-baseline',
  title: 'CNN, minibatch 32, i.i.d.',
  paper: { figure: 'Figure 1', bn: '78.3% at 130k steps', brn: '78.5% at 130k steps' },
};

/** The microbatch sizes of the conv protocol; 32 (the whole minibatch) is `shortBaseline`. */
const SHORT_MICROBATCHES = [8, 4, 2];

/**
 * Paper Figure 2 on the conv model (size 4), and the GN paper's batch-size
 * axis (8, 4, 2): gradients over the minibatch of 32, BN and BRN statistics
 * over microbatches; GN, LN and no normalization are the baseline's jobs.
 */
function shortMicrobatch(size: number): ExperimentConfig {
  return {
    ...SHORT_BASE,
    name: size === 4 ? 'cnn-microbatch' : `cnn-microbatch-mb${size}`,
    title: `CNN, minibatch 32, normalized over microbatches of ${size}`,
    paper: size === 4 ? { figure: 'Figure 2', bn: '74.2% at 210k steps', brn: '76.5% at 130k steps' } : null,
    microbatchSize: size,
    variants: ['bn', 'brn'],
    // Size 8 is a point of the batch-size figure, in no claim: three seeds, to stay in the budget.
    seeds: size === 8 ? [1, 2, 3] : SHORT_BASE.seeds,
    sharedVariants: { gn: 'cnn-baseline', ln: 'cnn-baseline', none: 'cnn-baseline' }, // their model ignores the size
  };
}

/** Paper Figure 3 on the conv model: minibatches of 2 labels × 16 examples. */
const shortNonIid: ExperimentConfig = {
  ...SHORT_BASE,
  name: 'cnn-non-iid',
  title: 'CNN, minibatch 32 = 2 labels x 16 examples (non-i.i.d.)',
  paper: { figure: 'Figure 3', bn: '67%', brn: '78.6% at 120k steps' },
  sampler: { kind: 'label-grouped', labelsPerBatch: 2, examplesPerLabel: 16 }, // as the MLP's non-iid (see non-iid.ts)
  batchStatsVariant: true,
};

/** The short schedule's experiments, in the order its figures and tables listed them. */
export const SHORT_SCHEDULE_CNN_EXPERIMENTS: readonly ExperimentConfig[] = [
  shortBaseline,
  ...SHORT_MICROBATCHES.map(shortMicrobatch),
  shortNonIid,
];
