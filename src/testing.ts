/** Helpers shared by the test files (not exported from the package root). */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fusedKernelsAvailable } from './kernels';
import { tf } from './tf';

/** Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the first index that fails. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  rtol = 1e-4,
  atol = 1e-5,
): void {
  assert.equal(actual.length, expected.length, `${what}: length ${actual.length} != ${expected.length}`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.fail(`${what}[${i}]: got ${a}, expected ${e}`);
    }
  }
}

/**
 * Asserts |actual − expected| ≤ tolerance·max|expected| elementwise: the error
 * measured against the case's own magnitude, so small entries are not held to
 * a tighter or a looser bound than the rounding of the whole computation.
 */
export function assertCloseToScale(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  what: string,
  tolerance: number,
): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  assert.ok(scale > 0, `${what}: the expected values are all zero; a scaled tolerance needs a scale`);
  assertClose(
    actual,
    expected,
    `${what} (tolerance ${tolerance} x max|expected| = ${tolerance * scale})`,
    0,
    tolerance * scale,
  );
}

/** Thrown by `interruptAt`'s hook, as if the process were killed mid-run. */
export class InterruptedForTest extends Error {}

/** Job hooks that stop a job before its step `step`. */
export function interruptAt(step: number): { beforeStep: (s: number) => void } {
  return {
    beforeStep: (s) => {
      if (s >= step) throw new InterruptedForTest(`interrupted at step ${s}`);
    },
  };
}

/** A job's records without their timing fields (and the digest, which covers them), to compare two runs. */
export function withoutTiming(records: object[]): unknown[] {
  return records.map((r) => {
    const {
      timing: _timing,
      digest: _digest,
      startedAt: _startedAt,
      ...rest
    } = r as { timing?: unknown; digest?: unknown; startedAt?: unknown };
    return rest;
  });
}

let testRoot: string | null = null;

/**
 * A fresh directory for one test, under one temporary root per test process
 * that is removed when the process exits, so test runs leave nothing behind.
 */
export function testDir(prefix: string): string {
  if (testRoot === null) {
    const root = mkdtempSync(join(tmpdir(), 'brn-test-'));
    testRoot = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return mkdtempSync(join(testRoot, `${prefix}-`));
}

/** The bytes of an IDX file of unsigned bytes with dimensions `dims`. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(0x08, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(Uint8Array.from(values))]));
}

/** Writes a small random data set in IDX format (28x28 images, 10 classes) to `dir`; returns `dir`. */
export function writeTinyIdx(dir: string, train = 300, test = 100, seed = 1): string {
  let state = seed;
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const images = (n: number) => Uint8Array.from({ length: n * 784 }, () => Math.floor(256 * next()));
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idxBytes([train, 28, 28], images(train)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idxBytes([train], labels(train)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxBytes([test, 28, 28], images(test)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxBytes([test], labels(test)));
  return dir;
}

/** A test that runs where the active backend has the fused kernels (wasm, cpu) and is skipped, saying so, elsewhere. */
export function fusedIt(name: string, fn: () => void | Promise<void>): void {
  it(name, async (t) => {
    if (!fusedKernelsAvailable()) {
      t.skip(`backend ${tf.getBackend()} has no fused kernels`);
      return;
    }
    await fn();
  });
}
