/**
 * The building blocks of the kit's figures: a titled frame with a caption
 * naming the data set, profile, backend and seeds; colours fixed per series
 * id; mean lines with ±std bands; a variant's curve as a series. Specs are
 * pure functions of a summary (data goes inside the spec; redrawing never
 * retrains); spreads are mean ± one sample standard deviation over seeds.
 */
import { datasetTitle } from '../data/datasets';
import { VARIANT_INFO, type SummaryVariant } from '../protocol/variants';
import { variantEntries, type Summary } from '../results/schema';
import type { Stat } from '../results/stats';

export type Spec = Record<string, unknown>;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
export const WIDTH = 560;
export const HEIGHT = 260;

/** Colours fixed per variant, so each looks the same in every figure. */
const VARIANT_COLORS: Record<SummaryVariant, string> = {
  bn: '#d62728',
  'bn-standard': '#ff7f0e',
  'bn-batchstats': '#ff9896',
  'bn-batchstats-iid': '#8c564b',
  brn: '#1f77b4',
  'brn-noramp': '#17becf',
  'brn-tight': '#aec7e8',
  gn: '#2ca02c',
  ln: '#bcbd22',
  none: '#9467bd',
};

/** Series that are not a variant: the ramp's limits and clipped fractions, and BN on whole minibatches as a reference line. */
const OTHER_COLORS = {
  'bn-minibatch32': '#7f7f7f',
  rmax: '#1f77b4',
  dmax: '#2ca02c',
  // The ramp figure's clipping, by the minibatches the BRN runs trained on.
  'clip-iid': '#1f77b4',
  'clip-microbatch': '#ff7f0e',
  'clip-grouped': '#d62728',
} as const;

/** What a series is, which fixes its colour: a variant, or one of `OTHER_COLORS`. */
export type SeriesId = SummaryVariant | keyof typeof OTHER_COLORS;

/** The colour of series `id`; an unknown id is an error (never a borrowed colour). */
export function colorOf(id: SeriesId): string {
  const color = (VARIANT_COLORS as Record<string, string>)[id] ?? (OTHER_COLORS as Record<string, string>)[id];
  if (color === undefined) throw new Error(`No colour for series '${id}': add it to VARIANT_COLORS or OTHER_COLORS`);
  return color;
}

/** How a figure names a variant (its legend label). */
export function labelOf(variant: SummaryVariant): string {
  return VARIANT_INFO[variant].label;
}

/** Breaks caption text into lines of at most `width` characters, so it never widens the figure. */
export function wrap(lines: string[], width = 95): string[] {
  return lines.flatMap((line) => {
    const out: string[] = [];
    let current = '';
    for (const word of line.split(' ')) {
      if (current !== '' && current.length + 1 + word.length > width) {
        out.push(current);
        current = word;
      } else {
        current = current === '' ? word : `${current} ${word}`;
      }
    }
    if (current !== '') out.push(current);
    return out;
  });
}

export function top(title: string, caption: string[], body: Spec): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: title,
      subtitle: wrap(caption),
      anchor: 'start',
      fontSize: 14,
      subtitleColor: '#555',
      subtitleFontSize: 11,
    },
    config: {
      font: FONT,
      view: { stroke: null },
      legend: {
        orient: 'bottom',
        columns: 4,
        title: null,
        labelLimit: 0,
        symbolType: 'stroke',
        symbolStrokeWidth: 3,
        symbolOpacity: 1,
      },
    },
    background: 'white',
    padding: 12,
    ...body,
  };
}

/** The caption line: data set, profile, backend and seeds (a phrase from `seedCountText`). */
export function caption(summary: Summary, seeds: string, extra?: string, spread = 'mean ± std over '): string[] {
  const lines = [
    `${datasetTitle(summary.dataset)} · ${summary.profile} profile · backend: ${summary.backend} · ${spread}${seeds}`,
  ];
  if (extra) lines.push(extra);
  return lines;
}

/**
 * The seed count of a figure's points, naming those that differ from the rest:
 * "3 seeds" when all agree, "3 seeds (5 at x = 4, 32)" when some have more
 * (`where` prefixes the points' names: "x = " for a sweep's x values).
 */
export function seedCountText(points: { at: string | number; seeds: string }[], where = ''): string {
  const counts = new Map<string, number>();
  for (const p of points) counts.set(p.seeds, (counts.get(p.seeds) ?? 0) + 1);
  const common = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? '0';
  const others = [...counts.keys()].filter((n) => n !== common).sort();
  if (others.length === 0) return `${common} seeds`;
  return `${common} seeds (${others
    .map(
      (n) =>
        `${n} at ${where}${points
          .filter((p) => p.seeds === n)
          .map((p) => p.at)
          .join(', ')}`,
    )
    .join('; ')})`;
}

/** The seed phrase of a figure drawn from these experiments. */
export function seedsText(summary: Summary, experiments: string[]): string {
  return seedCountText(experiments.map((e) => ({ at: e, seeds: seedsOf(summary, e) })));
}

export function seedsOf(summary: Summary, experiment: string): string {
  const results = summary.experiments[experiment];
  const ns = new Set(results === undefined ? [] : variantEntries(results).map(([, v]) => v.testAccuracy.n));
  return [...ns].sort().join('/');
}

export interface Series {
  id: SeriesId;
  label: string;
  points: { x: number; stat: Stat }[];
  dash?: boolean;
}

/** A colour scale over series labelled `labels`, coloured by their ids. */
export function colorScale(series: { id: SeriesId; label: string }[]): Spec {
  return { domain: series.map((s) => s.label), range: series.map((s) => colorOf(s.id)) };
}

/**
 * Mean lines with ±std bands for several series on one pair of axes. On a log
 * axis the bands are left out (mean − std can be ≤ 0) and the caption must say so.
 */
export function bandChart(
  series: Series[],
  x: { title: string; log?: boolean },
  y: { title: string; percent?: boolean; log?: boolean; domain?: [number, number]; zoomAfter?: number },
  size = { width: WIDTH, height: HEIGHT },
): Spec {
  const k = y.percent ? 100 : 1;
  const floor = y.log ? 1e-9 : -Infinity;
  const values = series.flatMap((s) =>
    s.points
      .filter((p) => Number.isFinite(p.stat.mean))
      .map((p) => ({
        series: s.label,
        dashed: Boolean(s.dash),
        x: p.x,
        mean: Math.max(floor, k * p.stat.mean),
        lo: Math.max(floor, k * (p.stat.mean - p.stat.std)),
        hi: Math.max(floor, k * (p.stat.mean + p.stat.std)),
      })),
  );
  const labels = series.map((s) => s.label);
  const xEnc = {
    field: 'x',
    type: 'quantitative',
    title: x.title,
    ...(x.log ? { scale: { type: 'log', base: 2 }, axis: { values: [...new Set(values.map((v) => v.x))] } } : {}),
  };
  // Accuracy axes zoom to the range the curves occupy after `zoomAfter` steps
  // (the first steps, near chance, would squash the rest); earlier points are clipped.
  let domain = y.domain;
  if (domain === undefined && y.zoomAfter !== undefined) {
    const late = values.filter((v) => v.x >= y.zoomAfter!);
    if (late.length > 0) {
      const top = Math.max(...late.map((v) => v.hi));
      domain = [
        Math.max(0, Math.floor(Math.min(...late.flatMap((v) => [v.lo, v.mean])) / 5) * 5),
        y.percent ? Math.min(100, Math.ceil(top / 5) * 5) : top,
      ];
    }
  }
  const yScale = { ...(y.log ? { type: 'log' } : { zero: false }), ...(domain ? { domain } : {}) };
  const color = { field: 'series', type: 'nominal', scale: colorScale(series), sort: labels };
  const line = {
    mark: { type: 'line', point: x.log ? { filled: true, size: 40 } : false, strokeWidth: 2, clip: true },
    encoding: {
      x: xEnc,
      y: { field: 'mean', type: 'quantitative', scale: yScale, title: y.title },
      color,
      strokeDash: {
        field: 'dashed',
        type: 'nominal',
        scale: {
          domain: [false, true],
          range: [
            [1, 0],
            [6, 4],
          ],
        },
        legend: null,
      },
    },
  };
  const band = {
    mark: { type: 'area', opacity: 0.18, clip: true },
    encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color },
  };
  return { ...size, data: { values }, layer: y.log ? [line] : [band, line] };
}

/** Accuracy curves zoom in after the first tenth of the run. */
export function zoomStep(summary: Summary): number {
  const steps = Math.max(...Object.values(summary.configs).map((c) => c.steps));
  return steps / 10;
}

/** A curve field that figures plot. */
export type CurveField = 'validationAccuracy' | 'validationAccuracyEma' | 'trainAccuracy' | 'logitGap';

/** The series of `variant`'s curve `field` in `experiment` (none when the summary lacks it), labelled as the variant unless `label` says otherwise. */
export function curveSeries(
  summary: Summary,
  experiment: string,
  variant: SummaryVariant,
  field: CurveField,
  options: { id?: SeriesId; label?: string; dash?: boolean } = {},
): Series[] {
  const points = summary.curves[experiment]?.[variant];
  if (points === undefined) return [];
  const stats = points.flatMap((p) => (p[field] === null ? [] : [{ x: p.step, stat: p[field]! }]));
  return stats.length === 0
    ? []
    : [
        {
          id: options.id ?? variant,
          label: options.label ?? labelOf(variant),
          // BN (standard) is the BN model read another way: dashed, so BN's own line shows beneath it.
          dash: options.dash ?? variant === 'bn-standard',
          points: stats,
        },
      ];
}
