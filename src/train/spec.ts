/** A job as the runner hands it to a worker: one (experiment, variant, seed) on some data. */
import type { DataIdentity } from '../data/identity';
import type { ExperimentConfig, Profile, Variant } from '../protocol/config';
import type { DataOptions } from '../data/dataset';
import { jobFiles, type JobFiles } from '../results/layout';

export interface JobSpec {
  profile: Profile;
  /** The experiment's config, already in `profile`. */
  config: ExperimentConfig;
  variant: Variant;
  seed: number;
  runsDir: string;
  /** The data the job trains on (part of its identity and its path). */
  data: DataIdentity;
}

/** `<profile>/<experiment>/<variant>-seed<N>`: how progress, errors and the pool name a job. */
export function jobId(spec: Pick<JobSpec, 'profile' | 'config' | 'variant' | 'seed'>): string {
  return `${spec.profile}/${spec.config.name}/${spec.variant}-seed${spec.seed}`;
}

export function jobPaths(spec: JobSpec): JobFiles {
  return jobFiles(spec.runsDir, spec.data, {
    profile: spec.profile,
    experiment: spec.config.name,
    variant: spec.variant,
    seed: spec.seed,
  });
}

/** The data options a job loads its data with: its config's split, its identity's checksums and task. */
export function dataOptionsOf(spec: Pick<JobSpec, 'config' | 'data'>): DataOptions {
  return {
    dataDir: spec.config.dataDir,
    validationSize: spec.config.validationSize,
    splitSeed: spec.config.splitSeed,
    md5: spec.data.md5,
    ...(spec.data.task !== undefined ? { task: spec.data.task } : {}),
  };
}
