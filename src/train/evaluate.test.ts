/**
 * Both batch-statistics evaluations on constructed cases whose right answer is
 * known: a "model" whose training-mode prediction depends only on its batch's
 * mean, run on label-grouped minibatches (the statistics carry the label) and
 * on i.i.d. minibatches that must score every example exactly once.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { initBackend } from '../backend';
import type { DeviceSplit } from '../data/dataset';
import { coveringBatches, labelGroupedSampler, sampledBatches } from '../data/samplers';
import { tf } from '../tf';
import { batchStatsEvaluation, inferenceAccuracy, type LogitsFn } from './evaluate';

before(async () => {
  await initBackend();
});

/** One feature per example, equal to its label (0 or 1). */
function split(labels: number[]): DeviceSplit {
  return {
    x: tf.tensor2d(labels, [labels.length, 1]),
    labels: tf.tensor1d(labels, 'int32'),
    hostLabels: Uint8Array.from(labels),
    count: labels.length,
  };
}

/**
 * Scores [0.5, x] in inference mode (always right) and [0.5, μ_B] in training
 * mode: class 1 exactly when the batch's mean is above 0.5 (ties go to class 0,
 * as tf.argMax takes the first largest).
 */
const batchMeanModel: LogitsFn = (x, training) => {
  const score = training ? tf.mul(tf.onesLike(x), tf.mean(x)) : x;
  return tf.concat([tf.fill(x.shape as [number, number], 0.5), score], 1);
};

describe('batch-statistics evaluations on constructed cases', () => {
  it('label-grouped test batches: the statistics carry the label', () => {
    const data = split(Array.from({ length: 40 }, (_, i) => i % 2));
    // One label per batch: the batch mean is the label, so every prediction is right and the two modes agree.
    const one = batchStatsEvaluation(
      batchMeanModel,
      data,
      sampledBatches(labelGroupedSampler(data.hostLabels, { labelsPerBatch: 1, examplesPerLabel: 4 }, 1), 7),
    );
    assert.deepEqual(one, { accuracy: 1, logitGap: 0, disagreement: 0, examples: 28 });
    // Both labels, 2 of each: the mean is 0.5, a tie, so every example is called 0 and half are right.
    const two = batchStatsEvaluation(
      batchMeanModel,
      data,
      sampledBatches(labelGroupedSampler(data.hostLabels, { labelsPerBatch: 2, examplesPerLabel: 2 }, 1), 5),
    );
    assert.equal(two.accuracy, 0.5);
    assert.equal(two.disagreement, 0.5);
    assert.equal(two.examples, 20);
    assert.equal(inferenceAccuracy(batchMeanModel, data), 1);
  });

  it('i.i.d. covering batches: every example scored exactly once, the filler rows not at all', () => {
    // 43 of class 0 and one of class 1, in batches of 8: no batch mean exceeds 1/8, so all 44 are called 0.
    // Scored once each: 43/44. Missing the class-1 example would give 1, scoring it twice 43/45,
    // and scoring the filler rows of the last batch (44 = 5 × 8 + 4) would count 48 examples.
    const labels = Array.from({ length: 44 }, (_, i) => (i === 17 ? 1 : 0));
    const data = split(labels);
    const r = batchStatsEvaluation(batchMeanModel, data, coveringBatches(44, 8, 3));
    assert.equal(r.examples, 44);
    assert.equal(r.accuracy, 43 / 44);
    assert.equal(r.disagreement, 1 / 44);
  });
});

describe('covering batches', () => {
  it('score each position once, in full batches without repeats', () => {
    for (const [size, batch] of [
      [44, 8],
      [40, 8],
      [10_000, 32],
      [5, 5],
    ]) {
      const batches = coveringBatches(size, batch, 7);
      assert.equal(batches.length, Math.ceil(size / batch));
      const scored = batches.flatMap((b) => Array.from(b.positions.subarray(0, b.scored)));
      assert.deepEqual(
        [...scored].sort((a, b) => a - b),
        Array.from({ length: size }, (_, i) => i),
        `${size}/${batch}: each position scored once`,
      );
      for (const b of batches) {
        assert.equal(b.positions.length, batch);
        assert.equal(new Set(b.positions).size, batch, 'no position twice in a batch');
      }
    }
    assert.deepEqual(coveringBatches(44, 8, 7), coveringBatches(44, 8, 7), 'seeded');
    assert.notDeepEqual(coveringBatches(44, 8, 7), coveringBatches(44, 8, 8));
    assert.throws(() => coveringBatches(4, 8, 1), /batch size 8 exceeds the data set size 4/);
    assert.throws(() => coveringBatches(0, 8, 1), /data set size must be a positive integer, got 0/);
  });
});
