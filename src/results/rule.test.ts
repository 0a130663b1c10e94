/**
 * Rule v2's arithmetic held to cases worked by hand and to another
 * implementation of Student's t (SciPy's, `testdata/t-reference.json`, made by
 * `testdata/make-t-reference.py`): Holm's adjustment, one-sided paired tests,
 * TOST, intervals, and verdicts of a family whose Holm adjustment changes one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { KIT_ROOT } from '../paths';
import { CONFIRMATORY_SEEDS, FAMILIES, RULE_V2, type ClaimFamily } from '../protocol/rule';
import type { Side } from '../protocol/claims';
import { headlineOf, judgeFamily, type Reading } from './rule-verdicts';
import { seedStat, type SeedStat } from './stats';
import { holm, interval, pAbove, pBelow, tCdf, tostP, tQuantile } from './tests';

const close = (actual: number, expected: number, tol: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} is not within ${tol} of ${expected}`);

/** Student's t with 4 degrees of freedom in closed form: F(t) = 1/2 + (3/4)·u·(1 − u²/3), u = t/√(4 + t²). */
const t4Cdf = (t: number) => {
  const u = t / Math.sqrt(4 + t * t);
  return 0.5 + 0.75 * u * (1 - (u * u) / 3);
};

describe('rule v2: the t distribution', () => {
  const ref = JSON.parse(readFileSync(join(KIT_ROOT, 'src', 'results', 'testdata', 't-reference.json'), 'utf8')) as {
    cdf: [number, number, number][];
    quantile: [number, number, number][];
    paired: { values: number[]; margin: number; pAbove0: number; tost: number }[];
  };

  it("matches SciPy's CDF and quantiles", () => {
    for (const [x, df, p] of ref.cdf) close(tCdf(x, df), p, 1e-12, `cdf(${x}, ${df})`);
    for (const [p, df, q] of ref.quantile) close(tQuantile(p, df), q, 1e-9, `quantile(${p}, ${df})`);
  });

  it('matches the closed form at 4 degrees of freedom', () => {
    for (const t of [-4.2426, -1, 0, 0.5, 2.776445]) close(tCdf(t, 4), t4Cdf(t), 1e-14, `cdf(${t}, 4)`);
    close(tQuantile(0.975, 4), 2.776445105, 1e-8, 't(0.975, 4)');
  });

  it("matches SciPy's one-sided paired tests and TOST", () => {
    for (const c of ref.paired) {
      close(pAbove(c.values), c.pAbove0, 1e-12, `p(mean > 0) of ${c.values.join(', ')}`);
      close(tostP(c.values, c.margin), c.tost, 1e-12, `TOST p at ±${c.margin}`);
    }
  });
});

describe('rule v2: tests worked by hand', () => {
  // mean 0.3, sample sd √0.025, se √0.025/√5 = 0.0707107 (√0.005), df 4.
  const d = [0.4, 0.1, 0.3, 0.2, 0.5];
  it('one-sided paired t-test: t = 0.3/√0.005 = 3√2', () => {
    close(pAbove(d), 1 - t4Cdf(3 * Math.SQRT2), 1e-14, 'p(mean > 0)');
    close(pAbove(d), 0.0066176, 1e-6, 'p(mean > 0), to 7 places');
    close(pBelow(d), t4Cdf(3 * Math.SQRT2), 1e-14, 'p(mean < 0)');
  });
  it('TOST at ±0.6: the upper test binds, t = (0.3 − 0.6)/√0.005 = −3√2', () => {
    close(tostP(d, 0.6), t4Cdf(-3 * Math.SQRT2), 1e-14, 'TOST p');
    // At ±0.2 the mean lies outside the margin: p > 0.5.
    assert.ok(tostP(d, 0.2) > 0.5);
  });
  it('TOST p < 0.05 exactly when the 90% interval lies inside the margin', () => {
    const [lo, hi] = interval(d, 0.9);
    const edge = Math.max(-lo, hi);
    assert.ok(tostP(d, edge * 1.0001) < 0.05);
    assert.ok(tostP(d, edge * 0.9999) > 0.05);
  });
  it('95% interval: 0.3 ± 2.776445·√0.005', () => {
    const [lo, hi] = interval(d, 0.95);
    close(lo, 0.3 - 2.776445105 * Math.sqrt(0.005), 1e-9, 'low');
    close(hi, 0.3 + 2.776445105 * Math.sqrt(0.005), 1e-9, 'high');
  });
  it('equal differences (se = 0) are certain, not NaN', () => {
    assert.equal(pAbove([0.01, 0.01, 0.01]), 0);
    assert.equal(pBelow([0.01, 0.01, 0.01]), 1);
    assert.equal(tostP([0.001, 0.001], 0.002), 0);
    assert.equal(tostP([0.003, 0.003], 0.002), 1);
  });
  it('bad input is refused, naming the value', () => {
    assert.throws(() => pAbove([0.1]), /at least two differences, got 1/);
    assert.throws(() => tostP(d, 0), /margin must be > 0, got 0/);
    assert.throws(() => interval(d, 1.5), /level must be in \(0, 1\), got 1.5/);
    assert.throws(() => holm([0.2, 1.2]), /p-value must be in \[0, 1\], got 1.2/);
    assert.throws(() => pAbove([0.1, NaN]), /finite numbers/);
  });
});

describe("rule v2: Holm's step-down adjustment", () => {
  it('a case worked by hand', () => {
    // sorted: 0.005 ×4 = 0.02; 0.01 ×3 = 0.03; 0.03 ×2 = 0.06; 0.04 ×1 = 0.04 → max(0.06, 0.04) = 0.06.
    const adj = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((e, i) => close(adj[i], e, 1e-15, `p̃${i}`));
  });
  it('caps at 1, keeps ties in order, and leaves one p alone', () => {
    assert.deepEqual(holm([0.5, 0.5, 0.9]), [1, 1, 1]);
    assert.deepEqual(holm([0.01, 0.01]), [0.02, 0.02]);
    assert.deepEqual(holm([0.3]), [0.3]);
    assert.deepEqual(holm([]), []);
  });
});

describe('rule v2: verdicts of a family', () => {
  const s = (experiment: string, variant: Side['variant']): Side => ({ experiment, variant });
  const family: ClaimFamily = {
    datasets: ['test'],
    architecture: 'mlp',
    family: 'primary',
    claims: [
      {
        id: 'strong',
        statement: '',
        paper: '',
        kind: 'beats',
        family: 'primary',
        b: s('x', 'brn'),
        a: s('x', 'bn-standard'),
      },
      {
        id: 'weak',
        statement: '',
        paper: '',
        kind: 'beats',
        family: 'primary',
        b: s('y', 'brn'),
        a: s('y', 'bn-standard'),
      },
      {
        id: 'same',
        statement: '',
        paper: '',
        kind: 'matches',
        family: 'primary',
        b: s('z', 'brn'),
        a: s('z', 'bn-standard'),
      },
      {
        id: 'absent',
        statement: '',
        paper: '',
        kind: 'beats',
        family: 'primary',
        b: s('w', 'brn'),
        a: s('w', 'bn-standard'),
      },
    ],
  };
  const seeds = [6, 7, 8, 9, 10];
  const base = [0.9, 0.91, 0.9, 0.89, 0.9];
  const with_ = (diffs: number[]) =>
    seedStat(
      base.map((v, i) => v + diffs[i]),
      seeds,
    );
  // 'strong': p = 0.0066 (the hand case); ×4 (m counts 'absent') = 0.0265 ≥ 0.025: not significant under Holm.
  const data: Record<string, SeedStat> = {
    'x:bn-standard': seedStat(base, seeds),
    'x:brn': with_([0.004, 0.001, 0.003, 0.002, 0.005]),
    'y:bn-standard': seedStat(base, seeds),
    'y:brn': with_([-0.004, -0.001, -0.003, -0.002, -0.005]),
    'z:bn-standard': seedStat(base, seeds),
    'z:brn': with_([0.0001, -0.0001, 0.0002, 0, -0.0002]),
  };
  const values = (side: Side, _reading: Reading) => data[`${side.experiment}:${side.variant}`] ?? null;
  const result = judgeFamily(family, values);

  it('Holm counts the declared family, a missing claim at p = 1', () => {
    assert.equal(result.m, 4);
    const [strong, , same] = result.claims.map((c) => c.trained!);
    close(strong.p, 0.0066176, 1e-6, 'raw p');
    assert.ok(same.p < strong.p / 4, "the TOST p of 'same' is the family's smallest");
    // Second smallest of four: p̃ = max(4·p_same, 3·p_strong) = 3 × 0.0066176 = 0.0199 < 0.025.
    close(strong.pHolm, 3 * strong.p, 1e-12, 'Holm p');
    assert.equal(strong.verdict, 'reproduced');
    // One more declared claim without runs: 4 × 0.0066176 = 0.0265 ≥ 0.025, no longer significant.
    const five = judgeFamily(
      { ...family, claims: [...family.claims, { ...family.claims[3], id: 'absent-2' }] },
      values,
    );
    close(five.claims[0].trained!.pHolm, 4 * strong.p, 1e-12, 'Holm p of five');
    assert.equal(five.claims[0].trained!.verdict, 'not significant');
  });
  it('the opposite one-sided test gives "against", Holm-adjusted over the family too', () => {
    const weak = result.claims[1].trained!;
    close(weak.pAgainst!, 0.0066176, 1e-6, 'raw p against');
    // The smallest against-p of four (the matches claim and the missing one count as 1): ×4 = 0.0265.
    close(weak.pAgainstHolm!, 4 * weak.pAgainst!, 1e-12, 'Holm p against');
    assert.equal(weak.verdict, 'not significant');
    const three = judgeFamily({ ...family, claims: family.claims.slice(0, 3) }, values);
    assert.equal(three.claims[1].trained!.verdict, 'against');
  });
  it('"matches": δ is 5% of a\'s mean error, and TOST decides', () => {
    const same = result.claims[2].trained!;
    close(same.margin!, RULE_V2.marginFraction * (1 - 0.9), 1e-12, 'δ');
    assert.equal(same.verdict, 'matched');
    assert.equal(same.pAgainst, null);
  });
  it('a claim without runs is "not run", and a headline needs both readings to agree', () => {
    assert.equal(result.claims[3].trained, null);
    assert.equal(result.claims[3].headline, 'not run');
    const a = result.claims[0].trained!;
    assert.equal(headlineOf(a, { ...a, verdict: 'not significant' }), 'depends on the reading');
    assert.equal(headlineOf(a, a), 'reproduced');
    assert.equal(headlineOf(a, null), 'not run');
  });
});

describe('rule v2 as declared', () => {
  it('confirmatory seeds: 6-15 for the MLP and the 1,000-class task, 6-10 for the conv protocol', () => {
    assert.deepEqual(CONFIRMATORY_SEEDS.mlp, [6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    assert.deepEqual(CONFIRMATORY_SEEDS.conv, [6, 7, 8, 9, 10]);
  });
  it("every primary family holds the paper's figure claims, with BN read as standard BN", () => {
    for (const f of FAMILIES) {
      const ids = new Set<string>();
      for (const c of f.claims) {
        assert.equal(c.family, f.family, c.id);
        assert.ok(!ids.has(c.id), `${c.id} twice`);
        ids.add(c.id);
        for (const side of [c.a, c.b]) assert.notEqual(side.variant, 'bn', `${c.id}: BN must be bn-standard`);
      }
    }
    const primary = FAMILIES.filter((f) => f.family === 'primary' && f.datasets.includes('mnist'));
    assert.deepEqual(
      primary.flatMap((f) => f.claims.map((c) => c.id)),
      ['iid', 'microbatch', 'stress-2x16'],
    );
  });
});
