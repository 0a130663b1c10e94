/**
 * Faults that interrupt or starve a run, injected and driven through the brn
 * command: a crash after two checkpoints (a truncated checkpoint, one without
 * its digest, a damaged line in the partial log), kill -9 of the CLI alone, a
 * summary of a half-run protocol, and a full disk.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ExperimentConfig } from '../protocol/config';
import { plannedEvalSteps } from '../results/records';
import { testDir } from '../testing';
import {
  brn,
  fx,
  interruptedRun,
  isAlive,
  job,
  jsonFiles,
  scratch,
  setupFaults,
  sleep,
  tmpfsUnavailable,
} from './faults.fixture';

before(setupFaults);

describe('interrupted runs', () => {
  it('a truncated checkpoint is named and skipped: the job resumes from the previous one', async () => {
    const { runs, base, args } = await interruptedRun('ckpt');
    const newest = `${base}.ckpt.json`;
    const previous = JSON.parse(readFileSync(`${base}.ckpt.prev.json`, 'utf8')).step as number;
    writeFileSync(newest, readFileSync(newest, 'utf8').slice(0, 5000));
    const st = brn(
      'status',
      'quick',
      'baseline',
      '--steps',
      '6000',
      '--variant',
      'bn',
      '--seeds',
      '1',
      '--data-dir',
      fx.data,
      '--runs-dir',
      runs,
    );
    assert.match(
      st.out,
      new RegExp(`interrupted .*checkpoint at step ${previous}: resumes there \\(.*ckpt\\.json cannot be used`),
    );
    const r = brn(...args);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /checkpoint .*\.ckpt\.json cannot be used: not a whole JSON file .*; trying the previous one/);
    const final = JSON.parse(readFileSync(`${base}.jsonl`, 'utf8').trim().split('\n').pop()!);
    assert.equal(final.timing.resumedFromStep, previous);
    assert.equal(
      existsSync(newest) || existsSync(`${base}.ckpt.prev.json`),
      false,
      'checkpoints go when the job finishes',
    );
  });

  it('a checkpoint without its digest is refused like a corrupt one: the job resumes from the previous one', async () => {
    const { base, args } = await interruptedRun('no-digest');
    const newest = `${base}.ckpt.json`;
    const previous = JSON.parse(readFileSync(`${base}.ckpt.prev.json`, 'utf8')).step as number;
    const { digest, ...rest } = JSON.parse(readFileSync(newest, 'utf8')) as Record<string, unknown>;
    assert.ok(typeof digest === 'string');
    writeFileSync(newest, JSON.stringify(rest));
    const r = brn(...args);
    assert.equal(r.status, 0, r.out);
    assert.match(
      r.out,
      /\.ckpt\.json cannot be used: it has no digest, so its contents cannot be verified; trying the previous one/,
    );
    const final = JSON.parse(readFileSync(`${base}.jsonl`, 'utf8').trim().split('\n').pop()!);
    assert.equal(final.timing.resumedFromStep, previous);
  });

  it('a damaged line in the middle of a partial log never yields a sealed log with fewer evaluations', async () => {
    const { base, args } = await interruptedRun('damaged-partial');
    const partial = `${base}.partial.jsonl`;
    const lines = readFileSync(partial, 'utf8').trimEnd().split('\n');
    assert.ok(lines.length >= 4, `${lines.length} lines`);
    lines[2] = '{"kind":"eval","step":garbage';
    writeFileSync(partial, lines.join('\n') + '\n');
    const r = brn(...args);
    assert.equal(r.status, 0, r.out);
    const records = readFileSync(`${base}.jsonl`, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; step?: number; config?: ExperimentConfig });
    const evalSteps = records.filter((x) => x.kind === 'eval').map((x) => x.step!);
    assert.deepEqual(evalSteps, plannedEvalSteps(records[0].config!), 'every planned evaluation, in order');
  });

  it('kill -9 of the CLI alone: none of its workers is alive 2 seconds later', async () => {
    const { workers, killedAt } = await interruptedRun('orphans', false);
    assert.ok(workers.length > 0, 'the run had a worker');
    while (Date.now() - killedAt < 2_000 && workers.some(isAlive)) await sleep(50);
    const alive = workers.filter(isAlive);
    for (const pid of alive) process.kill(pid, 'SIGKILL');
    assert.deepEqual(alive, [], `workers alive ${Date.now() - killedAt} ms after the CLI was killed`);
  });

  it('summarize of a half-run protocol names the jobs it lacks, and the summary carries them', () => {
    const { runs } = scratch();
    const results = join(testDir('partial-summary'), 'results');
    const r = brn('summarize', '--quick', '--data-dir', fx.data, '--runs-dir', runs, '--results-dir', results);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /partial: 1 of (\d+) jobs; lacking \d+ missing \(quick\/baseline-steps40\/brn-seed1/);
    const [name] = readdirSync(results);
    const summary = JSON.parse(readFileSync(join(results, name, 'quick', 'summary.json'), 'utf8'));
    assert.equal(summary.jobs.held, 1);
    assert.ok(summary.jobs.planned > 1);
    assert.ok(
      summary.jobs.lacking.some(
        (l: { job: string; state: string }) => l.job === 'quick/baseline-steps40/brn-seed1' && l.state === 'missing',
      ),
    );
  });

  it(
    'a full disk (a small tmpfs): summarize and run exit 1 naming the file, and the JSON files there stay whole',
    { skip: tmpfsUnavailable() },
    () => {
      const disk = testDir('full-disk');
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk]).status, 0);
      try {
        const results = join(disk, 'results');
        const old = brn(
          'summarize',
          '--quick',
          '--data-dir',
          fx.data,
          '--runs-dir',
          fx.pristine,
          '--results-dir',
          results,
        );
        assert.equal(old.status, 0, old.out);
        const before = new Map(jsonFiles(disk).map((f) => [f, readFileSync(f, 'utf8')]));
        assert.ok(before.size > 0);
        // Fill the disk, leaving less than a summary needs.
        spawnSync('dd', ['if=/dev/zero', `of=${join(disk, 'filler')}`, 'bs=1k', 'count=100000']);
        const s = brn(
          'summarize',
          '--quick',
          '--data-dir',
          fx.data,
          '--runs-dir',
          fx.pristine,
          '--results-dir',
          results,
        );
        assert.equal(s.status, 1, s.out);
        assert.match(s.out, /could not write .*summary\.json: ENOSPC.*is full: free space there/);
        const r = job(join(disk, 'runs'), fx.data);
        assert.equal(r.status, 1, r.out);
        assert.match(r.out, /could not write \/\S+: ENOSPC|ENOSPC.* \/\S+/);
        for (const [f, text] of before) assert.equal(readFileSync(f, 'utf8'), text, `${f} unchanged`);
        for (const f of jsonFiles(disk)) assert.doesNotThrow(() => JSON.parse(readFileSync(f, 'utf8')), f);
      } finally {
        spawnSync('umount', [disk]);
      }
    },
  );
});
