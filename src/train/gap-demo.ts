/**
 * Notebook 01's demonstration of the problem Batch Renorm solves, on real
 * MNIST minibatches: take the first layer of the experiments' network
 * (784→100, seeded Glorot weights), set a normalization layer's moving
 * statistics to the exact population statistics of its pre-activations over
 * the training images, and compare its training-mode output (minibatch
 * statistics) with its inference-mode output on the same minibatches.
 * Batchnorm is the layer at rmax = 1, dmax = 0; Batch Renorm uses the ramp's
 * final limits.
 */
import { initBackend } from '../backend';
import { disposeData, prepareData } from '../data/dataset';
import { iidSampler, labelGroupedSampler, type BatchSampler, type LabelGrouping } from '../data/samplers';
import { batchRenormalization, withFrozenStatistics } from '../renorm/layer';
import { PAPER_RAMP } from '../renorm/schedule';
import { tf } from '../tf';
import { BASE } from '../protocol/config';
import { microbatch } from '../protocol/microbatch';
import { nonIid } from '../protocol/non-iid';
import { gapSums } from './evaluate';

export interface GapRow {
  minibatches: string;
  normalization: string;
  /** Σ|y_train − y_infer| / Σ|y_infer| over every batch (the experiments' logit-gap measure). */
  relativeGap: number;
  /** Mean over batches of the fraction of (feature, group) r (d) values that the clip changed. */
  rClipped: number;
  dClipped: number;
}

export async function trainInferenceGapDemo(options: { seed?: number; batches?: number } = {}): Promise<GapRow[]> {
  await initBackend();
  const seed = options.seed ?? 1;
  const batches = options.batches ?? 50;
  const data = prepareData(BASE);
  const train = data.train;
  const { epsilon } = BASE.normLayer;
  const units = BASE.hidden[0];
  const kinds: { minibatches: string; sampler: () => BatchSampler; microbatchSize: number | null }[] = [
    {
      minibatches: `i.i.d., ${BASE.batchSize} examples`,
      sampler: () => iidSampler(train.count, BASE.batchSize, seed),
      microbatchSize: null,
    },
    {
      minibatches: `i.i.d., microbatches of ${microbatch.microbatchSize}`,
      sampler: () => iidSampler(train.count, BASE.batchSize, seed),
      microbatchSize: microbatch.microbatchSize,
    },
    {
      minibatches: nonIid.title,
      sampler: () => labelGroupedSampler(train.hostLabels, nonIid.sampler as LabelGrouping, seed),
      microbatchSize: null,
    },
  ];
  const limits = [
    ['BN (rmax 1, dmax 0)', { rmax: 1, dmax: 0 }],
    [`BRN (rmax ${PAPER_RAMP.rmax}, dmax ${PAPER_RAMP.dmax})`, { rmax: PAPER_RAMP.rmax, dmax: PAPER_RAMP.dmax }],
  ] as const;
  const kernel = tf.initializers.glorotUniform({ seed }).apply([train.x.shape[1], units]);
  const h = tf.matMul(train.x, kernel);
  const { mean, variance } = tf.moments(h, 0);
  const std = tf.sqrt(tf.add(variance, epsilon));
  const rows: GapRow[] = [];
  try {
    for (const kind of kinds) {
      for (const [normalization, clip] of limits) {
        const layer = batchRenormalization({ ...clip, epsilon, microbatchSize: kind.microbatchSize });
        layer.apply(tf.zeros([BASE.batchSize, units]));
        layer.setWeights([tf.ones([units]), tf.zeros([units]), mean, std]);
        const sampler = kind.sampler();
        const sums = [0, 0];
        let rClipped = 0;
        let dClipped = 0;
        for (let b = 0; b < batches; b++) {
          const hb = tf.gather(h, tf.tensor1d(sampler.next(), 'int32'));
          // The training call records r and d; the moving statistics are put back after it.
          const saved = layer.getWeights().map((w) => w.clone());
          const yTrain = layer.apply(hb, { training: true }) as tf.Tensor;
          layer.setWeights(saved);
          const d = layer.diagnostics()!;
          rClipped += d.rClippedFraction;
          dClipped += d.dClippedFraction;
          const yInfer = withFrozenStatistics([layer], () => layer.apply(hb, { training: false }) as tf.Tensor);
          const [gap, magnitude] = tf.tidy(() => tf.stack(gapSums(yTrain, yInfer)).dataSync());
          sums[0] += gap;
          sums[1] += magnitude;
          tf.dispose([hb, yTrain, yInfer, ...saved]);
        }
        rows.push({
          minibatches: kind.minibatches,
          normalization,
          relativeGap: sums[0] / sums[1],
          rClipped: rClipped / batches,
          dClipped: dClipped / batches,
        });
        layer.dispose();
      }
    }
    return rows;
  } finally {
    tf.dispose([kernel, h, mean, variance, std]);
    disposeData(data);
  }
}
