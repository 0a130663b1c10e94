/**
 * The pipeline on a tiny config (flax-style smoke test): it finishes, metrics
 * are finite and loosely sensible, identical seeds give identical metrics, an
 * interrupted job resumes to the same numbers.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import type { EvalRecord, FinalRecord } from '../results/records';
import { readJobRecords } from '../results/seal';
import { summarize } from '../results/summary';
import { variantEntries } from '../results/schema';
import { interruptAt, InterruptedForTest, withoutTiming } from '../testing';
import { runPool } from './pool';
import { jobPaths } from './spec';
import { runTinyJob, TINY, tinyData, tinySpec, tmpRuns } from './tiny-job.fixture';

before(async () => {
  await initBackend();
});

after(() => tinyData.dispose());

describe('a tiny end-to-end job', () => {
  it('finishes with finite metrics, a loose accuracy bound, and the ramp applied', async () => {
    const dir = tmpRuns();
    const { path, skipped } = await runTinyJob(tinySpec(dir));
    assert.equal(skipped, false);
    const records = readJobRecords(path);
    assert.deepEqual(
      records.map((r) => r.kind),
      ['header', 'eval', 'eval', 'eval', 'eval', 'eval', 'final'],
    );
    const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
    assert.deepEqual(
      evals.map((e) => e.step),
      [0, 10, 20, 30, 40],
    );
    // The clipping in force for each evaluation's last step (step − 1).
    assert.deepEqual(
      evals.map((e) => e.rmax),
      [1, 1, 1.9, 2.9, 3],
    );
    for (const e of evals.slice(1)) {
      assert.ok(
        Number.isFinite(e.trainLoss) &&
          Number.isFinite(e.validationAccuracy) &&
          Number.isFinite(e.validationAccuracyEma) &&
          Number.isFinite(e.batchStats.logitGap),
        JSON.stringify(e),
      );
      assert.equal(e.renorm.length, 3);
      // Only BN jobs are also evaluated as standard BN and with i.i.d. batch statistics.
      assert.equal(e.validationAccuracyStandard, null);
      assert.equal(e.batchStatsIid, null);
    }
    const final = records[records.length - 1] as FinalRecord;
    assert.ok(final.testAccuracy > 0.3, `test accuracy ${final.testAccuracy} after 40 steps`);
    assert.ok(final.testAccuracyEma > 0.1 && final.testAccuracyEma <= 1, `with the average ${final.testAccuracyEma}`);
    assert.equal(final.testBatchStats.examples, 312 * 32);
    assert.equal(final.testAccuracyStandard, null);
    assert.ok(evals[4].trainLoss! < evals[1].trainLoss!, 'training loss falls');
    // Nothing but the finished file is left behind.
    assert.deepEqual(readdirSync(join(dir, 'quick', 'tiny')), ['brn-seed1.jsonl']);
    // Finished jobs are skipped.
    assert.equal((await runTinyJob(tinySpec(dir))).skipped, true);
  });

  it('a BN job is also evaluated as standard BN and with label-blind batch statistics; brn-noramp clips at the final limits from step 0', async () => {
    const records = readJobRecords((await runTinyJob(tinySpec(tmpRuns(), 'bn'))).path);
    const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
    for (const e of evals) {
      assert.ok(
        typeof e.validationAccuracyStandard === 'number' && e.validationAccuracyStandard > 0,
        JSON.stringify(e),
      );
      assert.equal(e.batchStatsIid!.examples, TINY.evalBatches * 32);
    }
    const final = records[records.length - 1] as FinalRecord;
    for (const v of [
      final.testAccuracyStandard,
      final.testAccuracyStandardEma,
      final.testBatchStatsEma.accuracy,
      final.testBatchStatsIid!.accuracy,
      final.testBatchStatsIidEma!.accuracy,
    ])
      assert.ok(typeof v === 'number' && v > 0 && v <= 1, JSON.stringify(final));
    assert.equal(final.testBatchStatsIid!.examples, 10_000, 'every test image once');
    assert.equal(final.testBatchStats.examples, 312 * 32, 'label-grouped draws: one batch per 32 test images');
    const noramp = readJobRecords((await runTinyJob(tinySpec(tmpRuns(), 'brn-noramp'))).path).filter(
      (r): r is EvalRecord => r.kind === 'eval',
    );
    assert.deepEqual(
      noramp.map((e) => [e.rmax, e.dmax]),
      noramp.map(() => [3, 5]),
    );
    const none = readJobRecords((await runTinyJob(tinySpec(tmpRuns(), 'none'))).path).filter(
      (r): r is EvalRecord => r.kind === 'eval',
    );
    assert.deepEqual(
      none.map((e) => e.renorm.length),
      [0, 0, 0, 0, 0],
    );
  });

  it('same seed, same backend: identical metrics', async () => {
    const a = readJobRecords((await runTinyJob(tinySpec(tmpRuns(), 'bn'))).path);
    const b = readJobRecords((await runTinyJob(tinySpec(tmpRuns(), 'bn'))).path);
    assert.deepEqual(withoutTiming(b), withoutTiming(a));
  });

  it('an interrupted job resumes from its checkpoint to the numbers of an uninterrupted run', async () => {
    const whole = readJobRecords((await runTinyJob(tinySpec(tmpRuns()))).path);
    const dir = tmpRuns();
    await assert.rejects(runTinyJob(tinySpec(dir), interruptAt(30)), InterruptedForTest);
    const paths = jobPaths(tinySpec(dir));
    assert.equal(existsSync(paths.final), false, 'no finished-looking file after an interruption');
    assert.ok(existsSync(paths.partial) && existsSync(paths.checkpoint));
    appendFileSync(paths.partial, '{"kind":"eval","st'); // a line cut short by the interruption
    const resumed = readJobRecords((await runTinyJob(tinySpec(dir))).path);
    assert.equal((resumed[resumed.length - 1] as FinalRecord).timing.resumedFromStep, 20);
    assert.deepEqual(withoutTiming(resumed), withoutTiming(whole));
  });

  it('a checkpoint made with another config is not resumed', async () => {
    const dir = tmpRuns();
    await assert.rejects(runTinyJob(tinySpec(dir), interruptAt(30)), InterruptedForTest);
    const changed = { ...TINY, evalBatches: 3 };
    const records = readJobRecords((await runTinyJob(tinySpec(dir, 'brn', changed))).path);
    assert.equal((records[records.length - 1] as FinalRecord).timing.resumedFromStep, 0);
  });

  it('an interrupted job without a checkpoint restarts cleanly', async () => {
    const dir = tmpRuns();
    await assert.rejects(runTinyJob(tinySpec(dir), interruptAt(15)), InterruptedForTest);
    assert.equal(existsSync(jobPaths(tinySpec(dir)).checkpoint), false);
    const records = readJobRecords((await runTinyJob(tinySpec(dir))).path);
    assert.equal((records[records.length - 1] as FinalRecord).timing.resumedFromStep, 0);
    assert.equal(records.filter((r) => r.kind === 'eval').length, 5);
  });

  it('runs jobs in parallel worker processes and summarizes them', async () => {
    const dir = tmpRuns();
    const specs = [tinySpec(dir, 'bn'), tinySpec(dir, 'brn')];
    const result = await runPool(specs, { jobs: 2 });
    assert.deepEqual(result.failed, []);
    assert.deepEqual(result.finished.sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
    const summary = summarize('quick', dir);
    assert.deepEqual(Object.keys(summary.experiments.tiny.variants).sort(), [
      'bn',
      'bn-batchstats',
      'bn-batchstats-iid',
      'bn-standard',
      'brn',
    ]);
    assert.deepEqual(Object.keys(summary.experiments.tiny.pairs).sort(), [
      'bn-standard-bn',
      'brn-bn',
      'brn-bn-batchstats-iid',
      'brn-bn-standard',
    ]);
    assert.equal(summary.experiments.tiny.pairs['brn-bn'].n, 1);
    for (const [, v] of variantEntries(summary.experiments.tiny)) {
      assert.equal(v.testAccuracy.n, 1);
      assert.ok(v.testAccuracy.mean > 0.1 && v.testAccuracy.mean <= 1);
    }
    assert.equal(summary.curves.tiny.brn!.length, 5);
    assert.equal(summary.configs.tiny.steps, 40);
    assert.match(summary.backend, /^(tensorflow|wasm|cpu)$/);
  });
});
