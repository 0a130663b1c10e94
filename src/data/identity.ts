/**
 * What data a job trained on: the md5 of each of the four (uncompressed) IDX
 * files, and a name for it: `mnist` or `fashion-mnist` when the checksums are
 * those of a known data set (`datasets.ts`), else `idx-<8 hex digits>` of the
 * checksums, so two data sets can never share a job's path or a summary.
 */
import { datasetByChecksums, datasetByName, type Checksums, type DataTask } from './datasets';
import { findIdxFile, md5, parseIdx, readIdxBytes } from './idx';
import { IDX_FILES, mnistDataDir } from './mnist';

export type DataChecksums = Checksums;

export interface DataIdentity {
  /** `mnist`, or `idx-<hash>` for other files. */
  name: string;
  md5: DataChecksums;
  /** A task composed from the files (`mnist-triples`); absent when the files are used as they are. */
  task?: DataTask;
}

/** The identity of the IDX files in `dataDir` (null: MNIST). A missing file is an error naming it. */
export function dataIdentity(dataDir: string | null): DataIdentity {
  return inspectData(dataDir).identity;
}

/**
 * The identity of the IDX files in `dataDir` and the number of training
 * images, from one read of each file, which is also parsed: a missing,
 * truncated or non-IDX file is an error naming it.
 */
export function inspectData(dataDir: string | null): { identity: DataIdentity; trainCount: number } {
  const dir = dataDir ?? mnistDataDir();
  const sums = {} as DataChecksums;
  let trainCount = 0;
  for (const [key, file] of Object.entries(IDX_FILES) as [keyof typeof IDX_FILES, string][]) {
    let path: string;
    try {
      path = findIdxFile(dir, file);
    } catch (err) {
      throw new Error(
        `${(err as Error).message}; a data directory needs ${Object.values(IDX_FILES).join(', ')} (each may be .gz)`,
      );
    }
    const bytes = readIdxBytes(path);
    // Parsed as well as summed: a truncated or non-IDX file is named here, before any job starts.
    try {
      const { dims } = parseIdx(bytes, path);
      if (key === 'trainImages') trainCount = dims[0];
    } catch (err) {
      throw new Error(`${(err as Error).message}; restore the file, or reinstall the data set`);
    }
    sums[key] = md5(bytes);
  }
  const name = datasetByChecksums(sums)?.name ?? `idx-${md5(Buffer.from(Object.values(sums).join(''))).slice(0, 8)}`;
  return { identity: { name, md5: sums }, trainCount };
}

/**
 * The identity of the known data set `name` where it is installed, checked
 * file by file against its checksums: a missing directory says what to
 * install, a corrupt file names itself.
 */
export function knownDataIdentity(name: string): { dir: string | null; identity: DataIdentity } {
  const known = datasetByName(name);
  // MNIST, and tasks composed from it, read MNIST from the package (dir null), as jobs record it.
  const dir = known.dir === mnistDataDir ? null : known.dir();
  let identity: DataIdentity;
  try {
    identity = dataIdentity(dir);
  } catch (err) {
    throw new Error(
      `${known.title} is not installed at ${dir ?? mnistDataDir()}: ${(err as Error).message}. Install ${known.install}.`,
    );
  }
  for (const key of Object.keys(known.md5) as (keyof DataChecksums)[]) {
    if (identity.md5[key] !== known.md5[key]) {
      throw new Error(
        `${findIdxFile(dir ?? mnistDataDir(), IDX_FILES[key])}: md5 of its uncompressed bytes is ${identity.md5[key]}, not ${known.title}'s ${known.md5[key]} (corrupt or different file)`,
      );
    }
  }
  return { dir, identity: known.task === undefined ? identity : { ...identity, name: known.name, task: known.task } };
}

/** The directory level a data set adds under runs and results: none for MNIST, its name otherwise. */
export function dataSubdir(identity: { name: string }): string {
  return identity.name === 'mnist' ? '' : identity.name;
}
