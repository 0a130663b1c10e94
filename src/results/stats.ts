/**
 * Statistics over seeds: mean and sample standard deviation, and paired
 * differences with a 95% interval from Student's t over the per-seed
 * differences. How they are printed in tables and captions.
 */

export interface Stat {
  mean: number;
  std: number;
  n: number;
}

/** A stat with the value of each seed, in `seeds` order. */
export interface SeedStat extends Stat {
  values: number[];
  seeds: number[];
}

/**
 * A paired difference (e.g. BRN − BN on test accuracy, seed by seed: the
 * same seed gives both variants the same initialization and batches) with a
 * 95% interval from Student's t over the per-seed differences
 * (mean ± t(0.975, n − 1)·s/√n); null bounds for fewer than two seeds.
 */
export interface PairStat {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  seeds: number[];
  /** The per-seed differences, in `seeds` order. */
  values: number[];
}

/** Mean and sample standard deviation (0 for one value; NaN for none). */
export function stat(values: number[]): Stat {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, n: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n < 2 ? 0 : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, std, n };
}

export function seedStat(values: number[], seeds: number[]): SeedStat {
  return { ...stat(values), values, seeds };
}

/** A seed stat of values that every run has, else null. */
export function seedStatOrNull(values: (number | null | undefined)[], seeds: number[]): SeedStat | null {
  return values.every((v): v is number => typeof v === 'number') ? seedStat(values, seeds) : null;
}

/** The stat of the values there are, or null when there are none. */
export function statOrNull(values: (number | null | undefined)[]): Stat | null {
  const have = values.filter((v): v is number => typeof v === 'number');
  return have.length === 0 ? null : stat(have);
}

export const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** t(0.975, df) for df = 1…30; beyond, the normal 1.96. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** `b − a` over the seeds both ran, with its 95% t interval. */
export function pairedDifference(a: SeedStat, b: SeedStat): PairStat {
  const seeds = a.seeds.filter((seed) => b.seeds.includes(seed));
  const values = seeds.map((seed) => b.values[b.seeds.indexOf(seed)] - a.values[a.seeds.indexOf(seed)]);
  const { mean, std, n } = stat(values);
  if (n < 2) return { mean, ciLow: null, ciHigh: null, n, seeds, values };
  const half = (T975[n - 2] ?? 1.96) * (std / Math.sqrt(n));
  return { mean, ciLow: mean - half, ciHigh: mean + half, n, seeds, values };
}

/** A stat of fractions as `mean% ± std (n=N)` in percentage points, or '—' when there is none. */
export function formatStat(s: Stat | null | undefined): string {
  if (s === undefined || s === null || s.n === 0) return '—';
  return `${(100 * s.mean).toFixed(2)}% ± ${(100 * s.std).toFixed(2)} (n=${s.n})`;
}

/** A difference of accuracies (fractions) in signed percentage points: `+0.62`, `−1.20`. */
export const formatPoints = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(2)}`;

/** A paired difference in percentage points with its interval: `+0.62 [+0.31, +0.93] (n=5)`, or '—'. */
export function formatPair(p: PairStat | null | undefined): string {
  if (p === undefined || p === null || p.n === 0) return '—';
  const pts = formatPoints;
  return p.ciLow === null || p.ciHigh === null
    ? `${pts(p.mean)} (n=${p.n}, no interval)`
    : `${pts(p.mean)} [${pts(p.ciLow)}, ${pts(p.ciHigh)}] (n=${p.n})`;
}
