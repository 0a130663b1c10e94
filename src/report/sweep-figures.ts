/** The sweep figures (3b, 4b): final test accuracy against a swept quantity, every seed a point. */
import { datasetTitle } from '../data/datasets';
import type { SummaryVariant } from '../protocol/variants';
import type { Summary } from '../results/schema';
import { bandChart, caption, labelOf, seedCountText, seedsOf, top, type Series, type Spec } from './chart';

/**
 * Final test accuracy against a swept quantity: mean lines with ±std bands,
 * and every seed as a point.
 */
export function sweepSpec(
  summary: Summary,
  title: string,
  extra: string,
  xTitle: string,
  rows: { x: number; experiment: string }[],
  variants: SummaryVariant[],
): Spec | null {
  const panel = sweepPanel(summary, xTitle, rows, variants);
  if (panel === null) return null;
  return top(
    title,
    caption(
      summary,
      panel.seeds,
      `${extra} Lines: mean ± std over seeds; circles: each seed. Test accuracy with ${panel.reading}${panel.reading === 'the parameter average' ? (summary.profile === 'confirmatory' ? ' (rule v2 judges this reading and the trained parameters alike)' : " (the reading the round's verdicts stand on)") : ''}.`,
    ),
    panel.body,
  );
}

/**
 * The reading a sweep plots: the parameter average, the reading the verdicts beside these figures stand on
 * (rule v1's headline), where every point of the sweep has it; else the trained parameters.
 */
export function sweepReading(
  summary: Summary,
  rows: { experiment: string }[],
  variants: SummaryVariant[],
): { field: 'testAccuracyEma' | 'testAccuracy'; label: string } {
  const all = rows.every((r) =>
    variants.every((v) => {
      const at = summary.experiments[r.experiment]?.variants[v];
      return at === undefined || at.testAccuracyEma !== null;
    }),
  );
  return all
    ? { field: 'testAccuracyEma', label: 'the parameter average' }
    : { field: 'testAccuracy', label: 'the trained parameters' };
}

/** One sweep chart (lines, bands, every seed a point) and its seed counts; null below 3 swept values. */
function sweepPanel(
  summary: Summary,
  xTitle: string,
  rows: { x: number; experiment: string }[],
  variants: SummaryVariant[],
  size?: { width: number; height: number },
): { body: Spec; seeds: string; reading: string } | null {
  const present = rows.filter((r) => summary.experiments[r.experiment] !== undefined).sort((a, b) => a.x - b.x);
  if (present.length < 3) return null;
  const reading = sweepReading(summary, present, variants);
  const statOf = (r: { experiment: string }, v: SummaryVariant) => {
    const at = summary.experiments[r.experiment].variants[v];
    return at === undefined ? undefined : (at[reading.field] ?? undefined);
  };
  const series: Series[] = variants.map((variant) => ({
    id: variant,
    label: labelOf(variant),
    points: present.filter((r) => statOf(r, variant) !== undefined).map((r) => ({ x: r.x, stat: statOf(r, variant)! })),
  }));
  const seeds = seedCountText(
    present.map((r) => ({ at: r.x, seeds: seedsOf(summary, r.experiment) })),
    'x = ',
  );
  const chart = bandChart(
    series,
    { title: xTitle, log: true },
    { title: `test accuracy, ${reading.label.replace(/^the /, '')} (%)`, percent: true },
    size,
  );
  const perSeed = variants.flatMap((variant) =>
    present.flatMap((r) => {
      const s = statOf(r, variant);
      return s === undefined
        ? []
        : s.values.map((value, i) => ({ series: labelOf(variant), x: r.x, seed: s.seeds[i], value: 100 * value }));
    }),
  );
  const lineEncoding = (chart.layer as Spec[])[(chart.layer as Spec[]).length - 1].encoding as Spec;
  const seedPoints = {
    data: { values: perSeed },
    mark: { type: 'point', size: 28, opacity: 0.75, filled: false, strokeWidth: 1.2 },
    encoding: {
      x: lineEncoding.x,
      y: { field: 'value', type: 'quantitative' },
      color: lineEncoding.color,
      tooltip: [{ field: 'series' }, { field: 'seed' }, { field: 'value', format: '.2f' }],
    },
  };
  const { data, layer, ...rest } = chart;
  return { body: { ...rest, layer: [{ data, layer }, seedPoints] }, seeds, reading: reading.label };
}

/** The label-grouped experiments of a summary whose names pass `names`, by labels per minibatch k. */
function labelSweepRows(summary: Summary, names: (name: string) => boolean): { x: number; experiment: string }[] {
  return Object.entries(summary.configs)
    .filter(([name, c]) => names(name) && c.sampler.kind === 'label-grouped')
    .map(([experiment, c]) => ({ experiment, x: c.sampler.kind === 'label-grouped' ? c.sampler.labelsPerBatch : 0 }));
}

/**
 * BN's and BRN's final accuracy against labels per minibatch, beside the
 * class count: the 10-class sweep (MNIST, `non-iid` and `non-iid-k*`) and the
 * 1,000-class one (mnist-triples, `triples-paired` and `triples-k*`), one
 * panel each. With 10 classes a minibatch of 32 holds k of them (k = 16
 * repeats labels); with 1,000 it holds 1.6% of them at the paper's 16 x 2.
 * Null unless both summaries have 3 swept values.
 */
export function classCountSpec(ten: Summary, thousand: Summary): Spec | null {
  const size = { width: 330, height: 250 };
  const xTitle = 'labels per minibatch k (log scale)';
  const variants: SummaryVariant[] = ['bn', 'brn'];
  const left = sweepPanel(
    ten,
    xTitle,
    labelSweepRows(ten, (n) => n === 'non-iid' || n.startsWith('non-iid-k')),
    variants,
    size,
  );
  const right = sweepPanel(
    thousand,
    xTitle,
    labelSweepRows(thousand, (n) => n === 'triples-paired' || /^triples-k\d+$/.test(n)),
    variants,
    size,
  );
  if (left === null || right === null) return null;
  const panel = (body: Spec, title: string) => ({
    ...body,
    title: { text: title, fontSize: 12, fontWeight: 'normal' },
  });
  return top(
    'Final accuracy against labels per minibatch, with 10 classes and with 1,000',
    [
      `${ten.profile} profiles · backends: ${[...new Set([ten.backend, thousand.backend])].join(', ')} · mean ± std over 10 classes: ${left.seeds}; 1,000 classes: ${right.seeds}`,
      `Minibatches of 32 = k labels x 32/k examples. Left: ${datasetTitle(ten.dataset)} (10 classes; k = 16 repeats labels). Right: mnist-triples (1,000 classes; k = 16 is the paper's 16 x 2, 1.6% of the classes in a batch). Each panel on its own test set of 10,000 images and its own accuracy scale. Lines: mean ± std over seeds; circles: each seed. Test accuracy with ${left.reading === right.reading ? left.reading : `${left.reading} (left) and ${right.reading} (right)`}.`,
    ],
    {
      hconcat: [
        panel(left.body, `10 classes (${datasetTitle(ten.dataset)})`),
        panel(right.body, '1,000 classes (mnist-triples)'),
      ],
      resolve: { scale: { y: 'independent' } },
    },
  );
}

/** Figure 3b: final test accuracy against the microbatch size (needs the sweep). */
export function microbatchSweepSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name]) => name === 'baseline' || name === 'microbatch' || name.startsWith('microbatch-mb'))
    .map(([experiment, c]) => ({ experiment, x: c.microbatchSize ?? c.batchSize }));
  return sweepSpec(
    summary,
    'Final accuracy against the microbatch size',
    `Minibatches of 32 normalized in microbatches of the size on the x axis (32: whole minibatch). ${datasetTitle(summary.dataset)} test set, 10,000 images.`,
    'examples per microbatch (log scale)',
    rows,
    ['bn', 'brn'],
  );
}

/** Figure 4b: final test accuracy against the labels per minibatch k (needs the sweep). */
export function nonIidSweepSpec(summary: Summary): Spec | null {
  const rows = labelSweepRows(summary, (name) => name === 'non-iid' || name.startsWith('non-iid-k'));
  return sweepSpec(
    summary,
    'Final accuracy against labels per minibatch',
    "Minibatches of 32 = k labels x 32/k examples (k = 16: labels repeat, the paper's 16 x 2 shape). Test set, 10,000 images; the label-grouped batch statistics use the test labels.",
    'labels per minibatch k (log scale)',
    rows,
    ['bn', 'bn-batchstats', 'bn-batchstats-iid', 'brn', 'none'],
  );
}

/**
 * Figure 7 (conv protocol): final test accuracy against the normalization
 * batch size for each normalizer, every seed a point: the GN paper's Figure 1
 * redone on the conv model. GN and LN do not depend on the size, so their
 * points at every size are the whole-batch runs.
 */
export function cnnBatchSizeSpec(summary: Summary): Spec | null {
  const rows = Object.entries(summary.configs)
    .filter(([name]) => name === 'cnn-baseline' || name === 'cnn-microbatch' || name.startsWith('cnn-microbatch-mb'))
    .map(([experiment, c]) => ({ experiment, x: c.microbatchSize ?? c.batchSize }));
  return sweepSpec(
    summary,
    'Accuracy against the normalization batch size, per normalizer (cf. GN paper Figure 1)',
    `The conv model on ${datasetTitle(summary.dataset)}: minibatches of 32, BN and BRN statistics over microbatches of the size on the x axis (32: the whole minibatch); GN and LN do not depend on it, so theirs are the whole-minibatch runs at every size. Test set, 10,000 images.`,
    'examples per normalization batch (log scale)',
    rows,
    ['bn', 'brn', 'gn', 'ln'],
  );
}
