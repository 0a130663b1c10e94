/**
 * The lock rules on one host and across hosts (a lock from "another host" is
 * written by hand): who may take a job over, and what a waiting run is told.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testDir } from '../testing';
import { describeOwner, processStart, STALE_AFTER_MS, tryLock, whyStale, type LockOwner } from './lock';

const owner = (extra: Partial<LockOwner> = {}): LockOwner => ({
  host: hostname(),
  pid: process.pid,
  started: processStart(process.pid),
  since: Date.now(),
  heartbeat: Date.now(),
  slurmJob: null,
  ...extra,
});

const deadPid = () =>
  Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('locks', () => {
  it('this host: a live owner holds; a dead pid, or a pid now another process (reused), is taken over at once', () => {
    assert.equal(whyStale(owner()), null);
    assert.match(whyStale(owner({ pid: deadPid() }))!, /process \d+ is gone/);
    if (processStart(1) !== null) {
      // pid 1 is alive, but it is not the process that took the lock: its start time differs.
      assert.match(whyStale(owner({ pid: 1, started: -1 }))!, /pid 1 now belongs to another process/);
    }
  });

  it('another host: a live-looking pid means nothing there; only a stale heartbeat frees the lock', () => {
    const far = owner({ host: 'node-17.cluster', pid: deadPid(), started: 123 });
    assert.equal(whyStale(far), null, 'a lock from another host with a recent heartbeat is not taken');
    const old = { ...far, heartbeat: Date.now() - STALE_AFTER_MS - 1_000 };
    assert.match(whyStale(old)!, /no heartbeat for 15 min/);
  });

  it('a lock held by a live owner is reported (who, where, since when), and taken once released or stale', () => {
    const path = join(testDir('lock'), 'job.lock');
    const held = owner({ host: 'node-3', pid: 4242, slurmJob: '17_3' });
    writeFileSync(path, JSON.stringify(held));
    const r = tryLock(path);
    assert.ok('heldBy' in r);
    assert.match(
      describeOwner(r.heldBy),
      /^pid 4242 on host node-3 since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(heartbeat \d+ s ago, Slurm task 17_3\)$/,
    );
    writeFileSync(path, JSON.stringify({ ...held, heartbeat: Date.now() - STALE_AFTER_MS }));
    const taken = tryLock(path);
    assert.ok('release' in taken, 'stale: taken over');
    const mine = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    assert.equal(mine.pid, process.pid);
    assert.equal(mine.host, hostname());
    const before = mine.heartbeat;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    taken.refresh();
    assert.ok((JSON.parse(readFileSync(path, 'utf8')) as LockOwner).heartbeat > before, 'refresh beats the heart');
    taken.release();
    assert.equal(existsSync(path), false);
  });

  it('a lock from before hosts and heartbeats were recorded still works: this host, its pid, its age', () => {
    const path = join(testDir('lock-old'), 'job.lock');
    writeFileSync(path, JSON.stringify({ pid: process.pid, since: Date.now() }));
    assert.ok('heldBy' in tryLock(path));
    writeFileSync(path, JSON.stringify({ pid: process.pid, since: Date.now() - 2 * STALE_AFTER_MS }));
    assert.ok('release' in tryLock(path));
  });

  it('a restarted Slurm task (requeued or preempted) takes over the lock of its own earlier run', () => {
    const saved = { job: process.env.SLURM_ARRAY_JOB_ID, task: process.env.SLURM_ARRAY_TASK_ID };
    process.env.SLURM_ARRAY_JOB_ID = '99';
    process.env.SLURM_ARRAY_TASK_ID = '4';
    try {
      assert.match(whyStale(owner({ host: 'node-2', pid: 77, slurmJob: '99_4' }))!, /Slurm task 99_4 restarted/);
      assert.equal(
        whyStale(owner({ host: 'node-2', pid: 77, slurmJob: '99_5' })),
        null,
        'another task of the array holds',
      );
    } finally {
      if (saved.job === undefined) delete process.env.SLURM_ARRAY_JOB_ID;
      else process.env.SLURM_ARRAY_JOB_ID = saved.job;
      if (saved.task === undefined) delete process.env.SLURM_ARRAY_TASK_ID;
      else process.env.SLURM_ARRAY_TASK_ID = saved.task;
    }
  });
});
