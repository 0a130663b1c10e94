/** Rule v2's verdict figures: every row and mark from the family results, δ only where "matches" uses it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FamilyResult } from '../results/rule-verdicts';
import type { Spec } from './chart';
import { confirmatoryVerdictsSpec } from './confirmatory-figure';
import { handJudged, part, reading } from './confirmatory.fixture';
import type { ConfirmatoryPart } from './confirmatory';

interface Panel {
  title: { text: string };
  layer: { data?: { values: Record<string, unknown>[] }; mark?: { type: string; color?: string } }[];
}
const panels = (spec: Spec) => (spec as unknown as { vconcat: Panel[] }).vconcat;
/** The interval rows of a panel (its last layer's data). */
const rowsOf = (p: Panel) => p.layer[p.layer.length - 1].data!.values;
const subtitle = (spec: Spec) => ((spec as { title: { subtitle: string[] } }).title.subtitle ?? []).join(' ');

const unjudged = (title: string, families: FamilyResult[], running?: [number, number]): ConfirmatoryPart => ({
  ...part(
    families.map((f) => ({
      ...f,
      claims: f.claims.map((c) => ({ ...c, trained: null, average: null, headline: 'not run' as const })),
    })),
    running === undefined
      ? null
      : {
          inProgress: [
            {
              round: 'the round',
              architecture: 'mlp',
              title: 'the round',
              experiments: [],
              planned: running[1],
              finished: running[0],
              unfinished: [],
            },
          ],
        },
  ),
  title,
});

describe("rule v2's verdict figures", () => {
  it('draw every judged claim of the family in both readings, in points, with the headline and each Holm p', () => {
    const families = handJudged();
    const spec = confirmatoryVerdictsSpec([part(families)], 'primary')!;
    const primary = families.find((f) => f.family === 'primary')!;
    const rows = panels(spec).flatMap(rowsOf);
    assert.equal(rows.length, 2 * primary.claims.length);
    const first = primary.claims[0];
    const label = `MNIST, MLP · ${first.statement} → depends on the reading`;
    const [trained, average] = ['trained parameters', 'parameter average'].map((r) =>
      rows.find((v) => v.row === label && v.reading === r)!,
    );
    assert.ok(Math.abs((trained.mean as number) - 1.11) < 1e-9);
    assert.ok(Math.abs((trained.lo as number) - 1.01) < 1e-9);
    assert.ok(Math.abs((trained.hi as number) - 1.31) < 1e-9);
    assert.equal(trained.label, 'reproduced, Holm p 0.0246');
    // "against" names the Holm p of the opposite one-sided test, the p that verdict rests on.
    assert.equal(average.label, 'against, Holm p 0.0012');
    assert.ok(Math.abs((average.mean as number) + 0.42) < 1e-9);
    // The secondary figure holds the secondary family only.
    const secondary = confirmatoryVerdictsSpec([part(families)], 'secondary')!;
    const n = families.find((f) => f.family === 'secondary')!.claims.length;
    assert.equal(panels(secondary).flatMap(rowsOf).length, 2 * n);
    assert.match(subtitle(spec), /MNIST, MLP, n = 10/);
  });

  it('shade ±δ reading by reading on "matches" rows only', () => {
    const families = handJudged();
    families[0].claims[0] = {
      ...families[0].claims[0],
      kind: 'matches',
      trained: reading(-0.001, { verdict: 'matched', margin: 0.0009, pAgainst: null, pAgainstHolm: null }),
      average: reading(-0.001, { verdict: 'inconclusive', margin: 0.0011, pAgainst: null, pAgainstHolm: null }),
    };
    const spec = confirmatoryVerdictsSpec([part(families)], 'primary')!;
    const bands = panels(spec).flatMap((p) => p.layer.filter((l) => l.mark?.color === '#2ca02c'));
    assert.equal(bands.length, 1);
    const values = bands[0].data!.values;
    assert.equal(values.length, 2);
    assert.deepEqual(
      values.map((v) => [v.reading, (v.mlo as number).toFixed(2), (v.mhi as number).toFixed(2)]),
      [
        ['trained parameters', '-0.09', '0.09'],
        ['parameter average', '-0.11', '0.11'],
      ],
    );
    assert.equal(
      panels(spec)
        .flatMap(rowsOf)
        .filter((v) => (v.label as string).startsWith('matched, TOST Holm p')).length,
      1,
    );
  });

  it('put each row in the panel its widest interval fits, and name the parts not yet judged', () => {
    const families = handJudged();
    const claims = families[0].claims;
    claims[1] = { ...claims[1], trained: reading(0.1), average: reading(0.08) };
    claims[2] = { ...claims[2], trained: reading(0.3), average: reading(0.01) };
    const spec = confirmatoryVerdictsSpec(
      [part(families), unjudged('Fashion-MNIST, CNN', handJudged(), [43, 65]), unjudged('X, CNN', handJudged())],
      'primary',
    )!;
    const ps = panels(spec);
    assert.deepEqual(
      ps.map((p) => p.title.text),
      ['Intervals within ±5 points', 'Intervals within ±25 points', 'Intervals reaching beyond ±25 points'],
    );
    assert.deepEqual(
      ps.map((p) => new Set(rowsOf(p).map((v) => v.row)).size),
      [1, 1, 1],
    );
    assert.ok((rowsOf(ps[2])[0].row as string).includes(claims[2].statement));
    assert.match(
      subtitle(spec),
      /Without verdicts: Fashion-MNIST, CNN \(running: 43 of 65 jobs\); X, CNN \(not run\)\./,
    );
  });

  it('are not drawn when no part has a verdict in the family', () => {
    assert.equal(confirmatoryVerdictsSpec([unjudged('MNIST, MLP', handJudged())], 'primary'), null);
    assert.equal(confirmatoryVerdictsSpec([], 'secondary'), null);
  });
});
