/**
 * One (experiment, variant, seed) job: the training loop. It trains, evaluates
 * every `evalEvery` steps, checkpoints every `checkpointEvery` steps, and
 * writes its metrics as JSON lines (`results/records.ts`). A re-run of an
 * interrupted job resumes from its checkpoint (`checkpoint.ts`) and reproduces
 * exactly the numbers an uninterrupted run would have given.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { activeBackend } from '../backend';
import type { ExperimentData } from '../data/dataset';
import { variantClipAt } from '../protocol/variants';
import { learningRateAt } from '../renorm/schedule';
import { jobDifferences, type CodeVersion, type EvalRecord, type HeaderRecord } from '../results/records';
import { KIT_ROOT } from '../paths';
import { LogProblem, readFinishedLog, remedy } from '../results/seal';
import { resumeOrStart, saveCheckpoint } from './checkpoint';
import { JobLog } from './job-log';
import { tryLock, type HeldLock, type LockOwner } from './lock';
import { JobMeasures, makeSampler } from './measure';
import type { JobProgress } from './progress';
import { jobId, jobPaths, type JobSpec } from './spec';
import type { Trainer } from './trainer';
import { trainerArithmetic, trainerFor, trainerKind } from './trainers';

export { trainerFor, trainerKind, type TrainerKind } from './trainers';

export interface JobHooks {
  onProgress?: (p: JobProgress) => void;
  /** Called before each training step (with the number of steps done). */
  beforeStep?: (step: number) => void;
  /** Something the user should know that does not stop the job (a faulty log set aside, a bad checkpoint skipped). */
  onNotice?: (message: string) => void;
  /** Called with the trained model after the final record is written, before it is disposed (analyses). */
  afterTraining?: (trainer: Trainer) => Promise<void> | void;
}

export interface JobOutcome {
  path: string;
  /** The finished log existed (made with the same config, backend and data). */
  skipped: boolean;
  /** Another live process holds the job's lock: nothing was done. */
  busy?: LockOwner;
}

let code: CodeVersion | null | undefined;

/** The checkout's commit and whether src/ has uncommitted changes (null outside a git checkout), read once per process. */
export function codeVersion(): CodeVersion | null {
  if (code !== undefined) return code;
  const git = (args: string[]) =>
    execFileSync('git', ['-C', KIT_ROOT, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    code = { commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain', '--', 'src']) !== '' };
  } catch {
    code = null;
  }
  return code;
}

function arithmeticOf(spec: JobSpec): { arithmetic?: string } {
  const arithmetic = trainerArithmetic(spec);
  return arithmetic === null ? {} : { arithmetic };
}

/** The header a log of `spec` on `data` starts with: everything that identifies the job. */
export function headerOf(spec: JobSpec, data: ExperimentData): HeaderRecord {
  const { config, variant, seed } = spec;
  return {
    kind: 'header',
    job: jobId(spec),
    profile: spec.profile,
    experiment: config.name,
    variant,
    seed,
    backend: activeBackend(),
    trainer: trainerKind(spec),
    ...arithmeticOf(spec),
    dataSource: data.source,
    data: spec.data,
    config,
    startedAt: new Date().toISOString(),
    code: codeVersion(),
  };
}

/**
 * The finished log at `path` when it is whole and was made by the same job:
 * reused. Null when there is none, or (`setAside`, under the job's lock) when
 * it failed its check: a cut, unfinished or changed log is moved to
 * `<path>.rejected` and the job trains again. A log made by another job, one
 * made before logs were sealed, or a finished one with lines appended after
 * its sealed result is an error saying what to do.
 */
function finishedJob(path: string, expected: HeaderRecord, setAside: boolean, hooks: JobHooks): JobOutcome | null {
  if (!existsSync(path)) return null;
  let header: HeaderRecord;
  try {
    header = readFinishedLog(path).header;
  } catch (err) {
    if (!(err instanceof LogProblem)) throw err;
    // Nothing to retrain (a finished result with lines after it, an unsealed log) or nothing to move: the user decides.
    if (err.fault === 'unsealed' || err.fault === 'unreadable' || err.fault === 'trailing')
      throw new Error(`${err.message}: ${remedy(err)}`);
    if (!setAside) return null;
    let aside = `${path}.rejected`;
    if (existsSync(aside)) aside = `${path}.rejected-${Date.now()}`;
    renameSync(path, aside);
    hooks.onNotice?.(`${err.message}; moved to ${aside}, and the job trains again`);
    return null;
  }
  const differs = jobDifferences(header, expected);
  if (differs.length > 0) {
    throw new Error(
      `${path} is a finished job made with another ${differs.join('; ')}: it is not reused. Remove it or run with another --runs-dir.`,
    );
  }
  return { path, skipped: true };
}

/**
 * Trains and evaluates one job on `data` (validated config). Returns at once
 * when its finished log exists and matches (or throws, naming what differs),
 * and when another process is training it.
 */
export async function runJob(spec: JobSpec, data: ExperimentData, hooks: JobHooks = {}): Promise<JobOutcome> {
  const paths = jobPaths(spec);
  const header = headerOf(spec, data);
  const finished = finishedJob(paths.final, header, false, hooks);
  if (finished !== null) return finished;
  const lock = tryLock(paths.lock);
  if ('heldBy' in lock) return { path: paths.final, skipped: false, busy: lock.heldBy };
  let trainer: Trainer | null = null;
  try {
    // Another process may have finished it between the check and the lock; a faulty log is set aside here.
    const now = finishedJob(paths.final, header, true, hooks);
    if (now !== null) return now;
    trainer = trainerFor(spec, data);
    await train(spec, data, trainer, header, hooks, lock);
    return { path: paths.final, skipped: false };
  } finally {
    trainer?.dispose();
    lock.release();
  }
}

/** The loop: resume or start, then step, evaluate and checkpoint until the last step, then the final record. */
async function train(
  spec: JobSpec,
  data: ExperimentData,
  trainer: Trainer,
  header: HeaderRecord,
  hooks: JobHooks,
  lock: HeldLock,
) {
  const { config, variant, seed } = spec;
  const paths = jobPaths(spec);
  const clock = new Clock();
  const start = await resumeOrStart(paths, header, trainer, (m) => hooks.onNotice?.(m));
  const log = new JobLog(paths, start.records);
  const measures = new JobMeasures(spec, data, trainer);
  const sampler = makeSampler(config, data.train, seed);
  const clipAt = (step: number) => variantClipAt(variant, step, config.ramp);
  let step = start.step;
  let trainSeconds = start.trainSeconds;
  let lastEval: EvalRecord | null = null;
  const evaluate = () => {
    const clip = clipAt(Math.max(0, step - 1));
    const context = { step, rmax: clip?.rmax ?? null, dmax: clip?.dmax ?? null };
    const learningRate = learningRateAt(Math.max(0, step - 1), config.optimizer);
    lastEval = log.append(measures.evaluation({ ...context, learningRate, timing: clock.interval() }));
    lock.refresh();
    const { msPerStep } = lastEval.timing;
    hooks.onProgress?.({
      job: header.job,
      step,
      steps: config.steps,
      validationAccuracy: lastEval.validationAccuracy,
      msPerStep,
    });
  };

  sampler.skip(step);
  // The clipping of the first step is in force from the first evaluation on.
  trainer.setClip(clipAt(step));
  if (step === 0) evaluate();
  else hooks.onProgress?.({ job: header.job, step, steps: config.steps, validationAccuracy: null, msPerStep: null });
  while (step < config.steps) {
    hooks.beforeStep?.(step);
    trainSeconds += clock.time(() =>
      trainer.step(data.train, sampler.next(), clipAt(step), learningRateAt(step, config.optimizer)),
    );
    step++;
    if (step % config.evalEvery === 0 || step === config.steps) evaluate();
    // Checkpoints fall on evaluation steps (validateConfig), so the training tally is empty.
    if (step % config.checkpointEvery === 0 && step < config.steps) {
      await saveCheckpoint(paths.checkpoint, step, trainSeconds, trainer);
    }
  }
  const timing = {
    msPerStep: (1000 * trainSeconds) / config.steps,
    trainSeconds,
    totalSeconds: clock.elapsed(),
    resumedFromStep: start.step,
  };
  // The last step always ends with an evaluation.
  log.finish(measures.final(step, lastEval!, timing));
  await hooks.afterTraining?.(trainer);
}

/** Wall time since the job started, and training time per step since the last evaluation. */
class Clock {
  private readonly started = process.hrtime.bigint();
  private steps = 0;
  private seconds = 0;

  /** Runs one step, counts it, and returns its seconds. */
  time(step: () => void): number {
    const t0 = process.hrtime.bigint();
    step();
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    this.steps++;
    this.seconds += dt;
    return dt;
  }

  elapsed(): number {
    return Number(process.hrtime.bigint() - this.started) / 1e9;
  }

  /** ms per step since the last call (null when no step ran), and the wall time so far; starts a new interval. */
  interval(): { msPerStep: number | null; elapsedSeconds: number } {
    const msPerStep = this.steps === 0 ? null : (1000 * this.seconds) / this.steps;
    [this.steps, this.seconds] = [0, 0];
    return { msPerStep, elapsedSeconds: this.elapsed() };
  }
}
