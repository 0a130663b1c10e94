/**
 * mnist-triples: composed deterministically (a fixed digest of the training
 * set), balanced over its 1,000 classes, from disjoint digit instances, with
 * each image reading its label; and loaded by name like any data set.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { disposeData, loadDataset } from './dataset';
import { knownDataIdentity } from './identity';
import { loadImageData, type ImageData } from './mnist';
import { validationSplit } from './samplers';
import {
  composeTriples,
  downscale2x2,
  splitDigest,
  TRIPLES,
  TRIPLES_TRAIN_DIGEST,
  type TriplesSplits,
} from './triples';

let mnist: ImageData;
let heldOut: Int32Array;
let splits: TriplesSplits;

before(() => {
  mnist = loadImageData();
  heldOut = validationSplit(mnist.train.count, 5_000, 0).validation;
  splits = composeTriples(mnist, heldOut);
});

/** For every composed image, which MNIST digit instance (of `set`) each of its three parts is, by exact match. */
function sources(composed: { images: Uint8Array; count: number }, small: Uint8Array, candidates: Int32Array): number[] {
  const s = TRIPLES.side;
  const index = new Map<string, number>();
  for (const p of candidates) index.set(Buffer.from(small.subarray(p * s * s, (p + 1) * s * s)).toString('base64'), p);
  const found: number[] = [];
  const part = new Uint8Array(s * s);
  for (let n = 0; n < Math.min(composed.count, 500); n++) {
    for (let j = 0; j < 3; j++) {
      for (let r = 0; r < s; r++)
        part.set(composed.images.subarray(n * 588 + r * 42 + j * s, n * 588 + r * 42 + (j + 1) * s), r * s);
      found.push(index.get(Buffer.from(part).toString('base64')) ?? -1);
    }
  }
  return found;
}

describe('mnist-triples', () => {
  it('has the fixed training digest, and composes the same bytes twice', () => {
    assert.equal(splitDigest(splits.train), TRIPLES_TRAIN_DIGEST);
    assert.equal(splitDigest(composeTriples(mnist, heldOut).test), splitDigest(splits.test));
  });

  it('is 14x42 images of 1,000 classes, balanced: 100 per class to train, 10 to validate, 10 to test', () => {
    for (const [name, set, per] of [
      ['train', splits.train, 100],
      ['validation', splits.validation, 10],
      ['test', splits.test, 10],
    ] as const) {
      assert.equal(set.rows, 14, name);
      assert.equal(set.cols, 42, name);
      assert.equal(set.count, 1000 * per, name);
      assert.ok(set.labels instanceof Uint16Array, name);
      const counts = new Array<number>(1000).fill(0);
      for (const l of set.labels) counts[l]++;
      assert.deepEqual(new Set(counts), new Set([per]), `${name}: every class ${per} times`);
    }
  });

  it('each image reads its label, from disjoint digit instances: training, held-out and test digits', () => {
    const smallTrain = downscale2x2(mnist.train);
    const smallTest = downscale2x2(mnist.test);
    const held = new Set(heldOut);
    const trainDigits = Int32Array.from({ length: mnist.train.count }, (_, i) => i).filter((i) => !held.has(i));
    const all = Int32Array.from({ length: mnist.test.count }, (_, i) => i);
    for (const [name, set, small, pool, labels] of [
      ['train', splits.train, smallTrain, trainDigits, mnist.train.labels],
      ['validation', splits.validation, smallTrain, heldOut, mnist.train.labels],
      ['test', splits.test, smallTest, all, mnist.test.labels],
    ] as const) {
      const found = sources(set, small, pool);
      // Identical downscaled digits can occur, so a part may match another instance of the same digit: still of its pool.
      assert.equal(found.filter((p) => p < 0).length, 0, `${name}: every part is a digit of its own pool`);
      for (let n = 0; n < found.length / 3; n++) {
        const read = found.slice(3 * n, 3 * n + 3).map((p) => labels[p]);
        assert.equal(100 * read[0] + 10 * read[1] + read[2], set.labels[n], `${name} image ${n}`);
      }
    }
    // And none of the validation or test images' parts is a training digit.
    for (const set of [splits.validation, splits.test])
      assert.equal(sources(set, smallTrain, trainDigits).filter((p) => p >= 0).length, 0);
  });

  it('a digit is the rounded mean of each 2x2 block', () => {
    const small = downscale2x2({ ...mnist.train, count: 1 });
    const im = mnist.train.images;
    assert.equal(small[0 * 14 + 7], (im[14] + im[15] + im[42] + im[43] + 2) >> 2);
    assert.throws(() => downscale2x2({ ...mnist.train, rows: 14, cols: 14 }), /28x28 MNIST digits, got 14x14/);
  });

  it('bad input is named: a held-out position outside the training digits', () => {
    assert.throws(() => composeTriples(mnist, Int32Array.from([60_000])), /held-out position 60000 is outside/);
  });

  it('loads by name on the device, as notebooks load it: 588 pixels, 1,000 classes', () => {
    const data = loadDataset('mnist-triples');
    try {
      assert.deepEqual(data.train.x.shape, [100_000, 588]);
      assert.deepEqual(data.test.x.shape, [10_000, 588]);
      assert.equal(data.classes, 1000);
      assert.equal(data.imageSize, 14);
      assert.equal(data.imageWidth, 42);
      assert.equal(data.train.hostLabels[0], splits.train.labels[0]);
    } finally {
      disposeData(data);
    }
    assert.throws(
      () => loadDataset('cifar-100'),
      /Unknown dataset 'cifar-100': expected one of mnist, fashion-mnist, mnist-triples/,
    );
  });

  it('loads by name: --dataset mnist-triples is MNIST, md5-checked, composed into the task', () => {
    const { dir, identity } = knownDataIdentity('mnist-triples');
    assert.equal(dir, null);
    assert.equal(identity.name, 'mnist-triples');
    assert.equal(identity.task, 'mnist-triples');
    assert.equal(knownDataIdentity('mnist').identity.task, undefined);
  });
});
