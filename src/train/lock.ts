/**
 * One worker per job: a lock file beside the job's log, created exclusively
 * (`wx`), holding the owner's pid and start time. A lock whose process is gone
 * (killed, crashed) or that is older than `staleAfterMs` is taken over.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LockOwner {
  pid: number;
  since: number;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) && Number.isFinite(owner.since) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock at `path`, or returns who holds it. A stale lock (its process
 * gone, or older than `staleAfterMs`) is removed and taken; so is one that
 * cannot be read twice in a row 50 ms apart (cut short when its owner died).
 */
export function tryLock(
  path: string,
  staleAfterMs = 24 * 3600 * 1000,
): { release: () => void } | { heldBy: LockOwner } {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, since: Date.now() } satisfies LockOwner));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let owner = readOwner(path);
    if (owner === null) {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      owner = readOwner(path);
    }
    if (owner !== null && alive(owner.pid) && Date.now() - owner.since < staleAfterMs) return { heldBy: owner };
    rmSync(path, { force: true });
  }
  throw new Error(`${path}: could not take the lock after removing a stale one twice`);
}
