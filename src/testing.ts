/** Helpers shared by the test files (not exported from the package root). */
import assert from 'node:assert/strict';

/** Asserts |actual − expected| ≤ atol + rtol·|expected| elementwise, naming the first index that fails. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, rtol = 1e-4, atol = 1e-5): void {
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
export function assertCloseToScale(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tolerance: number): void {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  assert.ok(scale > 0, `${what}: the expected values are all zero; a scaled tolerance needs a scale`);
  assertClose(actual, expected, `${what} (tolerance ${tolerance} x max|expected| = ${tolerance * scale})`, 0, tolerance * scale);
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

/** A job's records without their timing fields, to compare two runs. */
export function withoutTiming(records: object[]): unknown[] {
  return records.map((r) => {
    const { timing: _timing, ...rest } = r as { timing?: unknown };
    return rest;
  });
}
