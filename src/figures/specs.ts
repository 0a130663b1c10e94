/**
 * Vega-Lite specs for the kit's figures, built by pure functions from a
 * results summary (data goes inside the spec; redrawing never retrains).
 * Every figure has a title, axis titles with units, and a caption line naming
 * the data set, profile, backend and number of seeds; spreads are mean ± one sample
 * standard deviation over seeds, drawn as bands.
 */
import { renormClipAt } from '../renorm/schedule';
import { variantEntries, type CurvePoint, type Stat, type Summary } from '../experiments/summary';
import { datasetTitle } from '../data/datasets';

export type Spec = Record<string, unknown>;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const WIDTH = 560;
const HEIGHT = 260;

/** Colours fixed per series, so BN and BRN look the same in every figure. */
const COLORS: Record<string, string> = {
  BN: '#d62728',
  'BN (minibatch 32)': '#7f7f7f',
  'BN (moving averages)': '#d62728',
  'BN (minibatch statistics)': '#ff9896',
  BRN: '#1f77b4',
  rmax: '#1f77b4',
  dmax: '#2ca02c',
  'r clipped': '#1f77b4',
  'd clipped': '#2ca02c',
};

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

function top(title: string, caption: string[], body: Spec): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: wrap(caption), anchor: 'start', fontSize: 14, subtitleColor: '#555', subtitleFontSize: 11 },
    config: { font: FONT, view: { stroke: null }, legend: { orient: 'bottom', title: null, labelLimit: 400, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } },
    background: 'white',
    padding: 12,
    ...body,
  };
}

/** The caption line: data set, profile, backend and seeds. */
export function caption(summary: Summary, seeds: number | string, extra?: string): string[] {
  const lines = [`${datasetTitle(summary.dataset ?? 'mnist')} · ${summary.profile} profile · backend: ${summary.backend} · mean ± std over ${seeds} seeds`];
  if (extra) lines.push(extra);
  return lines;
}

function seedsOf(summary: Summary, experiment: string): string {
  const results = summary.experiments[experiment];
  const ns = new Set(results === undefined ? [] : variantEntries(results).map(([, v]) => v.testAccuracy.n));
  return [...ns].sort().join('/');
}

interface Series {
  label: string;
  points: { x: number; stat: Stat }[];
  dash?: boolean;
}

function colorScale(labels: string[]): Spec {
  return { domain: labels, range: labels.map((l) => COLORS[l] ?? '#9467bd') };
}

/**
 * Mean lines with ±std bands for several series on one pair of axes. On a log
 * axis the bands are left out (mean − std can be ≤ 0) and the caption must say so.
 */
function bandChart(
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
  const xEnc = { field: 'x', type: 'quantitative', title: x.title, ...(x.log ? { scale: { type: 'log', base: 2 }, axis: { values: [...new Set(values.map((v) => v.x))] } } : {}) };
  // Accuracy axes zoom to the range the curves occupy after `zoomAfter` steps
  // (the first steps, near chance, would squash the rest); earlier points are clipped.
  let domain = y.domain;
  if (domain === undefined && y.zoomAfter !== undefined) {
    const late = values.filter((v) => v.x >= y.zoomAfter!).flatMap((v) => [v.lo, v.mean]);
    if (late.length > 0) domain = [Math.max(0, Math.floor(Math.min(...late) / 5) * 5), y.percent ? 100 : Math.max(...values.map((v) => v.hi))];
  }
  const yScale = { ...(y.log ? { type: 'log' } : { zero: false }), ...(domain ? { domain } : {}) };
  const color = { field: 'series', type: 'nominal', scale: colorScale(labels), sort: labels };
  const line = {
    mark: { type: 'line', point: x.log ? { filled: true, size: 40 } : false, strokeWidth: 2, clip: true },
    encoding: {
      x: xEnc,
      y: { field: 'mean', type: 'quantitative', scale: yScale, title: y.title },
      color,
      strokeDash: { field: 'dashed', type: 'nominal', scale: { domain: [false, true], range: [[1, 0], [6, 4]] }, legend: null },
    },
  };
  const band = { mark: { type: 'area', opacity: 0.18, clip: true }, encoding: { x: xEnc, y: { field: 'lo', type: 'quantitative', scale: yScale }, y2: { field: 'hi' }, color } };
  return { ...size, data: { values }, layer: y.log ? [line] : [band, line] };
}

/** Accuracy curves zoom in after the first tenth of the run. */
function zoomStep(summary: Summary): number {
  const steps = Math.max(...Object.values(summary.configs).map((c) => c.steps));
  return steps / 10;
}

function curveSeries(label: string, points: CurvePoint[] | undefined, field: 'validationAccuracy' | 'batchStatsAccuracy' | 'logitGap', dash = false): Series[] {
  if (points === undefined) return [];
  return [{ label, dash, points: points.flatMap((p) => (p[field] === null ? [] : [{ x: p.step, stat: p[field]! }])) }];
}

/** Figure 1: the ramp of rmax and dmax, and the observed fraction of clipped r and d in BRN. */
export function rampSpec(summary: Summary, experiment = 'baseline'): Spec | null {
  const config = summary.configs[experiment];
  const curve = summary.curves[experiment]?.brn;
  if (config === undefined || curve === undefined) return null;
  const steps = Array.from({ length: 201 }, (_, i) => Math.round((i * config.steps) / 200));
  const schedule = steps.flatMap((s) => {
    const c = renormClipAt(s, config.ramp);
    return [
      { x: s, series: 'rmax', value: c.rmax },
      { x: s, series: 'dmax', value: c.dmax },
    ];
  });
  const clipped = curve.filter((p) => p.rClippedFraction !== null);
  const r = config.ramp;
  return top(
    'The rmax/dmax ramp and how often Batch Renorm clips r and d',
    caption(summary, seedsOf(summary, experiment), `Ramp: batchnorm until step ${r.warmupSteps}, then linear to dmax ${r.dmax} at ${r.dmaxSteps} and rmax ${r.rmax} at ${r.rmaxSteps} (paper section 4). Clipping from the '${experiment}' BRN runs, mean over layers.`),
    {
      vconcat: [
        {
          width: WIDTH,
          height: 150,
          data: { values: schedule },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'training step' },
            y: { field: 'value', type: 'quantitative', title: 'clipping limit' },
            color: { field: 'series', type: 'nominal', scale: colorScale(['rmax', 'dmax']) },
          },
        },
        bandChart(
          [
            { label: 'r clipped', points: clipped.map((p) => ({ x: p.step, stat: p.rClippedFraction! })) },
            { label: 'd clipped', points: clipped.map((p) => ({ x: p.step, stat: p.dClippedFraction! })) },
          ],
          { title: 'training step' },
          { title: 'values clipped (%)', percent: true },
          { width: WIDTH, height: 150 },
        ),
      ],
      resolve: { scale: { color: 'independent' } },
    },
  );
}

/** Figure 2: paper Figure 1, validation accuracy of BN and BRN on i.i.d. minibatches of 32. */
export function baselineSpec(summary: Summary): Spec | null {
  const c = summary.curves.baseline;
  if (c === undefined) return null;
  return top(
    'Minibatch 32, i.i.d.: BN vs BRN (cf. paper Figure 1)',
    caption(summary, seedsOf(summary, 'baseline'), `Validation accuracy in inference mode (moving averages), 5,000 held-out ${datasetTitle(summary.dataset ?? 'mnist')} training images.`),
    bandChart([...curveSeries('BN', c.bn, 'validationAccuracy'), ...curveSeries('BRN', c.brn, 'validationAccuracy')], { title: 'training step' }, { title: 'validation accuracy (%)', percent: true, zoomAfter: zoomStep(summary) }),
  );
}

/** Figure 3a: paper Figure 2, microbatches of 4, with the minibatch-32 BN curve for reference. */
export function microbatchSpec(summary: Summary): Spec | null {
  const c = summary.curves.microbatch;
  if (c === undefined) return null;
  const size = summary.configs.microbatch.microbatchSize;
  return top(
    `Statistics over microbatches of ${size}: BN vs BRN (cf. paper Figure 2)`,
    caption(summary, seedsOf(summary, 'microbatch'), `Gradient over minibatches of 32; statistics per microbatch of ${size}. Dashed: BN with statistics over the whole minibatch ('baseline').`),
    bandChart(
      [...curveSeries('BN', c.bn, 'validationAccuracy'), ...curveSeries('BRN', c.brn, 'validationAccuracy'), ...curveSeries('BN (minibatch 32)', summary.curves.baseline?.bn, 'validationAccuracy', true)],
      { title: 'training step' },
      { title: 'validation accuracy (%)', percent: true, zoomAfter: zoomStep(summary) },
    ),
  );
}

/** Final test accuracy against a swept quantity, with ±std error bands. */
function sweepSpec(summary: Summary, title: string, extra: string, xTitle: string, rows: { x: number; experiment: string }[], variants: [string, string][]): Spec | null {
  const present = rows.filter((r) => summary.experiments[r.experiment] !== undefined).sort((a, b) => a.x - b.x);
  if (present.length < 3) return null;
  const series: Series[] = variants.map(([variant, label]) => ({
    label,
    points: present.filter((r) => summary.experiments[r.experiment][variant] !== undefined).map((r) => ({ x: r.x, stat: summary.experiments[r.experiment][variant].testAccuracy })),
  }));
  const seeds = [...new Set(present.map((r) => seedsOf(summary, r.experiment)))].join('/');
  return top(title, caption(summary, seeds, extra), bandChart(series, { title: xTitle, log: true }, { title: 'test accuracy (%)', percent: true }));
}

/** Figure 3b: final test accuracy against the microbatch size (needs the sweep). */
export function microbatchSweepSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name]) => name === 'baseline' || name === 'microbatch' || name.startsWith('microbatch-mb'))
    .map(([experiment, c]) => ({ experiment, x: c.microbatchSize ?? c.batchSize }));
  return sweepSpec(summary, 'Final accuracy against the microbatch size', 'Minibatches of 32 normalized in microbatches of the size on the x axis (32: whole minibatch). Test set, 10,000 images.', 'examples per microbatch (log scale)', rows, [
    ['bn', 'BN'],
    ['brn', 'BRN'],
  ]);
}

/** Figure 4a: paper Figure 3, non-i.i.d. minibatches. */
export function nonIidSpec(summary: Summary): Spec | null {
  const c = summary.curves['non-iid'];
  if (c === undefined) return null;
  const s = summary.configs['non-iid'].sampler;
  const shape = s.kind === 'label-grouped' ? `${s.labelsPerBatch} labels x ${s.examplesPerLabel} examples` : 'i.i.d.';
  return top(
    `Non-i.i.d. minibatches (${shape}): BN vs BRN (cf. paper Figure 3)`,
    caption(summary, seedsOf(summary, 'non-iid'), 'BN (minibatch statistics): the BN model evaluated on validation minibatches drawn the same way, normalized by their own statistics.'),
    bandChart(
      [...curveSeries('BN (moving averages)', c.bn, 'validationAccuracy'), ...curveSeries('BN (minibatch statistics)', c.bn, 'batchStatsAccuracy', true), ...curveSeries('BRN', c.brn, 'validationAccuracy')],
      { title: 'training step' },
      { title: 'validation accuracy (%)', percent: true, zoomAfter: zoomStep(summary) },
    ),
  );
}

/** Figure 4b: final test accuracy against the labels per minibatch k (needs the sweep). */
export function nonIidSweepSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name, c]) => (name === 'non-iid' || name.startsWith('non-iid-k')) && c.sampler.kind === 'label-grouped')
    .map(([experiment, c]) => ({ experiment, x: c.sampler.kind === 'label-grouped' ? c.sampler.labelsPerBatch : 0 }));
  return sweepSpec(summary, 'Final accuracy against labels per minibatch', 'Minibatches of 32 = k labels x 32/k examples (k = 16: labels repeat, the paper\'s 16 x 2 shape). Test set, 10,000 images.', 'labels per minibatch k (log scale)', rows, [
    ['bn', 'BN (moving averages)'],
    ['bn-batchstats', 'BN (minibatch statistics)'],
    ['brn', 'BRN'],
  ]);
}

/** Figure 5: how far training-mode outputs are from inference-mode outputs on the same examples. */
export function mismatchSpec(summary: Summary): Spec | null {
  const experiments = ['baseline', 'microbatch', 'non-iid'].filter((e) => summary.curves[e] !== undefined);
  if (experiments.length === 0) return null;
  const panels = experiments.map((e) => ({
    ...bandChart(
      [...curveSeries('BN', summary.curves[e].bn, 'logitGap'), ...curveSeries('BRN', summary.curves[e].brn, 'logitGap')],
      { title: 'training step' },
      { title: 'relative logit gap (log scale)', log: true, domain: [1e-9, 10] },
      { width: 250, height: 230 },
    ),
    title: summary.configs[e].title,
  }));
  return top(
    'Train/inference mismatch of the same model on the same examples, BN vs BRN',
    caption(
      summary,
      experiments.map((e) => seedsOf(summary, e)).join('/'),
      'Gap = mean |logits in training mode − logits in inference mode| / mean |logits in inference mode|, on validation minibatches drawn like the training ones (moving statistics untouched). Lines are means over seeds (no bands on a log axis); values below 1e-9 are drawn at 1e-9.',
    ),
    { hconcat: panels, resolve: { scale: { y: 'shared' } } },
  );
}

export interface FigureDef {
  name: string;
  /** What the figure shows, for the README and notebooks. */
  description: string;
  spec: (summary: Summary) => Spec | null;
}

export const FIGURES: FigureDef[] = [
  { name: 'ramp', description: 'rmax and dmax over training, with the observed fraction of clipped r and d (paper section 4)', spec: (s) => rampSpec(s) },
  { name: 'baseline', description: 'BN vs BRN on i.i.d. minibatches of 32 (paper Figure 1)', spec: baselineSpec },
  { name: 'microbatch', description: 'BN vs BRN normalizing over microbatches of 4 (paper Figure 2)', spec: microbatchSpec },
  { name: 'microbatch-sweep', description: 'final accuracy against the microbatch size (sweep)', spec: microbatchSweepSpec },
  { name: 'non-iid', description: 'BN (moving averages), BN (minibatch statistics) and BRN on label-grouped minibatches (paper Figure 3)', spec: nonIidSpec },
  { name: 'non-iid-sweep', description: 'final accuracy against labels per minibatch (sweep)', spec: nonIidSweepSpec },
  { name: 'mismatch', description: 'train/inference output gap, BN vs BRN', spec: mismatchSpec },
];
