/** The figures in panels: the ramp's clipping by minibatch kind, and the verdicts at two scales (fixture summary). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SMALL_EFFECT_POINTS } from './verdict-figure';
import { SUMMARY } from './summary.fixture';
import { expectedCurve, plotted, rows, specOf } from './figure-probe.fixture';

describe('figures in panels', () => {
  it('ramp: the limits, then r and d clipped in the BRN runs on i.i.d. minibatches, microbatches and 2 x 16', () => {
    const spec = specOf('ramp');
    for (const [panel, field] of [
      [1, 'rClippedFraction'],
      [2, 'dClippedFraction'],
    ] as const) {
      const got = plotted(spec, panel);
      assert.deepEqual(
        [...got.keys()],
        ["i.i.d. minibatches of 32 ('baseline')", "microbatches of 4 ('microbatch')", "2 labels × 16 ('non-iid')"],
      );
      for (const [label, e] of [
        ["i.i.d. minibatches of 32 ('baseline')", 'baseline'],
        ["microbatches of 4 ('microbatch')", 'microbatch'],
        ["2 labels × 16 ('non-iid')", 'non-iid'],
      ])
        assert.deepEqual(got.get(label)!.sort(), expectedCurve([e, 'brn', field]).sort(), `${field} ${label}`);
    }
  });

  it('verdicts: every claim with its two intervals and verdicts', () => {
    const all = rows(specOf('verdicts'));
    const values = all.filter((r) => typeof r.claim === 'string' && typeof r.reading === 'string');
    // The ±margin is shaded on the rows of "matches" claims only.
    assert.deepEqual(
      all
        .filter((r) => typeof r.claim === 'string' && r.reading === undefined)
        .map((r) => r.claim)
        .sort(),
      SUMMARY.claims
        .filter((c) => c.kind === 'matches')
        .map((c) => c.statement)
        .sort(),
    );
    assert.equal(values.length, 2 * SUMMARY.claims.length);
    for (const c of SUMMARY.claims) {
      const ema = values.find((r) => r.claim === c.statement && r.reading === 'parameter average (the headline)')!;
      assert.ok(
        Math.abs((ema.mean as number) - 100 * c.ema!.mean) < 1e-9 && ema.verdict === c.verdictEma,
        JSON.stringify(ema),
      );
      const raw = values.find((r) => r.claim === c.statement && r.reading === 'trained parameters')!;
      assert.ok(
        Math.abs((raw.lo as number) - 100 * c.test!.ciLow!) < 1e-9 && raw.verdict === c.verdict,
        JSON.stringify(raw),
      );
    }
  });

  it('verdicts: two panels, small intervals in the first, those reaching beyond ±5 points in the second', () => {
    const byPanel = (panel: number) =>
      new Set(
        rows(specOf('verdicts'))
          .filter((r) => r.panel === panel && typeof r.reading === 'string')
          .map((r) => r.claim as string),
      );
    const reach = (c: (typeof SUMMARY.claims)[number]) =>
      Math.max(...[c.ema, c.test].flatMap((p) => (p === null ? [] : [-100 * p.ciLow!, 100 * p.ciHigh!])));
    const large = SUMMARY.claims.filter((c) => reach(c) > SMALL_EFFECT_POINTS).map((c) => c.statement);
    const small = SUMMARY.claims.filter((c) => reach(c) <= SMALL_EFFECT_POINTS).map((c) => c.statement);
    assert.ok(small.length > 0 && large.length > 0, 'the fixture has claims of both sizes');
    assert.deepEqual([...byPanel(0)].sort(), small.sort());
    assert.deepEqual([...byPanel(1)].sort(), large.sort());
  });
});
