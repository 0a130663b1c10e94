/**
 * Figures and the results table from a small hand-made summary: which figures
 * have data, what their specs and captions say, that rendering gives a real
 * SVG and PNG, and that the README block is replaced and nothing else.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { testDir } from '../testing';
import type { CurvePoint, ExperimentResults, Stat, Summary } from '../experiments/summary';
import { PAPER_RAMP } from '../renorm/schedule';
import { makeFigures, updateReadme } from './make';
import { renderSvg, svgToPng } from './render';
import { baselineSpec, FIGURES, microbatchSweepSpec, nonIidSpec, wrap } from './specs';
import { resultsTable } from './table';
import { writeJsonAtomic } from '../io/atomic';

const s = (mean: number, std = 0.01, n = 2): Stat => ({ mean, std, n });
const curve = (final: number): CurvePoint[] =>
  [0, 500, 1000].map((step, i) => ({
    step,
    rmax: 1 + i,
    dmax: 2 * i,
    validationAccuracy: s(final * (0.5 + i / 4)),
    validationAccuracyEma: s(final * (0.55 + i / 4)),
    trainAccuracy: i === 0 ? null : s(final * 0.99),
    batchStatsAccuracy: s(final * 0.9),
    logitGap: s(i === 2 ? 1e-7 : 0.3),
    trainLoss: i === 0 ? null : s(1 / (i + 1)),
    rClippedFraction: i === 0 ? null : s(1 / i),
    dClippedFraction: i === 0 ? null : s(0.5 / i),
  }));
const seeded = (mean: number) => ({ ...s(mean), values: [mean - 0.001, mean + 0.001], seeds: [1, 2] });
const variant = (acc: number) => ({ step: 1000, validationAccuracy: seeded(acc), validationAccuracyEma: seeded(acc + 0.001), testAccuracy: seeded(acc - 0.001), testAccuracyEma: seeded(acc), seeds: [1, 2] });
const config = (title: string, extra: Partial<Summary['configs'][string]> = {}): Summary['configs'][string] => ({ title, paper: null, steps: 1000, batchSize: 32, microbatchSize: null, sampler: { kind: 'iid' as const }, ramp: PAPER_RAMP, emaDecay: 0.998, variants: ['bn', 'brn'], ...extra });

const SUMMARY: Summary = {
  profile: 'quick',
  dataset: 'mnist',
  backend: 'wasm',
  experiments: {
    // `pairs` sits beside the variants, as summarize writes it (the type cannot say so of a literal).
    baseline: { bn: variant(0.97), brn: variant(0.969), pairs: { 'brn-bn': { mean: -0.001, ciLow: -0.01, ciHigh: 0.008, n: 2, seeds: [1, 2] } } } as unknown as ExperimentResults,
    'non-iid': { bn: variant(0.5), 'bn-batchstats': variant(0.9), brn: variant(0.95) },
  },
  comparisons: {},
  claims: [],
  curves: { baseline: { bn: curve(0.97), brn: curve(0.969) }, 'non-iid': { bn: curve(0.5), brn: curve(0.95) } },
  configs: {
    baseline: config('Minibatch 32, i.i.d.', { paper: { figure: 'Figure 1', bn: '78.3%', brn: '78.5%' } }),
    'non-iid': config('2 labels x 16', { sampler: { kind: 'label-grouped', labelsPerBatch: 2, examplesPerLabel: 16 }, paper: { figure: 'Figure 3', bn: '67%', brn: '78.6%', notes: 'BN with minibatch statistics: 76.5%' } }),
  },
  timing: {},
};

describe('figure specs', () => {
  it('exist exactly for the data the summary holds', () => {
    const made = FIGURES.filter((f) => f.spec(SUMMARY) !== null).map((f) => f.name);
    assert.deepEqual(made, ['ramp', 'baseline', 'non-iid', 'mismatch']);
    assert.equal(microbatchSweepSpec(SUMMARY), null);
  });

  it('carry their data, a title and a caption naming profile, backend and seeds', () => {
    const spec = baselineSpec(SUMMARY)! as { title: { text: string; subtitle: string[] }; layer: { data?: unknown }[]; data: { values: { series: string; x: number; mean: number }[] } };
    assert.match(spec.title.text, /Figure 1/);
    assert.match(spec.title.subtitle[0], /quick profile · backend: wasm · mean ± std over 2 seeds/);
    const finalBrn = spec.data.values.find((v) => v.series === 'BRN' && v.x === 1000)!;
    assert.ok(Math.abs(finalBrn.mean - 96.9) < 1e-9, `${finalBrn.mean}`);
    const nonIid = nonIidSpec(SUMMARY)! as { data: { values: { series: string }[] } };
    assert.deepEqual([...new Set(nonIid.data.values.map((v) => v.series))], ['BN (moving averages)', 'BN (minibatch statistics)', 'BRN']);
  });

  it('wrap keeps caption lines short without losing words', () => {
    const text = 'a '.repeat(120).trim();
    const lines = wrap([text], 40);
    assert.ok(lines.every((l) => l.length <= 40));
    assert.equal(lines.join(' '), text);
  });

  it('render to an SVG and a PNG', async () => {
    const svg = await renderSvg(baselineSpec(SUMMARY)!);
    assert.match(svg, /^<svg/);
    assert.match(svg, /validation accuracy/);
    const png = svgToPng(svg);
    assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });
});

describe('results table and README block', () => {
  it('puts the paper beside our mean ± std (n)', () => {
    const table = resultsTable(SUMMARY);
    assert.match(table, /\| baseline: Minibatch 32, i.i.d. \(Figure 1\) \| 78.3% \| 78.5% \| 96.90% ± 1.00 \(n=2\) \| 96.80% ± 1.00 \(n=2\) \| — \| 1,000 \|/);
    assert.match(table, /\| non-iid: .* \| 49.90% ± 1.00 \(n=2\) \| 94.90% ± 1.00 \(n=2\) \| 89.90% ± 1.00 \(n=2\) \|/);
    assert.match(table, /Figure 3: BN with minibatch statistics: 76.5%/);
    assert.doesNotMatch(resultsTable(SUMMARY, ['baseline']), /non-iid/);
  });

  it('makeFigures writes every figure with data, the table, and only the README block', async () => {
    const dir = testDir('fig');
    writeJsonAtomic(join(dir, 'results', 'quick', 'summary.json'), SUMMARY);
    const readme = join(dir, 'README.md');
    writeFileSync(readme, 'before\n<!-- results:quick:start -->\nold table\n<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n');
    const written = await makeFigures({ profile: 'quick', resultsDir: join(dir, 'results'), figuresDir: join(dir, 'figures'), readme });
    assert.equal(written.filter((p) => p.endsWith('.svg')).length, 4);
    assert.equal(written.filter((p) => p.endsWith('.png')).length, 4);
    const text = readFileSync(readme, 'utf8');
    assert.ok(text.startsWith('before\n<!-- results:quick:start -->\nTest accuracy'));
    assert.ok(text.endsWith('<!-- results:quick:end -->\n<!-- results:full:start -->\nfull table\n<!-- results:full:end -->\n'));
    assert.doesNotMatch(text, /old table/);
    assert.equal(updateReadme(join(dir, 'missing.md'), 'quick', 'x'), false);
    await assert.rejects(makeFigures({ profile: 'full', resultsDir: join(dir, 'results'), figuresDir: dir, readme: null }), /No full summary under .*: run 'brn reproduce' first/);
  });
});
