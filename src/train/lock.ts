/**
 * One process per job, on one machine or across the nodes of a cluster that
 * share the runs directory: a lock file beside the job's log, created
 * exclusively (`wx`), naming its owner (host, pid, the process's start time,
 * the Slurm task if any) and refreshed at every evaluation (`heartbeat`).
 *
 * Who may take a lock over:
 * - a lock from this host whose process is gone, or whose pid now belongs to
 *   another process (a different start time: the pid was reused), at once;
 * - a lock from another host only when its heartbeat is older than
 *   `staleAfterMs`, or when Slurm reports its task gone (the pid means
 *   nothing on this host), or when it names this very Slurm task (a
 *   preempted or requeued task, restarted);
 * - a lock that cannot be read twice in a row 50 ms apart (cut short when its
 *   owner died), at once.
 * Any lock whose heartbeat is older than `staleAfterMs` is stale: the bound
 * on how long a hung owner can hold a job.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { writeFileAtomic, WriteError } from '../io/atomic';
import { LOCK_STALE_AFTER_MS } from '../results/layout';

export interface LockOwner {
  host: string;
  pid: number;
  /** The owner process's start time (Linux: clock ticks after boot, from /proc), or null where unknown. */
  started: number | null;
  /** When the lock was taken, and last refreshed (ms since the epoch). */
  since: number;
  heartbeat: number;
  /** The Slurm job (and array task) the owner runs in, if any: `<job id>_<task>`. */
  slurmJob: string | null;
}

/** How long an owner may go without refreshing its lock before it counts as gone. */
export const STALE_AFTER_MS = LOCK_STALE_AFTER_MS;

/** A process's start time on this host (Linux /proc), or null where it cannot be read. */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesized command name, which may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = Number(fields[19]);
    return Number.isFinite(start) ? start : null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function currentSlurmJob(): string | null {
  const job = process.env.SLURM_ARRAY_JOB_ID ?? process.env.SLURM_JOB_ID;
  if (job === undefined) return null;
  const task = process.env.SLURM_ARRAY_TASK_ID;
  return task === undefined ? job : `${job}_${task}`;
}

function me(): LockOwner {
  const now = Date.now();
  return {
    host: hostname(),
    pid: process.pid,
    started: processStart(process.pid),
    since: now,
    heartbeat: now,
    slurmJob: currentSlurmJob(),
  };
}

/** An owner as read from a lock file (older locks held only pid and since: this host, start unknown). */
function readOwner(path: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockOwner>;
    if (!Number.isInteger(o.pid) || !Number.isFinite(o.since)) return null;
    return {
      host: o.host ?? hostname(),
      pid: o.pid!,
      started: o.started ?? null,
      since: o.since!,
      heartbeat: o.heartbeat ?? o.since!,
      slurmJob: o.slurmJob ?? null,
    };
  } catch {
    return null;
  }
}

/** Whether Slurm says the task `job` is gone (false when Slurm cannot be asked: then only the timeout decides). */
function slurmTaskGone(job: string): boolean {
  const r = spawnSync('squeue', ['--noheader', '--format=%T', '--jobs', job], { encoding: 'utf8', timeout: 10_000 });
  if (r.error !== undefined || r.status === null) return false;
  if (r.status !== 0) return /Invalid job id/i.test(String(r.stderr ?? ''));
  return String(r.stdout ?? '').trim() === '';
}

/** Why `owner` no longer holds its lock, or null when it still does. */
export function whyStale(owner: LockOwner, now = Date.now(), staleAfterMs = STALE_AFTER_MS): string | null {
  if (now - owner.heartbeat >= staleAfterMs)
    return `no heartbeat for ${Math.round((now - owner.heartbeat) / 60_000)} min`;
  const task = currentSlurmJob();
  if (owner.slurmJob !== null && owner.slurmJob === task && owner.pid !== process.pid) {
    return `Slurm task ${task} restarted (requeued or preempted)`;
  }
  if (owner.host === hostname()) {
    if (!alive(owner.pid)) return `process ${owner.pid} is gone`;
    const started = processStart(owner.pid);
    if (owner.started !== null && started !== null && started !== owner.started) {
      return `pid ${owner.pid} now belongs to another process`;
    }
    return null;
  }
  if (owner.slurmJob !== null && slurmTaskGone(owner.slurmJob)) return `Slurm task ${owner.slurmJob} is gone`;
  return null;
}

/** "pid P on host H since T (heartbeat Ns ago, Slurm task J)", for messages. */
export function describeOwner(owner: LockOwner, now = Date.now()): string {
  const since = new Date(owner.since)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC');
  const beat = Math.round((now - owner.heartbeat) / 1000);
  const slurm = owner.slurmJob === null ? '' : `, Slurm task ${owner.slurmJob}`;
  return `pid ${owner.pid} on host ${owner.host} since ${since} (heartbeat ${beat} s ago${slurm})`;
}

export interface HeldLock {
  /** Rewrites the lock with a fresh heartbeat (atomically). */
  refresh(): void;
  release(): void;
}

/**
 * Takes the lock at `path`, or returns who holds it. A stale lock (see the
 * file's comment) is removed and taken.
 */
export function tryLock(path: string, staleAfterMs = STALE_AFTER_MS): HeldLock | { heldBy: LockOwner } {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    const owner = me();
    try {
      const fd = openSync(path, 'wx');
      try {
        const bytes = Buffer.from(JSON.stringify(owner));
        if (writeSync(fd, bytes) !== bytes.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
      } catch (err) {
        // A lock cut short by a full disk is no lock: remove it, and say which file could not be written.
        closeSync(fd);
        rmSync(path, { force: true });
        throw new WriteError(path, err as NodeJS.ErrnoException);
      }
      closeSync(fd);
      return {
        refresh: () => writeFileAtomic(path, JSON.stringify({ ...owner, heartbeat: Date.now() })),
        release: () => rmSync(path, { force: true }),
      };
    } catch (err) {
      if (err instanceof WriteError || (err as NodeJS.ErrnoException).code !== 'EEXIST')
        throw err instanceof WriteError ? err : new WriteError(path, err as NodeJS.ErrnoException);
    }
    let held = readOwner(path);
    if (held === null) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      held = readOwner(path);
    }
    if (held !== null && whyStale(held, Date.now(), staleAfterMs) === null) return { heldBy: held };
    rmSync(path, { force: true });
  }
  throw new Error(`${path}: could not take the lock after removing a stale one twice`);
}
