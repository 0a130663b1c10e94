/**
 * Figures and tables from a hand-made summary in which every curve and every
 * number is distinct: each figure must plot, under each legend label, exactly
 * the summary field that label names (so a series drawn from the wrong
 * variant or field fails), captions name profile, backend and seeds, rendering
 * gives a real SVG and PNG, and the README block is replaced and nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testDir } from '../testing';
import { pairedDifference, type CurvePoint, type ExperimentResults, type SeedStat, type Stat, type Summary, type VariantSummary } from '../experiments/summary';
import { judgeClaims } from '../experiments/claims';
import { PAPER_RAMP } from '../renorm/schedule';
import { makeFigures, updateReadme } from './make';
import { renderSvg, svgToPng } from './render';
import { FIGURES, microbatchSweepSpec, seedCountText, wrap, type Spec } from './specs';
import { claimsTable, findings, resultsTable } from './table';
import { writeJsonAtomic } from '../io/atomic';

/** A number in (0, 1) that differs for every key (a small string hash). */
function distinct(...key: (string | number)[]): number {
  let h = 2_166_136_261;
  for (const c of key.join('|')) h = Math.imul(h ^ c.charCodeAt(0), 16_777_619) >>> 0;
  return 0.5 + (h % 100_000) / 250_000;
}

const s = (mean: number): Stat => ({ mean, std: 0.004, n: 3 });
const FIELDS = ['validationAccuracy', 'validationAccuracyEma', 'batchStatsAccuracy', 'logitGap', 'trainLoss', 'trainAccuracy', 'rClippedFraction', 'dClippedFraction'] as const;
const curve = (e: string, v: string): CurvePoint[] =>
  [0, 500, 1000].map((step) => ({ step, rmax: 1, dmax: 0, ...(Object.fromEntries(FIELDS.map((f) => [f, s(distinct(e, v, f, step))])) as Record<(typeof FIELDS)[number], Stat>) }));
const seeded = (mean: number): SeedStat => ({ mean, std: 0.004, n: 3, values: [mean - 0.004, mean, mean + 0.004], seeds: [1, 2, 3] });
const variant = (e: string, v: string): VariantSummary => ({
  step: 1000,
  validationAccuracy: seeded(distinct(e, v, 'val')),
  validationAccuracyEma: seeded(distinct(e, v, 'valEma')),
  testAccuracy: seeded(distinct(e, v, 'test')),
  testAccuracyEma: seeded(distinct(e, v, 'testEma')),
  seeds: [1, 2, 3],
});
const config = (title: string, extra: Partial<Summary['configs'][string]> = {}): Summary['configs'][string] => ({ title, paper: null, steps: 1000, batchSize: 32, microbatchSize: null, sampler: { kind: 'iid' }, ramp: PAPER_RAMP, emaDecay: 0.998, variants: [], ...extra });

const VARIANTS: Record<string, string[]> = {
  baseline: ['bn', 'bn-standard', 'brn', 'none'],
  microbatch: ['bn', 'bn-standard', 'brn', 'brn-noramp'],
  'non-iid': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'brn-noramp', 'none'],
  'microbatch-mb2': ['bn', 'bn-standard', 'brn'],
  'microbatch-mb8': ['bn', 'bn-standard', 'brn'],
  'non-iid-k1': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
  'non-iid-k4': ['bn', 'bn-standard', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
};
const grouped = (k: number) => ({ kind: 'label-grouped' as const, labelsPerBatch: k, examplesPerLabel: 32 / k });
const CONFIGS: Summary['configs'] = {
  baseline: config('Minibatch 32, i.i.d.', { paper: { figure: 'Figure 1', bn: '78.3%', brn: '78.5%' } }),
  microbatch: config('microbatches of 4', { microbatchSize: 4 }),
  'non-iid': config('2 labels x 16', { sampler: grouped(2), paper: { figure: 'Figure 3', bn: '67%', brn: '78.6%', notes: 'BN with minibatch statistics: 76.5%' } }),
  'microbatch-mb2': config('microbatches of 2', { microbatchSize: 2 }),
  'microbatch-mb8': config('microbatches of 8', { microbatchSize: 8 }),
  'non-iid-k1': config('1 label x 32', { sampler: grouped(1) }),
  'non-iid-k4': config('4 labels x 8', { sampler: grouped(4) }),
};

function makeSummary(): Summary {
  const experiments: Record<string, ExperimentResults> = {};
  const curves: Summary['curves'] = {};
  for (const [e, vs] of Object.entries(VARIANTS)) {
    const results = Object.fromEntries(vs.map((v) => [v, variant(e, v)])) as ExperimentResults;
    if (results['bn-batchstats'] !== undefined) results['bn-batchstats'].testExamples = 9_984;
    if (results['bn-batchstats-iid'] !== undefined) results['bn-batchstats-iid'].testExamples = 10_000;
    results.pairs = Object.fromEntries(vs.filter((v) => v !== 'brn').map((v) => [`brn-${v}`, pairedDifference(results[v].testAccuracy, results.brn.testAccuracy)]));
    results.pairsEma = Object.fromEntries(vs.filter((v) => v !== 'brn').map((v) => [`brn-${v}`, pairedDifference(results[v].testAccuracyEma!, results.brn.testAccuracyEma!)]));
    experiments[e] = results;
    curves[e] = Object.fromEntries(vs.map((v) => [v, curve(e, v)]));
  }
  const summary: Summary = { profile: 'quick', dataset: 'mnist', backend: 'wasm', experiments, comparisons: {}, claims: [], curves, configs: CONFIGS, timing: {} };
  const bn = experiments.baseline.bn;
  const brn = experiments['non-iid'].brn;
  summary.comparisons['non-iid:brn-baseline:bn'] = { b: { experiment: 'non-iid', variant: 'brn' }, a: { experiment: 'baseline', variant: 'bn' }, test: pairedDifference(bn.testAccuracy, brn.testAccuracy), ema: pairedDifference(bn.testAccuracyEma!, brn.testAccuracyEma!) };
  summary.claims = judgeClaims(summary);
  return summary;
}

const SUMMARY = makeSummary();

/** Every data row of a spec and its nested views, tagged with the index of the top-level panel it sits in. */
function rows(spec: Spec, panel = 0): (Record<string, unknown> & { panel: number })[] {
  const own = ((spec.data as { values?: Record<string, unknown>[] } | undefined)?.values ?? []).map((r) => ({ ...r, panel }));
  const children = ['layer', 'vconcat', 'hconcat'].flatMap((k) => ((spec[k] as Spec[] | undefined) ?? []).flatMap((child, i) => rows(child, k === 'layer' ? panel : i)));
  return [...own, ...children];
}

/** Plotted means by series label, as "x:mean" strings (a line's rows carry `series`, `x` and `mean`). */
function plotted(spec: Spec, panel?: number): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of rows(spec)) {
    if (typeof r.series !== 'string' || typeof r.mean !== 'number' || (panel !== undefined && r.panel !== panel)) continue;
    out.set(r.series, [...(out.get(r.series) ?? []), `${r.x}:${r.mean.toFixed(6)}`]);
  }
  return out;
}

type Source = [experiment: string, variant: string, field: (typeof FIELDS)[number]];

/** What the series `label` must show: the curve field of (experiment, variant), in percent unless `scale` says otherwise. */
function expectedCurve([e, v, f]: Source, scale = 100): string[] {
  return SUMMARY.curves[e][v].map((p) => `${p.step}:${(scale * (p[f] as Stat).mean).toFixed(6)}`);
}

function specOf(name: string): Spec {
  const spec = FIGURES.find((f) => f.name === name)!.spec(SUMMARY);
  assert.ok(spec !== null, `figure ${name} has data`);
  return spec;
}

function assertSeries(name: string, expected: Record<string, Source>, panel?: number, scale?: number): void {
  const got = plotted(specOf(name), panel);
  assert.deepEqual([...got.keys()].sort(), Object.keys(expected).sort(), `${name}: the series plotted`);
  for (const [label, source] of Object.entries(expected)) assert.deepEqual(got.get(label)!.sort(), expectedCurve(source, scale).sort(), `${name}: '${label}' plots ${source.join(' ')}`);
}

describe('each figure plots the series it names', () => {
  it('baseline: BN, BN (standard), BRN, no normalization (validation curves)', () => {
    assertSeries('baseline', {
      BN: ['baseline', 'bn', 'validationAccuracy'],
      'BN (standard)': ['baseline', 'bn-standard', 'validationAccuracy'],
      BRN: ['baseline', 'brn', 'validationAccuracy'],
      'no normalization': ['baseline', 'none', 'validationAccuracy'],
    });
  });

  it('microbatch: the four variants and BN on whole minibatches', () => {
    assertSeries('microbatch', {
      BN: ['microbatch', 'bn', 'validationAccuracy'],
      'BN (standard)': ['microbatch', 'bn-standard', 'validationAccuracy'],
      BRN: ['microbatch', 'brn', 'validationAccuracy'],
      'BRN (no ramp)': ['microbatch', 'brn-noramp', 'validationAccuracy'],
      'BN (minibatch 32)': ['baseline', 'bn', 'validationAccuracy'],
    });
  });

  it('non-iid: both batch-statistics evaluations from their own variants, every control', () => {
    assertSeries('non-iid', {
      BN: ['non-iid', 'bn', 'validationAccuracy'],
      'BN (standard)': ['non-iid', 'bn-standard', 'validationAccuracy'],
      'BN, statistics of label-grouped batches (uses labels)': ['non-iid', 'bn-batchstats', 'validationAccuracy'],
      'BN, statistics of i.i.d. batches': ['non-iid', 'bn-batchstats-iid', 'validationAccuracy'],
      BRN: ['non-iid', 'brn', 'validationAccuracy'],
      'BRN (no ramp)': ['non-iid', 'brn-noramp', 'validationAccuracy'],
      'no normalization': ['non-iid', 'none', 'validationAccuracy'],
    });
  });

  it('non-iid-training: training accuracy (training mode), not validation', () => {
    assertSeries('non-iid-training', {
      BN: ['non-iid', 'bn', 'trainAccuracy'],
      BRN: ['non-iid', 'brn', 'trainAccuracy'],
      'no normalization': ['non-iid', 'none', 'trainAccuracy'],
      'BN (minibatch 32)': ['baseline', 'bn', 'trainAccuracy'],
    });
  });

  it('mismatch: the logit gap of BN and BRN, one panel per experiment', () => {
    ['baseline', 'microbatch', 'non-iid'].forEach((e, panel) => assertSeries('mismatch', { BN: [e, 'bn', 'logitGap'], BRN: [e, 'brn', 'logitGap'] }, panel, 1));
  });

  it('sweeps: test accuracy by swept size, each seed a point', () => {
    const spec = specOf('microbatch-sweep');
    const byX = { 2: 'microbatch-mb2', 4: 'microbatch', 8: 'microbatch-mb8', 32: 'baseline' } as Record<number, string>;
    const got = plotted(spec);
    assert.deepEqual([...got.keys()].sort(), ['BN', 'BRN']);
    for (const [label, v] of [['BN', 'bn'], ['BRN', 'brn']]) {
      assert.deepEqual(got.get(label)!.sort(), Object.entries(byX).map(([x, e]) => `${x}:${(100 * SUMMARY.experiments[e][v].testAccuracy.mean).toFixed(6)}`).sort());
    }
    const points = rows(spec).filter((r) => typeof r.seed === 'number');
    const brn8 = points.filter((r) => r.series === 'BRN' && r.x === 8).map((r) => (r.value as number).toFixed(6));
    assert.deepEqual(brn8, SUMMARY.experiments['microbatch-mb8'].brn.testAccuracy.values.map((v) => (100 * v).toFixed(6)));
    const nonIid = plotted(specOf('non-iid-sweep'));
    assert.deepEqual([...nonIid.keys()].sort(), ['BN', 'BN, statistics of i.i.d. batches', 'BN, statistics of label-grouped batches (uses labels)', 'BRN', 'no normalization'].sort());
    assert.deepEqual(nonIid.get('BN, statistics of i.i.d. batches')!.sort(), [1, 2, 4].map((k) => `${k}:${(100 * SUMMARY.experiments[k === 2 ? 'non-iid' : `non-iid-k${k}`]['bn-batchstats-iid'].testAccuracy.mean).toFixed(6)}`).sort());
  });

  it('verdicts: every claim with its two intervals and verdicts', () => {
    const values = rows(specOf('verdicts')).filter((r) => typeof r.claim === 'string');
    assert.equal(values.length, 2 * SUMMARY.claims.length);
    for (const c of SUMMARY.claims) {
      const ema = values.find((r) => r.claim === c.statement && r.reading === 'parameter average (headline)')!;
      assert.ok(Math.abs((ema.mean as number) - 100 * c.ema!.mean) < 1e-9 && ema.verdict === c.verdictEma, JSON.stringify(ema));
      const raw = values.find((r) => r.claim === c.statement && r.reading === 'trained parameters')!;
      assert.ok(Math.abs((raw.lo as number) - 100 * c.test!.ciLow!) < 1e-9 && raw.verdict === c.verdict, JSON.stringify(raw));
    }
  });
});

describe('figure specs', () => {
  it('exist exactly for the data the summary holds', () => {
    assert.deepEqual(FIGURES.filter((f) => f.spec(SUMMARY) !== null).map((f) => f.name), FIGURES.map((f) => f.name));
    const mainOnly: Summary = { ...SUMMARY, experiments: { baseline: SUMMARY.experiments.baseline }, configs: { baseline: CONFIGS.baseline }, curves: { baseline: SUMMARY.curves.baseline }, claims: [] };
    assert.deepEqual(FIGURES.filter((f) => f.spec(mainOnly) !== null).map((f) => f.name), ['ramp', 'baseline', 'mismatch']);
    assert.equal(microbatchSweepSpec(mainOnly), null);
  });

  it('a caption naming profile, backend and seeds', () => {
    const spec = specOf('baseline') as { title: { text: string; subtitle: string[] } };
    assert.match(spec.title.text, /Figure 1/);
    assert.match(spec.title.subtitle[0], /MNIST · quick profile · backend: wasm · mean ± std over 3 seeds/);
    assert.match(spec.title.subtitle.join(' '), /with the trained parameters/);
  });

  it('a sweep caption names the points whose seed count differs', () => {
    assert.equal(seedCountText([{ at: 2, seeds: '3' }, { at: 4, seeds: '5' }, { at: 8, seeds: '3' }, { at: 16, seeds: '3' }, { at: 32, seeds: '5' }], 'x = '), '3 seeds (5 at x = 4, 32)');
    assert.equal(seedCountText([{ at: 1, seeds: '3' }, { at: 2, seeds: '3' }]), '3 seeds');
    assert.equal(seedCountText([{ at: 'baseline', seeds: '5' }, { at: 'microbatch', seeds: '3' }, { at: 'non-iid', seeds: '5' }]), '5 seeds (3 at microbatch)');
    const spec = microbatchSweepSpec(SUMMARY) as { title: { subtitle: string[] } };
    assert.match(spec.title.subtitle[0], /mean ± std over 3 seeds$/);
  });

  it('wrap keeps caption lines short without losing words', () => {
    const text = 'a '.repeat(120).trim();
    const lines = wrap([text], 40);
    assert.ok(lines.every((l) => l.length <= 40));
    assert.equal(lines.join(' '), text);
  });

  it('render to an SVG and a PNG', async () => {
    for (const name of ['baseline', 'verdicts', 'non-iid-sweep']) {
      const svg = await renderSvg(specOf(name));
      assert.match(svg, /^<svg/);
      const png = svgToPng(svg);
      assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    }
  });
});

describe('tables and the README block', () => {
  const pct = (v: number) => `${(100 * v).toFixed(2)}% ± 0.40 (n=3)`;
  it('the results table: every variant, the paper beside ours, the EMA column, BRN − row with its interval, which test examples', () => {
    const table = resultsTable(SUMMARY);
    const e = SUMMARY.experiments.baseline;
    const pair = e.pairs!['brn-bn'];
    const pts = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}`;
    const row = `| baseline: Minibatch 32, i.i.d. (Figure 1) | BN | 78.3% | ${pct(e.bn.testAccuracy.mean)} | ${pct(e.bn.testAccuracyEma!.mean)} | ${pts(pair.mean)} [${pts(pair.ciLow!)}, ${pts(pair.ciHigh!)}] (n=3) |`;
    assert.ok(table.includes(row), `${row}\nnot in\n${table}`);
    assert.match(table, /\| {2}\| BN, statistics of label-grouped test batches \(uses the test labels: 312 batches of 32, 9,984 draws\) \|/);
    assert.match(table, /\| {2}\| BN, statistics of i.i.d. test batches \(label-blind: every test image once, 10,000 images, in batches of 32\) \|/);
    assert.match(table, /Figure 3: BN with minibatch statistics: 76.5%/);
    assert.doesNotMatch(resultsTable(SUMMARY, ['baseline']), /non-iid/);
  });

  it('claims and findings from the verdicts', () => {
    const table = claimsTable(SUMMARY);
    const first = SUMMARY.claims[0];
    assert.match(table, new RegExp(`\\| ${first.statement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\| ${first.paper} \\| .* \\| \\*\\*${first.verdictEma}\\*\\* \\|`));
    const text = findings(SUMMARY.claims);
    assert.equal(text.split('\n').filter((l) => l.startsWith('- **')).length, SUMMARY.claims.length);
    assert.match(text, new RegExp(`of ${SUMMARY.claims.length} claims reproduced or matched`));
  });

  it("findings give a 'differs' its direction, and count the verdicts", () => {
    const pair = (mean: number, lo: number, hi: number) => ({ mean, ciLow: lo, ciHigh: hi, n: 5, seeds: [1, 2, 3, 4, 5], values: [] });
    const claim = (id: string, kind: 'beats' | 'matches', test: ReturnType<typeof pair>, ema: ReturnType<typeof pair>, verdict: string, verdictEma: string) => ({ id, statement: id, paper: 'p', kind, b: { experiment: 'non-iid', variant: 'brn' as const }, a: { experiment: 'baseline', variant: 'bn' as const }, test, ema, verdict: verdict as never, verdictEma: verdictEma as never });
    const text = findings([claim('x', 'matches', pair(-0.024, -0.027, -0.021), pair(-0.025, -0.036, -0.013), 'differs', 'differs'), claim('y', 'beats', pair(0.01, 0.005, 0.015), pair(0.01, -0.001, 0.02), 'reproduced', 'not significant')]);
    assert.match(text, /\*\*x\*\*: differs \(BRN on non-iid below BN on baseline\) with both readings/);
    assert.match(text, /\*\*y\*\*: not significant with the parameter average, reproduced with the trained parameters/);
    assert.match(text, /0 of 2 claims reproduced or matched, 1 against the paper \(reversed or differs\), 1 not significant or inconclusive/);
  });

  it('makeFigures writes every figure with data, the block, and only the README block', async () => {
    const dir = testDir('fig');
    writeJsonAtomic(join(dir, 'results', 'quick', 'summary.json'), SUMMARY);
    const readme = join(dir, 'README.md');
    writeFileSync(readme, 'before\n<!-- results:quick:start -->\nold table\n<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n');
    const written = await makeFigures({ profile: 'quick', resultsDir: join(dir, 'results'), figuresDir: join(dir, 'figures'), readme });
    assert.equal(written.filter((p) => p.endsWith('.svg')).length, FIGURES.length);
    assert.equal(written.filter((p) => p.endsWith('.png')).length, FIGURES.length);
    const text = readFileSync(readme, 'utf8');
    assert.ok(text.startsWith('before\n<!-- results:quick:start -->\nTest accuracy'));
    assert.ok(text.endsWith('<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n'));
    assert.doesNotMatch(text, /old table/);
    assert.equal(updateReadme(join(dir, 'missing.md'), 'quick', 'x'), false);
    await assert.rejects(makeFigures({ profile: 'full', resultsDir: join(dir, 'results'), figuresDir: dir, readme: null }), /No full summary under .*: run 'brn reproduce' first/);
  });
});
