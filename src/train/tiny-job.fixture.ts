/**
 * A tiny job for the tests (flax-style smoke config): 40 steps of the
 * non-i.i.d. experiment on MNIST with a ramp compressed to fit, and one data cache shared
 * by a test file's jobs. Test-only: not packed.
 */
import { DataCache } from '../data/dataset';
import { dataIdentity } from '../data/identity';
import { BASE, type ExperimentConfig, type Variant } from '../protocol/config';
import { nonIid } from '../protocol/non-iid';
import { testDir } from '../testing';
import { runJob as runJobOn, type JobHooks } from './job';
import type { JobSpec } from './spec';

export const TINY: ExperimentConfig = {
  ...nonIid,
  name: 'tiny',
  steps: 40,
  evalEvery: 10,
  checkpointEvery: 20,
  evalBatches: 2,
  ramp: { warmupSteps: 10, rmax: 3, rmaxSteps: 30, dmax: 5, dmaxSteps: 20 },
  optimizer: { ...BASE.optimizer, lrDecaySteps: 20 },
  seeds: [1],
};

export const tmpRuns = (): string => testDir('runs');
export const MNIST = dataIdentity(null);

export const tinySpec = (runsDir: string, variant: Variant = 'brn', config: ExperimentConfig = TINY): JobSpec => ({
  profile: 'quick',
  config,
  variant,
  seed: 1,
  runsDir,
  data: MNIST,
});

export const tinyData = new DataCache();
export const runTinyJob = (s: JobSpec, hooks?: JobHooks) => runJobOn(s, tinyData.get(s.config), hooks);
