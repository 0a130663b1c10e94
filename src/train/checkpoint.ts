/**
 * Checkpoints and the resume policy. A checkpoint holds the step, the
 * trainer's state (weights, optimizer slots and the weights' moving average,
 * float32 as base64) and the
 * training time so far; it is written atomically on evaluation steps. A job
 * resumes from it only when its partial log was made with the same config,
 * backend, trainer and data; otherwise it starts again from step 0.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeJsonAtomic } from '../io/atomic';
import { jobDifferences, readPartialLog, type EvalRecord, type HeaderRecord } from '../results/records';
import type { NamedArray, Trainer, TrainerState } from './trainer';

interface Checkpoint {
  step: number;
  trainSeconds: number;
  weights: { name: string; shape: number[]; data: string }[];
  optimizer: { name: string; shape: number[]; data: string }[];
  average: { name: string; shape: number[]; data: string }[];
}

const encode = (a: NamedArray) => ({
  name: a.name,
  shape: a.shape,
  data: Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64'),
});

function decode(a: { name: string; shape: number[]; data: string }): NamedArray {
  const buf = Buffer.from(a.data, 'base64');
  // Copied into its own buffer: Buffer.from may share a pool and need not be 4-byte aligned.
  return { name: a.name, shape: a.shape, values: new Float32Array(new Uint8Array(buf).buffer) };
}

export async function saveCheckpoint(
  path: string,
  step: number,
  trainSeconds: number,
  trainer: Trainer,
): Promise<void> {
  const state = await trainer.state();
  const ckpt: Checkpoint = {
    step,
    trainSeconds,
    weights: state.weights.map(encode),
    optimizer: state.optimizer.map(encode),
    average: state.average.map(encode),
  };
  writeJsonAtomic(path, ckpt);
}

/** Where a job starts: step 0, or the checkpoint's step with the evaluations logged up to it. */
export interface ResumePoint {
  step: number;
  trainSeconds: number;
  /** The log's records so far (the header first). */
  records: (HeaderRecord | EvalRecord)[];
}

/**
 * Restores `trainer` from the checkpoint at `paths.checkpoint` when the partial
 * log beside it has `header`'s config and backend; otherwise removes any stale
 * checkpoint and returns a fresh start.
 */
export async function resumeOrStart(
  paths: { partial: string; checkpoint: string },
  header: HeaderRecord,
  trainer: Trainer,
): Promise<ResumePoint> {
  const partial = existsSync(paths.checkpoint) && existsSync(paths.partial) ? readPartialLog(paths.partial) : null;
  if (partial !== null && jobDifferences(partial.header, header).length === 0) {
    const ckpt = JSON.parse(readFileSync(paths.checkpoint, 'utf8')) as Checkpoint;
    const state: TrainerState = {
      weights: ckpt.weights.map(decode),
      optimizer: ckpt.optimizer.map(decode),
      average: ckpt.average.map(decode),
    };
    await trainer.restore(state);
    return {
      step: ckpt.step,
      trainSeconds: ckpt.trainSeconds,
      records: [partial.header, ...partial.evals.filter((r) => r.step <= ckpt.step)],
    };
  }
  rmSync(paths.checkpoint, { force: true });
  return { step: 0, trainSeconds: 0, records: [header] };
}
