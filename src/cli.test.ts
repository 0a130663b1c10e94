/** The brn command as a user runs it: exit codes and messages for good and bad input. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testDir } from './testing';
import { parseArgs } from './cli';

function brn(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  // A timeout, so a regression that starts a real run fails here instead of hanging.
  const r = spawnSync(process.execPath, [join(__dirname, 'cli.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  if (r.error !== undefined) throw new Error(`brn ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('brn', () => {
  it('parses options with node:util and refuses unknown options and bad values', () => {
    assert.throws(() => parseArgs(['run', 'baseline', '--fast']), /Unknown option '--fast'/);
    assert.throws(() => parseArgs(['run', '--seeds']), /Option '--seeds <value>' argument missing/);
    assert.throws(() => parseArgs(['run', '--quick=yes']), /Option '--quick' does not take an argument/);
    assert.deepEqual(parseArgs(['run', 'baseline', '--seeds', '2', '--quick']), {
      command: 'run',
      positional: ['baseline'],
      flags: { seeds: '2', quick: true },
    });
  });

  it('lists the experiments', () => {
    const r = brn('list');
    assert.equal(r.status, 0);
    for (const name of ['baseline', 'microbatch', 'non-iid', 'non-iid-k16', 'microbatch-mb2'])
      assert.match(r.stdout, new RegExp(`^${name} `, 'm'));
  });

  it('prints usage with --help', () => {
    const r = brn('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /brn reproduce \[--sweeps\] \[options\]/);
  });

  it('refuses bad input with a message naming it, and writes nothing', () => {
    const dir = testDir('cli');
    const where = ['--runs-dir', join(dir, 'runs'), '--results-dir', join(dir, 'results')];
    const cases: [string[], number, RegExp][] = [
      [['run', 'nope', '--quick', ...where], 1, /Unknown experiment 'nope': expected one of baseline,/],
      [['run', 'baseline', '--fast'], 2, /Unknown option '--fast'/],
      [['run', 'baseline', '--seeds', 'two', ...where], 1, /Option --seeds must be a positive integer, got 'two'/],
      [['run', 'baseline', '--backend', 'gpu', ...where], 1, /Unknown backend 'gpu'/],
      [['run', 'baseline', '--architecture', 'resnet', ...where], 1, /Unknown architecture 'resnet'/],
      [['reproduce', 'baseline', ...where], 1, /takes no experiment names/],
      [['summarize', '--quick', ...where], 1, /No finished jobs under .*: nothing to summarize/],
      [
        ['figures', '--quick', '--results-dir', join(dir, 'results'), '--figures-dir', join(dir, 'figures')],
        1,
        /No quick summary under .*: run 'brn reproduce --quick' first/,
      ],
      [['frobnicate'], 1, /Unknown command 'frobnicate'/],
    ];
    for (const [args, status, message] of cases) {
      const r = brn(...args);
      assert.equal(r.status, status, `brn ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(
      existsSync(join(dir, 'runs')) || existsSync(join(dir, 'results')) || existsSync(join(dir, 'figures')),
      false,
    );
  });
});
