/**
 * Runs independent jobs over the cores: one child process per worker slot,
 * each taking jobs from a shared queue, with progress shown as it comes. A job
 * another process holds is tried again later, and said so; Ctrl-C (or
 * SIGTERM) stops every worker, and the result says the run was interrupted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { describeOwner, type LockOwner } from './lock';
import type { JobProgress } from './progress';
import { jobId, type JobSpec } from './spec';
import type { FromWorker, ToWorker } from './worker';

export interface PoolOptions {
  /** Worker processes; defaults to the number of cores. */
  jobs?: number;
  /** Forces a backend in every worker (else each picks the fastest). */
  backend?: string;
  onProgress?: (p: JobProgress) => void;
  onDone?: (job: string, skipped: boolean) => void;
  onBackend?: (backend: string) => void;
  /** Things worth telling the user that do not stop a job (a faulty log set aside, waiting for a lock). */
  onNotice?: (message: string) => void;
}

export interface PoolResult {
  finished: string[];
  skipped: string[];
  /** Jobs that ran and failed, each with why. */
  failed: { job: string; message: string }[];
  /** Jobs that never ran (the workers could not start, or the run was interrupted). */
  notRun: string[];
  /** Why the workers could not start, if they could not. */
  startup: string | null;
  /** The run was stopped by SIGINT or SIGTERM. */
  interrupted: boolean;
}

/** How often a job that another process holds is looked at again, and how often the wait is said again. */
const BUSY_POLL_MS = 1_000;
const BUSY_NOTICE_MS = 60_000;

export function defaultJobs(): number {
  return Math.max(1, cpus().length);
}

export async function runPool(specs: JobSpec[], options: PoolOptions = {}): Promise<PoolResult> {
  const slots = Math.min(options.jobs ?? defaultJobs(), Math.max(1, specs.length));
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`--jobs must be a positive integer, got ${options.jobs}`);
  const queue = [...specs];
  const result: PoolResult = { finished: [], skipped: [], failed: [], notRun: [], startup: null, interrupted: false };
  const children = new Set<ChildProcess>();
  const waitingSince = new Map<string, number>();
  const stopAll = () => {
    result.interrupted = true;
    for (const c of children) c.kill('SIGTERM');
  };
  const noteBusy = (job: string, owner: LockOwner) => {
    const first = waitingSince.get(job);
    const now = Date.now();
    if (first === undefined || now - first >= BUSY_NOTICE_MS) {
      waitingSince.set(job, now);
      options.onNotice?.(`${job}: waiting for lock held by ${describeOwner(owner)}`);
    }
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  try {
    await Promise.all(
      Array.from(
        { length: slots },
        () =>
          new Promise<void>((resolveSlot) => {
            if (queue.length === 0) return resolveSlot();
            const env = { ...process.env, ...(options.backend ? { BRN_BACKEND: options.backend } : {}) };
            const child = fork(join(__dirname, 'worker.js'), [], {
              env,
              stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
            });
            children.add(child);
            let current: JobSpec | null = null;
            const nextJob = () => {
              const spec = queue.shift();
              current = spec ?? null;
              if (spec === undefined) child.send({ type: 'exit' } satisfies ToWorker);
              else child.send({ type: 'job', spec } satisfies ToWorker);
            };
            child.on('message', (m: FromWorker) => {
              if (m.type === 'ready') {
                options.onBackend?.(m.backend);
                nextJob();
              } else if (m.type === 'progress') {
                options.onProgress?.(m.progress);
              } else if (m.type === 'notice') {
                options.onNotice?.(m.message);
              } else if (m.type === 'busy') {
                // Another process is training it: try again after the rest, and wait when nothing else is left.
                noteBusy(m.job, m.owner);
                queue.push(current!);
                current = null;
                setTimeout(nextJob, queue.length === 1 ? BUSY_POLL_MS : 0);
              } else if (m.type === 'done') {
                (m.skipped ? result.skipped : result.finished).push(m.job);
                options.onDone?.(m.job, m.skipped);
                nextJob();
              } else if (m.type === 'error') {
                result.failed.push({ job: m.job, message: m.message });
                nextJob();
              } else if (m.type === 'startup-error') {
                result.startup ??= m.message;
                current = null;
              }
            });
            child.on('exit', (code, signal) => {
              children.delete(child);
              if (current !== null) {
                if (result.interrupted) result.notRun.push(jobId(current));
                else
                  result.failed.push({ job: jobId(current), message: `worker exited (${signal ?? `code ${code}`})` });
              }
              resolveSlot();
            });
          }),
      ),
    );
  } finally {
    process.removeListener('SIGINT', stopAll);
    process.removeListener('SIGTERM', stopAll);
  }
  for (const spec of queue) result.notRun.push(jobId(spec));
  return result;
}
