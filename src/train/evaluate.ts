/**
 * Evaluation, batched: accuracy in inference mode (moving statistics) over a
 * whole split, and in training mode (minibatch statistics, moving statistics
 * left alone) over minibatches drawn like the training ones, together with how
 * far the two modes' outputs are apart on the same examples. Model-agnostic:
 * each trainer passes its logits (and, if it has a faster one, its gather).
 */
import { gatherBatch, type DeviceSplit } from '../data/dataset';
import type { EvalBatch } from '../data/samplers';
import type { BatchStatsEvaluation } from '../results/records';
import { tf } from '../tf';

/** Examples per forward pass by default (`model.predict` would split into batches of 32, which is slow). */
const CHUNK = 2_500;

/**
 * A model's logits for `x` [n, features]: `training` true normalizes with the
 * minibatch's own statistics (and must leave the moving statistics alone),
 * false with the moving statistics.
 */
export type LogitsFn = (x: tf.Tensor, training: boolean) => tf.Tensor;

/** The examples of `split` at `positions`, with int32 labels. */
export type GatherFn = (split: DeviceSplit, positions: Int32Array) => { x: tf.Tensor; labels: tf.Tensor };

/** Accuracy in inference mode (moving statistics) over all of `split`, `chunk` examples per forward pass. */
export function inferenceAccuracy(logits: LogitsFn, split: DeviceSplit, chunk = CHUNK): number {
  let correct = 0;
  for (let start = 0; start < split.count; start += chunk) {
    const size = Math.min(chunk, split.count - start);
    correct += tf.tidy(() => {
      const x = tf.slice(split.x, [start, 0], [size, -1]);
      const labels = tf.slice(split.labels, [start], [size]);
      return tf.sum(tf.cast(tf.equal(tf.argMax(logits(x, false), 1), labels), 'int32')).dataSync()[0];
    });
  }
  return correct / split.count;
}

/**
 * Σ|training-mode output − inference-mode output| and Σ|inference-mode output|:
 * summed over batches, their ratio is the relative gap between the two modes.
 */
export function gapSums(train: tf.Tensor, infer: tf.Tensor): [tf.Scalar, tf.Scalar] {
  return [tf.sum(tf.abs(tf.sub(train, infer))), tf.sum(tf.abs(infer))];
}

/**
 * Runs each minibatch through `logits` in both modes, each normalized in
 * training mode by its own statistics, and scores the first `scored` rows of
 * each (the rest only fill a batch to its size; see `coveringBatches`).
 */
export function batchStatsEvaluation(
  logits: LogitsFn,
  split: DeviceSplit,
  batches: EvalBatch[],
  gather: GatherFn = gatherBatch,
): BatchStatsEvaluation {
  let correct = 0;
  let disagree = 0;
  let gap = 0;
  let magnitude = 0;
  let examples = 0;
  for (const batch of batches) {
    const sums = tf.tidy(() => {
      const all = gather(split, batch.positions);
      const rows = batch.positions.length;
      const scored = (t: tf.Tensor) => (batch.scored === rows ? t : tf.slice(t, 0, batch.scored));
      const train = scored(logits(all.x, true));
      const infer = scored(logits(all.x, false));
      const labels = scored(all.labels);
      const trainClass = tf.argMax(train, 1);
      return tf
        .stack([
          tf.sum(tf.cast(tf.equal(trainClass, labels), 'float32')),
          tf.sum(tf.cast(tf.notEqual(trainClass, tf.argMax(infer, 1)), 'float32')),
          ...gapSums(train, infer),
        ])
        .dataSync();
    });
    correct += sums[0];
    disagree += sums[1];
    gap += sums[2];
    magnitude += sums[3];
    examples += batch.scored;
  }
  return { accuracy: correct / examples, logitGap: gap / magnitude, disagreement: disagree / examples, examples };
}
