/**
 * A job's log: its records (JSON lines), the one place a job's file names are
 * made and parsed, and reading logs back.
 *
 * Files, under `<runsDir>/<profile>/<experiment>/` for MNIST and
 * `<runsDir>/<data name>/<profile>/<experiment>/` for other data:
 * - `<variant>-seed<N>.jsonl`: the finished job (header, one line per
 *   evaluation, a final line with test accuracy), written to a temporary file
 *   and renamed, so a file under this name is always complete;
 * - `<variant>-seed<N>.partial.jsonl` and `….ckpt.json`: progress and the
 *   last checkpoint of an unfinished job (see `checkpoint.ts`);
 * - `<variant>-seed<N>.lock`: held by the process training the job (`lock.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataSubdir, type DataIdentity } from '../data/identity';
import type { RenormDiagnostics } from '../renorm/diagnostics';
import type { ExperimentConfig, Profile, Variant } from './config';
import type { BatchStatsEvaluation } from './evaluate';

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

export interface HeaderRecord {
  kind: 'header';
  job: string;
  profile: Profile;
  experiment: string;
  variant: Variant;
  seed: number;
  backend: string;
  /** 'fused' or 'layers' (see `trainerKind`): the two round differently. */
  trainer: string;
  dataSource: string;
  data: DataIdentity;
  config: ExperimentConfig;
}

export interface EvalRecord {
  kind: 'eval';
  step: number;
  /** Clipping in force for the last step (null for BN, which is not ramped). */
  rmax: number | null;
  dmax: number | null;
  learningRate: number;
  /** Mean training loss and accuracy since the previous evaluation (null at step 0). */
  trainLoss: number | null;
  trainAccuracy: number | null;
  /** Validation accuracy in inference mode (moving statistics). */
  validationAccuracy: number;
  /** The same with the moving average of every value (`emaDecay`). */
  validationAccuracyEma: number;
  /** BN jobs: validation accuracy as standard batchnorm, with the moving mean and moving biased variance (else null). */
  validationAccuracyStandard: number | null;
  /** Validation minibatches drawn like the training ones, in training mode (minibatch statistics). */
  batchStats: BatchStatsEvaluation;
  /** BN jobs on label-grouped experiments: i.i.d. validation minibatches in training mode (else null). */
  batchStatsIid: BatchStatsEvaluation | null;
  /** r/d diagnostics of each normalization layer at the last training step. */
  renorm: (RenormDiagnostics & { layer: string })[];
  timing: { msPerStep: number | null; elapsedSeconds: number };
}

export interface FinalRecord {
  kind: 'final';
  step: number;
  validationAccuracy: number;
  validationAccuracyEma: number;
  /** Accuracy on every test image in inference mode, with the values and with their moving average. */
  testAccuracy: number;
  testAccuracyEma: number;
  /** BN jobs: the same as standard batchnorm (moving variance); else null. */
  testAccuracyStandard: number | null;
  testAccuracyStandardEma: number | null;
  /**
   * Test minibatches drawn like the training ones (on label-grouped
   * experiments: grouped by the true test labels), ⌊test images / batch⌋ of
   * them, in training mode; with the values and with their moving average.
   */
  testBatchStats: BatchStatsEvaluation;
  testBatchStatsEma: BatchStatsEvaluation;
  /** BN jobs on label-grouped experiments: i.i.d. test minibatches scoring every test image once (`coveringBatches`); else null. */
  testBatchStatsIid: BatchStatsEvaluation | null;
  testBatchStatsIidEma: BatchStatsEvaluation | null;
  timing: { msPerStep: number; trainSeconds: number; totalSeconds: number; resumedFromStep: number };
}

export type JobRecord = HeaderRecord | EvalRecord | FinalRecord;

export interface JobProgress {
  job: string;
  step: number;
  steps: number;
  validationAccuracy: number | null;
  msPerStep: number | null;
}

export function jobId(spec: Pick<JobSpec, 'profile' | 'config' | 'variant' | 'seed'>): string {
  return `${spec.profile}/${spec.config.name}/${spec.variant}-seed${spec.seed}`;
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

export function jobPaths(spec: JobSpec): { final: string; partial: string; checkpoint: string; lock: string } {
  const final = join(profileRunsDir(spec.runsDir, spec.profile, spec.data), spec.config.name, jobFileName(spec.variant, spec.seed));
  const base = final.slice(0, -'.jsonl'.length);
  return { final, partial: `${base}.partial.jsonl`, checkpoint: `${base}.ckpt.json`, lock: `${base}.lock` };
}

/**
 * The config fields that differ between two runs of one job. `seeds` and
 * `variants` list the experiment's other jobs, not this one's, so they are not
 * part of a job's identity (running `--seeds 1` first and all seeds later
 * reuses the first); `dataDir` says where the data lay, and the data's own
 * identity (its checksums) is compared instead.
 */
export function configDifferences(a: ExperimentConfig, b: ExperimentConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => k !== 'seeds' && k !== 'variants' && k !== 'dataDir'));
  const field = (c: ExperimentConfig, k: string) => JSON.stringify((c as unknown as Record<string, unknown>)[k]);
  return [...keys].filter((k) => field(a, k) !== field(b, k));
}

/**
 * Throws, naming what differs, unless the finished log at `path` was made
 * with `expected`'s config, backend and data: a finished job is reused only
 * when everything that changes its numbers matches.
 */
export function checkFinishedMatches(path: string, expected: HeaderRecord): void {
  const header = readJobRecords(path).find((r): r is HeaderRecord => r.kind === 'header');
  if (header === undefined) throw new Error(`${path}: a finished job file without a header`);
  const differs: string[] = [];
  if (header.backend !== expected.backend) differs.push(`backend ${header.backend} (this run: ${expected.backend})`);
  if (header.trainer !== expected.trainer) differs.push(`trainer ${header.trainer} (this run: ${expected.trainer})`);
  if (JSON.stringify(header.data?.md5) !== JSON.stringify(expected.data.md5)) differs.push(`data ${header.data?.name ?? 'unrecorded'} (this run: ${expected.data.name})`);
  const fields = configDifferences(header.config, expected.config);
  if (fields.length > 0) differs.push(`config (${fields.join(', ')} differ)`);
  if (differs.length > 0) {
    throw new Error(`${path} is a finished job made with another ${differs.join('; ')}: it is not reused. Remove it or run with another --runs-dir.`);
  }
}

/** The records of a finished log. */
export function readJobRecords(path: string): JobRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JobRecord);
}

/** The header and evaluations of a partial log; a line cut short by an interruption is dropped. */
export function readPartialLog(path: string): { header: HeaderRecord; evals: EvalRecord[] } | null {
  const records: JobRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as JobRecord);
    } catch {
      break;
    }
  }
  const header = records.find((r): r is HeaderRecord => r.kind === 'header');
  return header === undefined ? null : { header, evals: records.filter((r): r is EvalRecord => r.kind === 'eval') };
}
