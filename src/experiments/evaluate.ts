/**
 * Evaluation, batched: accuracy in inference mode (moving statistics) over a
 * whole split, and in training mode (minibatch statistics, moving statistics
 * left alone) over minibatches drawn like the training ones, together with how
 * far the two modes' outputs are apart on the same examples.
 */
import { gatherBatch, type DeviceSplit } from '../data/dataset';
import type { BatchSampler } from '../data/samplers';
import { tf } from '../tf';
import { withFrozenStatistics, type BatchRenormalization } from '../renorm/layer';

/** Examples per forward pass (`model.predict` would split into batches of 32, which is slow). */
const CHUNK = 2_500;

/** Accuracy of `model` in inference mode over all of `split`. */
export function inferenceAccuracy(model: tf.LayersModel, split: DeviceSplit): number {
  let correct = 0;
  for (let start = 0; start < split.count; start += CHUNK) {
    const size = Math.min(CHUNK, split.count - start);
    correct += tf.tidy(() => {
      const x = tf.slice(split.x, [start, 0], [size, -1]);
      const labels = tf.slice(split.labels, [start], [size]);
      const logits = model.apply(x, { training: false }) as tf.Tensor;
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'int32')).dataSync()[0];
    });
  }
  return correct / split.count;
}

export interface BatchStatsEvaluation {
  /** Accuracy with each minibatch normalized by its own statistics. */
  accuracy: number;
  /** Mean |training-mode logits − inference-mode logits| / mean |inference-mode logits|. */
  logitGap: number;
  /** Fraction of examples whose predicted class differs between the two modes. */
  disagreement: number;
  examples: number;
}

/**
 * Σ|training-mode output − inference-mode output| and Σ|inference-mode output|:
 * summed over batches, their ratio is the relative gap between the two modes.
 */
export function gapSums(train: tf.Tensor, infer: tf.Tensor): [tf.Scalar, tf.Scalar] {
  return [tf.sum(tf.abs(tf.sub(train, infer))), tf.sum(tf.abs(infer))];
}

/**
 * Runs `batches` minibatches from `sampler` through `model` in both modes. The
 * renorm layers' moving statistics are frozen meanwhile, so the model is left
 * exactly as it was.
 */
export function batchStatsEvaluation(
  model: tf.LayersModel,
  layers: BatchRenormalization[],
  split: DeviceSplit,
  sampler: BatchSampler,
  batches: number,
): BatchStatsEvaluation {
  let correct = 0;
  let disagree = 0;
  let gap = 0;
  let magnitude = 0;
  let examples = 0;
  withFrozenStatistics(layers, () => {
    for (let b = 0; b < batches; b++) {
      const sums = tf.tidy(() => {
        const { x, labels } = gatherBatch(split, sampler.next());
        const train = model.apply(x, { training: true }) as tf.Tensor;
        const infer = model.apply(x, { training: false }) as tf.Tensor;
        const trainClass = tf.argMax(train, 1);
        return tf.stack([
          tf.sum(tf.cast(tf.equal(trainClass, labels), 'float32')),
          tf.sum(tf.cast(tf.notEqual(trainClass, tf.argMax(infer, 1)), 'float32')),
          ...gapSums(train, infer),
        ]).dataSync();
      });
      correct += sums[0];
      disagree += sums[1];
      gap += sums[2];
      magnitude += sums[3];
      examples += sampler.batchSize;
    }
  });
  return { accuracy: correct / examples, logitGap: gap / magnitude, disagreement: disagree / examples, examples };
}
