/**
 * The 1,000-class task's figures, from summaries made of the fixture's
 * label-grouped experiments under the triples names: the class-count figure
 * draws each panel from its own summary with k from each config, and the
 * label-paired curves show BN, its readings, BRN and BN on i.i.d. minibatches.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';
import { expectedCurve, plotted } from './figure-probe.fixture';
import { FIGURES } from './figures';
import { CONFIGS, SUMMARY } from './summary.fixture';
import { classCountSpec } from './sweep-figures';

describe('the 1,000-class figures', () => {
  it('labels per batch against the class count: each panel from its own summary, k from each config', () => {
    // A 1,000-class summary made of the fixture's label-grouped experiments under the triples names.
    const renamed: Record<string, [string, number]> = {
      'non-iid-k4': ['triples-k4', 4],
      'non-iid': ['triples-paired', 16],
      'non-iid-k1': ['triples-k32', 32],
    };
    const thousand: Summary = structuredClone({ ...SUMMARY, dataset: 'mnist-triples', experiments: {}, configs: {} });
    for (const [from, [to, k]] of Object.entries(renamed)) {
      thousand.experiments[to] = SUMMARY.experiments[from];
      thousand.configs[to] = {
        ...CONFIGS[from],
        sampler: { kind: 'label-grouped', labelsPerBatch: k, examplesPerLabel: 32 / k },
      };
    }
    const spec = classCountSpec(SUMMARY, thousand)!;
    assert.ok(spec !== null);
    const mean = (e: string, v: SummaryVariant) =>
      (100 * SUMMARY.experiments[e].variants[v]!.testAccuracyEma!.mean).toFixed(6);
    for (const [label, v] of [
      ['BN', 'bn'],
      ['BRN', 'brn'],
    ] as const) {
      assert.deepEqual(plotted(spec, 0).get(label), [
        `1:${mean('non-iid-k1', v)}`,
        `2:${mean('non-iid', v)}`,
        `4:${mean('non-iid-k4', v)}`,
      ]);
      assert.deepEqual(plotted(spec, 1).get(label), [
        `4:${mean('non-iid-k4', v)}`,
        `16:${mean('non-iid', v)}`,
        `32:${mean('non-iid-k1', v)}`,
      ]);
    }
    assert.deepEqual([...plotted(spec, 1).keys()].sort(), ['BN', 'BRN']);
    const title = (spec as { title: { text: string; subtitle: string[] } }).title;
    assert.match(title.text, /10 classes and with 1,000/);
    assert.match(title.subtitle.join(' '), /1,000 classes: \d seeds/);
    assert.match(title.subtitle.join(' '), /Test accuracy with the parameter average\./);
    // Either summary without its sweep: no figure.
    assert.equal(classCountSpec(SUMMARY, { ...thousand, experiments: {} }), null);
  });

  it('the 1,000-class curves: BN, its readings, BRN and BN on i.i.d. minibatches from triples-baseline', () => {
    const triples: Summary = {
      ...SUMMARY,
      dataset: 'mnist-triples',
      curves: { 'triples-paired': SUMMARY.curves['non-iid'], 'triples-baseline': SUMMARY.curves.baseline },
      configs: {
        'triples-paired': {
          ...CONFIGS['non-iid'],
          sampler: { kind: 'label-grouped', labelsPerBatch: 16, examplesPerLabel: 2 },
        },
        'triples-baseline': CONFIGS.baseline,
      },
    };
    const spec = FIGURES.find((f) => f.name === 'triples-paired')!.spec(triples)!;
    const got = plotted(spec);
    assert.deepEqual(got.get('BRN'), expectedCurve(['non-iid', 'brn', 'validationAccuracy']));
    assert.deepEqual(got.get('BN (i.i.d. minibatch 32)'), expectedCurve(['baseline', 'bn', 'validationAccuracy']));
    assert.deepEqual(
      got.get('BN, statistics of i.i.d. batches'),
      expectedCurve(['non-iid', 'bn-batchstats-iid', 'validationAccuracy']),
    );
    assert.match(
      (spec as { title: { text: string } }).title.text,
      /^1,000 classes, label-paired \(16 labels x 2 examples\)/,
    );
    assert.match(
      (spec as { title: { subtitle: string[] } }).title.subtitle.join(' '),
      /10,000 held-out mnist-triples images/,
    );
    assert.equal(FIGURES.find((f) => f.name === 'triples-paired')!.spec(SUMMARY), null);
  });
});
