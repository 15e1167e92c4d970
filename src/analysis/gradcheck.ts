// Finite-difference gradient checking in float64. The fourth-order central stencil
//   f′(x) ≈ (−f(x+2h) + 8 f(x+h) − 8 f(x−h) + f(x−2h)) / 12h        (truncation O(h⁴))
// with h = 1e-4 leaves ~1e-12 absolute error, so a relative error of 1e-6 is a real test.
import { checkKnownKeys, fail } from "../errors.ts";

export interface GradcheckResult {
  /** max over entries of |analytic − numeric| / max(|analytic|, |numeric|, floor) */
  maxRelErr: number;
  /** index of the worst entry */
  at: number;
  analytic: number;
  numeric: number;
}

export interface GradcheckOpts { step?: number; floor?: number }

/** Numeric ∂loss/∂x[i] for every i (x is perturbed in place and restored). */
export function numericGrad(loss: () => number, x: Float64Array, step = 1e-4): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const at = (delta: number) => { x[i] = xi + delta; return loss(); };
    g[i] = (-at(2 * step) + 8 * at(step) - 8 * at(-step) + at(-2 * step)) / (12 * step);
    x[i] = xi;
  }
  return g;
}

/** Compare an analytic gradient with the numeric one. */
export function gradcheck(loss: () => number, x: Float64Array, analytic: ArrayLike<number>, opts: GradcheckOpts = {}): GradcheckResult {
  const fn = "gradcheck";
  if (typeof loss !== "function") fail(fn, "loss", "a function () => number", loss);
  if (!(x instanceof Float64Array)) fail(fn, "x", "a Float64Array (finite differences need float64)", x);
  if (analytic === null || typeof analytic !== "object" || analytic.length !== x.length) fail(fn, "analytic", `${x.length} numbers (one per entry of x)`, analytic);
  checkKnownKeys(fn, opts, ["step", "floor"]);
  const { step = 1e-4, floor = 1e-6 } = opts;
  const numeric = numericGrad(loss, x, step);
  const res: GradcheckResult = { maxRelErr: 0, at: -1, analytic: NaN, numeric: NaN };
  for (let i = 0; i < x.length; i++) {
    const a = analytic[i], n = numeric[i];
    const err = Math.abs(a - n) / Math.max(Math.abs(a), Math.abs(n), floor);
    if (!(err <= res.maxRelErr)) Object.assign(res, { maxRelErr: err, at: i, analytic: a, numeric: n });
  }
  return res;
}
