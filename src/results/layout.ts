/**
 * Where a job's files lie: the one place their names are made and parsed.
 * Training writes them and collecting reads them; they share nothing else.
 *
 * Under `<runsDir>/<profile>/<experiment>/` for MNIST and
 * `<runsDir>/<data name>/<profile>/<experiment>/` for other data:
 * - `<variant>-seed<N>.jsonl`: the finished job's log (`records.ts`), written
 *   to a temporary file and renamed;
 * - `<variant>-seed<N>.partial.jsonl` and `….ckpt.json`: progress and the
 *   last checkpoint of an unfinished job;
 * - `<variant>-seed<N>.lock`: held by the process training the job.
 */
import { join } from 'node:path';
import { dataSubdir } from '../data/identity';
import type { Profile } from '../protocol/config';

/** What names a job: its profile, experiment, variant and seed. */
export interface JobKey {
  profile: Profile;
  experiment: string;
  variant: string;
  seed: number;
}

/** The finished log's file name of (variant, seed). */
export function jobFileName(variant: string, seed: number): string {
  return `${variant}-seed${seed}.jsonl`;
}

const FINISHED = /^([a-z][a-z0-9-]*?)-seed(\d+)\.jsonl$/;

/** The (variant, seed) of a finished log's file name, or null for any other file. */
export function parseJobFileName(name: string): { variant: string; seed: number } | null {
  const m = FINISHED.exec(name);
  return m === null ? null : { variant: m[1], seed: Number(m[2]) };
}

/** Where a profile's jobs on `data` live: `<runsDir>/[<data name>/]<profile>`. */
export function profileRunsDir(runsDir: string, profile: Profile, data: { name: string }): string {
  return join(runsDir, dataSubdir(data), profile);
}

export interface JobFiles {
  final: string;
  partial: string;
  checkpoint: string;
  lock: string;
}

/** The files of the job `key` on `data` under `runsDir`. */
export function jobFiles(runsDir: string, data: { name: string }, key: JobKey): JobFiles {
  const final = join(profileRunsDir(runsDir, key.profile, data), key.experiment, jobFileName(key.variant, key.seed));
  const base = final.slice(0, -'.jsonl'.length);
  return { final, partial: `${base}.partial.jsonl`, checkpoint: `${base}.ckpt.json`, lock: `${base}.lock` };
}

/** How long a job's lock may go without a heartbeat before its owner counts as gone (`train/lock.ts`). */
export const LOCK_STALE_AFTER_MS = 15 * 60_000;
