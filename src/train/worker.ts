/**
 * A child process that runs jobs sent by the pool (one at a time, data loaded
 * once) and reports progress. Started by `pool.ts` with `fork`.
 */
import { initBackend } from '../backend';
import { DataCache } from '../data/dataset';
import { runJob } from './job';
import type { LockOwner } from './lock';
import type { JobProgress } from './progress';
import { dataOptionsOf, jobId, type JobSpec } from './spec';

export type ToWorker = { type: 'job'; spec: JobSpec } | { type: 'exit' };
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'progress'; progress: JobProgress }
  | { type: 'notice'; job: string; message: string }
  | { type: 'done'; job: string; path: string; skipped: boolean }
  | { type: 'busy'; job: string; owner: LockOwner }
  | { type: 'error'; job: string; message: string }
  | { type: 'startup-error'; message: string };

function send(message: FromWorker): void {
  process.send!(message);
}

async function main(): Promise<void> {
  // A worker whose parent has gone (killed, Ctrl-C, kill -9) stops too; its job resumes on the next run.
  // The IPC channel's 'disconnect' needs the event loop, which a training job holds for minutes at a
  // time, so the job also looks at the parent's pid before every step (a quarter of a microsecond):
  // an orphan is re-parented, and exits between two steps, never inside a write.
  process.on('disconnect', () => process.exit(1));
  const parent = process.ppid;
  const exitIfOrphaned = () => {
    if (process.ppid !== parent) process.exit(1);
  };
  setInterval(exitIfOrphaned, 200).unref();
  const backend = await initBackend();
  send({ type: 'ready', backend });
  const data = new DataCache();
  process.on('message', (message: ToWorker) => {
    if (message.type === 'exit') process.exit(0);
    const { spec } = message;
    const job = jobId(spec);
    Promise.resolve()
      .then(() =>
        runJob(spec, data.get(dataOptionsOf(spec)), {
          onProgress: (progress) => send({ type: 'progress', progress }),
          onNotice: (notice) => send({ type: 'notice', job, message: `${job}: ${notice}` }),
          beforeStep: exitIfOrphaned,
        }),
      )
      .then((r) =>
        send(
          r.busy !== undefined
            ? { type: 'busy', job, owner: r.busy }
            : { type: 'done', job, path: r.path, skipped: r.skipped },
        ),
      )
      .catch((err: unknown) => send({ type: 'error', job, message: err instanceof Error ? err.message : String(err) }));
  });
}

main().catch((err: unknown) => {
  process.send?.({
    type: 'startup-error',
    message: err instanceof Error ? err.message : String(err),
  } satisfies FromWorker);
  process.exit(1);
});
