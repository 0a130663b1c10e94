/**
 * Did a run reproduce? The final test accuracy of every job of a run is held
 * against a reference: the committed `data/reference/<profile>.json` (made by
 * `brn reference` from committed logs), or, for the full profile, the
 * committed logs themselves.
 *
 * A job matches when its test accuracy is identical: the same number of
 * correctly classified test images. wasm arithmetic is IEEE float32/float64
 * without platform freedom, and the same seed on the same backend gives
 * bit-identical runs (a test checks it), so any difference means the code,
 * the data, the Node version's Math functions or the backend differ; the
 * comparison says by how many images.
 */
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJsonFile, writeJsonAtomic } from '../io/atomic';
import { KIT_ROOT } from '../paths';
import type { Profile } from '../protocol/config';
import { EARLIER_CONV_ARITHMETIC_COMMIT } from './records';
import { finalResults, type JobResult } from './logs';

export interface Reference {
  profile: Profile;
  dataset: string;
  /** How the reference was made. */
  note: string;
  jobs: JobResult[];
}

export function referencePath(profile: Profile, dataset = 'mnist'): string {
  return join(KIT_ROOT, 'data', 'reference', `${dataset === 'mnist' ? '' : `${dataset}-`}${profile}.json`);
}

/** The reference for `profile`: the committed file, else (full profile) the committed logs. */
export function loadReference(profile: Profile, dataset = 'mnist'): Reference {
  const path = referencePath(profile, dataset);
  if (existsSync(path)) return readJsonFile<Reference>(path);
  const jobs = finalResults(profile, join(KIT_ROOT, 'data', 'runs'), dataset);
  if (jobs.length === 0)
    throw new Error(`No reference for the ${profile} profile: neither ${path} nor committed logs under data/runs`);
  return { profile, dataset, note: 'the committed logs under data/runs', jobs };
}

/** Writes the reference of `profile` from the finished logs of `experiments` under `runsDir`. */
export function writeReference(profile: Profile, runsDir: string, experiments: string[], dataset = 'mnist'): string {
  const jobs = finalResults(profile, runsDir, dataset).filter((j) => experiments.includes(j.experiment));
  if (jobs.length === 0) throw new Error(`No finished ${profile} jobs under ${runsDir}: no reference written`);
  const path = referencePath(profile, dataset);
  writeJsonAtomic(path, {
    profile,
    dataset,
    note: `the finished logs under ${relative(KIT_ROOT, runsDir) || '.'} (brn reference${profile === 'quick' ? ' --quick' : ''} ${experiments.join(' ')})`,
    jobs,
  } satisfies Reference);
  return path;
}

/** A run held against a reference. */
export interface ReferenceCheck {
  /** One line per experiment compared, then the absent and not-requested lines, then the verdict line. */
  lines: string[];
  matched: number;
  /** Reference jobs requested (all of them unless a scope is given). */
  total: number;
  /** Requested reference jobs with no finished log: they count against the verdict. */
  absent: string[];
  /** Reference jobs outside the scope asked for: listed, not held against. */
  notRequested: string[];
  /**
   * Requested reference jobs whose log was made by another arithmetic than the
   * run's (the earlier conv kernels): listed, neither held against nor counted
   * as reproduced.
   */
  superseded: string[];
}

const key = (j: JobResult) => `${j.experiment}/${j.variant}-seed${j.seed}`;
const images = (accuracy: number) => Math.round(accuracy * 10_000);

/** Which reference jobs a check asks about (every one unless told). */
export interface ReferenceScope {
  experiments?: string[];
  /** Seeds 1…N, as `--seeds N` runs them. */
  seeds?: number;
  variants?: string[];
}

function inScope(j: JobResult, scope: ReferenceScope): boolean {
  return (
    (scope.experiments === undefined || scope.experiments.includes(j.experiment)) &&
    (scope.seeds === undefined || j.seed <= scope.seeds) &&
    (scope.variants === undefined || scope.variants.includes(j.variant))
  );
}

const listed = (jobs: string[], shown = 4) =>
  `${jobs.slice(0, shown).join(', ')}${jobs.length > shown ? `, … (${jobs.length - shown} more)` : ''}`;

/**
 * Holds `run` against the reference jobs `scope` asks about, job by job. A
 * requested job without a finished log is absent and counts against the
 * verdict; the reference's other jobs are listed as not requested.
 */
export function compareWithReference(
  run: JobResult[],
  reference: Reference,
  scope: ReferenceScope = {},
): ReferenceCheck {
  const byKey = new Map(run.map((j) => [key(j), j]));
  const requested = reference.jobs.filter((j) => inScope(j, scope));
  const notRequested = reference.jobs.filter((j) => !inScope(j, scope)).map(key);
  const absent = requested.filter((j) => !byKey.has(key(j))).map(key);
  const arithmetic = (j: JobResult) => j.arithmetic ?? null;
  const supersededJobs = requested.filter((j) => byKey.has(key(j)) && arithmetic(byKey.get(key(j))!) !== arithmetic(j));
  const superseded = supersededJobs.map(key);
  const compared = requested.filter((j) => byKey.has(key(j)) && !superseded.includes(key(j)));
  const held = requested.length - superseded.length;
  const lines: string[] = [];
  let matched = 0;
  for (const e of [...new Set(compared.map((j) => j.experiment))]) {
    const jobs = compared.filter((j) => j.experiment === e);
    const notes: string[] = [];
    let ok = 0;
    for (const ref of jobs) {
      const got = byKey.get(key(ref))!;
      if (got.backend !== ref.backend || got.trainer !== ref.trainer)
        notes.push(
          `${ref.variant}-seed${ref.seed} on ${got.backend}/${got.trainer}, reference on ${ref.backend}/${ref.trainer}`,
        );
      else if (got.testAccuracy === ref.testAccuracy) ok++;
      else
        notes.push(
          `${ref.variant}-seed${ref.seed} ${(100 * got.testAccuracy).toFixed(2)}% vs ${(100 * ref.testAccuracy).toFixed(2)}% (${images(got.testAccuracy) - images(ref.testAccuracy)} test images)`,
        );
    }
    matched += ok;
    lines.push(`  ${e.padEnd(16)} ${ok} of ${jobs.length} identical${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`);
  }
  if (absent.length > 0)
    lines.push(`  absent: ${absent.length} requested jobs have no finished log: ${listed(absent)}`);
  if (superseded.length > 0) {
    const by = (j: JobResult) =>
      j.arithmetic ?? `the earlier conv arithmetic (code up to commit ${EARLIER_CONV_ARITHMETIC_COMMIT})`;
    const ref = supersededJobs[0];
    lines.push(
      `  superseded: ${superseded.length} reference jobs were made by ${by(ref)}, this run by ${by(byKey.get(key(ref))!)}:` +
        ` not compared, and not reproduced by this run: ${listed(superseded)}`,
    );
  }
  if (notRequested.length > 0)
    lines.push(`  not requested: ${notRequested.length} reference jobs not held against: ${listed(notRequested)}`);
  lines.push(
    `reproduction: ${matched} of ${held} jobs match the committed reference` +
      ` (${compared.length} compared, ${absent.length} absent${superseded.length > 0 ? `, ${superseded.length} superseded` : ''}${notRequested.length > 0 ? `, ${notRequested.length} not requested` : ''})`,
  );
  return { lines, matched, total: held, absent, notRequested, superseded };
}
