/**
 * File writing that is all-or-nothing: every byte is written (short writes
 * are continued), flushed to disk, renamed over the final name, and the
 * directory flushed, so a crash or a full disk leaves either the previous file
 * or the new one, never part of one. On any error the temporary file is
 * removed and the error names the path and what to do.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/** The write calls `writeFileAtomic` makes: replaceable in tests, to inject short writes and ENOSPC. */
export const fileOps = {
  writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number): number =>
    writeSync(fd, buffer, offset, length),
};

/** An error writing `path`, saying what went wrong and what to free or fix. */
export class WriteError extends Error {
  constructor(
    readonly path: string,
    override readonly cause: NodeJS.ErrnoException,
  ) {
    const code = cause.code ?? '';
    const fix =
      code === 'ENOSPC' || code === 'EDQUOT'
        ? `the disk holding ${dirname(path)} is full: free space there (or point --runs-dir / --results-dir elsewhere) and run the command again`
        : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
          ? `${dirname(path)} cannot be written by this user: fix its permissions or write elsewhere`
          : 'nothing was written under that name';
    super(`could not write ${path}: ${cause.message}; ${fix} (the previous file, if any, is unchanged)`);
    this.name = 'WriteError';
  }
}

/** Writes all of `bytes` to `fd`, continuing after short writes. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const n = fileOps.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!(n > 0))
      throw Object.assign(new Error(`write returned ${n} with ${bytes.length - offset} bytes left`), { code: 'EIO' });
    offset += n;
  }
}

/** Flushes a directory's entries (the rename) to disk; a no-op where directories cannot be opened. */
function fsyncDir(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a directory; the rename has still happened.
  } finally {
    closeSync(fd);
  }
}

/** Writes `content` to a temporary file beside `path`, flushes it, renames it over `path`, and flushes the directory. */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fd, typeof content === 'string' ? Buffer.from(content) : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err instanceof WriteError ? err : new WriteError(path, err as NodeJS.ErrnoException);
  }
  fsyncDir(dirname(path));
}

export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/** Reads and parses the JSON file `path`; a file that is not whole JSON is named, with what to do. */
export function readJsonFile<T = unknown>(path: string): T {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new Error(
      `${path} is not a whole JSON file (${(err as Error).message}; ${text.length} bytes): restore it from git or make it again`,
    );
  }
}
