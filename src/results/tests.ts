/**
 * The tests of rule v2 (`protocol/rule.ts`), as arithmetic on per-seed paired
 * differences: one-sided paired t-tests, two one-sided tests (TOST) against a
 * margin, Holm's step-down adjustment, and intervals. The t distribution is
 * stdlib's (`@stdlib/stats-base-dists-t-cdf` and `-quantile`).
 */
import tcdf from '@stdlib/stats-base-dists-t-cdf';
import tquantile from '@stdlib/stats-base-dists-t-quantile';
import { stat } from './stats';

/** P(T ≤ x) for Student's t with `df` degrees of freedom. */
export function tCdf(x: number, df: number): number {
  return tcdf(x, df);
}

/** The `p` quantile of Student's t with `df` degrees of freedom. */
export function tQuantile(p: number, df: number): number {
  return tquantile(p, df);
}

/** Mean, standard error and degrees of freedom of paired differences; throws for fewer than two. */
export function pairedMoments(values: number[]): { mean: number; se: number; df: number; n: number } {
  const { mean, std, n } = stat(values);
  if (n < 2) throw new Error(`a paired test needs at least two differences, got ${n}`);
  if (!values.every(Number.isFinite))
    throw new Error(`paired differences must be finite numbers, got ${values.join(', ')}`);
  return { mean, se: std / Math.sqrt(n), df: n - 1, n };
}

/**
 * P(T ≥ t) under H0: mean ≤ `shift` for the differences' t statistic
 * t = (mean − shift)/se: the one-sided p that the true mean exceeds `shift`.
 * With se = 0 (every difference equal) the data are certain: p is 0 when the
 * mean exceeds `shift` and 1 otherwise.
 */
export function pAbove(values: number[], shift = 0): number {
  const { mean, se, df } = pairedMoments(values);
  if (se === 0) return mean > shift ? 0 : 1;
  return 1 - tCdf((mean - shift) / se, df);
}

/** The one-sided p that the true mean lies below `shift` (the mirror of `pAbove`). */
export function pBelow(values: number[], shift = 0): number {
  const { mean, se, df } = pairedMoments(values);
  if (se === 0) return mean < shift ? 0 : 1;
  return tCdf((mean - shift) / se, df);
}

/**
 * TOST against ±`margin`: the larger of the p that the mean exceeds −margin
 * and the p that it lies below +margin. p < α exactly when the two-sided
 * (1 − 2α) interval lies inside (−margin, +margin).
 */
export function tostP(values: number[], margin: number): number {
  if (!(margin > 0)) throw new Error(`a TOST margin must be > 0, got ${margin}`);
  return Math.max(pAbove(values, -margin), pBelow(values, margin));
}

/** The two-sided `level` interval of the mean difference: mean ± t((1 + level)/2, n − 1)·se. */
export function interval(values: number[], level: number): [number, number] {
  if (!(level > 0 && level < 1)) throw new Error(`an interval's level must be in (0, 1), got ${level}`);
  const { mean, se, df } = pairedMoments(values);
  const half = tQuantile((1 + level) / 2, df) * se;
  return [mean - half, mean + half];
}

/**
 * Holm's step-down adjustment of `ps` (in their order): sorted ascending,
 * p̃(k) = max over j ≤ k of min(1, (m − j + 1)·p(j)), m = ps.length. It
 * controls the family-wise error at α when every p̃ < α is rejected.
 */
export function holm(ps: number[]): number[] {
  for (const p of ps) if (!(p >= 0 && p <= 1)) throw new Error(`a p-value must be in [0, 1], got ${p}`);
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (m - k) * p));
    adjusted[i] = running;
  });
  return adjusted;
}
