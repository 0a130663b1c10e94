/**
 * brn submit and status without a cluster: `--dry-run` writes and prints the
 * sbatch array script (checked by bash -n, one task per unfinished job, the
 * task's output beside its log), status reads the runs directory. A real Slurm
 * runs the same path in `make test-cluster`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { testDir } from '../testing';

const CLI = join(__dirname, '..', 'cli.js');
const brn = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('brn submit --dry-run and brn status', () => {
  it('writes a valid array script for the full profile: one task per unfinished job, output beside each log', () => {
    const runs = join(testDir('submit'), 'runs');
    const r = brn(
      'submit',
      'full',
      '--slurm',
      '--dry-run',
      '--runs-dir',
      runs,
      '--partition',
      'gpu',
      '--max-parallel',
      '8',
    );
    assert.equal(r.status, 0, r.stderr);
    const [first, ...script] = r.stdout.split('\n');
    assert.match(
      first,
      /^wrote .*\/full\/slurm\/submit-\d{8}T\d{6}\.sbatch \(70 array tasks; 0 jobs finished or running\)$/,
    );
    const text = script.join('\n');
    assert.match(text, /^#!\/bin\/bash$/m);
    assert.match(text, /^#SBATCH --array=0-69%8$/m);
    assert.match(text, /^#SBATCH --partition=gpu$/m);
    assert.match(text, /^#SBATCH --requeue$/m);
    assert.match(text, /run-job "\$JOB" --runs-dir "\$RUNS"/);
    const path = first.slice('wrote '.length, first.indexOf(' ('));
    assert.equal(spawnSync('bash', ['-n', path]).status, 0, 'bash parses the script');
    const jobsFile = /sed -n "\$\(\(SLURM_ARRAY_TASK_ID \+ 1\)\)p" '([^']+)'/.exec(text)![1];
    const lines = readFileSync(jobsFile, 'utf8').trim().split('\n');
    assert.equal(lines.length, 70);
    assert.equal(lines[0], `full/baseline/bn-seed1 ${join(runs, 'full', 'baseline')}`);
    // The script hands each task its job id and the directory its output goes to.
    const task = spawnSync(
      'bash',
      [
        '-c',
        `${text
          .split('\n')
          .filter((l) => /^(LINE|JOB|LOG)=/.test(l))
          .join('\n')}\necho "$JOB|$LOG"`,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, SLURM_ARRAY_TASK_ID: '0' },
      },
    );
    assert.equal(task.stdout.trim(), `full/baseline/bn-seed1|${join(runs, 'full', 'baseline')}`);
  });

  it("the README's example script is what brn submit --dry-run writes (paths and time stamp aside)", () => {
    const runs = join(testDir('submit'), 'runs');
    const r = brn('submit', 'full', 'baseline', '--slurm', '--dry-run', '--runs-dir', runs);
    assert.equal(r.status, 0, r.stderr);
    const generated = r.stdout
      .split('\n')
      .slice(1)
      .join('\n')
      .split(runs)
      .join('/shared/brn/runs')
      .split(KIT_ROOT)
      .join('/shared/batch-renorm-kit')
      .replace(/\d{8}T\d{6}/g, 'YYYYMMDDTHHMMSS');
    const readme = readFileSync(join(KIT_ROOT, 'README.md'), 'utf8');
    const shown = /<!-- sbatch-example:start -->\n```bash\n([\s\S]*?)```\n<!-- sbatch-example:end -->/.exec(readme);
    assert.ok(shown !== null, 'the README shows an example script');
    assert.equal(shown[1], generated);
  });

  it('status lists each job with its state and counts them; a bad profile is a usage error', () => {
    const runs = join(testDir('status'), 'runs');
    const r = brn('status', 'quick', 'baseline', '--runs-dir', runs);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^pending +quick\/baseline\/bn-seed1$/m);
    assert.match(r.stdout, /10 jobs: 0 done, 0 running, 0 interrupted, 10 pending, 0 faulty\n$/);
    const bad = brn('status', 'medium');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /the first argument must be a profile, quick, full or confirmatory; got 'medium'/);
    const noSlurm = brn('submit', 'quick', '--runs-dir', runs);
    assert.equal(noSlurm.status, 2);
    assert.match(noSlurm.stderr, /brn submit needs --slurm/);
  });
});
