// Closeness checks that report the worst element, so a failure says where and by how much.
import assert from "node:assert/strict";

/** max |a − b| / max(|b|, floor): relative error, judged absolutely for entries smaller than floor */
export function maxRelErr(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1): { err: number; at: number } {
  assert.equal(actual.length, expected.length, `length ${actual.length} vs expected ${expected.length}`);
  let err = 0, at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = Math.abs(actual[i] - expected[i]) / Math.max(Math.abs(expected[i]), floor);
    if (!(e <= err)) { err = e; at = i; }           // also catches NaN
  }
  return { err, at };
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string, floor = 1): void {
  const { err, at } = maxRelErr(actual, expected, floor);
  if (!(err <= tol)) {
    assert.fail(`${what}: error ${err.toExponential(2)} > ${tol} at [${at}]: got ${actual[at]}, expected ${expected[at]}`);
  }
}
