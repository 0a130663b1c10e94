/**
 * The paper's three claims on each data set, side by side, read by the means
 * rule fixed before the Fashion-MNIST runs (`FASHION_MEAN_RULE`), and beside
 * them each claim's verdict by the interval rule of `protocol/claims.ts`, on
 * each data set (`verdictRows`).
 */
import { datasetTitle } from '../data/datasets';
import { FASHION_MEAN_RULE } from '../protocol/claims';
import type { Profile } from '../protocol/config';
import type { Summary } from './schema';
import { formatPair } from './stats';
import { readSummary } from './store';

export interface ClaimRow {
  claim: string;
  dataset: string;
  bn: number;
  brn: number;
  /** BRN − BN in percentage points. */
  difference: number;
  holds: boolean;
}

/** One row per (claim, data set) whose summary holds the experiment. */
export function claimRows(summaries: Summary[]): ClaimRow[] {
  const rows: ClaimRow[] = [];
  for (const c of FASHION_MEAN_RULE) {
    for (const s of summaries) {
      const v = s.experiments[c.experiment]?.variants;
      if (v?.bn === undefined || v.brn === undefined) continue;
      const [bn, brn] = [100 * v.bn.testAccuracy.mean, 100 * v.brn.testAccuracy.mean];
      rows.push({
        claim: c.claim,
        dataset: datasetTitle(s.dataset),
        bn,
        brn,
        difference: brn - bn,
        holds: c.holds(brn - bn),
      });
    }
  }
  return rows;
}

/** The committed summaries of `datasets` in `profile` (those that exist). */
export function datasetSummaries(
  datasets: string[] = ['mnist', 'fashion-mnist'],
  profile: Profile = 'full',
  resultsDir?: string,
): Summary[] {
  return datasets.map((d) => readSummary(profile, resultsDir, d)).filter((s): s is Summary => s !== null);
}

/** Per claim, whether the data sets agree: all hold, none holds, or they differ. */
export function agreement(rows: ClaimRow[]): { claim: string; verdict: string }[] {
  return [...new Set(rows.map((r) => r.claim))].map((claim) => {
    const these = rows.filter((r) => r.claim === claim);
    const held = these.filter((r) => r.holds).map((r) => r.dataset);
    const verdict =
      these.length < 2
        ? `only ${these.map((r) => r.dataset).join('')} has results`
        : held.length === these.length
          ? `holds on ${held.join(' and ')}: they agree`
          : held.length === 0
            ? `holds on neither: they agree that it does not reproduce`
            : `holds on ${held.join(', ')} only: the data sets disagree`;
    return { claim, verdict };
  });
}

/** Per claim of `claims.ts` and data set: the verdict with the parameter average and with the trained parameters, and the interval. */
export function verdictRows(summaries: Summary[]): {
  claim: string;
  dataset: string;
  'b − a with EMA, points [95% CI]': string;
  'verdict (EMA)': string;
  verdict: string;
}[] {
  const ids = [...new Set(summaries.flatMap((s) => s.claims.map((c) => c.id)))];
  return ids.flatMap((id) =>
    summaries.flatMap((s) => {
      const c = s.claims.find((x) => x.id === id);
      return c === undefined
        ? []
        : [
            {
              claim: c.statement,
              dataset: datasetTitle(s.dataset),
              'b − a with EMA, points [95% CI]': formatPair(c.ema),
              'verdict (EMA)': c.verdictEma,
              verdict: c.verdict,
            },
          ];
    }),
  );
}
