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
