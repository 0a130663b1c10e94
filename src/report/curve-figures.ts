/**
 * The figures of training curves: the ramp and its clipping (figure 1), the
 * three paper experiments (figures 2, 3a, 4a), training accuracy on
 * non-i.i.d. minibatches (4c), and the train/inference mismatch (5).
 */
import { datasetTitle } from '../data/datasets';
import { renormClipAt } from '../renorm/schedule';
import { VARIANT_INFO, type SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';
import {
  bandChart,
  caption,
  colorScale,
  curveSeries,
  seedsText,
  top,
  zoomStep,
  WIDTH,
  type Series,
  type Spec,
} from './chart';

/** The clipping panels' axis stops here (percent): every value is clipped until the ramp starts, a few percent after. */
const CLIPPING_AXIS_PERCENT = 25;

/** The BRN runs whose clipping the ramp figure draws: i.i.d. minibatches, microbatches, label-grouped minibatches. */
const CLIPPING_RUNS = [
  { id: 'clip-iid', suffix: 'baseline' },
  { id: 'clip-microbatch', suffix: 'microbatch' },
  { id: 'clip-grouped', suffix: 'non-iid' },
] as const;

/**
 * Figure 1: the ramp of rmax and dmax, and the observed fraction of clipped r
 * and d in BRN (mean over layers and seeds) on i.i.d. minibatches, on
 * microbatches and on label-grouped minibatches, where clipping persists.
 */
export function rampSpec(summary: Summary, experiment = 'baseline'): Spec | null {
  const config = summary.configs[experiment];
  if (config === undefined || summary.curves[experiment]?.brn === undefined) return null;
  const prefix = experiment.slice(0, experiment.length - 'baseline'.length);
  const steps = Array.from({ length: 201 }, (_, i) => Math.round((i * config.steps) / 200));
  const schedule = steps.flatMap((s) => {
    const c = renormClipAt(s, config.ramp);
    return [
      { x: s, series: 'rmax', value: c.rmax },
      { x: s, series: 'dmax', value: c.dmax },
    ];
  });
  const runs = CLIPPING_RUNS.flatMap((run) => {
    const e = `${prefix}${run.suffix}`;
    const points = (summary.curves[e]?.brn ?? []).filter((p) => p.rClippedFraction !== null);
    if (points.length === 0) return [];
    const c = summary.configs[e];
    const shape =
      c.sampler.kind === 'label-grouped'
        ? `${c.sampler.labelsPerBatch} labels × ${c.sampler.examplesPerLabel}`
        : c.microbatchSize !== undefined && c.microbatchSize !== null && c.microbatchSize < c.batchSize
          ? `microbatches of ${c.microbatchSize}`
          : `i.i.d. minibatches of ${c.batchSize}`;
    return [{ id: run.id, label: `${shape} ('${e}')`, points }];
  });
  const panel = (which: 'r' | 'd') =>
    bandChart(
      runs.map((run) => ({
        id: run.id,
        label: run.label,
        points: run.points.map((p) => ({
          x: p.step,
          stat: which === 'r' ? p.rClippedFraction! : p.dClippedFraction!,
        })),
      })),
      { title: 'training step' },
      { title: `${which} clipped (% of values)`, percent: true, domain: [0, CLIPPING_AXIS_PERCENT] },
      { width: WIDTH, height: 130 },
    );
  const r = config.ramp;
  return top(
    'The rmax/dmax ramp and how often Batch Renorm clips r and d',
    caption(
      summary,
      seedsText(
        summary,
        runs.map((run) => run.label.replace(/^.*\('(.*)'\)$/, '$1')),
      ),
      `Ramp: batchnorm until step ${r.warmupSteps}, then linear to dmax ${r.dmax} at ${r.dmaxSteps} and rmax ${r.rmax} at ${r.rmaxSteps} (paper section 4). Below: the fraction of r and of d values at their limit in the BRN runs, mean over layers, by the minibatches they trained on (training mode; no reading of the parameters is involved). Until step ${r.warmupSteps} every value is clipped (rmax 1, dmax 0): the axes stop at ${CLIPPING_AXIS_PERCENT}% so that the few percent still clipped late in training show.`,
    ),
    {
      vconcat: [
        {
          width: WIDTH,
          height: 130,
          data: { values: schedule },
          mark: { type: 'line', strokeWidth: 2 },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: 'training step' },
            y: { field: 'value', type: 'quantitative', title: 'clipping limit' },
            color: {
              field: 'series',
              type: 'nominal',
              scale: colorScale([
                { id: 'rmax', label: 'rmax' },
                { id: 'dmax', label: 'dmax' },
              ]),
            },
          },
        },
        panel('r'),
        panel('d'),
      ],
      resolve: { scale: { color: 'independent' } },
    },
  );
}

const VALIDATION = (summary: Summary) =>
  summary.dataset === 'mnist-triples'
    ? 'Validation accuracy in inference mode on 10,000 held-out mnist-triples images (10 per class, from digits no training image uses), with the trained parameters.'
    : `Validation accuracy in inference mode on 5,000 held-out ${datasetTitle(summary.dataset)} training images, with the trained parameters.`;

/** Validation curves of several variants of one experiment (and extra series), as a figure. */
function validationFigure(
  summary: Summary,
  experiment: string,
  title: string,
  extra: string,
  series: Series[],
): Spec | null {
  if (summary.curves[experiment] === undefined) return null;
  return top(
    title,
    caption(summary, seedsText(summary, [experiment]), `${VALIDATION(summary)} ${extra}`),
    bandChart(
      series,
      { title: 'training step' },
      { title: 'validation accuracy, trained parameters (%)', percent: true, zoomAfter: zoomStep(summary) },
    ),
  );
}

/** "BN vs BRN", or the normalizers an experiment's curves hold when GN, LN or no normalization are among them. */
function versus(summary: Summary, experiment: string): string {
  const curves = summary.curves[experiment] ?? {};
  const others = (['gn', 'ln', 'none'] as const)
    .filter((v) => curves[v] !== undefined)
    .map((v) => VARIANT_INFO[v].label);
  return others.length === 0 ? 'BN vs BRN' : ['BN', 'BRN', ...others].join(', ');
}

/** The model or task of a prefixed experiment, for titles: 'CNN, ' for the conv protocol's, the class count for the 1,000-class task's. */
const modelOf = (prefix: string) => (prefix === 'cnn-' ? 'CNN, ' : prefix === 'triples-' ? '1,000 classes, ' : '');

/** Figure 2: paper Figure 1, i.i.d. minibatches of 32, with the controls (`prefix` 'cnn-': the conv protocol's). */
export function baselineSpec(summary: Summary, prefix = ''): Spec | null {
  const e = `${prefix}baseline`;
  return validationFigure(
    summary,
    e,
    `${modelOf(prefix)}Minibatch 32, i.i.d.: ${versus(summary, e)} (cf. paper Figure 1)`,
    "BN (standard), dashed: the BN model evaluated with a moving variance, as tfjs-layers' and Keras' BatchNormalization.",
    (['bn', 'bn-standard', 'brn', 'gn', 'ln', 'none'] as const).flatMap((v) =>
      curveSeries(summary, e, v, 'validationAccuracy'),
    ),
  );
}

/** Figure 3a: paper Figure 2, microbatches of 4, with the controls and the minibatch-32 BN curve for reference. */
export function microbatchSpec(summary: Summary, prefix = ''): Spec | null {
  const e = `${prefix}microbatch`;
  const size = summary.configs[e]?.microbatchSize;
  const shared = (['gn', 'ln'] as const).some((v) => summary.curves[e]?.[v] !== undefined);
  const noramp = summary.curves[e]?.['brn-noramp'] !== undefined ? ' BRN (no ramp): rmax 3, dmax 5 from step 0.' : '';
  return validationFigure(
    summary,
    e,
    `${modelOf(prefix)}Statistics over microbatches of ${size}: ${versus(summary, e)} (cf. paper Figure 2)`,
    `Gradient over minibatches of 32; statistics per microbatch of ${size}.${noramp} Dashed: BN (standard), the BN model with a moving variance, and BN with statistics over the whole minibatch ('${prefix}baseline').${shared ? ` GN and LN ignore the microbatch: theirs are the '${prefix}baseline' runs.` : ''}`,
    [
      ...(['bn', 'bn-standard', 'brn', 'brn-noramp', 'gn', 'ln'] as const).flatMap((v) =>
        curveSeries(summary, e, v, 'validationAccuracy'),
      ),
      ...curveSeries(summary, `${prefix}baseline`, 'bn', 'validationAccuracy', {
        id: 'bn-minibatch32',
        label: 'BN (minibatch 32)',
        dash: true,
      }),
    ],
  );
}

function shapeOf(summary: Summary, experiment: string): string {
  const s = summary.configs[experiment]?.sampler;
  return s?.kind === 'label-grouped' ? `${s.labelsPerBatch} labels x ${s.examplesPerLabel} examples` : 'i.i.d.';
}

/**
 * The validation curves of a label-grouped experiment in two panels: the normalizers (BN, BRN, GN, LN,
 * none), then BN read other ways (a moving variance; the statistics of label-grouped and of i.i.d.
 * validation minibatches) and BRN without the ramp, BN's own curve drawn again for reference.
 */
function labelGroupedPanels(summary: Summary, e: string, extra: Series[] = []): { title: string; series: Series[] }[] {
  const curves = (variants: readonly SummaryVariant[]) =>
    variants.flatMap((v) => curveSeries(summary, e, v, 'validationAccuracy'));
  return [
    { title: 'The normalizers', series: curves(['bn', 'brn', 'gn', 'ln', 'none']) },
    {
      title:
        summary.curves[e]?.['brn-noramp'] === undefined
          ? 'BN read other ways (controls)'
          : 'BN read other ways, and BRN without the ramp (controls)',
      series: [
        ...curves(['bn', 'bn-standard']),
        ...curveSeries(summary, e, 'bn-batchstats', 'validationAccuracy', { dash: true }),
        ...curves(['bn-batchstats-iid', 'brn-noramp']),
        ...extra,
      ],
    },
  ].filter((panel) => panel.series.length > 1);
}

/** Validation curves in panels stacked under one title and caption, each with its own legend. */
function validationPanels(
  summary: Summary,
  experiment: string,
  title: string,
  extra: string,
  panels: { title: string; series: Series[] }[],
): Spec | null {
  if (summary.curves[experiment] === undefined || panels.length === 0) return null;
  const y = { title: 'validation accuracy, trained parameters (%)', percent: true, zoomAfter: zoomStep(summary) };
  return top(title, caption(summary, seedsText(summary, [experiment]), `${VALIDATION(summary)} ${extra}`), {
    vconcat: panels.map((panel) => ({
      ...bandChart(panel.series, { title: 'training step' }, y, { width: WIDTH, height: 220 }),
      title: { text: panel.title, anchor: 'start', fontSize: 12 },
    })),
    spacing: 16,
    resolve: { scale: { color: 'independent', strokeDash: 'independent' }, legend: { color: 'independent' } },
  });
}

/** Figure 4a: paper Figure 3, non-i.i.d. minibatches: the normalizers, then BN's other readings and the controls. */
export function nonIidSpec(summary: Summary, prefix = ''): Spec | null {
  const e = `${prefix}non-iid`;
  if (summary.configs[e] === undefined) return null;
  return validationPanels(
    summary,
    e,
    `${modelOf(prefix)}Non-i.i.d. minibatches (${shapeOf(summary, e)}): ${versus(summary, e)} (cf. paper Figure 3)`,
    `Below, BN's own model read three other ways: BN (standard), dashed, with a moving variance; with the statistics of validation minibatches grouped by label like the training ones, dashed (these statistics carry the labels, so it is no fair test accuracy); with the statistics of i.i.d. validation minibatches of 32 (label-blind).${summary.curves[e]?.['brn-noramp'] === undefined ? '' : ' BRN (no ramp): rmax 3, dmax 5 from step 0.'}`,
    labelGroupedPanels(summary, e),
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
      "Accuracy on the training minibatches since the previous point, measured in training mode (each minibatch normalized by its own statistics, as it was trained), with the trained parameters. Dashed: BN on i.i.d. minibatches ('baseline'). Paper section 4.3: BN's training accuracy reached 72.8% and then dropped.",
    ),
    bandChart(
      [
        ...curveSeries(summary, e, 'bn', 'trainAccuracy'),
        ...curveSeries(summary, e, 'brn', 'trainAccuracy'),
        ...curveSeries(summary, e, 'none', 'trainAccuracy'),
        ...curveSeries(summary, 'baseline', 'bn', 'trainAccuracy', {
          id: 'bn-minibatch32',
          label: 'BN (minibatch 32)',
          dash: true,
        }),
      ],
      { title: 'training step' },
      { title: 'training accuracy, trained parameters (%)', percent: true, zoomAfter: zoomStep(summary) },
    ),
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
 * Figure 3 as the paper drew it, on the 1,000-class task: label-paired
 * minibatches (16 labels x 2 of 1,000 classes), BN against BRN, BN read with
 * the statistics of i.i.d. and of label-paired validation minibatches, GN and
 * LN where run, and BN on i.i.d. minibatches for reference.
 */
export function triplesPairedSpec(summary: Summary): Spec | null {
  const e = 'triples-paired';
  if (summary.configs[e] === undefined) return null;
  return validationPanels(
    summary,
    e,
    `1,000 classes, label-paired (${shapeOf(summary, e)}): ${versus(summary, e)} (cf. paper Figure 3)`,
    "Below, BN's own model read other ways: BN (standard), dashed, with a moving variance; with the statistics of validation minibatches paired by label like the training ones, dashed (the statistics carry the labels; the paper's 25 x 2 reading); with the statistics of i.i.d. validation minibatches of 32 (label-blind); and BN trained on i.i.d. minibatches of 32 ('triples-baseline'), grey dashed.",
    labelGroupedPanels(
      summary,
      e,
      curveSeries(summary, 'triples-baseline', 'bn', 'validationAccuracy', {
        id: 'bn-minibatch32',
        label: 'BN (i.i.d. minibatch 32)',
        dash: true,
      }),
    ),
  );
}
