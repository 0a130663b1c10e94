/**
 * The IDX file format of MNIST (and Fashion-MNIST, KMNIST, …): a 4-byte magic
 * number (two zero bytes, a type code, the number of dimensions), one
 * big-endian uint32 size per dimension, then the data. Only unsigned bytes
 * (type 0x08) are used by these data sets, and only they are accepted.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28]. */
  dims: number[];
  /** The values, row-major. */
  data: Uint8Array;
}

/** Parses an IDX buffer of unsigned bytes; `name` appears in every error. */
export function parseIdx(buffer: Uint8Array, name: string): IdxArray {
  if (buffer.length < 4) throw new Error(`${name}: not an IDX file (only ${buffer.length} bytes)`);
  const [z0, z1, type, ndim] = buffer;
  if (z0 !== 0 || z1 !== 0) {
    throw new Error(
      `${name}: bad IDX magic number 0x${[z0, z1, type, ndim].map((b) => b.toString(16).padStart(2, '0')).join('')} (expected 0x0000 then type and rank)`,
    );
  }
  if (type !== 0x08) throw new Error(`${name}: IDX type 0x${type.toString(16)} is not unsigned bytes (0x08)`);
  if (ndim < 1) throw new Error(`${name}: IDX rank ${ndim} must be at least 1`);
  const headerBytes = 4 + 4 * ndim;
  if (buffer.length < headerBytes)
    throw new Error(`${name}: truncated IDX header (${buffer.length} bytes, need ${headerBytes})`);
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + dims.reduce((a, b) => a * b, 1);
  if (buffer.length !== expected) {
    throw new Error(
      `${name}: size ${buffer.length} bytes does not match its header (dims [${dims}] need ${expected} bytes)`,
    );
  }
  return { dims, data: buffer.subarray(headerBytes) };
}

export function md5(buffer: Uint8Array): string {
  return createHash('md5').update(buffer).digest('hex');
}

/**
 * The IDX file `name` in `dir`, as shipped (`name`) or gzip-compressed
 * (`name.gz`, as Fashion-MNIST ships); an error naming both when neither exists.
 */
export function findIdxFile(dir: string, name: string): string {
  for (const path of [join(dir, name), join(dir, `${name}.gz`)]) if (existsSync(path)) return path;
  throw new Error(`Data file not found: ${join(dir, name)} (nor ${name}.gz)`);
}

/** The bytes of an IDX file, decompressed when its name ends in .gz. */
export function readIdxBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new Error(`${path}: IDX file is missing`);
  const raw = readFileSync(path);
  if (!path.endsWith('.gz')) return raw;
  try {
    return gunzipSync(raw);
  } catch (err) {
    throw new Error(`${path}: not a readable gzip file (${(err as Error).message})`);
  }
}

/** Reads and parses an IDX file (.gz or not), checking the md5 of its uncompressed bytes when one is given. */
export function readIdxFile(path: string, expectedMd5?: string): IdxArray {
  const buffer = readIdxBytes(path);
  if (expectedMd5 !== undefined) {
    const actual = md5(buffer);
    if (actual !== expectedMd5)
      throw new Error(`${path}: md5 ${actual} does not match the expected ${expectedMd5} (corrupt or different file)`);
  }
  return parseIdx(buffer, path);
}
