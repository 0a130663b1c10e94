import { BASE, type ExperimentConfig } from './config';

/** Paper Figure 1: normal (i.i.d., 32-example) minibatches; BRN should match BN. */
export const baseline: ExperimentConfig = {
  ...BASE,
  name: 'baseline',
  title: 'Minibatch 32, i.i.d.',
  paper: { figure: 'Figure 1', bn: '78.3% at 130k steps', brn: '78.5% at 130k steps' },
  // none: what normalization is worth on these batches at all; gn, ln: the per-example normalizers beside BN and BRN
  variants: ['bn', 'brn', 'none', 'gn', 'ln'],
};
