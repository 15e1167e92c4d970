// Layer normalisation over the features of each row (Ba, Kiros & Hinton 2016), as TF-1's
// tf.contrib.layers.layer_norm computes it: mean and biased variance of the row (nn.moments),
// y = (x − μ) / √(σ² + ε) · γ + β (nn.batch_normalization), γ and β row vectors or absent.
// The forward saves μ and 1/√(σ² + ε) per row; the backward is the standard one:
//   x̂ = (x − μ)·r,  g = dy·γ,  dx = r · (g − mean(g) − x̂ · mean(g ⊙ x̂)),  dγ = Σ dy ⊙ x̂,  dβ = Σ dy.
import type { OpDef } from "./graph.ts";

export interface LayerNormAttrs { epsilon: number; gamma: boolean; beta: boolean }

export const layerNormOp: OpDef<LayerNormAttrs> = {
  name: "layerNorm",
  auxCols: () => 2,                                            // per row: μ, r = 1/√(σ² + ε)
  forward(_k, y, ins, aux, c) {
    const n = c.out.cols, { gamma, beta, epsilon } = c.attrs;
    const x = ins[0], g = gamma ? ins[1] : null, b = beta ? ins[gamma ? 2 : 1] : null;
    for (let r = 0; r < c.rows; r++) {
      const o = r * n;
      let mean = 0;
      for (let j = 0; j < n; j++) mean += x[o + j];
      mean /= n;
      let v = 0;
      for (let j = 0; j < n; j++) { const d = x[o + j] - mean; v += d * d; }
      const rstd = 1 / Math.sqrt(v / n + epsilon);
      aux[2 * r] = mean; aux[2 * r + 1] = rstd;
      for (let j = 0; j < n; j++) y[o + j] = (x[o + j] - mean) * rstd * (g ? g[j] : 1) + (b ? b[j] : 0);
    }
  },
  backward(_k, dIns, dy, _y, ins, aux, c) {
    const n = c.out.cols, { gamma, beta } = c.attrs;
    const x = ins[0], g = gamma ? ins[1] : null;
    const dx = dIns[0], dg = gamma ? dIns[1] : null, db = beta ? dIns[gamma ? 2 : 1] : null;
    for (let r = 0; r < c.rows; r++) {
      const o = r * n, mean = aux[2 * r], rstd = aux[2 * r + 1];
      let sumG = 0, sumGX = 0;
      for (let j = 0; j < n; j++) {
        const xh = (x[o + j] - mean) * rstd, gj = dy[o + j] * (g ? g[j] : 1);
        sumG += gj; sumGX += gj * xh;
        if (dg) dg[j] += dy[o + j] * xh;
        if (db) db[j] += dy[o + j];
      }
      if (!dx) continue;
      const mG = sumG / n, mGX = sumGX / n;
      for (let j = 0; j < n; j++) {
        const xh = (x[o + j] - mean) * rstd, gj = dy[o + j] * (g ? g[j] : 1);
        dx[o + j] += rstd * (gj - mG - xh * mGX);
      }
    }
  },
};
