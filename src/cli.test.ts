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
  it('parses options, and refuses unknown options and missing values in its own words', () => {
    assert.throws(() => parseArgs(['run', 'baseline', '--fast']), /unknown option '--fast'/);
    assert.throws(() => parseArgs(['run', '--seeds']), /--seeds needs a value/);
    assert.throws(
      () => parseArgs(['run', 'baseline', '--seeds', '--runs-dir', 'x']),
      /--seeds needs a value, got the option '--runs-dir'/,
    );
    assert.throws(() => parseArgs(['run', '--quick=yes']), /--quick takes no value, got '--quick=yes'/);
    assert.deepEqual(parseArgs(['run', 'baseline', '--seeds', '2', '--quick']), {
      command: 'run',
      positional: ['baseline'],
      flags: { seeds: '2', quick: true },
    });
    // A value that starts with '-' is the option's value (then refused as a bad count), not an option.
    assert.deepEqual(parseArgs(['run', 'baseline', '--seeds', '-3']).flags, { seeds: '-3' });
    assert.deepEqual(parseArgs(['run', 'x', '--variant', 'bn,brn', '--variant', 'gn']).flags, {
      variant: ['bn,brn', 'gn'],
    });
  });

  it('lists the experiments', () => {
    const r = brn('list');
    assert.equal(r.status, 0);
    for (const name of ['baseline', 'microbatch', 'non-iid', 'non-iid-k16', 'microbatch-mb2'])
      assert.match(r.stdout, new RegExp(`^${name} `, 'm'));
  });

  it('prints help: the commands with --help (exit 0) or alone (exit 2), and each command its own', () => {
    const r = brn('--help');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: brn <command> \[options\]/);
    assert.match(r.stdout, /reproduce +run baseline, microbatch and non-iid/);
    const alone = brn();
    assert.equal(alone.status, 2);
    assert.match(alone.stderr, /^Usage: brn <command>/);
    const run = brn('run', '--help');
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: brn run <experiment>\.\.\. \[options\]/);
    assert.match(run.stdout, /--variant V +only these variants/);
    assert.doesNotMatch(run.stdout, /--figures-dir/, "run's help lists run's options only");
    assert.match(brn('help', 'submit').stdout, /^Usage: brn submit <quick\|full\|confirmatory>/);
  });

  it('refuses bad input with a message naming it, and writes nothing', () => {
    const dir = testDir('cli');
    const where = ['--runs-dir', join(dir, 'runs'), '--results-dir', join(dir, 'results')];
    const usage = (cmd: string) => new RegExp(`\\nSee 'brn ${cmd === '' ? '' : `${cmd} `}--help'\\.\\n$`);
    const cases: [string[], number, RegExp][] = [
      [['run', 'nope', '--quick', ...where], 2, /Unknown experiment 'nope': expected one of baseline,/],
      [['run', 'baseline', '--fast'], 2, /unknown option '--fast'/],
      [['run', 'baseline', '--seeds', 'two', ...where], 2, /--seeds must be a positive integer, got 'two'/],
      [['run', 'baseline', '--seeds', '-3', ...where], 2, /--seeds must be a positive integer, got '-3'/],
      [
        ['run', 'baseline', '--backend', 'gpu', ...where],
        2,
        /unknown backend 'gpu': expected one of tensorflow, wasm, cpu/,
      ],
      [['run', 'baseline', '--architecture', 'resnet', ...where], 2, /unknown architecture 'resnet'/],
      [['run', 'baseline', '--variant', 'bn,xn', ...where], 2, /unknown variant 'xn'/],
      [
        ['run', 'baseline', '--variant', 'brn-noramp', ...where],
        2,
        /baseline has none of the variants brn-noramp: its/,
      ],
      [['run', 'baseline', '--readme', ...where], 2, /--readme does not apply to 'brn run'/],
      [['reproduce', 'baseline', ...where], 2, /takes no experiment names/],
      [['summarize', '--quick', ...where], 1, /No finished jobs under .*: nothing to summarize/],
      [
        ['figures', '--quick', '--results-dir', join(dir, 'results'), '--figures-dir', join(dir, 'figures')],
        1,
        /No quick summary under .*: run 'brn reproduce --quick' first/,
      ],
      [['frobnicate'], 2, /unknown command 'frobnicate'/],
    ];
    for (const [args, status, message] of cases) {
      const r = brn(...args);
      assert.equal(r.status, status, `brn ${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      if (status === 2) {
        assert.match(
          r.stderr,
          args[0] === 'frobnicate' ? usage('') : usage(args[0]),
          'a short error, then where the help is',
        );
        assert.ok(r.stderr.split('\n').length <= 3, `a short message, not the whole usage: ${r.stderr}`);
      }
    }
    assert.equal(
      existsSync(join(dir, 'runs')) || existsSync(join(dir, 'results')) || existsSync(join(dir, 'figures')),
      false,
    );
  });
});
