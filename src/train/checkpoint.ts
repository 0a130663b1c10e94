/**
 * Checkpoints and the resume policy. A checkpoint holds the step, the
 * trainer's state (weights, optimizer slots and the weights' moving average,
 * float32 as base64), the training time so far, and the SHA-256 of all that;
 * it is written atomically on evaluation steps, the one before it kept as
 * `….ckpt.prev.json`. A job resumes from the newest checkpoint that reads
 * back whole (its digest matches and the trainer takes it), and only when its
 * partial log was made by the same job; a corrupt checkpoint is skipped with
 * a message naming it, so none can block a job: the fallback is step 0.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { writeJsonAtomic } from '../io/atomic';
import {
  jobDifferences,
  missingEvaluation,
  readPartialLog,
  type EvalRecord,
  type HeaderRecord,
} from '../results/records';
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
  const values = new Float32Array(new Uint8Array(buf).buffer);
  const size = a.shape.reduce((x, y) => x * y, 1);
  if (values.length !== size) throw new Error(`array '${a.name}' holds ${values.length} values for shape [${a.shape}]`);
  return { name: a.name, shape: a.shape, values };
}

const digestOf = (ckpt: Checkpoint) => createHash('sha256').update(JSON.stringify(ckpt)).digest('hex');

/** Where the checkpoint before the newest is kept. */
export const previousCheckpoint = (path: string) => path.replace(/\.json$/, '.prev.json');

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
  if (existsSync(path)) renameSync(path, previousCheckpoint(path));
  writeJsonAtomic(path, { ...ckpt, digest: `sha256:${digestOf(ckpt)}` });
}

/** The checkpoint at `path`, verified; an error says what is wrong with it. */
function readCheckpoint(path: string): { ckpt: Checkpoint; state: TrainerState } {
  let parsed: Checkpoint & { digest?: string };
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`not a whole JSON file (${(err as Error).message})`);
  }
  const { digest, ...ckpt } = parsed;
  if (digest === undefined) throw new Error('it has no digest, so its contents cannot be verified');
  if (digest !== `sha256:${digestOf(ckpt)}`) throw new Error('its contents do not match their digest');
  if (!Number.isInteger(ckpt.step) || !Array.isArray(ckpt.weights) || !Array.isArray(ckpt.optimizer)) {
    throw new Error('it lacks the step or the arrays');
  }
  const state = {
    weights: ckpt.weights.map(decode),
    optimizer: ckpt.optimizer.map(decode),
    average: ckpt.average.map(decode),
  };
  return { ckpt, state };
}

/**
 * Where a run of this job would resume, as `brn status` reports it: the step of the newest checkpoint
 * that verifies (the newer one named when it does not), or null with why not. The partial log must be there too.
 */
export function resumableStep(paths: { partial: string; checkpoint: string }): { step: number | null; note: string } {
  if (!existsSync(paths.partial)) return { step: null, note: 'no partial log beside the checkpoint' };
  const problems: string[] = [];
  for (const path of [paths.checkpoint, previousCheckpoint(paths.checkpoint)].filter(existsSync)) {
    try {
      const { step } = readCheckpoint(path).ckpt;
      return { step, note: problems.join('; ') };
    } catch (err) {
      problems.push(`${path} cannot be used: ${(err as Error).message}`);
    }
  }
  return { step: null, note: problems.join('; ') };
}

/** Where a job starts: step 0, or a checkpoint's step with the evaluations logged up to it. */
export interface ResumePoint {
  step: number;
  trainSeconds: number;
  /** The log's records so far (the header first). */
  records: (HeaderRecord | EvalRecord)[];
}

/**
 * Restores `trainer` from the newest whole checkpoint beside the partial log,
 * when that log was made by the same job; otherwise removes stale checkpoints
 * and returns a fresh start. Every checkpoint passed over is named in `notice`.
 */
export async function resumeOrStart(
  paths: { partial: string; checkpoint: string },
  header: HeaderRecord,
  trainer: Trainer,
  notice: (message: string) => void = () => {},
): Promise<ResumePoint> {
  const candidates = [paths.checkpoint, previousCheckpoint(paths.checkpoint)].filter(existsSync);
  const partial = candidates.length > 0 && existsSync(paths.partial) ? readPartialLog(paths.partial) : null;
  if (partial !== null && jobDifferences(partial.header, header).length === 0) {
    for (const path of candidates) {
      try {
        const { ckpt, state } = readCheckpoint(path);
        // Every evaluation up to the checkpoint must be in the partial log, else an earlier point is tried.
        const kept = partial.evals.filter((r) => r.step <= ckpt.step);
        const gap = missingEvaluation(header.config, kept, ckpt.step);
        if (gap !== null)
          throw new Error(
            `the partial log ${paths.partial} lacks the evaluation at step ${gap.step} (a damaged line ends what can be read of it)`,
          );
        await trainer.restore(state);
        const records = [partial.header, ...kept];
        return { step: ckpt.step, trainSeconds: ckpt.trainSeconds, records };
      } catch (err) {
        const next = path === candidates[candidates.length - 1] ? 'starting from step 0' : 'trying the previous one';
        notice(`checkpoint ${path} cannot be used: ${(err as Error).message}; ${next}`);
      }
    }
  }
  for (const path of [paths.checkpoint, previousCheckpoint(paths.checkpoint)]) rmSync(path, { force: true });
  return { step: 0, trainSeconds: 0, records: [header] };
}
