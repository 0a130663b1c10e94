/**
 * Vega-Lite specs for the kit's figures, built by pure functions from a
 * results summary (data goes inside the spec; redrawing never retrains).
 * Every figure has a title, axis titles with units, and a caption line naming
 * the data set, profile, backend and number of seeds; spreads are mean ± one sample
 * standard deviation over seeds, drawn as bands.
 */
import { renormClipAt } from '../renorm/schedule';
import { formatPair, variantEntries, type CurvePoint, type Stat, type Summary } from '../experiments/summary';
import { MATCH_MARGIN } from '../experiments/claims';
import { VARIANT_INFO, type SummaryVariant } from '../experiments/variants';
import { datasetTitle } from '../data/datasets';

export type Spec = Record<string, unknown>;

const FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const WIDTH = 560;
const HEIGHT = 260;

/** Colours fixed per series, so each variant looks the same in every figure. */
const COLORS: Record<string, string> = {
  BN: '#d62728',
  'BN (standard)': '#ff7f0e',
  'BN (minibatch 32)': '#7f7f7f',
  'BN, statistics of label-grouped batches (uses labels)': '#ff9896',
  'BN, statistics of i.i.d. batches': '#8c564b',
  BRN: '#1f77b4',
  'BRN (no ramp)': '#17becf',
  'no normalization': '#9467bd',
  rmax: '#1f77b4',
  dmax: '#2ca02c',
  'r clipped': '#1f77b4',
  'd clipped': '#2ca02c',
};

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

function top(title: string, caption: string[], body: Spec): Spec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle: wrap(caption), anchor: 'start', fontSize: 14, subtitleColor: '#555', subtitleFontSize: 11 },
    config: { font: FONT, view: { stroke: null }, legend: { orient: 'bottom', columns: 4, title: null, labelLimit: 0, symbolType: 'stroke', symbolStrokeWidth: 3, symbolOpacity: 1 } },
    background: 'white',
    padding: 12,
    ...body,
  };
}

/** The caption line: data set, profile, backend and seeds (a phrase from `seedCountText`). */
export function caption(summary: Summary, seeds: string, extra?: string): string[] {
  const lines = [`${datasetTitle(summary.dataset ?? 'mnist')} · ${summary.profile} profile · backend: ${summary.backend} · mean ± std over ${seeds}`];
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
  return `${common} seeds (${others.map((n) => `${n} at ${where}${points.filter((p) => p.seeds === n).map((p) => p.at).join(', ')}`).join('; ')})`;
}

/** The seed phrase of a figure drawn from these experiments. */
function seedsText(summary: Summary, experiments: string[]): string {
  return seedCountText(experiments.map((e) => ({ at: e, seeds: seedsOf(summary, e) })));
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

/** A curve field that figures plot. */
type CurveField = 'validationAccuracy' | 'validationAccuracyEma' | 'trainAccuracy' | 'logitGap';

/** The series of `variant`'s curve `field` in `experiment` (none when the summary lacks it), labelled as the variant unless `label` says otherwise. */
function curveSeries(summary: Summary, experiment: string, variant: SummaryVariant, field: CurveField, options: { label?: string; dash?: boolean } = {}): Series[] {
  const points = summary.curves[experiment]?.[variant];
  if (points === undefined) return [];
  const stats = points.flatMap((p) => (p[field] === null ? [] : [{ x: p.step, stat: p[field]! }]));
  return stats.length === 0 ? [] : [{ label: options.label ?? labelOf(variant), dash: options.dash ?? false, points: stats }];
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
    caption(summary, seedsText(summary, [experiment]), `Ramp: batchnorm until step ${r.warmupSteps}, then linear to dmax ${r.dmax} at ${r.dmaxSteps} and rmax ${r.rmax} at ${r.rmaxSteps} (paper section 4). Clipping from the '${experiment}' BRN runs, mean over layers.`),
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

const VALIDATION = (summary: Summary) => `Validation accuracy in inference mode on 5,000 held-out ${datasetTitle(summary.dataset ?? 'mnist')} training images, with the trained parameters.`;

/** Validation curves of several variants of one experiment (and extra series), as a figure. */
function validationFigure(summary: Summary, experiment: string, title: string, extra: string, series: Series[]): Spec | null {
  if (summary.curves[experiment] === undefined) return null;
  return top(title, caption(summary, seedsText(summary, [experiment]), `${VALIDATION(summary)} ${extra}`), bandChart(series, { title: 'training step' }, { title: 'validation accuracy (%)', percent: true, zoomAfter: zoomStep(summary) }));
}

/** Figure 2: paper Figure 1, i.i.d. minibatches of 32, with the controls. */
export function baselineSpec(summary: Summary): Spec | null {
  const e = 'baseline';
  return validationFigure(summary, e, 'Minibatch 32, i.i.d.: BN vs BRN (cf. paper Figure 1)', "BN (standard): the BN model evaluated with a moving variance, as tfjs-layers' and Keras' BatchNormalization.", [
    ...curveSeries(summary, e, 'bn', 'validationAccuracy'),
    ...curveSeries(summary, e, 'bn-standard', 'validationAccuracy'),
    ...curveSeries(summary, e, 'brn', 'validationAccuracy'),
    ...curveSeries(summary, e, 'none', 'validationAccuracy'),
  ]);
}

/** Figure 3a: paper Figure 2, microbatches of 4, with the controls and the minibatch-32 BN curve for reference. */
export function microbatchSpec(summary: Summary): Spec | null {
  const e = 'microbatch';
  const size = summary.configs[e]?.microbatchSize;
  return validationFigure(
    summary,
    e,
    `Statistics over microbatches of ${size}: BN vs BRN (cf. paper Figure 2)`,
    `Gradient over minibatches of 32; statistics per microbatch of ${size}. BRN (no ramp): rmax 3, dmax 5 from step 0. Dashed: BN with statistics over the whole minibatch ('baseline').`,
    [
      ...curveSeries(summary, e, 'bn', 'validationAccuracy'),
      ...curveSeries(summary, e, 'bn-standard', 'validationAccuracy'),
      ...curveSeries(summary, e, 'brn', 'validationAccuracy'),
      ...curveSeries(summary, e, 'brn-noramp', 'validationAccuracy'),
      ...curveSeries(summary, 'baseline', 'bn', 'validationAccuracy', { label: 'BN (minibatch 32)', dash: true }),
    ],
  );
}

function shapeOf(summary: Summary, experiment: string): string {
  const s = summary.configs[experiment]?.sampler;
  return s?.kind === 'label-grouped' ? `${s.labelsPerBatch} labels x ${s.examplesPerLabel} examples` : 'i.i.d.';
}

/** Figure 4a: paper Figure 3, non-i.i.d. minibatches, with every control. */
export function nonIidSpec(summary: Summary): Spec | null {
  const e = 'non-iid';
  if (summary.configs[e] === undefined) return null;
  return validationFigure(
    summary,
    e,
    `Non-i.i.d. minibatches (${shapeOf(summary, e)}): BN vs BRN (cf. paper Figure 3)`,
    'The BN model is also shown normalized with the statistics of validation minibatches: dashed, minibatches grouped by label like the training ones (the statistics carry the labels); solid brown, i.i.d. minibatches of 32 (label-blind).',
    [
      ...curveSeries(summary, e, 'bn', 'validationAccuracy'),
      ...curveSeries(summary, e, 'bn-standard', 'validationAccuracy'),
      ...curveSeries(summary, e, 'bn-batchstats', 'validationAccuracy', { dash: true }),
      ...curveSeries(summary, e, 'bn-batchstats-iid', 'validationAccuracy'),
      ...curveSeries(summary, e, 'brn', 'validationAccuracy'),
      ...curveSeries(summary, e, 'brn-noramp', 'validationAccuracy'),
      ...curveSeries(summary, e, 'none', 'validationAccuracy'),
    ],
  );
}

/** Figure 4c: training accuracy on non-i.i.d. minibatches (the paper: BN's reached 72.8% and then dropped). */
export function nonIidTrainingSpec(summary: Summary): Spec | null {
  const e = 'non-iid';
  if (summary.curves[e] === undefined) return null;
  return top(
    `Training accuracy on non-i.i.d. minibatches (${shapeOf(summary, e)}): BN vs BRN vs no normalization`,
    caption(
      summary,
      seedsText(summary, [e]),
      'Accuracy on the training minibatches since the previous point, measured in training mode (each minibatch normalized by its own statistics, as it was trained), with the trained parameters. Dashed: BN on i.i.d. minibatches (\'baseline\'). Paper section 4.3: BN\'s training accuracy reached 72.8% and then dropped.',
    ),
    bandChart(
      [
        ...curveSeries(summary, e, 'bn', 'trainAccuracy'),
        ...curveSeries(summary, e, 'brn', 'trainAccuracy'),
        ...curveSeries(summary, e, 'none', 'trainAccuracy'),
        ...curveSeries(summary, 'baseline', 'bn', 'trainAccuracy', { label: 'BN (minibatch 32)', dash: true }),
      ],
      { title: 'training step' },
      { title: 'training accuracy (%)', percent: true, zoomAfter: zoomStep(summary) },
    ),
  );
}

/**
 * Final test accuracy against a swept quantity: mean lines with ±std bands,
 * and every seed as a point.
 */
function sweepSpec(summary: Summary, title: string, extra: string, xTitle: string, rows: { x: number; experiment: string }[], variants: SummaryVariant[]): Spec | null {
  const present = rows.filter((r) => summary.experiments[r.experiment] !== undefined).sort((a, b) => a.x - b.x);
  if (present.length < 3) return null;
  const at = (r: { experiment: string }, v: SummaryVariant) => summary.experiments[r.experiment][v];
  const series: Series[] = variants.map((variant) => ({
    label: labelOf(variant),
    points: present.filter((r) => at(r, variant) !== undefined).map((r) => ({ x: r.x, stat: at(r, variant).testAccuracy })),
  }));
  const seeds = seedCountText(present.map((r) => ({ at: r.x, seeds: seedsOf(summary, r.experiment) })), 'x = ');
  const chart = bandChart(series, { title: xTitle, log: true }, { title: 'test accuracy (%)', percent: true });
  const perSeed = variants.flatMap((variant) =>
    present.flatMap((r) => {
      const s = at(r, variant)?.testAccuracy;
      return s === undefined ? [] : s.values.map((value, i) => ({ series: labelOf(variant), x: r.x, seed: s.seeds[i], value: 100 * value }));
    }),
  );
  const lineEncoding = (chart.layer as Spec[])[(chart.layer as Spec[]).length - 1].encoding as Spec;
  const seedPoints = {
    data: { values: perSeed },
    mark: { type: 'point', size: 28, opacity: 0.75, filled: false, strokeWidth: 1.2 },
    encoding: { x: lineEncoding.x, y: { field: 'value', type: 'quantitative' }, color: lineEncoding.color, tooltip: [{ field: 'series' }, { field: 'seed' }, { field: 'value', format: '.2f' }] },
  };
  const { data, layer, ...size } = chart;
  return top(title, caption(summary, seeds, `${extra} Lines: mean ± std over seeds; circles: each seed. With the trained parameters.`), { ...size, layer: [{ data, layer }, seedPoints] });
}

/** Figure 3b: final test accuracy against the microbatch size (needs the sweep). */
export function microbatchSweepSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name]) => name === 'baseline' || name === 'microbatch' || name.startsWith('microbatch-mb'))
    .map(([experiment, c]) => ({ experiment, x: c.microbatchSize ?? c.batchSize }));
  return sweepSpec(summary, 'Final accuracy against the microbatch size', `Minibatches of 32 normalized in microbatches of the size on the x axis (32: whole minibatch). ${datasetTitle(summary.dataset ?? 'mnist')} test set, 10,000 images.`, 'examples per microbatch (log scale)', rows, ['bn', 'brn']);
}

/** Figure 4b: final test accuracy against the labels per minibatch k (needs the sweep). */
export function nonIidSweepSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name, c]) => (name === 'non-iid' || name.startsWith('non-iid-k')) && c.sampler.kind === 'label-grouped')
    .map(([experiment, c]) => ({ experiment, x: c.sampler.kind === 'label-grouped' ? c.sampler.labelsPerBatch : 0 }));
  return sweepSpec(
    summary,
    'Final accuracy against labels per minibatch',
    "Minibatches of 32 = k labels x 32/k examples (k = 16: labels repeat, the paper's 16 x 2 shape). Test set, 10,000 images; the label-grouped batch statistics use the test labels.",
    'labels per minibatch k (log scale)',
    rows,
    ['bn', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
  );
}

/** Figure 5: how far training-mode outputs are from inference-mode outputs on the same examples. */
export function mismatchSpec(summary: Summary): Spec | null {
  const experiments = ['baseline', 'microbatch', 'non-iid'].filter((e) => summary.curves[e] !== undefined);
  if (experiments.length === 0) return null;
  const panels = experiments.map((e) => ({
    ...bandChart(
      [...curveSeries(summary, e, 'bn', 'logitGap'), ...curveSeries(summary, e, 'brn', 'logitGap')],
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
      seedsText(summary, experiments),
      'Gap = mean |logits in training mode − logits in inference mode| / mean |logits in inference mode|, on validation minibatches drawn like the training ones (moving statistics untouched). Lines are means over seeds (no bands on a log axis); values below 1e-9 are drawn at 1e-9.',
    ),
    { hconcat: panels, resolve: { scale: { y: 'shared' } } },
  );
}

/**
 * Figure 6: every claim's paired difference b − a with its 95% interval, with
 * the trained parameters and with their moving average, beside the rule's
 * lines (0, and the ±0.3-point margin of "matches").
 */
export function verdictsSpec(summary: Summary): Spec | null {
  const claims = summary.claims ?? [];
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
      return [{ claim: c.statement, reading: r.label, mean: 100 * p.mean, lo: 100 * p.ciLow, hi: 100 * p.ciHigh, verdict, interval: formatPair(p) }];
    }),
  );
  if (values.length === 0) return null;
  const order = claims.map((c) => c.statement);
  const y = { field: 'claim', type: 'nominal', sort: order, title: null, axis: { labelLimit: 0, labelFontSize: 11 } };
  // Linear within ±1 point, logarithmic beyond: the ±0.3 margin and 30-point effects on one axis.
  const x = { type: 'quantitative', scale: { type: 'symlog', constant: 1 }, axis: { values: [-50, -20, -10, -5, -2, -1, 0, 1, 2, 5, 10, 20, 50, 100] } };
  const color = { field: 'reading', type: 'nominal', scale: { domain: readings.map((r) => r.label), range: ['#1f77b4', '#aaaaaa'] }, title: null };
  const yOffset = { field: 'reading', type: 'nominal', sort: readings.map((r) => r.label), scale: { paddingOuter: 0.4 } };
  const m = 100 * MATCH_MARGIN;
  return top(
    'Each claim as a paired difference with its 95% interval',
    caption(
      summary,
      `${[...new Set(claims.map((c) => c.test?.n ?? 0))].join('/')} seeds`,
      `b − a in test accuracy (percentage points; axis linear within ±1, logarithmic beyond), paired by seed, 95% Student t interval. Rule (fixed before the runs): "beats" is reproduced when the interval lies above 0; "matches" is matched when it lies inside the shaded ±${m} points. Text at right: the verdict.`,
    ),
    {
      width: 380,
      height: { step: 28 },
      layer: [
        { data: { values: [{ lo: -m, hi: m }] }, mark: { type: 'rect', color: '#2ca02c', opacity: 0.15 }, encoding: { x: { ...x, field: 'lo' }, x2: { field: 'hi' } } },
        { data: { values: [{ x: 0 }] }, mark: { type: 'rule', color: '#333', strokeDash: [3, 3] }, encoding: { x: { ...x, field: 'x' } } },
        {
          data: { values },
          layer: [
            { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, yOffset, x: { ...x, field: 'lo', title: 'b − a (percentage points of test accuracy)' }, x2: { field: 'hi' }, color } },
            { mark: { type: 'point', filled: true, size: 45 }, encoding: { y, yOffset, x: { ...x, field: 'mean' }, color, tooltip: [{ field: 'reading' }, { field: 'interval' }, { field: 'verdict' }] } },
            { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 }, encoding: { y, yOffset, x: { ...x, field: 'hi' }, text: { field: 'verdict' }, color } },
          ],
        },
      ],
    },
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
  { name: 'baseline', description: 'BN, BN (standard), BRN and no normalization on i.i.d. minibatches of 32 (paper Figure 1)', spec: baselineSpec },
  { name: 'microbatch', description: 'BN, BN (standard), BRN and BRN without the ramp, normalizing over microbatches of 4 (paper Figure 2)', spec: microbatchSpec },
  { name: 'microbatch-sweep', description: 'final accuracy against the microbatch size, every seed shown (sweep)', spec: microbatchSweepSpec },
  { name: 'non-iid', description: 'every variant and control on label-grouped minibatches (paper Figure 3)', spec: nonIidSpec },
  { name: 'non-iid-training', description: 'training accuracy on label-grouped minibatches, BN vs BRN vs no normalization (paper section 4.3)', spec: nonIidTrainingSpec },
  { name: 'non-iid-sweep', description: 'final accuracy against labels per minibatch, every seed shown (sweep)', spec: nonIidSweepSpec },
  { name: 'mismatch', description: 'train/inference output gap, BN vs BRN', spec: mismatchSpec },
  { name: 'verdicts', description: "each claim's paired difference with its 95% interval and verdict", spec: verdictsSpec },
];
