/** Every experiment the CLI knows by name. */
import { baseline } from './baseline';
import { CNN_EXPERIMENTS } from './cnn';
import type { ExperimentConfig } from './config';
import { microbatch, MICROBATCH_SWEEP, microbatchSweep } from './microbatch';
import { nonIid, NON_IID_SWEEP, nonIidSweep } from './non-iid';
import { TRIPLES_EXPERIMENTS } from './triples';

/** The three experiments of the paper, run by `brn reproduce`. */
export const MAIN_EXPERIMENTS: ExperimentConfig[] = [baseline, microbatch, nonIid];

/** The sweeps, run by `brn reproduce --sweeps`. */
export const SWEEP_EXPERIMENTS: ExperimentConfig[] = [
  ...MICROBATCH_SWEEP.map(microbatchSweep),
  ...NON_IID_SWEEP.map(nonIidSweep),
];

/** The conv protocol (`cnn.ts`), run by `brn reproduce --cnn` (on Fashion-MNIST: `make cnn`). */
export { CNN_EXPERIMENTS } from './cnn';

/** The 1,000-class task's experiments (`triples.ts`), on mnist-triples. */
export { TRIPLES_EXPERIMENTS } from './triples';

export const ALL_EXPERIMENTS: ExperimentConfig[] = [
  ...MAIN_EXPERIMENTS,
  ...SWEEP_EXPERIMENTS,
  ...CNN_EXPERIMENTS,
  ...TRIPLES_EXPERIMENTS,
];

export function experimentByName(name: string): ExperimentConfig {
  const found = ALL_EXPERIMENTS.find((e) => e.name === name);
  if (found === undefined) {
    throw new Error(`Unknown experiment '${name}': expected one of ${ALL_EXPERIMENTS.map((e) => e.name).join(', ')}`);
  }
  return found;
}
