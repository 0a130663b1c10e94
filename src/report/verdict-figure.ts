/** The verdict figure (6): every claim's paired difference with its interval, beside the rule's lines. */
import { MATCH_MARGIN } from '../protocol/claims';
import type { Summary } from '../results/schema';
import { formatPair } from '../results/stats';
import { caption, top, type Spec } from './chart';

/**
 * Figure 6: every claim's paired difference b − a with its 95% interval, with
 * the trained parameters and with their moving average, beside the rule's
 * lines (0, and the ±0.3-point margin of "matches").
 */
export function verdictsSpec(summary: Summary): Spec | null {
  const { claims } = summary;
  if (claims.length === 0) return null;
  const readings = [
    { key: 'ema', label: 'parameter average (headline)' },
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
  const order = claims.map((c) => c.statement);
  const y = { field: 'claim', type: 'nominal', sort: order, title: null, axis: { labelLimit: 0, labelFontSize: 11 } };
  // Linear within ±1 point, logarithmic beyond: the ±0.3 margin and 30-point effects on one axis.
  const x = {
    type: 'quantitative',
    scale: { type: 'symlog', constant: 1 },
    axis: { values: [-50, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50, 100] },
  };
  const color = {
    field: 'reading',
    type: 'nominal',
    scale: { domain: readings.map((r) => r.label), range: ['#1f77b4', '#aaaaaa'] },
    title: null,
  };
  const yOffset = {
    field: 'reading',
    type: 'nominal',
    sort: readings.map((r) => r.label),
    scale: { paddingOuter: 0.4 },
  };
  const m = 100 * MATCH_MARGIN;
  return top(
    'Each claim as a paired difference with its 95% interval',
    caption(
      summary,
      `${[...new Set(claims.map((c) => c.test?.n ?? 0))].join('/')} seeds`,
      `b − a in test accuracy (percentage points; axis linear within ±1, logarithmic beyond), paired by seed, 95% Student t interval. Rule (committed before the five-seed runs; REPORT.md 2.4 says what was known then): "beats" is reproduced when the interval lies above 0; "matches" is matched when it lies inside the shaded ±${m} points. Text at right: the verdict.`,
      'paired intervals over ',
    ),
    {
      width: 420,
      height: { step: 13 },
      layer: [
        {
          data: { values: [{ lo: -m, hi: m }] },
          mark: { type: 'rect', color: '#2ca02c', opacity: 0.15 },
          encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } },
        },
        {
          data: { values: [{ x: 0 }] },
          mark: { type: 'rule', color: '#333', strokeDash: [3, 3] },
          encoding: { x: { ...x, field: 'x' } },
        },
        {
          data: { values },
          layer: [
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
              encoding: {
                y,
                yOffset,
                x: { ...x, field: 'mean' },
                color,
                tooltip: [{ field: 'reading' }, { field: 'interval' }, { field: 'verdict' }],
              },
            },
            {
              mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 },
              encoding: { y, yOffset, x: { ...x, field: 'hi' }, text: { field: 'verdict' }, color },
            },
          ],
        },
      ],
    },
  );
}
