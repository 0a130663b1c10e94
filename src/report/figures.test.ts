/**
 * Figures from a hand-made summary in which every curve and every number is
 * distinct (`summary.fixture.ts`): each figure must plot, under each legend
 * label, exactly the summary field that label names (so a series drawn from
 * the wrong variant or field fails); captions name profile, backend and
 * seeds; rendering gives a real SVG and PNG.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUMMARY_VARIANTS, type SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';
import type { SeedStat } from '../results/stats';
import { colorOf, seedCountText, WIDTH, wrap, type SeriesId } from './chart';
import { FIGURES } from './figures';
import { renderSvg, svgToPng } from './render';
import { textWidth } from './text-width';
import { CONFIGS, SUMMARY } from './summary.fixture';
import { microbatchSweepSpec } from './sweep-figures';
import { assertSeries, plotted, rows, specOf } from './figure-probe.fixture';

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

  it('non-iid: the normalizers in one panel, BN read other ways and BRN without the ramp in the other', () => {
    assertSeries(
      'non-iid',
      {
        BN: ['non-iid', 'bn', 'validationAccuracy'],
        BRN: ['non-iid', 'brn', 'validationAccuracy'],
        'no normalization': ['non-iid', 'none', 'validationAccuracy'],
      },
      0,
    );
    assertSeries(
      'non-iid',
      {
        BN: ['non-iid', 'bn', 'validationAccuracy'],
        'BN (standard)': ['non-iid', 'bn-standard', 'validationAccuracy'],
        'BN, statistics of label-grouped batches (uses labels)': ['non-iid', 'bn-batchstats', 'validationAccuracy'],
        'BN, statistics of i.i.d. batches': ['non-iid', 'bn-batchstats-iid', 'validationAccuracy'],
        'BRN (no ramp)': ['non-iid', 'brn-noramp', 'validationAccuracy'],
      },
      1,
    );
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
    ['baseline', 'microbatch', 'non-iid'].forEach((e, panel) =>
      assertSeries('mismatch', { BN: [e, 'bn', 'logitGap'], BRN: [e, 'brn', 'logitGap'] }, panel, 1),
    );
  });

  it('sweeps: test accuracy by swept size, each seed a point', () => {
    const spec = specOf('microbatch-sweep');
    const byX = { 2: 'microbatch-mb2', 4: 'microbatch', 8: 'microbatch-mb8', 32: 'baseline' } as Record<number, string>;
    const got = plotted(spec);
    assert.deepEqual([...got.keys()].sort(), ['BN', 'BRN']);
    for (const [label, v] of [
      ['BN', 'bn'],
      ['BRN', 'brn'],
    ]) {
      assert.deepEqual(
        got.get(label)!.sort(),
        Object.entries(byX)
          .map(
            ([x, e]) =>
              `${x}:${(100 * SUMMARY.experiments[e].variants[v as SummaryVariant]!.testAccuracyEma!.mean).toFixed(6)}`,
          )
          .sort(),
      );
    }
    const points = rows(spec).filter((r) => typeof r.seed === 'number');
    const brn8 = points.filter((r) => r.series === 'BRN' && r.x === 8).map((r) => (r.value as number).toFixed(6));
    assert.deepEqual(
      brn8,
      SUMMARY.experiments['microbatch-mb8'].variants.brn!.testAccuracyEma!.values.map((v) => (100 * v).toFixed(6)),
    );
    // The reading the verdicts beside it stand on, named in the caption and on the axis.
    assert.match((spec.title as { subtitle: string[] }).subtitle.join(' '), /Test accuracy with the parameter average/);
    assert.match(JSON.stringify(spec), /"title":"test accuracy, parameter average \(%\)"/);
    const nonIid = plotted(specOf('non-iid-sweep'));
    assert.deepEqual(
      [...nonIid.keys()].sort(),
      [
        'BN',
        'BN, statistics of i.i.d. batches',
        'BN, statistics of label-grouped batches (uses labels)',
        'BRN',
        'no normalization',
      ].sort(),
    );
    assert.deepEqual(
      nonIid.get('BN, statistics of i.i.d. batches')!.sort(),
      [1, 2, 4]
        .map(
          (k) =>
            `${k}:${(100 * SUMMARY.experiments[k === 2 ? 'non-iid' : `non-iid-k${k}`].variants['bn-batchstats-iid']!.testAccuracyEma!.mean).toFixed(6)}`,
        )
        .sort(),
    );
  });

  it('conv curves: every normalizer, GN and LN in the microbatch figure from the whole-minibatch jobs they share', () => {
    assertSeries('cnn-baseline', {
      BN: ['cnn-baseline', 'bn', 'validationAccuracy'],
      'BN (standard)': ['cnn-baseline', 'bn-standard', 'validationAccuracy'],
      BRN: ['cnn-baseline', 'brn', 'validationAccuracy'],
      GN: ['cnn-baseline', 'gn', 'validationAccuracy'],
      LN: ['cnn-baseline', 'ln', 'validationAccuracy'],
      'no normalization': ['cnn-baseline', 'none', 'validationAccuracy'],
    });
    assertSeries('cnn-microbatch', {
      BN: ['cnn-microbatch', 'bn', 'validationAccuracy'],
      'BN (standard)': ['cnn-microbatch', 'bn-standard', 'validationAccuracy'],
      BRN: ['cnn-microbatch', 'brn', 'validationAccuracy'],
      GN: ['cnn-baseline', 'gn', 'validationAccuracy'],
      LN: ['cnn-baseline', 'ln', 'validationAccuracy'],
      'BN (minibatch 32)': ['cnn-baseline', 'bn', 'validationAccuracy'],
    });
    assertSeries(
      'cnn-non-iid',
      {
        BN: ['cnn-non-iid', 'bn', 'validationAccuracy'],
        BRN: ['cnn-non-iid', 'brn', 'validationAccuracy'],
        GN: ['cnn-non-iid', 'gn', 'validationAccuracy'],
        LN: ['cnn-non-iid', 'ln', 'validationAccuracy'],
        'no normalization': ['cnn-non-iid', 'none', 'validationAccuracy'],
      },
      0,
    );
    assertSeries(
      'cnn-non-iid',
      {
        BN: ['cnn-non-iid', 'bn', 'validationAccuracy'],
        'BN (standard)': ['cnn-non-iid', 'bn-standard', 'validationAccuracy'],
        'BN, statistics of i.i.d. batches': ['cnn-non-iid', 'bn-batchstats-iid', 'validationAccuracy'],
      },
      1,
    );
  });

  it('cnn-batch-size: each normalizer at 32, 8, 4 and 2, every seed a point; GN and LN the same jobs at every size', () => {
    const spec = specOf('cnn-batch-size');
    const byX: Record<number, string> = {
      2: 'cnn-microbatch-mb2',
      4: 'cnn-microbatch',
      8: 'cnn-microbatch-mb8',
      32: 'cnn-baseline',
    };
    const got = plotted(spec);
    assert.deepEqual([...got.keys()].sort(), ['BN', 'BRN', 'GN', 'LN']);
    for (const [label, v] of [
      ['BN', 'bn'],
      ['BRN', 'brn'],
      ['GN', 'gn'],
      ['LN', 'ln'],
    ] as const) {
      const expected = Object.entries(byX).map(([x, e]) => {
        const own = v === 'gn' || v === 'ln' ? 'cnn-baseline' : e;
        return `${x}:${(100 * SUMMARY.experiments[own].variants[v]!.testAccuracyEma!.mean).toFixed(6)}`;
      });
      assert.deepEqual(got.get(label)!.sort(), expected.sort(), label);
    }
    const seeds = rows(spec).filter((r) => typeof r.seed === 'number' && r.series === 'GN' && r.x === 2);
    assert.deepEqual(
      seeds.map((r) => (r.value as number).toFixed(6)),
      SUMMARY.experiments['cnn-baseline'].variants.gn!.testAccuracyEma!.values.map((v) => (100 * v).toFixed(6)),
    );
  });

  it("averaging: each seed's trained and averaged validation accuracy, for BRN and BRN without the ramp on 2 labels x 16", () => {
    const spec = specOf('averaging');
    const got = rows(spec).filter((r) => typeof r.reading === 'string');
    for (const [label, v] of [
      ['BRN', 'brn'],
      ['BRN (no ramp)', 'brn-noramp'],
    ] as const) {
      for (const [reading, field] of [
        ['trained', 'validationAccuracy'],
        ['average', 'validationAccuracyEma'],
      ] as const) {
        const expected = SUMMARY.curves['non-iid'][v]!.flatMap((p) => {
          const s = p[field] as SeedStat;
          return s.values.map((x, i) => `${p.step}:seed ${s.seeds[i]}:${(100 * x).toFixed(6)}`);
        });
        const plottedRows = got
          .filter((r) => r.variant === label && r.reading === reading)
          .map((r) => `${r.step}:${r.seed}:${(r.value as number).toFixed(6)}`);
        assert.deepEqual(plottedRows.sort(), expected.sort(), `${label} ${reading}`);
      }
    }
  });
});

describe('figure specs', () => {
  it('colour series by variant id: every variant has its own, an unknown id is an error', () => {
    const colors = SUMMARY_VARIANTS.map((v) => colorOf(v));
    assert.equal(new Set(colors).size, colors.length, colors.join(' '));
    assert.throws(() => colorOf('bn-renamed' as SeriesId), /No colour for series 'bn-renamed'/);
  });

  it('exist exactly for the data the summary holds', () => {
    // The fixture is a 10-class summary: every figure but the 1,000-class task's (tested above with their own summary).
    assert.deepEqual(
      FIGURES.filter((f) => f.spec(SUMMARY) !== null).map((f) => f.name),
      FIGURES.map((f) => f.name).filter((n) => !n.startsWith('triples-')),
    );
    const mainOnly: Summary = {
      ...SUMMARY,
      experiments: { baseline: SUMMARY.experiments.baseline },
      configs: { baseline: CONFIGS.baseline },
      curves: { baseline: SUMMARY.curves.baseline },
      claims: [],
    };
    assert.deepEqual(
      FIGURES.filter((f) => f.spec(mainOnly) !== null).map((f) => f.name),
      ['ramp', 'baseline', 'mismatch'],
    );
    assert.equal(microbatchSweepSpec(mainOnly), null);
  });

  it('a caption naming profile, backend and seeds', () => {
    const spec = specOf('baseline') as { title: { text: string; subtitle: string[] } };
    assert.match(spec.title.text, /Figure 1/);
    assert.match(spec.title.subtitle[0], /MNIST · quick profile · backend: wasm · mean ± std over 3 seeds/);
    assert.match(spec.title.subtitle.join(' '), /with the trained parameters/);
  });

  it('a sweep caption names the points whose seed count differs', () => {
    assert.equal(
      seedCountText(
        [
          { at: 2, seeds: '3' },
          { at: 4, seeds: '5' },
          { at: 8, seeds: '3' },
          { at: 16, seeds: '3' },
          { at: 32, seeds: '5' },
        ],
        'x = ',
      ),
      '3 seeds (5 at x = 4, 32)',
    );
    assert.equal(
      seedCountText([
        { at: 1, seeds: '3' },
        { at: 2, seeds: '3' },
      ]),
      '3 seeds',
    );
    assert.equal(
      seedCountText([
        { at: 'baseline', seeds: '5' },
        { at: 'microbatch', seeds: '3' },
        { at: 'non-iid', seeds: '5' },
      ]),
      '5 seeds (3 at microbatch)',
    );
    const spec = microbatchSweepSpec(SUMMARY) as { title: { subtitle: string[] } };
    assert.match(spec.title.subtitle[0], /mean ± std over 3 seeds$/);
  });

  it('wrap keeps caption lines short without losing words', () => {
    const text = 'a '.repeat(120).trim();
    const lines = wrap([text], 40);
    assert.ok(lines.every((l) => l.length <= 40));
    assert.equal(lines.join(' '), text);
  });

  it('lay text out at the width DejaVu Sans draws it: a figure is its plot, axes and padding wide, no empty margin', async () => {
    // A caption line of 95 characters at 11 px is about 540 px in DejaVu Sans; vega's own estimate (0.8 em) is 836.
    const line = 'Validation accuracy in inference mode on 5,000 held-out Fashion-MNIST training images, with the';
    assert.ok(textWidth(line, 11) > 500 && textWidth(line, 11) < 580, String(textWidth(line, 11)));
    assert.ok(textWidth('BN', 14, 'bold') > textWidth('BN', 14));
    const svg = await renderSvg(specOf('baseline'));
    const width = Number(/^<svg[^>]* width="(\d+)"/.exec(svg)?.[1]);
    assert.ok(width > WIDTH && width < WIDTH + 110, `baseline figure ${width} px wide for a ${WIDTH} px plot`);
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
