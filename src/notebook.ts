/**
 * What the notebooks call, so their cells stay plain: results (the full
 * profile's when present, else a quick run), figures as inline SVG, tables,
 * and the live demonstration of notebook 01.
 */
import { initBackend } from './backend';
import { toDevice } from './data/dataset';
import { loadImageData } from './data/mnist';
import { iidSampler, labelGroupedSampler, validationSplit, type BatchSampler } from './data/samplers';
import { BASE, type Profile } from './experiments/config';
import { MAIN_EXPERIMENTS } from './experiments/registry';
import { readSummary, runExperiments } from './experiments/runner';
import type { Summary } from './experiments/summary';
import { renderSvg } from './figures/render';
import { FIGURES } from './figures/specs';
import { resultsTable } from './figures/table';
import { DEFAULT_PATHS } from './paths';
import { batchRenormalization, withFrozenStatistics } from './renorm/layer';
import { tf } from './tf';

export interface NotebookResults {
  profile: Profile;
  summary: Summary;
  /** A sentence saying which results are shown and where they came from. */
  note: string;
}

/**
 * The results a notebook shows: the full profile's summary when every paper
 * experiment has full results under data/results/full, otherwise the quick
 * profile, run now (finished jobs are reused, so only the first notebook pays).
 * `BRN_NOTEBOOK_PROFILE=quick` (set by `make test`) always takes the quick path.
 */
export async function notebookResults(options: { resultsDir?: string; runsDir?: string; jobs?: number } = {}): Promise<NotebookResults> {
  const resultsDir = options.resultsDir ?? DEFAULT_PATHS.resultsDir;
  const forced = process.env.BRN_NOTEBOOK_PROFILE;
  if (forced !== undefined && forced !== '' && forced !== 'quick' && forced !== 'full') {
    throw new Error(`BRN_NOTEBOOK_PROFILE must be 'quick' or 'full', got '${forced}'`);
  }
  const full = forced === 'quick' ? null : readSummary('full', resultsDir);
  if (forced === 'full' && (full === null || !MAIN_EXPERIMENTS.every((e) => full.experiments[e.name] !== undefined))) {
    throw new Error(`BRN_NOTEBOOK_PROFILE=full but ${resultsDir}/full/summary.json lacks some of ${MAIN_EXPERIMENTS.map((e) => e.name).join(', ')}: run 'make reproduce'`);
  }
  if (full !== null && MAIN_EXPERIMENTS.every((e) => full.experiments[e.name] !== undefined)) {
    return { profile: 'full', summary: full, note: `Showing the **full** profile (${BASE.steps.toLocaleString('en-US')} steps) from \`data/results/full/summary.json\`, backend ${full.backend}.` };
  }
  const outcome = await runExperiments(MAIN_EXPERIMENTS, { profile: 'quick', resultsDir, runsDir: options.runsDir, jobs: options.jobs, log: null });
  if (outcome.pool.failed.length > 0) throw new Error(`quick run failed: ${outcome.pool.failed.map((f) => `${f.job}: ${f.message}`).join('; ')}`);
  const { finished, skipped } = outcome.pool;
  return {
    profile: 'quick',
    summary: outcome.summary,
    note:
      (forced === 'quick' ? 'BRN_NOTEBOOK_PROFILE=quick, so this shows' : 'No full results under `data/results/full`, so this shows') +
      ' the **quick** profile (steps and ramp divided by 20, 2 seeds): ' +
      `${finished.length} jobs run now and ${skipped.length} reused, in ${outcome.seconds.toFixed(0)} s on backend ${outcome.summary.backend}. ` +
      'Run `make reproduce` for the full profile.',
  };
}

/** One figure of `summary` as an SVG string (for `tslab.display.svg`). */
export async function figureSvg(name: string, summary: Summary): Promise<string> {
  const def = FIGURES.find((f) => f.name === name);
  if (def === undefined) throw new Error(`Unknown figure '${name}': expected one of ${FIGURES.map((f) => f.name).join(', ')}`);
  const spec = def.spec(summary);
  if (spec === null) throw new Error(`Figure '${name}' has no data in the ${summary.profile} summary`);
  return renderSvg(spec);
}

/** Whether `summary` holds the data for figure `name` (e.g. the sweeps, which only `--sweeps` runs). */
export function hasFigure(name: string, summary: Summary): boolean {
  return FIGURES.find((f) => f.name === name)?.spec(summary) != null;
}

export { resultsTable };

/**
 * A sweep figure as markdown-ready parts: from `summary` when it holds the
 * sweep, else from the quick profile's summary when that does (said in the
 * note), else only a note on how to run it.
 */
export async function sweepFigure(name: 'microbatch-sweep' | 'non-iid-sweep', summary: Summary, resultsDir: string = DEFAULT_PATHS.resultsDir): Promise<{ svg: string | null; note: string }> {
  if (hasFigure(name, summary)) return { svg: await figureSvg(name, summary), note: `From the ${summary.profile} profile.` };
  const quick = summary.profile === 'quick' ? null : readSummary('quick', resultsDir);
  if (quick !== null && hasFigure(name, quick)) {
    return { svg: await figureSvg(name, quick), note: `The ${summary.profile} results hold no sweep; this one is from the **quick** profile (\`make quick-sweeps\`).` };
  }
  return { svg: null, note: `No results hold this sweep yet: run \`make quick-sweeps\` (quick profile) or \`make sweeps\` (full).` };
}

export interface GapRow {
  minibatches: string;
  normalization: string;
  /** Mean over batches of mean|y_train − y_infer| / mean|y_infer|. */
  relativeGap: number;
  /** Fraction of (feature, group) r values that the clip changed. */
  rClipped: number;
  dClipped: number;
}

/**
 * The problem Batch Renorm solves, on real MNIST minibatches: take the first
 * layer of the experiments' network (784→100, seeded Glorot weights), set a
 * normalization layer's moving statistics to the exact population statistics
 * of its pre-activations over the 55,000 training images, and compare its
 * training-mode output (minibatch statistics) with its inference-mode output
 * on the same minibatches. Batchnorm is the layer at rmax = 1, dmax = 0; Batch
 * Renorm uses the paper's final limits rmax = 3, dmax = 5.
 */
export async function trainInferenceGapDemo(options: { seed?: number; batches?: number } = {}): Promise<GapRow[]> {
  await initBackend();
  const seed = options.seed ?? 1;
  const batches = options.batches ?? 50;
  const data = loadImageData();
  const split = validationSplit(data.train.count, BASE.validationSize, BASE.splitSeed);
  const train = toDevice(data.train, split.train);
  const epsilon = BASE.epsilon;
  try {
    const kernel = tf.initializers.glorotUniform({ seed }).apply([784, 100]);
    const h = tf.matMul(train.x, kernel);
    const { mean, variance } = tf.moments(h, 0);
    const std = tf.sqrt(tf.add(variance, epsilon));
    const kinds: { minibatches: string; sampler: () => BatchSampler; microbatchSize: number | null }[] = [
      { minibatches: 'i.i.d., 32 examples', sampler: () => iidSampler(train.count, 32, seed), microbatchSize: null },
      { minibatches: 'i.i.d., microbatches of 4', sampler: () => iidSampler(train.count, 32, seed), microbatchSize: 4 },
      { minibatches: 'non-i.i.d., 2 labels x 16', sampler: () => labelGroupedSampler(train.hostLabels, { labelsPerBatch: 2, examplesPerLabel: 16 }, seed), microbatchSize: null },
    ];
    const rows: GapRow[] = [];
    for (const kind of kinds) {
      for (const [normalization, clip] of [['BN (rmax 1, dmax 0)', { rmax: 1, dmax: 0 }], ['BRN (rmax 3, dmax 5)', { rmax: 3, dmax: 5 }]] as const) {
        const layer = batchRenormalization({ ...clip, epsilon, microbatchSize: kind.microbatchSize });
        layer.apply(tf.zeros([32, 100]));
        layer.setWeights([tf.ones([100]), tf.zeros([100]), mean, std]);
        const sampler = kind.sampler();
        let gap = 0;
        let rClipped = 0;
        let dClipped = 0;
        for (let b = 0; b < batches; b++) {
          const hb = tf.gather(h, tf.tensor1d(sampler.next(), 'int32'));
          // Diagnostics come from the training call; the moving statistics are put back after it.
          const saved = layer.getWeights().map((w) => w.clone());
          const yTrain = layer.apply(hb, { training: true }) as tf.Tensor;
          layer.setWeights(saved);
          const d = layer.diagnostics()!;
          rClipped += d.rClippedFraction;
          dClipped += d.dClippedFraction;
          const yInfer = withFrozenStatistics([layer], () => layer.apply(hb, { training: false }) as tf.Tensor);
          gap += tf.tidy(() => tf.div(tf.mean(tf.abs(tf.sub(yTrain, yInfer))), tf.mean(tf.abs(yInfer))).dataSync()[0]);
          tf.dispose([hb, yTrain, yInfer, ...saved]);
        }
        rows.push({ minibatches: kind.minibatches, normalization, relativeGap: gap / batches, rClipped: rClipped / batches, dClipped: dClipped / batches });
        layer.dispose();
      }
    }
    tf.dispose([kernel, h, mean, variance, std]);
    return rows;
  } finally {
    tf.dispose([train.x, train.labels]);
  }
}

/**
 * The batchnorm limit: the largest absolute difference between this layer at
 * rmax = 1, dmax = 0 and `tf.layers.batchNormalization`, in training and in
 * inference mode, on the same random batch and weights.
 */
export async function batchnormLimitCheck(seed = 3): Promise<{ training: number; inference: number }> {
  await initBackend();
  return tf.tidy(() => {
    const x = tf.randomNormal([32, 20], 0.5, 2, 'float32', seed);
    const epsilon = 1e-3;
    const gamma = tf.randomUniform([20], 0.5, 1.5, 'float32', seed + 1);
    const beta = tf.randomUniform([20], -0.5, 0.5, 'float32', seed + 2);
    const mu = tf.randomUniform([20], -0.5, 0.5, 'float32', seed + 3);
    const sigma = tf.randomUniform([20], 0.5, 2, 'float32', seed + 4);
    const bn = tf.layers.batchNormalization({ epsilon });
    const brn = batchRenormalization({ epsilon, rmax: 1, dmax: 0 });
    bn.apply(x);
    brn.apply(x);
    bn.setWeights([gamma, beta, mu, tf.sub(tf.square(sigma), epsilon)]);
    brn.setWeights([gamma, beta, mu, sigma]);
    const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
    const inference = maxDiff(bn.apply(x) as tf.Tensor, brn.apply(x) as tf.Tensor);
    const training = maxDiff(bn.apply(x, { training: true }) as tf.Tensor, brn.apply(x, { training: true }) as tf.Tensor);
    return { training, inference };
  });
}

/** Rows of objects as a markdown table (for `tslab.display.markdown`). */
export function markdownTable<T extends object>(rows: T[], format: (key: string, value: unknown) => string = (_k, v) => String(v)): string {
  if (rows.length === 0) return '';
  const keys = Object.keys(rows[0]) as (keyof T & string)[];
  return [`| ${keys.join(' | ')} |`, `|${keys.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${keys.map((k) => format(k, r[k])).join(' | ')} |`)].join('\n');
}
