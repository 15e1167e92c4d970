// Weight initializers. Every one fills a row-major (rows, cols) view in place from a seeded Rng.
// Sources: PyTorch RNNBase.reset_parameters (all weights U(−1/√H, 1/√H)); Glorot & Bengio 2010
// (limit √(6 / (fanIn + fanOut))); Saxe et al. 2014 / Keras Orthogonal (QR of a Gaussian matrix,
// signs fixed by diag(R)); Jozefowicz et al. 2015 (forget-gate bias 1, "unit forget bias").
import type { Buf } from "../kernels/types.ts";
import type { Rng } from "./rng.ts";

export type InitName = "zeros" | "ones" | "uniform" | "glorotUniform" | "orthogonal";

export interface InitSpec {
  name: InitName;
  /** for "uniform": values in [−limit, limit] */
  limit?: number;
  /** fan-in and fan-out for "glorotUniform" (of the layout the initializer was defined on) */
  fanIn?: number;
  fanOut?: number;
}

export function fillUniform(out: Buf, limit: number, rng: Rng): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.uniform(-limit, limit);
}

export function fillGlorotUniform(out: Buf, fanIn: number, fanOut: number, rng: Rng): void {
  fillUniform(out, Math.sqrt(6 / (fanIn + fanOut)), rng);
}

/**
 * out (rows, cols) with orthonormal columns when rows ≥ cols, orthonormal rows otherwise.
 * Gram–Schmidt on a Gaussian matrix yields the Q of a QR factorisation with diag(R) > 0,
 * which is exactly Keras' `q *= sign(diag(r))` correction.
 */
export function fillOrthogonal(out: Buf, rows: number, cols: number, rng: Rng): void {
  const tall = rows >= cols;
  const n = tall ? rows : cols, k = tall ? cols : rows; // k orthonormal vectors of length n
  const q = new Float64Array(k * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  for (let v = 0; v < k; v++) {
    const qv = q.subarray(v * n, (v + 1) * n);
    for (let pass = 0; pass < 2; pass++) {             // re-orthogonalise once for stability
      for (let u = 0; u < v; u++) {
        const qu = q.subarray(u * n, (u + 1) * n);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += qu[i] * qv[i];
        for (let i = 0; i < n; i++) qv[i] -= dot * qu[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += qv[i] * qv[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) qv[i] /= norm;
  }
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[r * cols + c] = tall ? q[c * n + r] : q[r * n + c];
  }
}

/** Fill `out` (rows, cols) by an InitSpec. */
export function applyInit(out: Buf, rows: number, cols: number, spec: InitSpec, rng: Rng): void {
  switch (spec.name) {
    case "zeros": out.fill(0); return;
    case "ones": out.fill(1); return;
    case "uniform": fillUniform(out, spec.limit ?? 0.05, rng); return;
    case "glorotUniform": fillGlorotUniform(out, spec.fanIn ?? cols, spec.fanOut ?? rows, rng); return;
    case "orthogonal": fillOrthogonal(out, rows, cols, rng); return;
  }
}
