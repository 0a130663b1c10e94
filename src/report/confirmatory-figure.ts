/**
 * The confirmatory round's verdict figures (`figures/confirmatory/verdicts-primary.png` and
 * `verdicts-secondary.png`): rule v2's claims of one family kind across every data set × model,
 * each as b − a with its 95% interval in both readings, the ±δ of "matches" claims, and the
 * verdict with its Holm p. Drawn from the committed confirmatory summaries (`confirmatoryParts`).
 */
import type { Family } from '../protocol/rule-claim';
import { RULE_V2 } from '../protocol/rule';
import type { ReadingResult } from '../results/rule-verdicts';
import { top, type Spec } from './chart';
import { notRunReason } from './report-text';
import { intervalLayers, readingChannels } from './verdict-figure';
import { decidingP, formatP, judged, runningCell, RULE_V2_COMMIT, type ConfirmatoryPart } from './confirmatory';

export const CONFIRMATORY_VERDICT_FIGURES: { name: string; family: Family; description: string }[] = [
  {
    name: 'verdicts-primary',
    family: 'primary',
    description: "rule v2's primary claims, every data set and model: b − a in both readings, δ, verdict and Holm p",
  },
  {
    name: 'verdicts-secondary',
    family: 'secondary',
    description: "rule v2's secondary claims, every data set and model: b − a in both readings, δ, verdict and Holm p",
  },
];

/** Each panel holds the rows whose intervals reach no further than its limit (and beyond the previous one). */
export const PANEL_LIMITS = [5, 25, Infinity] as const;

const READINGS = [
  { key: 'trained', label: 'trained parameters', color: '#555555' },
  { key: 'average', label: 'parameter average', color: '#1f77b4' },
] as const;

/** A claim's statement without the model or class count its part's title already names. */
const shortStatement = (s: string) => s.replace(/^CNN, /, '').replace(/^1,000 classes, /, '');

interface Row {
  row: string;
  reading: string;
  mean: number;
  lo: number;
  hi: number;
  /** ±δ in points ("matches" only). */
  margin: number | null;
  label: string;
  n: number;
  part: string;
}

function rowOf(part: string, row: string, reading: (typeof READINGS)[number], r: ReadingResult): Row {
  return {
    row,
    part,
    n: r.n,
    reading: reading.label,
    mean: 100 * r.mean,
    lo: 100 * r.ci95[0],
    hi: 100 * r.ci95[1],
    margin: r.margin === null ? null : 100 * r.margin,
    // "differs" rests on the 95% interval, not on a p; the others on their Holm-adjusted p.
    label:
      r.verdict === 'differs'
        ? 'differs: 95% CI outside ±δ'
        : `${r.verdict}, ${r.margin === null ? '' : 'TOST '}Holm p ${formatP(decidingP(r).holm)}`,
  };
}

/** "MNIST, MLP, n = 10; …", every n a part's readings have (joined with "/" where they differ). */
function seedCounts(rows: Row[]): string {
  const byPart = new Map<string, Set<number>>();
  for (const v of rows) byPart.set(v.part, (byPart.get(v.part) ?? new Set()).add(v.n));
  return [...byPart].map(([t, ns]) => `${t}, n = ${[...ns].sort((a, b) => a - b).join('/')}`).join('; ');
}

/**
 * The figure of `family` over `parts`, or null when no part has a judged claim in it. Rows are
 * "<data set, model> · <claim> → <headline>", two readings each; parts not yet judged are named
 * in the caption. Up to three panels on linear axes fitted to their rows (`PANEL_LIMITS`): intervals
 * within ±5 points, within ±25, and beyond.
 */
export function confirmatoryVerdictsSpec(parts: ConfirmatoryPart[], family: Family): Spec | null {
  const rows: Row[] = [];
  const order: string[] = [];
  for (const p of parts.filter(judged))
    for (const f of p.families.filter((x) => x.family === family))
      for (const c of f.claims) {
        const row = `${p.title} · ${shortStatement(c.statement)} → ${c.headline}`;
        const readings = READINGS.flatMap((r) => (c[r.key] === null ? [] : [rowOf(p.title, row, r, c[r.key]!)]));
        if (readings.length === 0) continue;
        order.push(row);
        rows.push(...readings);
      }
  if (rows.length === 0) return null;
  const waiting = parts
    .filter((p) => !judged(p) && p.families.some((f) => f.family === family))
    .map(
      (p) =>
        `${p.title} (${runningCell(p) ?? (notRunReason(p) === undefined ? 'not run' : 'not run, by decision: REPORT.md 2.1 says why')})`,
    );
  // The widest reach of a row's intervals, in points: it picks the row's panel.
  const reach = (row: string) => Math.max(...rows.filter((v) => v.row === row).map((v) => Math.max(-v.lo, v.hi)));
  const { color, yOffset } = readingChannels(READINGS);
  const panel = (title: string, names: string[]) => {
    const data = rows.filter((v) => names.includes(v.row));
    const y = { field: 'row', type: 'nominal', sort: names, title: null, axis: { labelLimit: 0, labelFontSize: 11 } };
    const lo = Math.min(0, ...data.map((v) => Math.min(v.lo, -(v.margin ?? 0))));
    const hi = Math.max(0, ...data.map((v) => Math.max(v.hi, v.margin ?? 0)));
    const pad = 0.06 * (hi - lo);
    // Room at the right for the verdict text.
    const x = {
      type: 'quantitative',
      scale: { domain: [lo - pad, hi + pad + 0.45 * (hi - lo)], nice: false, zero: false },
    };
    const margins = data.filter((v) => v.margin !== null).map((v) => ({ ...v, mlo: -v.margin!, mhi: v.margin! }));
    return {
      title: { text: title, anchor: 'start', fontSize: 12 },
      width: 460,
      height: 40 * names.length,
      layer: [
        {
          data: { values: [{ x: 0 }] },
          mark: { type: 'rule', color: '#333', strokeDash: [3, 3] },
          encoding: { x: { ...x, field: 'x' } },
        },
        ...(margins.length === 0
          ? []
          : [
              {
                // ±δ of the "matches" claims, reading by reading (δ is 5% of a's test error in that reading).
                data: { values: margins },
                mark: { type: 'rule', color: '#2ca02c', opacity: 0.25, strokeWidth: 11 },
                encoding: { y, yOffset, x: { ...x, field: 'mlo' }, x2: { field: 'mhi' } },
              },
            ]),
        {
          data: { values: data },
          layer: intervalLayers({ y, yOffset, x, color }, 'label'),
        },
      ],
    };
  };
  const lines = [
    `Rule v2 (committed at ${RULE_V2_COMMIT.hash} on ${RULE_V2_COMMIT.date.slice(0, 10)}; REPORT.md 2.1 shows each round's job dates against it) on fresh seeds · ${family} families · b − a in test accuracy (percentage points), paired by seed, 95% Student t interval, with the trained parameters (grey) and the parameter average (blue).`,
    `"b beats a": one-sided paired t, reproduced (or against) at Holm p < ${RULE_V2.beatsAlpha} in its family; "b matches a": TOST at δ = ${100 * RULE_V2.marginFraction}% of a's test error (green, per reading), matched at Holm p < ${RULE_V2.matchAlpha} (TOST's 90% interval, not the 95% one drawn), differs when the 95% interval lies wholly outside ±δ. After the arrow: the headline, the verdict where both readings agree, else "depends on the reading". At right: each reading's verdict and Holm p. BN is standard BN.`,
    `Seeds per data set and model: ${seedCounts(rows)}.`,
    ...(waiting.length === 0 ? [] : [`Without verdicts: ${waiting.join('; ')}.`]),
  ];
  const panels = PANEL_LIMITS.flatMap((limit, i) => {
    const below = i === 0 ? -Infinity : PANEL_LIMITS[i - 1];
    const names = order.filter((r) => reach(r) > below && reach(r) <= limit);
    if (names.length === 0) return [];
    return [
      panel(
        limit === Infinity ? `Intervals reaching beyond ±${below} points` : `Intervals within ±${limit} points`,
        names,
      ),
    ];
  });
  return top(`The confirmatory round: rule v2's ${family} claims`, lines, {
    vconcat: panels,
    spacing: 18,
    resolve: { scale: { x: 'independent', y: 'independent' } },
  });
}
