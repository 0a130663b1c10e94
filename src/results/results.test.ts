/**
 * Results from hand-made logs whose right answers are computed by hand:
 * statistics, paired t intervals, a summary over three seeds with its
 * verdicts, and the reference check.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { baseline } from '../protocol/baseline';
import { CNN_EXPERIMENTS } from '../protocol/cnn';
import { forProfile, type Variant } from '../protocol/config';
import { ALL_EXPERIMENTS } from '../protocol/registry';
import { KIT_ROOT } from '../paths';
import { testDir } from '../testing';
import type { EvalRecord, FinalRecord, HeaderRecord } from './records';
import { compareWithReference } from './reference';
import { CONV_ARITHMETIC, EARLIER_CONV_ARITHMETIC_COMMIT, jobDifferences } from './records';
import { sealedFinalLine } from './seal';
import { summaryFromJson, summaryToJson } from './schema';
import { median, pairedDifference, stat } from './stats';
import { readSummary } from './store';
import { summarize } from './summary';
import { judgeClaimsOnSeeds } from './verdicts';

const MNIST = { name: 'mnist', md5: { trainImages: 'a', trainLabels: 'b', testImages: 'c', testLabels: 'd' } };
const tmp = () => testDir('runs');

describe('summaries and references', () => {
  const job = (experiment: string, variant: string, seed: number, testAccuracy: number) => ({
    experiment,
    variant,
    seed,
    backend: 'wasm',
    trainer: 'fused',
    testAccuracy,
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
    assert.ok(
      Math.abs(p.ciLow! - (0.02 - 0.024843)) < 1e-6 && Math.abs(p.ciHigh! - (0.02 + 0.024843)) < 1e-6,
      JSON.stringify(p),
    );
    const one = pairedDifference({ ...bn, values: [0.9], seeds: [1], n: 1 }, brn);
    assert.deepEqual([one.n, one.ciLow, one.ciHigh], [1, null, null]);
  });

  it('a summary of hand-made logs over 3 seeds: per-seed values, sample std, paired t intervals, the EMA pairs and the verdicts', () => {
    const dir = join(tmp(), 'quick', 'baseline');
    mkdirSync(dir, { recursive: true });
    const config = forProfile(baseline, 'quick');
    const stats = (accuracy: number) => ({ accuracy, logitGap: 0.1, disagreement: 0.01, examples: 9_984 });
    const write = (variant: Variant, seed: number, test: number, ema: number, standard: number | null) => {
      const header: HeaderRecord = {
        kind: 'header',
        job: `quick/baseline/${variant}-seed${seed}`,
        profile: 'quick',
        experiment: 'baseline',
        variant,
        seed,
        backend: 'wasm',
        trainer: 'fused',
        dataSource: 'test',
        data: MNIST,
        config,
      };
      const evalRecord: EvalRecord = {
        kind: 'eval',
        step: 3_000,
        rmax: null,
        dmax: null,
        learningRate: 1e-3,
        trainLoss: 0.1,
        trainAccuracy: 0.97,
        validationAccuracy: test + 0.001,
        validationAccuracyEma: ema + 0.001,
        validationAccuracyStandard: standard,
        batchStats: stats(0.9),
        batchStatsIid: null,
        renorm: [],
        timing: { msPerStep: 2, elapsedSeconds: 6 },
      };
      const final: FinalRecord = {
        kind: 'final',
        step: 3_000,
        validationAccuracy: test + 0.001,
        validationAccuracyEma: ema + 0.001,
        testAccuracy: test,
        testAccuracyEma: ema,
        testAccuracyStandard: standard,
        testAccuracyStandardEma: standard,
        testBatchStats: stats(0.9),
        testBatchStatsEma: stats(0.9),
        testBatchStatsIid: null,
        testBatchStatsIidEma: null,
        timing: { msPerStep: 2, trainSeconds: 6, totalSeconds: 7, resumedFromStep: 0 },
      };
      const lines = [header, evalRecord].map((r) => JSON.stringify(r));
      writeFileSync(
        join(dir, `${variant}-seed${seed}.jsonl`),
        [...lines, sealedFinalLine(lines, final)].join('\n') + '\n',
      );
    };
    // Seed order 3, 1, 2 on disk: the summary lists seeds ascending.
    for (const [seed, bn, brn, bnEma, brnEma, standard] of [
      [3, 0.94, 0.96, 0.93, 0.96, 0.94],
      [1, 0.9, 0.93, 0.91, 0.92, 0.91],
      [2, 0.92, 0.94, 0.92, 0.95, 0.93],
    ]) {
      write('bn', seed, bn, bnEma, standard);
      write('brn', seed, brn, brnEma, null);
    }
    const summary = summarize('quick', dirname(dirname(dir)));
    const e = summary.experiments.baseline.variants as Required<typeof summary.experiments.baseline.variants>;
    const { pairs, pairsEma } = summary.experiments.baseline;
    const close = (a: number | null, b: number, what: string) =>
      assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);
    assert.deepEqual(e.bn.testAccuracy.seeds, [1, 2, 3]);
    assert.deepEqual(e.bn.testAccuracy.values, [0.9, 0.92, 0.94]);
    close(e.bn.testAccuracy.mean, 0.92, 'bn mean');
    close(e.bn.testAccuracy.std, 0.02, 'bn sample std: sqrt((0.02² + 0 + 0.02²) / 2)');
    assert.equal(e.bn.testAccuracy.n, 3);
    assert.deepEqual(e['bn-standard'].testAccuracy.values, [0.91, 0.93, 0.94]);
    assert.deepEqual(e.brn.testAccuracyEma!.values, [0.92, 0.95, 0.96]);
    // BRN − BN per seed: 0.03, 0.02, 0.02; mean 0.07/3, s = 0.01/√3, half-width t(0.975, 2)·s/√3 = 4.303 · 0.01/3.
    const pair = pairs['brn-bn'];
    close(pair.mean, 0.07 / 3, 'pair mean');
    assert.deepEqual(
      pair.values.map((v) => Math.round(v * 1e6) / 1e6),
      [0.03, 0.02, 0.02],
    );
    close(pair.ciLow, 0.07 / 3 - (4.303 * 0.01) / 3, 'ciLow');
    close(pair.ciHigh, 0.07 / 3 + (4.303 * 0.01) / 3, 'ciHigh');
    // With the average: 0.01, 0.03, 0.03; s = 0.02/√3, half-width 4.303 · 0.02/3.
    const ema = pairsEma['brn-bn'];
    close(ema.ciLow, 0.07 / 3 - (4.303 * 0.02) / 3, 'EMA ciLow');
    close(pairs['brn-bn-standard'].mean, (0.02 + 0.01 + 0.02) / 3, 'BRN − standard BN');
    // The claim 'BRN matches BN' by the rule: the raw interval [0.009, 0.038] excludes 0 (differs), the EMA one [−0.005, 0.052] holds it and passes ±0.3 points.
    const claim = summary.claims.find((c) => c.id === 'baseline')!;
    assert.equal(claim.verdict, 'differs');
    assert.equal(claim.verdictEma, 'inconclusive');
    close(summary.curves.baseline.bn![0].trainAccuracy!.mean, 0.97, 'training accuracy in the curves');
  });

  it('compares a run with the reference job by job, and says how many match', () => {
    const reference = {
      profile: 'quick' as const,
      dataset: 'mnist',
      note: 'test',
      jobs: [job('a', 'bn', 1, 0.9712), job('a', 'brn', 1, 0.9715), job('b', 'bn', 1, 0.5)],
    };
    const same = compareWithReference(reference.jobs, reference);
    assert.equal(
      same.lines[same.lines.length - 1],
      'reproduction: 3 of 3 jobs match the committed reference (3 compared, 0 absent)',
    );
    const off = compareWithReference([job('a', 'bn', 1, 0.9712), job('a', 'brn', 1, 0.9717)], reference);
    assert.equal(off.matched, 1);
    assert.match(off.lines[0], /a +1 of 2 identical; brn-seed1 97.17% vs 97.15% \(2 test images\)/);
    assert.match(off.lines[1], /absent: 1 requested jobs have no finished log: b\/bn-seed1$/);
    assert.equal(off.lines[2], 'reproduction: 1 of 3 jobs match the committed reference (2 compared, 1 absent)');
    assert.deepEqual(off.absent, ['b/bn-seed1']);
  });

  it("a log made by the earlier conv arithmetic is another job than this code's: resume never mixes the two", () => {
    const header = {
      kind: 'header' as const,
      job: 'full/cnn-baseline/bn-seed6',
      profile: 'full' as const,
      experiment: 'cnn-baseline',
      variant: 'bn' as const,
      seed: 6,
      backend: 'wasm',
      trainer: 'fused',
      dataSource: 'x',
      data: { name: 'fashion-mnist', md5: {} } as unknown as HeaderRecord['data'],
      config: forProfile(baseline, 'full'),
    };
    const now = { ...header, arithmetic: CONV_ARITHMETIC };
    assert.deepEqual(jobDifferences(now, now), []);
    assert.deepEqual(jobDifferences(header, now), [
      `arithmetic the earlier conv kernels (this run: ${CONV_ARITHMETIC})`,
    ]);
  });

  it('reference jobs made by the earlier conv arithmetic are named as superseded, neither mismatches nor reproduced', () => {
    const old = [job('cnn', 'bn', 1, 0.9), job('cnn', 'brn', 1, 0.91), job('a', 'bn', 1, 0.97)];
    const reference = { profile: 'full' as const, dataset: 'fashion-mnist', note: 'test', jobs: old };
    // This run: the conv jobs by the current arithmetic (one with the old accuracy, one without), the MLP job as before.
    const run = [
      { ...job('cnn', 'bn', 1, 0.9), arithmetic: CONV_ARITHMETIC },
      { ...job('cnn', 'brn', 1, 0.95), arithmetic: CONV_ARITHMETIC },
      job('a', 'bn', 1, 0.97),
    ];
    const r = compareWithReference(run, reference);
    assert.equal(r.matched, 1);
    assert.equal(r.total, 1);
    assert.deepEqual(r.superseded, ['cnn/bn-seed1', 'cnn/brn-seed1']);
    assert.match(r.lines[0], /^ {2}a +1 of 1 identical$/);
    assert.match(
      r.lines[1],
      new RegExp(
        `superseded: 2 reference jobs were made by the earlier conv arithmetic \\(code up to commit ${EARLIER_CONV_ARITHMETIC_COMMIT}\\), this run by ${CONV_ARITHMETIC}: not compared, and not reproduced by this run: cnn/bn-seed1, cnn/brn-seed1`,
      ),
    );
    assert.equal(
      r.lines[2],
      'reproduction: 1 of 1 jobs match the committed reference (1 compared, 0 absent, 2 superseded)',
    );
    // A reference made by the current arithmetic is held to it as any other.
    const current = { ...reference, jobs: run };
    assert.equal(compareWithReference(run, current).matched, 3);
  });

  it('jobs outside the scope asked for are listed as not requested, not counted as failures', () => {
    const jobs = [job('a', 'bn', 1, 0.97), job('a', 'bn', 2, 0.96), job('a', 'brn', 1, 0.98), job('b', 'bn', 1, 0.5)];
    const reference = { profile: 'quick' as const, dataset: 'mnist', note: 'test', jobs };
    const r = compareWithReference([jobs[0]], reference, { experiments: ['a'], seeds: 1, variants: ['bn'] });
    assert.equal(r.matched, 1);
    assert.equal(r.total, 1);
    assert.deepEqual(r.absent, []);
    assert.deepEqual(r.notRequested, ['a/bn-seed2', 'a/brn-seed1', 'b/bn-seed1']);
    assert.match(
      r.lines[1],
      /not requested: 3 reference jobs not held against: a\/bn-seed2, a\/brn-seed1, b\/bn-seed1/,
    );
    assert.equal(
      r.lines[2],
      'reproduction: 1 of 1 jobs match the committed reference (1 compared, 0 absent, 3 not requested)',
    );
  });
});

describe('summary.json', () => {
  it('every committed summary reads back and writes out byte for byte', () => {
    const root = join(KIT_ROOT, 'data', 'results');
    const files = ['full', 'quick', 'fashion-mnist/full'].map((p) => join(root, p, 'summary.json')).filter(existsSync);
    assert.ok(files.length >= 2, files.join(', '));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const summary = summaryFromJson(JSON.parse(text));
      assert.equal(JSON.stringify(summaryToJson(summary), null, 2) + '\n', text, file);
      for (const e of Object.values(summary.experiments)) assert.equal('pairs' in e.variants, false, file);
    }
  });

  it('an older summary is upgraded where it is read: no data set, claims or comparisons recorded', () => {
    const old = { profile: 'full', backend: 'wasm', experiments: {}, curves: {}, configs: {}, timing: {} };
    const summary = summaryFromJson(old);
    assert.equal(summary.dataset, 'mnist');
    assert.deepEqual([summary.claims, summary.comparisons], [[], {}]);
    const withConfig = summaryFromJson({ ...old, configs: { baseline: { title: 't', steps: 1, variants: [] } } });
    assert.equal(withConfig.configs.baseline.architecture, 'mlp');
  });

  it("the short schedule's committed conv logs summarize against its own configs: the committed summary, byte for byte", () => {
    const runs = join(KIT_ROOT, 'data', 'runs');
    const order = [...ALL_EXPERIMENTS.map((e) => e.name)];
    const summary = summarize('full', runs, order, 'fashion-mnist');
    const committed = readFileSync(join(KIT_ROOT, 'data', 'results', 'fashion-mnist', 'full', 'summary.json'), 'utf8');
    assert.equal(JSON.stringify(summaryToJson(summary), null, 2) + '\n', committed);
    // Its microbatches of 8 are no experiment of the protocol now, and still planned as they ran (3 seeds).
    assert.equal(
      CNN_EXPERIMENTS.some((e) => e.name === 'cnn-microbatch-mb8'),
      false,
    );
    assert.deepEqual(summary.jobs?.lacking, []);
    assert.equal(summary.experiments['cnn-microbatch-mb8'].variants.bn!.testAccuracy.n, 3);
  });

  it("records each experiment's model: every conv experiment (cnn-*, the short schedule's too) as conv, the MLP's as mlp", () => {
    const summary = readSummary('full', join(KIT_ROOT, 'data', 'results'), 'fashion-mnist');
    const names = Object.keys(summary!.configs);
    for (const c of CNN_EXPERIMENTS.filter((e) => e.name in summary!.configs))
      assert.equal(summary!.configs[c.name].architecture, 'conv', c.name);
    for (const name of names)
      assert.equal(summary!.configs[name].architecture, name.startsWith('cnn-') ? 'conv' : 'mlp', name);
  });
});

describe('claims on a subset of seeds', () => {
  it('on all seeds they are the summary claims; on the first three, each interval is over those three (or the fewer it has)', () => {
    for (const dataset of ['mnist', 'fashion-mnist']) {
      const summary = readSummary('full', join(KIT_ROOT, 'data', 'results'), dataset);
      assert.ok(summary !== null, dataset);
      const seeds = [...new Set(summary.claims.flatMap((c) => c.test?.seeds ?? []))].sort();
      assert.deepEqual(judgeClaimsOnSeeds(summary, seeds), summary.claims, `${dataset}: all seeds`);
      const three = judgeClaimsOnSeeds(summary, [1, 2, 3]);
      assert.equal(three.length, summary.claims.length);
      three.forEach((c, i) => {
        const full = summary.claims[i];
        // a claim with fewer seeds (a protocol still running) keeps the ones it has among 1-3
        const kept = (full.test?.seeds ?? []).filter((s) => s <= 3);
        assert.deepEqual(c.test?.seeds, kept, `${dataset}: ${full.id}`);
        assert.deepEqual(c.test?.values, full.test?.values.slice(0, kept.length));
        assert.equal(c.id, full.id);
      });
    }
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the middle two, whatever the order; the input is left as it was', () => {
    const xs = [3, 1, 2];
    assert.equal(median(xs), 2);
    assert.deepEqual(xs, [3, 1, 2]);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([10, 9]), 9.5);
    assert.equal(median([7]), 7);
  });
});
