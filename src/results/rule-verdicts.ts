/**
 * Rule v2's verdicts (`protocol/rule.ts`) on a summary: each family of the
 * summary's data set, each claim in both readings (trained parameters, their
 * moving average), Holm-adjusted within the family and reading, and the
 * headline verdict.
 */
import { familiesOf, RULE_V2, type ClaimFamily, type Family, type RuleClaim } from '../protocol/rule';
import type { Side } from '../protocol/claims';
import type { SeedStat } from './stats';
import { holm, interval, pAbove, pBelow, tostP } from './tests';

export type V2Verdict =
  | 'reproduced'
  | 'against'
  | 'not significant'
  | 'matched'
  | 'differs'
  | 'inconclusive'
  | 'depends on the reading'
  | 'not run';

export const READINGS = ['trained', 'average'] as const;
export type Reading = (typeof READINGS)[number];

/** One claim in one reading: b − a per seed (accuracy as a fraction), its test and verdict. */
export interface ReadingResult {
  n: number;
  seeds: number[];
  /** The per-seed differences b − a, in `seeds` order. */
  values: number[];
  mean: number;
  /** a's mean test accuracy over `seeds` (δ is a fraction of its error). */
  aMean: number;
  ci95: [number, number];
  /** "matches": the 90% interval TOST's p corresponds to; null for "beats". */
  ci90: [number, number] | null;
  /** "matches": δ = marginFraction × a's mean error; null for "beats". */
  margin: number | null;
  /** "beats": one-sided p of b − a > 0; "matches": TOST p. Raw, then Holm-adjusted in the family. */
  p: number;
  pHolm: number;
  /** "beats": one-sided p of b − a < 0, raw and Holm-adjusted; null for "matches". */
  pAgainst: number | null;
  pAgainstHolm: number | null;
  verdict: V2Verdict;
}

export interface RuleClaimResult extends RuleClaim {
  /** Null where the summary lacks a side, or has fewer than two paired seeds. */
  trained: ReadingResult | null;
  average: ReadingResult | null;
  headline: V2Verdict;
}

export interface FamilyResult {
  architecture: ClaimFamily['architecture'];
  family: Family;
  /** The family's size as declared: Holm's m. */
  m: number;
  claims: RuleClaimResult[];
}

/** What a summary gives a side in a reading: per-seed test accuracies, or null. */
export type SideValues = (side: Side, reading: Reading) => SeedStat | null;

/** b − a paired by seed, or null with fewer than two common seeds. */
function paired(a: SeedStat, b: SeedStat): { seeds: number[]; values: number[]; aMean: number } | null {
  const seeds = a.seeds.filter((s) => b.seeds.includes(s));
  if (seeds.length < 2) return null;
  const av = seeds.map((s) => a.values[a.seeds.indexOf(s)]);
  const values = seeds.map((s, i) => b.values[b.seeds.indexOf(s)] - av[i]);
  return { seeds, values, aMean: av.reduce((x, y) => x + y, 0) / av.length };
}

type Raw = Omit<ReadingResult, 'pHolm' | 'pAgainstHolm' | 'verdict'>;

function rawTest(claim: RuleClaim, a: SeedStat | null, b: SeedStat | null): Raw | null {
  if (a === null || b === null) return null;
  const pair = paired(a, b);
  if (pair === null) return null;
  const { seeds, values, aMean } = pair;
  const mean = values.reduce((x, y) => x + y, 0) / values.length;
  const ci95 = interval(values, RULE_V2.differsLevel);
  if (claim.kind === 'beats') {
    return {
      n: seeds.length,
      seeds,
      values,
      mean,
      aMean,
      ci95,
      ci90: null,
      margin: null,
      p: pAbove(values),
      pAgainst: pBelow(values),
    };
  }
  const margin = RULE_V2.marginFraction * (1 - aMean);
  return {
    n: seeds.length,
    seeds,
    values,
    mean,
    aMean,
    ci95,
    ci90: interval(values, 1 - 2 * RULE_V2.matchAlpha),
    margin,
    p: tostP(values, margin),
    pAgainst: null,
  };
}

function verdictOf(kind: RuleClaim['kind'], r: Raw, pHolm: number, pAgainstHolm: number | null): V2Verdict {
  if (kind === 'beats') {
    if (pHolm < RULE_V2.beatsAlpha) return 'reproduced';
    return pAgainstHolm !== null && pAgainstHolm < RULE_V2.beatsAlpha ? 'against' : 'not significant';
  }
  if (pHolm < RULE_V2.matchAlpha) return 'matched';
  const [lo, hi] = r.ci95;
  return lo > r.margin! || hi < -r.margin! ? 'differs' : 'inconclusive';
}

/** One family in one reading: raw tests, Holm over the declared family (a missing claim counts with p = 1). */
function judgeReading(family: ClaimFamily, values: SideValues, reading: Reading): (ReadingResult | null)[] {
  const raw = family.claims.map((c) => rawTest(c, values(c.a, reading), values(c.b, reading)));
  const forP = holm(raw.map((r) => r?.p ?? 1));
  const againstP = holm(raw.map((r) => r?.pAgainst ?? 1));
  return raw.map((r, i) => {
    if (r === null) return null;
    const pAgainstHolm = r.pAgainst === null ? null : againstP[i];
    return { ...r, pHolm: forP[i], pAgainstHolm, verdict: verdictOf(family.claims[i].kind, r, forP[i], pAgainstHolm) };
  });
}

/** The headline: the two readings' verdict where they agree, else "depends on the reading". */
export function headlineOf(trained: ReadingResult | null, average: ReadingResult | null): V2Verdict {
  if (trained === null || average === null) return 'not run';
  return trained.verdict === average.verdict ? trained.verdict : 'depends on the reading';
}

/** `family` judged on `values`. */
export function judgeFamily(family: ClaimFamily, values: SideValues): FamilyResult {
  const [trained, average] = READINGS.map((reading) => judgeReading(family, values, reading));
  return {
    architecture: family.architecture,
    family: family.family,
    m: family.claims.length,
    claims: family.claims.map((c, i) => ({
      ...c,
      trained: trained[i],
      average: average[i],
      headline: headlineOf(trained[i], average[i]),
    })),
  };
}

/** The families of `dataset` that `values` holds at least one side of, judged. */
export function judgeRuleV2(dataset: string, values: SideValues): FamilyResult[] {
  return familiesOf(dataset)
    .filter((f) => f.claims.some((c) => READINGS.some((r) => values(c.a, r) !== null || values(c.b, r) !== null)))
    .map((f) => judgeFamily(f, values));
}
