/** The verdict figure (6): every claim's paired difference with its interval, beside the rule's lines. */
import { MATCH_MARGIN } from '../protocol/claims';
import type { Summary } from '../results/schema';
import { formatPair } from '../results/stats';
import { caption, top, type Spec } from './chart';

/** A claim whose interval (either reading) reaches beyond this many points goes in the large-effects panel. */
export const SMALL_EFFECT_POINTS = 5;

/** The colour and within-row offset of a verdict figure's readings (field `reading`), in the order given. */
export function readingChannels(readings: readonly { label: string; color: string }[]): { color: Spec; yOffset: Spec } {
  return {
    color: {
      field: 'reading',
      type: 'nominal',
      scale: { domain: readings.map((r) => r.label), range: readings.map((r) => r.color) },
      title: null,
    },
    yOffset: { field: 'reading', type: 'nominal', sort: readings.map((r) => r.label), scale: { paddingOuter: 0.4 } },
  };
}

/**
 * A verdict figure's marks for rows of { mean, lo, hi } in points: each interval as a rule, its mean as
 * a point, and `text` to the right of the interval (shared by figure 6 and rule v2's figures).
 */
export function intervalLayers(
  enc: { y: Spec; yOffset: Spec; x: Spec; color: Spec },
  text: string,
  tooltip?: Spec[],
): Spec[] {
  const { y, yOffset, x, color } = enc;
  return [
    {
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        y,
        yOffset,
        x: { ...x, field: 'lo', title: 'b − a (percentage points of test accuracy)' },
        x2: { field: 'hi' },
        color,
      },
    },
    {
      mark: { type: 'point', filled: true, size: 45 },
      encoding: { y, yOffset, x: { ...x, field: 'mean' }, color, ...(tooltip === undefined ? {} : { tooltip }) },
    },
    {
      mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 },
      encoding: { y, yOffset, x: { ...x, field: 'hi' }, text: { field: text }, color },
    },
  ];
}

/**
 * Figure 6: every claim's paired difference b − a with its 95% interval, with
 * the parameter average (rule v1's headline) and with the trained parameters.
 * Two panels on linear axes fitted to their data: claims whose intervals stay
 * within ±5 points, where the ±0.3-point margin is legible, and the large
 * effects. The margin is shaded only on the rows of "matches" claims, where
 * the rule uses it.
 */
export function verdictsSpec(summary: Summary): Spec | null {
  const { claims } = summary;
  if (claims.length === 0) return null;
  const readings = [
    { key: 'ema', label: 'parameter average (the headline)' },
    { key: 'test', label: 'trained parameters' },
  ] as const;
  const values = claims.flatMap((c) =>
    readings.flatMap((r) => {
      const p = c[r.key];
      const verdict = r.key === 'ema' ? c.verdictEma : c.verdict;
      if (p === null || p.ciLow === null || p.ciHigh === null) return [];
      return [
        {
          claim: c.statement,
          kind: c.kind,
          reading: r.label,
          mean: 100 * p.mean,
          lo: 100 * p.ciLow,
          hi: 100 * p.ciHigh,
          verdict,
          interval: formatPair(p),
        },
      ];
    }),
  );
  if (values.length === 0) return null;
  const m = 100 * MATCH_MARGIN;
  const large = new Set(
    claims
      .map((c) => c.statement)
      .filter((claim) => values.some((v) => v.claim === claim && Math.max(-v.lo, v.hi) > SMALL_EFFECT_POINTS)),
  );
  const { color, yOffset } = readingChannels([
    { label: readings[0].label, color: '#1f77b4' },
    { label: readings[1].label, color: '#aaaaaa' },
  ]);
  const panel = (title: string, rows: typeof values) => {
    const order = claims.map((c) => c.statement).filter((s) => rows.some((v) => v.claim === s));
    const y = { field: 'claim', type: 'nominal', sort: order, title: null, axis: { labelLimit: 0, labelFontSize: 11 } };
    const lo = Math.min(0, -m, ...rows.map((v) => v.lo));
    const hi = Math.max(0, m, ...rows.map((v) => v.hi));
    const pad = 0.06 * (hi - lo);
    const x = { type: 'quantitative', scale: { domain: [lo - pad, hi + pad], nice: false, zero: false } };
    const margins = order.filter((s) => rows.some((v) => v.claim === s && v.kind === 'matches'));
    return {
      title: { text: title, anchor: 'start', fontSize: 12 },
      width: 420,
      // Two readings a row, 13 px each, and the row's padding (a fixed height: the margin's rects have no yOffset).
      height: 40 * order.length,
      layer: [
        ...(margins.length === 0
          ? []
          : [
              {
                data: { values: margins.map((claim) => ({ claim, lo: -m, hi: m })) },
                mark: { type: 'rect', color: '#2ca02c', opacity: 0.15 },
                encoding: { y, x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
              },
            ]),
        {
          data: { values: [{ x: 0 }] },
          mark: { type: 'rule', color: '#333', strokeDash: [3, 3] },
          encoding: { x: { ...x, field: 'x' } },
        },
        {
          data: { values: rows },
          layer: intervalLayers({ y, yOffset, x, color }, 'verdict', [
            { field: 'reading' },
            { field: 'interval' },
            { field: 'verdict' },
          ]),
        },
      ],
    };
  };
  const small = values.filter((v) => !large.has(v.claim));
  const big = values.filter((v) => large.has(v.claim));
  const panels = [
    ...(small.length === 0 ? [] : [panel(`Intervals within ±${SMALL_EFFECT_POINTS} points`, small)]),
    ...(big.length === 0 ? [] : [panel(`Intervals reaching beyond ±${SMALL_EFFECT_POINTS} points`, big)]),
  ];
  return top(
    'Each claim as a paired difference with its 95% interval',
    caption(
      summary,
      `${[...new Set(claims.map((c) => c.test?.n ?? 0))].join('/')} seeds`,
      `b − a in test accuracy (percentage points), paired by seed, 95% Student t interval, with the parameter average (blue, the headline reading of this round's rule v1) and with the trained parameters (grey); each panel's axis is linear and fitted to its claims. Rule v1 (REPORT.md 1.4 says what was known when): "beats" is reproduced when the interval lies above 0; "matches" is matched when it lies inside ±${m} points, shaded on the "matches" rows only. Text at right: the verdict.`,
      'paired intervals over ',
    ),
    { vconcat: panels, spacing: 18, resolve: { scale: { x: 'independent', y: 'independent' } } },
  );
}
