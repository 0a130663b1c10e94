/**
 * mnist-triples: a 1,000-class task composed from MNIST's digits, so that
 * label-paired minibatches (16 labels × 2 images, section 4.3 of the paper)
 * cover 1.6% of the classes in a batch, as they do on ImageNet.
 *
 * Each image is three MNIST digits side by side, each downscaled 2×2 (the
 * mean of each 2×2 block, rounded) to 14×14, so an image is 14×42 = 588
 * pixels (MNIST's is 784), and its class is the three-digit number 000–999
 * that they read. The three splits are composed from disjoint digit
 * instances:
 *
 * - training: 100 images of each class (100,000) from MNIST's training digits
 *   outside the kit's held-out validation digits;
 * - validation: 10 of each class (10,000) from the held-out digits (the
 *   kit's seeded split of MNIST's training set, the same 5,000 digits MNIST's
 *   experiments validate on);
 * - test: 10 of each class (10,000, balanced) from MNIST's test digits.
 *
 * Composition is fixed and seeded: each split draws the instances of each
 * digit from its own alea generator, cycling through a shuffled pool of that
 * digit's instances (so every instance is used about equally often), and the
 * split's order is shuffled by the same generator. The MNIST files are
 * md5-checked when read; the composed training set's digest is checked here
 * too (`TRIPLES_TRAIN_DIGEST`), so the task is the same bytes everywhere.
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import type { ImageData, ImageSet } from './mnist';

export const TRIPLES = {
  classes: 1000,
  /** Digits per image. */
  digits: 3,
  /** Side of a downscaled digit (28 / 2). */
  side: 14,
  trainPerClass: 100,
  validationPerClass: 10,
  testPerClass: 10,
} as const;

/** sha256 of the composed training images then their labels (little-endian uint16), for the kit's split of MNIST. */
export const TRIPLES_TRAIN_DIGEST = 'sha256:eace00c61ba0ccfd165fa8d9a2cef441e438c2cb723779eb3449148d12d23670';

export interface TriplesSplits {
  train: ImageSet;
  validation: ImageSet;
  test: ImageSet;
}

/** MNIST's images downscaled 2×2: 14×14 bytes each, the rounded mean of each 2×2 block. */
export function downscale2x2(set: ImageSet): Uint8Array {
  if (set.rows !== 28 || set.cols !== 28)
    throw new Error(`mnist-triples: composed from 28x28 MNIST digits, got ${set.rows}x${set.cols} images`);
  const s = TRIPLES.side;
  const out = new Uint8Array(set.count * s * s);
  for (let n = 0; n < set.count; n++) {
    const src = n * 784;
    const dst = n * s * s;
    for (let r = 0; r < s; r++) {
      for (let c = 0; c < s; c++) {
        const a = src + 2 * r * 28 + 2 * c;
        const sum = set.images[a] + set.images[a + 1] + set.images[a + 28] + set.images[a + 29];
        out[dst + r * s + c] = (sum + 2) >> 2;
      }
    }
  }
  return out;
}

/**
 * Composes `perClass` images of each of the 1,000 classes from the digits at
 * `positions` of `set` (downscaled as `small`), drawn by the generator named
 * `stream`.
 */
function compose(set: ImageSet, small: Uint8Array, positions: Int32Array, perClass: number, stream: string): ImageSet {
  const { side, digits, classes } = TRIPLES;
  const random = seedrandom.alea(`brn-triples-${stream}`);
  const shuffle = (a: Int32Array) => {
    for (let i = a.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  };
  const byDigit: number[][] = Array.from({ length: 10 }, () => []);
  for (const p of positions) {
    const label = set.labels[p];
    if (label > 9) throw new Error(`mnist-triples: MNIST label ${label} at position ${p} is not a digit`);
    byDigit[label].push(p);
  }
  for (let d = 0; d < 10; d++)
    if (byDigit[d].length === 0) throw new Error(`mnist-triples: no instance of digit ${d} in the ${stream} digits`);
  const pools = byDigit.map((ps) => ({ order: Int32Array.from(ps), cursor: Infinity }));
  const draw = (digit: number): number => {
    const pool = pools[digit];
    if (pool.cursor >= pool.order.length) {
      shuffle(pool.order);
      pool.cursor = 0;
    }
    return pool.order[pool.cursor++];
  };
  const count = classes * perClass;
  const order = Int32Array.from({ length: count }, (_, i) => i % classes);
  shuffle(order);
  const cols = side * digits;
  const pixels = side * cols;
  const images = new Uint8Array(count * pixels);
  const labels = new Uint16Array(count);
  for (let n = 0; n < count; n++) {
    const label = order[n];
    labels[n] = label;
    const read = [Math.floor(label / 100), Math.floor(label / 10) % 10, label % 10];
    for (let j = 0; j < digits; j++) {
      const src = draw(read[j]) * side * side;
      for (let r = 0; r < side; r++) {
        images.set(small.subarray(src + r * side, src + (r + 1) * side), n * pixels + r * cols + j * side);
      }
    }
  }
  return { images, labels, count, rows: side, cols };
}

/** sha256 of a split's images then its labels, as `sha256:<hex>`. */
export function splitDigest(set: ImageSet): string {
  const hash = createHash('sha256');
  hash.update(set.images);
  hash.update(new Uint8Array(set.labels.buffer, set.labels.byteOffset, set.labels.byteLength));
  return `sha256:${hash.digest('hex')}`;
}

/**
 * The three splits of mnist-triples from MNIST (`mnist`, md5-checked by its
 * loader), with the MNIST training digits at `heldOut` kept for validation.
 */
export function composeTriples(mnist: ImageData, heldOut: Int32Array): TriplesSplits {
  const { train, test } = mnist;
  if (mnist.classes !== 10)
    throw new Error(`mnist-triples: composed from 10-class digits, got ${mnist.classes} classes`);
  const held = new Uint8Array(train.count);
  for (const p of heldOut) {
    if (!Number.isInteger(p) || p < 0 || p >= train.count)
      throw new Error(`mnist-triples: held-out position ${p} is outside the ${train.count} training digits`);
    held[p] = 1;
  }
  const trainDigits = Int32Array.from({ length: train.count }, (_, i) => i).filter((i) => held[i] === 0);
  const validationDigits = Int32Array.from(heldOut).sort();
  const testDigits = Int32Array.from({ length: test.count }, (_, i) => i);
  const smallTrain = downscale2x2(train);
  const smallTest = downscale2x2(test);
  return {
    train: compose(train, smallTrain, trainDigits, TRIPLES.trainPerClass, 'train'),
    validation: compose(train, smallTrain, validationDigits, TRIPLES.validationPerClass, 'validation'),
    test: compose(test, smallTest, testDigits, TRIPLES.testPerClass, 'test'),
  };
}

/**
 * Checks the composed training set against `TRIPLES_TRAIN_DIGEST` when it was
 * composed around the kit's held-out digits (5,000 by split seed 0): other
 * splits compose other training sets, which have no fixed digest.
 */
export function checkTriplesDigest(train: ImageSet, split: { validationSize: number; splitSeed: number }): void {
  if (split.validationSize !== 5_000 || split.splitSeed !== 0) return;
  const digest = splitDigest(train);
  if (digest !== TRIPLES_TRAIN_DIGEST)
    throw new Error(
      `mnist-triples: the composed training set's digest is ${digest}, not ${TRIPLES_TRAIN_DIGEST}: the composition is not the kit's (a changed MNIST file or composition code)`,
    );
}
