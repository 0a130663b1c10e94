/** The claims of `protocol/claims.ts` read from a summary's intervals by the rule written there. */
import { ALL_CLAIMS, verdictOf, type Claim } from '../protocol/claims';
import type { SummaryVariant } from '../protocol/variants';
import type { ClaimResult, Summary } from './schema';
import { pairedDifference, seedStat, type PairStat, type SeedStat } from './stats';

/** The paired difference of b − a from a summary: within an experiment from its pairs, across experiments from its comparisons. */
function pairOf(summary: Summary, claim: Claim, ema: boolean): PairStat | null {
  if (claim.a.experiment === claim.b.experiment) {
    const results = summary.experiments[claim.b.experiment];
    return (ema ? results?.pairsEma : results?.pairs)?.[`${claim.b.variant}-${claim.a.variant}`] ?? null;
  }
  const same = (x: { experiment: string; variant: string }, y: { experiment: string; variant: SummaryVariant }) =>
    x.experiment === y.experiment && x.variant === y.variant;
  const c = Object.values(summary.comparisons).find((x) => same(x.a, claim.a) && same(x.b, claim.b));
  return c === undefined ? null : ema ? c.ema : c.test;
}

/** Each claim whose two sides `summary` holds, with its intervals and verdicts. */
export function judgeClaims(summary: Summary, claims: Claim[] = ALL_CLAIMS): ClaimResult[] {
  return claims.flatMap((claim) => {
    const test = pairOf(summary, claim, false);
    if (test === null) return [];
    const ema = pairOf(summary, claim, true);
    const { id, statement, paper, kind, b, a } = claim;
    const verdictEma = ema === null ? 'no interval' : verdictOf(kind, ema);
    return [{ id, statement, paper, kind, b, a, test, ema, verdict: verdictOf(kind, test), verdictEma }];
  });
}

/** `s` cut to the seeds in `keep`. */
function onSeeds(s: SeedStat, keep: number[]): SeedStat {
  const at = s.seeds.flatMap((seed, i) => (keep.includes(seed) ? [i] : []));
  return seedStat(
    at.map((i) => s.values[i]),
    at.map((i) => s.seeds[i]),
  );
}

/**
 * The claims as they would read on `seeds` alone (e.g. the first three of
 * five): each paired difference recomputed from the per-seed values the
 * summary keeps. On all of a summary's seeds it gives the summary's claims.
 */
export function judgeClaimsOnSeeds(summary: Summary, seeds: number[], claims: Claim[] = ALL_CLAIMS): ClaimResult[] {
  return claims.flatMap((claim) => {
    const va = summary.experiments[claim.a.experiment]?.variants[claim.a.variant];
    const vb = summary.experiments[claim.b.experiment]?.variants[claim.b.variant];
    if (va === undefined || vb === undefined) return [];
    const test = pairedDifference(onSeeds(va.testAccuracy, seeds), onSeeds(vb.testAccuracy, seeds));
    const ema =
      va.testAccuracyEma !== null && vb.testAccuracyEma !== null
        ? pairedDifference(onSeeds(va.testAccuracyEma, seeds), onSeeds(vb.testAccuracyEma, seeds))
        : null;
    const { id, statement, paper, kind, b, a } = claim;
    const verdictEma = ema === null ? 'no interval' : verdictOf(kind, ema);
    return [{ id, statement, paper, kind, b, a, test, ema, verdict: verdictOf(kind, test), verdictEma }];
  });
}
