/**
 * The pipeline on a tiny config (flax-style smoke test): it finishes, metrics
 * are finite and loosely sensible, identical seeds give identical metrics, an
 * interrupted job resumes to the same numbers, and bad input is refused.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { BASE, forProfile, validateConfig, type ExperimentConfig } from './config';
import { DataCache } from '../data/dataset';
import { interruptAt, InterruptedForTest, withoutTiming } from '../testing';
import { runJob as runJobOn, type JobHooks } from './job';
import { jobPaths, readJobRecords, type EvalRecord, type FinalRecord, type JobSpec } from './records';
import { runPool } from './pool';
import { baseline } from './baseline';
import { nonIid } from './non-iid';
import { microbatch } from './microbatch';
import { summarize } from './summary';

const TINY: ExperimentConfig = {
  ...nonIid,
  name: 'tiny',
  steps: 40,
  evalEvery: 10,
  checkpointEvery: 20,
  evalBatches: 2,
  ramp: { warmupSteps: 10, rmax: 3, rmaxSteps: 30, dmax: 5, dmaxSteps: 20 },
  optimizer: { ...BASE.optimizer, lrDecaySteps: 20 },
  seeds: [1],
};

const tmp = () => mkdtempSync(join(tmpdir(), 'brn-runs-'));
const spec = (runsDir: string, variant: 'bn' | 'brn' = 'brn', config: ExperimentConfig = TINY): JobSpec => ({ profile: 'quick', config, variant, seed: 1, runsDir });

const data = new DataCache();
const runJob = (s: JobSpec, hooks?: JobHooks) => runJobOn(s, data.get(s.config), hooks);

before(async () => {
  await initBackend();
});

after(() => data.dispose());

describe('a tiny end-to-end job', () => {
  it('finishes with finite metrics, a loose accuracy bound, and the ramp applied', async () => {
    const dir = tmp();
    const { path, skipped } = await runJob(spec(dir));
    assert.equal(skipped, false);
    const records = readJobRecords(path);
    assert.deepEqual(records.map((r) => r.kind), ['header', 'eval', 'eval', 'eval', 'eval', 'eval', 'final']);
    const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
    assert.deepEqual(evals.map((e) => e.step), [0, 10, 20, 30, 40]);
    // The clipping in force for each evaluation's last step (step − 1).
    assert.deepEqual(evals.map((e) => e.rmax), [1, 1, 1.9, 2.9, 3]);
    for (const e of evals.slice(1)) {
      assert.ok(Number.isFinite(e.trainLoss) && Number.isFinite(e.validationAccuracy) && Number.isFinite(e.batchStats.logitGap), JSON.stringify(e));
      assert.equal(e.renorm.length, 3);
    }
    const final = records[records.length - 1] as FinalRecord;
    assert.ok(final.testAccuracy > 0.3, `test accuracy ${final.testAccuracy} after 40 steps`);
    assert.ok(final.testBatchStats.examples >= 9_984);
    assert.ok(evals[4].trainLoss! < evals[1].trainLoss!, 'training loss falls');
    // Nothing but the finished file is left behind.
    assert.deepEqual(readdirSync(join(dir, 'quick', 'tiny')), ['brn-seed1.jsonl']);
    // Finished jobs are skipped.
    assert.equal((await runJob(spec(dir))).skipped, true);
  });

  it('same seed, same backend: identical metrics', async () => {
    const a = readJobRecords((await runJob(spec(tmp(), 'bn'))).path);
    const b = readJobRecords((await runJob(spec(tmp(), 'bn'))).path);
    assert.deepEqual(withoutTiming(b), withoutTiming(a));
  });

  it('an interrupted job resumes from its checkpoint to the numbers of an uninterrupted run', async () => {
    const whole = readJobRecords((await runJob(spec(tmp()))).path);
    const dir = tmp();
    await assert.rejects(runJob(spec(dir), interruptAt(30)), InterruptedForTest);
    const paths = jobPaths(spec(dir));
    assert.equal(existsSync(paths.final), false, 'no finished-looking file after an interruption');
    assert.ok(existsSync(paths.partial) && existsSync(paths.checkpoint));
    appendFileSync(paths.partial, '{"kind":"eval","st'); // a line cut short by the interruption
    const resumed = readJobRecords((await runJob(spec(dir))).path);
    assert.equal((resumed[resumed.length - 1] as FinalRecord).timing.resumedFromStep, 20);
    assert.deepEqual(withoutTiming(resumed), withoutTiming(whole));
  });

  it('a checkpoint made with another config is not resumed', async () => {
    const dir = tmp();
    await assert.rejects(runJob(spec(dir), interruptAt(30)), InterruptedForTest);
    const changed = { ...TINY, evalBatches: 3 };
    const records = readJobRecords((await runJob(spec(dir, 'brn', changed))).path);
    assert.equal((records[records.length - 1] as FinalRecord).timing.resumedFromStep, 0);
  });

  it('an interrupted job without a checkpoint restarts cleanly', async () => {
    const dir = tmp();
    await assert.rejects(runJob(spec(dir), interruptAt(15)), InterruptedForTest);
    assert.equal(existsSync(jobPaths(spec(dir)).checkpoint), false);
    const records = readJobRecords((await runJob(spec(dir))).path);
    assert.equal((records[records.length - 1] as FinalRecord).timing.resumedFromStep, 0);
    assert.equal(records.filter((r) => r.kind === 'eval').length, 5);
  });

  it('runs jobs in parallel worker processes and summarizes them', async () => {
    const dir = tmp();
    const specs = [spec(dir, 'bn'), spec(dir, 'brn')];
    const result = await runPool(specs, { jobs: 2 });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.finished.sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
    const summary = summarize('quick', dir);
    assert.deepEqual(Object.keys(summary.experiments.tiny).sort(), ['bn', 'bn-batchstats', 'brn']);
    for (const v of Object.values(summary.experiments.tiny)) {
      assert.equal(v.testAccuracy.n, 1);
      assert.ok(v.testAccuracy.mean > 0.1 && v.testAccuracy.mean <= 1);
    }
    assert.equal(summary.curves.tiny.brn.length, 5);
    assert.equal(summary.configs.tiny.steps, 40);
    assert.match(summary.backend, /^(tensorflow|wasm|cpu)$/);
  });
});

describe('configs and bad input', () => {
  it('the paper experiments validate in both profiles', () => {
    for (const e of [baseline, microbatch, nonIid]) for (const p of ['quick', 'full'] as const) validateConfig(forProfile(e, p));
    assert.equal(forProfile(baseline, 'full').steps, 60_000);
    assert.deepEqual(forProfile(baseline, 'quick').ramp, { warmupSteps: 250, rmax: 3, rmaxSteps: 2_000, dmax: 5, dmaxSteps: 1_250 });
  });

  it('k x m must equal the batch size; microbatches must divide it', () => {
    assert.throws(() => validateConfig({ ...nonIid, sampler: { kind: 'label-grouped', labelsPerBatch: 3, examplesPerLabel: 8 } }), /labelsPerBatch x examplesPerLabel = 3 x 8 = 24, not the batch size 32/);
    assert.throws(() => validateConfig({ ...microbatch, microbatchSize: 5 }), /microbatchSize 5 does not divide batchSize 32/);
    assert.throws(() => validateConfig({ ...baseline, steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(() => validateConfig({ ...baseline, checkpointEvery: 1_500 }), /checkpointEvery \(1500\) must be a multiple of evalEvery \(1000\)/);
  });
});
