/**
 * The pipeline on a tiny config (flax-style smoke test): it finishes, metrics
 * are finite and loosely sensible, identical seeds give identical metrics, an
 * interrupted job resumes to the same numbers, and bad input is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import { BASE, forProfile, scaleDecay, validateConfig, type ExperimentConfig, type Variant } from './config';
import { DataCache } from '../data/dataset';
import { dataIdentity } from '../data/identity';
import { interruptAt, InterruptedForTest, withoutTiming, testDir, writeTinyIdx } from '../testing';
import { tryLock } from './lock';
import { compareWithReference } from './reference';
import { jobSpecs } from './runner';
import { runJob as runJobOn, type JobHooks } from './job';
import { jobPaths, readJobRecords, type EvalRecord, type FinalRecord, type HeaderRecord, type JobSpec } from './records';
import { runPool } from './pool';
import { baseline } from './baseline';
import { nonIid } from './non-iid';
import { microbatch } from './microbatch';
import { pairedDifference, stat, summarize, variantEntries, writeSummary } from './summary';
import { verdictOf } from './claims';

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

const tmp = () => testDir('runs');
const MNIST = dataIdentity(null);
const spec = (runsDir: string, variant: Variant = 'brn', config: ExperimentConfig = TINY): JobSpec => ({ profile: 'quick', config, variant, seed: 1, runsDir, data: MNIST });

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
      assert.ok(Number.isFinite(e.trainLoss) && Number.isFinite(e.validationAccuracy) && Number.isFinite(e.validationAccuracyEma) && Number.isFinite(e.batchStats.logitGap), JSON.stringify(e));
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
    assert.equal((await runJob(spec(dir))).skipped, true);
  });

  it('a BN job is also evaluated as standard BN and with label-blind batch statistics; brn-noramp clips at the final limits from step 0', async () => {
    const records = readJobRecords((await runJob(spec(tmp(), 'bn'))).path);
    const evals = records.filter((r): r is EvalRecord => r.kind === 'eval');
    for (const e of evals) {
      assert.ok(typeof e.validationAccuracyStandard === 'number' && e.validationAccuracyStandard > 0, JSON.stringify(e));
      assert.equal(e.batchStatsIid!.examples, TINY.evalBatches * 32);
    }
    const final = records[records.length - 1] as FinalRecord;
    for (const v of [final.testAccuracyStandard, final.testAccuracyStandardEma, final.testBatchStatsEma.accuracy, final.testBatchStatsIid!.accuracy, final.testBatchStatsIidEma!.accuracy]) assert.ok(typeof v === 'number' && v > 0 && v <= 1, JSON.stringify(final));
    assert.equal(final.testBatchStatsIid!.examples, 10_000, 'every test image once');
    assert.equal(final.testBatchStats.examples, 312 * 32, 'label-grouped draws: one batch per 32 test images');
    const noramp = readJobRecords((await runJob(spec(tmp(), 'brn-noramp'))).path).filter((r): r is EvalRecord => r.kind === 'eval');
    assert.deepEqual(noramp.map((e) => [e.rmax, e.dmax]), noramp.map(() => [3, 5]));
    const none = readJobRecords((await runJob(spec(tmp(), 'none'))).path).filter((r): r is EvalRecord => r.kind === 'eval');
    assert.deepEqual(none.map((e) => e.renorm.length), [0, 0, 0, 0, 0]);
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
    assert.deepEqual(Object.keys(summary.experiments.tiny).sort(), ['bn', 'bn-batchstats', 'bn-batchstats-iid', 'bn-standard', 'brn', 'pairs', 'pairsEma']);
    assert.deepEqual(Object.keys(summary.experiments.tiny.pairs!).sort(), ['bn-standard-bn', 'brn-bn', 'brn-bn-batchstats-iid', 'brn-bn-standard']);
    assert.equal(summary.experiments.tiny.pairs!['brn-bn'].n, 1);
    for (const [, v] of variantEntries(summary.experiments.tiny)) {
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
    // The parameter average's window, 1/(1 − δ), shrinks with the run: 10,000 steps of 60,000, 500 of 3,000.
    assert.equal(forProfile(baseline, 'full').emaDecay, 0.9999);
    assert.equal(forProfile(baseline, 'quick').emaDecay, 0.998);
    assert.equal(scaleDecay(0.99, 4), 0.96);
    assert.deepEqual(forProfile(baseline, 'full').seeds, [1, 2, 3, 4, 5]);
  });

  it('k x m must equal the batch size; microbatches must divide it', () => {
    assert.throws(() => validateConfig({ ...nonIid, sampler: { kind: 'label-grouped', labelsPerBatch: 3, examplesPerLabel: 8 } }), /labelsPerBatch x examplesPerLabel = 3 x 8 = 24, not the batch size 32/);
    assert.throws(() => validateConfig({ ...microbatch, microbatchSize: 5 }), /microbatchSize 5 does not divide batchSize 32/);
    assert.throws(() => validateConfig({ ...baseline, steps: 0 }), /steps must be a positive integer, got 0/);
    assert.throws(() => validateConfig({ ...baseline, checkpointEvery: 1_500 }), /checkpointEvery \(1500\) must be a multiple of evalEvery \(1000\)/);
    assert.throws(() => validateConfig({ ...baseline, emaDecay: 1 }), /emaDecay must be in \[0, 1\), got 1/);
    assert.throws(() => validateConfig({ ...baseline, variants: ['bn', 'gn' as Variant] }), /unknown variant 'gn': expected one of bn, brn, brn-noramp, none/);
    assert.throws(() => validateConfig({ ...baseline, variants: ['bn', 'bn'] }), /a variant is listed twice/);
  });
});

describe('job identity, locks and no double work', () => {
  it('a finished job is reused only with the same data: other IDX files train their own jobs, missing files are an error naming them', async () => {
    const runs = tmp();
    const other = writeTinyIdx(testDir('idx'), 600, 100);
    const config: ExperimentConfig = { ...TINY, sampler: { kind: 'iid' }, batchStatsVariant: false, validationSize: 100, evalBatches: 1 };
    const [onMnist] = jobSpecs([config], { profile: 'quick', seeds: 1, runsDir: runs }).filter((s) => s.variant === 'bn');
    await runJob({ ...onMnist, config: { ...onMnist.config } });
    const [onOther] = jobSpecs([config], { profile: 'quick', seeds: 1, runsDir: runs, dataDir: other }).filter((s) => s.variant === 'bn');
    assert.notEqual(jobPaths(onOther).final, jobPaths(onMnist).final);
    assert.match(onOther.data.name, /^idx-[0-9a-f]{8}$/);
    const outcome = await runJob(onOther);
    assert.equal(outcome.skipped, false, 'trained, not reused');
    const header = readJobRecords(outcome.path)[0] as HeaderRecord;
    assert.deepEqual(header.data, onOther.data);
    assert.throws(() => jobSpecs([config], { profile: 'quick', runsDir: runs, dataDir: join(runs, 'nowhere') }), /Data file not found: .*nowhere\/train-images-idx3-ubyte/);
  });

  it('a finished log made with another backend or config is not reused, and the error says what differs', async () => {
    const dir = tmp();
    const { path } = await runJob(spec(dir, 'bn'));
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, [JSON.stringify({ ...JSON.parse(lines[0]), backend: 'tensorflow' }), ...lines.slice(1)].join('\n'));
    await assert.rejects(runJob(spec(dir, 'bn')), /made with another backend tensorflow \(this run: (wasm|cpu)\)/);
    const changed = { ...TINY, evalBatches: 3 };
    writeFileSync(path, lines.join('\n'));
    await assert.rejects(runJob(spec(dir, 'bn', changed)), /another config \(evalBatches differ\)/);
    // The trainer is: the fused and the layers paths round differently.
    const other = process.env.BRN_TRAINER;
    process.env.BRN_TRAINER = (readJobRecords(path)[0] as HeaderRecord).trainer === 'fused' ? 'layers' : 'fused';
    try {
      await assert.rejects(runJob(spec(dir, 'bn')), /made with another trainer (fused|layers) \(this run: (layers|fused)\)/);
    } finally {
      if (other === undefined) delete process.env.BRN_TRAINER;
      else process.env.BRN_TRAINER = other;
    }
    // Seeds are not part of a job's identity: --seeds 1 first, all seeds later reuses the first.
    assert.equal((await runJob(spec(dir, 'bn', { ...TINY, seeds: [1, 2, 3] }))).skipped, true);
  });

  it('a job locked by a live process is left alone; a lock left by a dead one is taken over', async () => {
    const dir = tmp();
    const paths = jobPaths(spec(dir));
    mkdirSync(dirname(paths.lock), { recursive: true });
    writeFileSync(paths.lock, JSON.stringify({ pid: process.pid, since: Date.now() }));
    const busy = await runJob(spec(dir));
    assert.equal(busy.busy?.pid, process.pid);
    assert.equal(existsSync(paths.final), false);
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(paths.lock, JSON.stringify({ pid: Number(dead.stdout), since: Date.now() }));
    assert.equal((await runJob(spec(dir))).skipped, false);
    assert.equal(existsSync(paths.lock), false, 'released after the job');
    writeFileSync(paths.lock, JSON.stringify({ pid: process.pid, since: Date.now() - 2 * 24 * 3600 * 1000 }));
    const lock = tryLock(paths.lock);
    assert.ok('release' in lock, 'a lock older than a day is stale');
  });

  it('two concurrent runs on one runs directory train each job once', async () => {
    const dir = tmp();
    const specs = [spec(dir, 'bn'), spec(dir, 'brn')];
    const [a, b] = await Promise.all([runPool(specs, { jobs: 1 }), runPool([...specs].reverse(), { jobs: 1 })]);
    assert.deepEqual([...a.failed, ...b.failed], []);
    assert.deepEqual([...a.finished, ...b.finished].sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
    assert.deepEqual([...a.skipped, ...b.skipped].sort(), ['quick/tiny/bn-seed1', 'quick/tiny/brn-seed1']);
  });

  it('the step-0 evaluation uses the clipping of step 0: BRN starts as BN', async () => {
    const [bn, brn] = await Promise.all(['bn', 'brn'].map(async (v) => readJobRecords((await runJob(spec(tmp(), v as 'bn' | 'brn'))).path)[1] as EvalRecord));
    assert.equal(brn.rmax, 1);
    assert.deepEqual(brn.batchStats, bn.batchStats);
  });
});

describe('summaries and references', () => {
  const job = (experiment: string, variant: string, seed: number, testAccuracy: number) => ({ experiment, variant, seed, backend: 'wasm', trainer: 'fused', testAccuracy });

  it('a summary is not replaced by one that lacks results, nor written when variants ran on different seeds', async () => {
    const dir = tmp();
    const results = testDir('results');
    await runJob(spec(dir, 'bn'));
    await runJob(spec(dir, 'brn'));
    const { path } = writeSummary('quick', dir, results);
    const before = readFileSync(path, 'utf8');
    rmSync(jobPaths(spec(dir, 'brn')).final);
    assert.throws(() => writeSummary('quick', dir, results), /left as it was: the summary holds 1 result\(s\) whose logs are not here: tiny\/brn-seed1/);
    assert.equal(readFileSync(path, 'utf8'), before);
    await runJob(spec(dir, 'brn'));
    await runJob({ ...spec(dir, 'bn'), seed: 2 });
    assert.throws(() => writeSummary('quick', dir, testDir('results')), /tiny: variants ran on different seeds \(bn: 1,2; bn-standard: 1,2; bn-batchstats: 1,2; bn-batchstats-iid: 1,2; brn: 1\)/);
  });

  it('summary statistics: sample std, per-seed values in seed order', () => {
    // Hand-computed: mean 0.92; deviations ±0.02 and 0, so the sample std is sqrt(0.0008 / 2) = 0.02.
    const s3 = stat([0.9, 0.92, 0.94]);
    assert.ok(Math.abs(s3.mean - 0.92) < 1e-12 && Math.abs(s3.std - 0.02) < 1e-12 && s3.n === 3, JSON.stringify(s3));
    const s2 = stat([0.5, 0.6]);
    assert.ok(Math.abs(s2.std - Math.sqrt(0.005)) < 1e-12, JSON.stringify(s2));
    assert.deepEqual(stat([0.5]), { mean: 0.5, std: 0, n: 1 });
  });

  it('paired differences: per seed, with a 95% t interval over the differences', () => {
    const bn = { mean: 0.91, std: 0.01, n: 3, values: [0.9, 0.92, 0.91], seeds: [1, 2, 3] };
    const brn = { mean: 0.93, std: 0.01, n: 3, values: [0.94, 0.93, 0.92], seeds: [2, 1, 3] };
    // Paired by seed: seed 1 0.93 − 0.90, seed 2 0.94 − 0.92, seed 3 0.92 − 0.91: [0.03, 0.02, 0.01];
    // mean 0.02, s = 0.01, t(0.975, 2) = 4.303, half-width 4.303 · 0.01 / √3 = 0.024843.
    const p = pairedDifference(bn, brn);
    assert.equal(p.n, 3);
    assert.deepEqual(p.seeds, [1, 2, 3]);
    assert.ok(Math.abs(p.mean - 0.02) < 1e-12, String(p.mean));
    assert.ok(Math.abs(p.ciLow! - (0.02 - 0.024843)) < 1e-6 && Math.abs(p.ciHigh! - (0.02 + 0.024843)) < 1e-6, JSON.stringify(p));
    const one = pairedDifference({ ...bn, values: [0.9], seeds: [1], n: 1 }, brn);
    assert.deepEqual([one.n, one.ciLow, one.ciHigh], [1, null, null]);
  });

  it('summaries keep per-seed values and the paired BRN − BN interval', async () => {
    const dir = tmp();
    for (const seed of [1, 2]) for (const v of ['bn', 'brn'] as const) await runJob({ ...spec(dir, v), seed });
    const e = summarize('quick', dir).experiments.tiny;
    const finals = (v: string) => [1, 2].map((seed) => (readJobRecords(jobPaths({ ...spec(dir, v as 'bn' | 'brn'), seed }).final).at(-1) as FinalRecord).testAccuracy);
    assert.deepEqual(e.bn.testAccuracy.values, finals('bn'));
    assert.deepEqual(e.brn.testAccuracy.seeds, [1, 2]);
    const pair = e.pairs!['brn-bn'];
    assert.ok(Math.abs(pair.mean - (finals('brn')[0] - finals('bn')[0] + finals('brn')[1] - finals('bn')[1]) / 2) < 1e-12);
    assert.ok(pair.ciLow! <= pair.mean && pair.mean <= pair.ciHigh!);
  });

  it('a summary of hand-made logs over 3 seeds: per-seed values, sample std, paired t intervals, the EMA pairs and the verdicts', () => {
    const dir = join(tmp(), 'quick', 'baseline');
    mkdirSync(dir, { recursive: true });
    const config = forProfile(baseline, 'quick');
    const stats = (accuracy: number) => ({ accuracy, logitGap: 0.1, disagreement: 0.01, examples: 9_984 });
    const write = (variant: Variant, seed: number, test: number, ema: number, standard: number | null) => {
      const header: HeaderRecord = { kind: 'header', job: `quick/baseline/${variant}-seed${seed}`, profile: 'quick', experiment: 'baseline', variant, seed, backend: 'wasm', trainer: 'fused', dataSource: 'test', data: MNIST, config };
      const evalRecord: EvalRecord = { kind: 'eval', step: 3_000, rmax: null, dmax: null, learningRate: 1e-3, trainLoss: 0.1, trainAccuracy: 0.97, validationAccuracy: test + 0.001, validationAccuracyEma: ema + 0.001, validationAccuracyStandard: standard, batchStats: stats(0.9), batchStatsIid: null, renorm: [], timing: { msPerStep: 2, elapsedSeconds: 6 } };
      const final: FinalRecord = { kind: 'final', step: 3_000, validationAccuracy: test + 0.001, validationAccuracyEma: ema + 0.001, testAccuracy: test, testAccuracyEma: ema, testAccuracyStandard: standard, testAccuracyStandardEma: standard, testBatchStats: stats(0.9), testBatchStatsEma: stats(0.9), testBatchStatsIid: null, testBatchStatsIidEma: null, timing: { msPerStep: 2, trainSeconds: 6, totalSeconds: 7, resumedFromStep: 0 } };
      writeFileSync(join(dir, `${variant}-seed${seed}.jsonl`), [header, evalRecord, final].map((r) => JSON.stringify(r)).join('\n') + '\n');
    };
    // Seed order 3, 1, 2 on disk: the summary lists seeds ascending.
    for (const [seed, bn, brn, bnEma, brnEma, standard] of [[3, 0.94, 0.96, 0.93, 0.96, 0.94], [1, 0.9, 0.93, 0.91, 0.92, 0.91], [2, 0.92, 0.94, 0.92, 0.95, 0.93]]) {
      write('bn', seed, bn, bnEma, standard);
      write('brn', seed, brn, brnEma, null);
    }
    const summary = summarize('quick', dirname(dirname(dir)));
    const e = summary.experiments.baseline;
    const close = (a: number | null, b: number, what: string) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    assert.deepEqual(e.bn.testAccuracy.seeds, [1, 2, 3]);
    assert.deepEqual(e.bn.testAccuracy.values, [0.9, 0.92, 0.94]);
    close(e.bn.testAccuracy.mean, 0.92, 'bn mean');
    close(e.bn.testAccuracy.std, 0.02, 'bn sample std: sqrt((0.02² + 0 + 0.02²) / 2)');
    assert.equal(e.bn.testAccuracy.n, 3);
    assert.deepEqual(e['bn-standard'].testAccuracy.values, [0.91, 0.93, 0.94]);
    assert.deepEqual(e.brn.testAccuracyEma!.values, [0.92, 0.95, 0.96]);
    // BRN − BN per seed: 0.03, 0.02, 0.02; mean 0.07/3, s = 0.01/√3, half-width t(0.975, 2)·s/√3 = 4.303 · 0.01/3.
    const pair = e.pairs!['brn-bn'];
    close(pair.mean, 0.07 / 3, 'pair mean');
    assert.deepEqual(pair.values.map((v) => Math.round(v * 1e6) / 1e6), [0.03, 0.02, 0.02]);
    close(pair.ciLow, 0.07 / 3 - (4.303 * 0.01) / 3, 'ciLow');
    close(pair.ciHigh, 0.07 / 3 + (4.303 * 0.01) / 3, 'ciHigh');
    // With the average: 0.01, 0.03, 0.03; s = 0.02/√3, half-width 4.303 · 0.02/3.
    const ema = e.pairsEma!['brn-bn'];
    close(ema.ciLow, 0.07 / 3 - (4.303 * 0.02) / 3, 'EMA ciLow');
    close(e.pairs!['brn-bn-standard'].mean, (0.02 + 0.01 + 0.02) / 3, 'BRN − standard BN');
    // The claim 'BRN matches BN' by the rule: the raw interval [0.009, 0.038] excludes 0 (differs), the EMA one [−0.005, 0.052] holds it and passes ±0.3 points.
    const claim = summary.claims.find((c) => c.id === 'baseline')!;
    assert.equal(claim.verdict, 'differs');
    assert.equal(claim.verdictEma, 'inconclusive');
    close(summary.curves.baseline.bn[0].trainAccuracy!.mean, 0.97, 'training accuracy in the curves');
  });

  it('the verdict rule at its edges', () => {
    assert.equal(verdictOf('beats', { ciLow: 0.0001, ciHigh: 0.01 }), 'reproduced');
    assert.equal(verdictOf('beats', { ciLow: -0.01, ciHigh: -0.0001 }), 'reversed');
    assert.equal(verdictOf('beats', { ciLow: -0.0001, ciHigh: 0.01 }), 'not significant');
    assert.equal(verdictOf('beats', { ciLow: null, ciHigh: null }), 'no interval');
    assert.equal(verdictOf('matches', { ciLow: -0.003, ciHigh: 0.003 }), 'matched');
    assert.equal(verdictOf('matches', { ciLow: 0.001, ciHigh: 0.002 }), 'matched', 'inside the margin, even if it excludes 0');
    assert.equal(verdictOf('matches', { ciLow: 0.001, ciHigh: 0.004 }), 'differs');
    assert.equal(verdictOf('matches', { ciLow: -0.002, ciHigh: 0.0031 }), 'inconclusive');
    assert.equal(verdictOf('matches', { ciLow: -0.01, ciHigh: -0.004 }), 'differs');
    assert.equal(verdictOf('matches', null), 'no interval');
  });

  it('compares a run with the reference job by job, and says how many match', () => {
    const reference = { profile: 'quick' as const, dataset: 'mnist', note: 'test', jobs: [job('a', 'bn', 1, 0.9712), job('a', 'brn', 1, 0.9715), job('b', 'bn', 1, 0.5)] };
    const same = compareWithReference(reference.jobs, reference);
    assert.equal(same.lines[same.lines.length - 1], 'reproduction: 3 of 3 jobs match the committed reference');
    const off = compareWithReference([job('a', 'bn', 1, 0.9712), job('a', 'brn', 1, 0.9717)], reference);
    assert.equal(off.matched, 1);
    assert.match(off.lines[0], /a +1 of 2 identical; brn-seed1 97.17% vs 97.15% \(2 test images\)/);
    assert.match(off.lines[1], /b +0 of 1 identical; bn-seed1 missing/);
    assert.equal(off.lines[2], 'reproduction: 1 of 3 jobs match the committed reference');
  });
});
