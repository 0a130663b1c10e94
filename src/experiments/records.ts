/**
 * A job's log: its records (JSON lines), the one place a job's file names are
 * made and parsed, and reading logs back.
 *
 * Files, under `<runsDir>/<profile>/<experiment>/`:
 * - `<variant>-seed<N>.jsonl`: the finished job (header, one line per
 *   evaluation, a final line with test accuracy), written to a temporary file
 *   and renamed, so a file under this name is always complete;
 * - `<variant>-seed<N>.partial.jsonl` and `….ckpt.json`: progress and the
 *   last checkpoint of an unfinished job (see `checkpoint.ts`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
}

export interface HeaderRecord {
  kind: 'header';
  job: string;
  profile: Profile;
  experiment: string;
  variant: Variant;
  seed: number;
  backend: string;
  dataSource: string;
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
  /** Validation minibatches drawn like the training ones, in training mode (minibatch statistics). */
  batchStats: BatchStatsEvaluation;
  /** r/d diagnostics of each normalization layer at the last training step. */
  renorm: (RenormDiagnostics & { layer: string })[];
  timing: { msPerStep: number | null; elapsedSeconds: number };
}

export interface FinalRecord {
  kind: 'final';
  step: number;
  validationAccuracy: number;
  testAccuracy: number;
  /** Test minibatches drawn like the training ones, in training mode. */
  testBatchStats: BatchStatsEvaluation;
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

export function jobPaths(spec: JobSpec): { final: string; partial: string; checkpoint: string } {
  const final = join(spec.runsDir, spec.profile, spec.config.name, jobFileName(spec.variant, spec.seed));
  const base = final.slice(0, -'.jsonl'.length);
  return { final, partial: `${base}.partial.jsonl`, checkpoint: `${base}.ckpt.json` };
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
