/**
 * Runs independent jobs over the cores: one child process per worker slot,
 * each taking jobs from a shared queue, with progress shown as it comes.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
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
}

export interface PoolResult {
  finished: string[];
  skipped: string[];
  failed: { job: string; message: string }[];
}

/** How often a job that another process holds is looked at again. */
const BUSY_POLL_MS = 1_000;

export function defaultJobs(): number {
  return Math.max(1, cpus().length);
}

export async function runPool(specs: JobSpec[], options: PoolOptions = {}): Promise<PoolResult> {
  const slots = Math.min(options.jobs ?? defaultJobs(), Math.max(1, specs.length));
  if (!Number.isInteger(slots) || slots < 1) throw new Error(`--jobs must be a positive integer, got ${options.jobs}`);
  const queue = [...specs];
  const result: PoolResult = { finished: [], skipped: [], failed: [] };
  const children = new Set<ChildProcess>();
  const stopAll = () => {
    for (const c of children) c.kill('SIGTERM');
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
            let current: string | null = null;
            let currentSpec: JobSpec | null = null;
            const nextJob = () => {
              const spec = queue.shift();
              if (spec === undefined) {
                current = null;
                child.send({ type: 'exit' } satisfies ToWorker);
                return;
              }
              current = jobId(spec);
              currentSpec = spec;
              child.send({ type: 'job', spec } satisfies ToWorker);
            };
            child.on('message', (m: FromWorker) => {
              if (m.type === 'ready') {
                options.onBackend?.(m.backend);
                nextJob();
              } else if (m.type === 'progress') {
                options.onProgress?.(m.progress);
              } else if (m.type === 'busy') {
                // Another process is training it: try again after the rest, and wait when nothing else is left.
                queue.push(currentSpec!);
                current = null;
                setTimeout(nextJob, queue.length === 1 ? BUSY_POLL_MS : 0);
              } else if (m.type === 'done') {
                (m.skipped ? result.skipped : result.finished).push(m.job);
                options.onDone?.(m.job, m.skipped);
                nextJob();
              } else if (m.type === 'error') {
                result.failed.push({ job: m.job, message: m.message });
                if (m.job === '(start-up)') return;
                nextJob();
              }
            });
            child.on('exit', (code, signal) => {
              children.delete(child);
              if (current !== null)
                result.failed.push({ job: current, message: `worker exited (${signal ?? `code ${code}`})` });
              resolveSlot();
            });
          }),
      ),
    );
  } finally {
    process.removeListener('SIGINT', stopAll);
    process.removeListener('SIGTERM', stopAll);
  }
  for (const spec of queue) result.failed.push({ job: jobId(spec), message: 'not run: no worker was left to take it' });
  return result;
}
