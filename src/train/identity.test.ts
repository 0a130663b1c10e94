/**
 * A job's identity (data, backend, trainer, config), its lock, and no double
 * work: what makes a finished log safe to reuse and a running job safe to leave.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import type { ExperimentConfig } from '../protocol/config';
import type { EvalRecord, HeaderRecord } from '../results/records';
import { readJobRecords, sealedFinalLine } from '../results/seal';
import { testDir, writeTinyIdx } from '../testing';
import { tryLock } from './lock';
import { runPool } from './pool';
import { jobSpecs } from './runner';
import { jobPaths } from './spec';
import { runTinyJob, TINY, tinyData, tinySpec, tmpRuns } from './tiny-job.fixture';

before(async () => {
  await initBackend();
});

after(() => tinyData.dispose());

describe('job identity, locks and no double work', () => {
  it('a finished job is reused only with the same data: other IDX files train their own jobs, missing files are an error naming them', async () => {
    const runs = tmpRuns();
    const other = writeTinyIdx(testDir('idx'), 600, 100);
    const config: ExperimentConfig = {
      ...TINY,
      sampler: { kind: 'iid' },
      batchStatsVariant: false,
      validationSize: 100,
      evalBatches: 1,
    };
    const [onMnist] = jobSpecs([config], { profile: 'quick', seeds: 1, runsDir: runs }).filter(
      (s) => s.variant === 'bn',
    );
    await runTinyJob({ ...onMnist, config: { ...onMnist.config } });
    const [onOther] = jobSpecs([config], { profile: 'quick', seeds: 1, runsDir: runs, dataDir: other }).filter(
      (s) => s.variant === 'bn',
    );
    assert.notEqual(jobPaths(onOther).final, jobPaths(onMnist).final);
    assert.match(onOther.data.name, /^idx-[0-9a-f]{8}$/);
    const outcome = await runTinyJob(onOther);
    assert.equal(outcome.skipped, false, 'trained, not reused');
    const header = readJobRecords(outcome.path)[0] as HeaderRecord;
    assert.deepEqual(header.data, onOther.data);
    assert.throws(
      () => jobSpecs([config], { profile: 'quick', runsDir: runs, dataDir: join(runs, 'nowhere') }),
      /Data file not found: .*nowhere\/train-images-idx3-ubyte/,
    );
  });

  it('a finished log made with another backend or config is not reused, and the error says what differs', async () => {
    const dir = tmpRuns();
    const { path } = await runTinyJob(tinySpec(dir, 'bn'));
    const lines = readFileSync(path, 'utf8').split('\n');
    // A log as another backend would have made it: its header says so, and it is sealed as a whole log is.
    const records = lines.filter((l) => l !== '');
    const header = JSON.stringify({ ...JSON.parse(records[0]), backend: 'tensorflow' });
    const body = [header, ...records.slice(1, -1)];
    const final = records[records.length - 1].replace(/,"digest":"sha256:[0-9a-f]+"\}$/, '}');
    writeFileSync(path, [...body, sealedFinalLine(body, final)].join('\n') + '\n');
    await assert.rejects(
      runTinyJob(tinySpec(dir, 'bn')),
      /made with another backend tensorflow \(this run: (wasm|cpu)\)/,
    );
    const changed = { ...TINY, evalBatches: 3 };
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(runTinyJob(tinySpec(dir, 'bn', changed)), /another config \(evalBatches differ\)/);
    // The trainer is: the fused and the layers paths round differently.
    const other = process.env.BRN_TRAINER;
    process.env.BRN_TRAINER = (readJobRecords(path)[0] as HeaderRecord).trainer === 'fused' ? 'layers' : 'fused';
    try {
      await assert.rejects(
        runTinyJob(tinySpec(dir, 'bn')),
        /made with another trainer (fused|layers) \(this run: (layers|fused)\)/,
      );
    } finally {
      if (other === undefined) delete process.env.BRN_TRAINER;
      else process.env.BRN_TRAINER = other;
    }
    // Seeds are not part of a job's identity: --seeds 1 first, all seeds later reuses the first.
    assert.equal((await runTinyJob(tinySpec(dir, 'bn', { ...TINY, seeds: [1, 2, 3] }))).skipped, true);
  });

  it('a job locked by a live process is left alone; a lock left by a dead one is taken over', async () => {
    const dir = tmpRuns();
    const paths = jobPaths(tinySpec(dir));
    mkdirSync(dirname(paths.lock), { recursive: true });
    writeFileSync(paths.lock, JSON.stringify({ pid: process.pid, since: Date.now() }));
    const busy = await runTinyJob(tinySpec(dir));
    assert.equal(busy.busy?.pid, process.pid);
    assert.equal(existsSync(paths.final), false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(paths.lock, JSON.stringify({ pid: Number(dead.stdout), since: Date.now() }));
    assert.equal((await runTinyJob(tinySpec(dir))).skipped, false);
    assert.equal(existsSync(paths.lock), false, 'released after the job');
    writeFileSync(paths.lock, JSON.stringify({ pid: process.pid, since: Date.now() - 2 * 24 * 3600 * 1000 }));
    const lock = tryLock(paths.lock);
    assert.ok('release' in lock, 'a lock older than a day is stale');
  });

  it('two concurrent runs on one runs directory train each job once', async () => {
    const dir = tmpRuns();
    const specs = [tinySpec(dir, 'bn'), tinySpec(dir, 'brn')];
    const [a, b] = await Promise.all([runPool(specs, { jobs: 1 }), runPool([...specs].reverse(), { jobs: 1 })]);
    assert.deepEqual([...a.failed, ...b.failed], []);
    assert.deepEqual([...a.finished, ...b.finished].sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
    assert.deepEqual([...a.skipped, ...b.skipped].sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
  });

  it('the step-0 evaluation uses the clipping of step 0: BRN starts as BN', async () => {
    const [bn, brn] = await Promise.all(
      ['bn', 'brn'].map(
        async (v) => readJobRecords((await runTinyJob(tinySpec(tmpRuns(), v as 'bn' | 'brn'))).path)[1] as EvalRecord,
      ),
    );
    assert.equal(brn.rmax, 1);
    assert.deepEqual(brn.batchStats, bn.batchStats);
  });
});
