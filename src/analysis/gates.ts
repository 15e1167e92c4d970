// Gate activations of a recurrent cell over real sequences: per-gate histograms, saturation
// fractions and the values of a few units over time. Why gates are sigmoids: a value near 0 or 1
// is a switch (let nothing / everything through), and a sigmoid gets there smoothly; "saturated"
// here means within 0.05 of 0 or of 1 (|v| > 0.95 for the tanh candidate). Runs the cell's own step
// functions (the ones the time loop uses) one step at a time, keeping what each step saved.
import type { Buf, Kernels } from "../kernels/types.ts";
import { allocStep, type Cell, type CellWeights } from "../cells/index.ts";
import type { Batch } from "../train/batch.ts";
import type { SequenceModel } from "../train/model.ts";
import { torchKey } from "../io/torch-names.ts";
import { Recurrent } from "../layers/recurrent.ts";
import { RnnlabError } from "../errors.ts";

export interface GateSummary {
  /** e.g. "forget gate f" */
  name: string;
  /** the activation that produced it: values in [0, 1] (sigmoid) or [−1, 1] (tanh) */
  range: [number, number];
  edges: number[];
  counts: number[];
  mean: number;
  /** fraction of values within 0.05 of the lower / upper end of the range */
  saturatedLow: number;
  saturatedHigh: number;
  count: number;
}

export interface GateStats {
  cell: string;
  hiddenSize: number;
  T: number;
  B: number;
  gates: GateSummary[];
  /** batch row 0: per gate, the first `units` units over time ([unit][t]) */
  trace: { gate: string; unit: number; values: number[] }[];
  /** the inputs of row 0 as text, when the model reads tokens and has a vocabulary */
  traceText: string | null;
}

const GATE_NAMES: Record<string, { name: string; tanh: boolean }[]> = {
  lstm: [{ name: "input gate i", tanh: false }, { name: "forget gate f", tanh: false }, { name: "candidate g (tanh)", tanh: true }, { name: "output gate o", tanh: false }],
  gru: [{ name: "reset gate r", tanh: false }, { name: "update gate z", tanh: false }, { name: "candidate n (tanh)", tanh: true }],
  rnn: [{ name: "state h (tanh)", tanh: true }],
};

/** The weights of layer 0, forward direction, of a model's recurrent layer. */
export function layerZero(model: SequenceModel): { cell: Cell; w: CellWeights } {
  const rnn = model.rnn;
  if (!(rnn instanceof Recurrent)) throw new RnnlabError(`gate statistics: the model's recurrent part is made of TF-1 style cells (config.cell "${model.config.cell}"); they read the PyTorch-style layers (cell "rnn", "lstm", "gru")`);
  const cell = rnn.cells[0][0], views: Record<string, Buf> = {};
  for (const s of cell.specs) views[s.name] = rnn.params.views[torchKey(s.name, 0, false)];
  return { cell, w: cell.weights(views) };
}

/** The recurrent layer's input for a batch: the features, or the embedded tokens. */
export function layerInput(model: SequenceModel, batch: Batch): Float32Array | Float64Array {
  const { input } = batch;
  if (input.kind === "features") return model.config.dtype === "float64" ? Float64Array.from(input.x) : input.x;
  if (!model.embedding) throw new RnnlabError("gateStats: a token batch needs a model with an embedding");
  const out = model.config.dtype === "float64" ? new Float64Array(input.T * input.B * model.config.embeddingDim) : new Float32Array(input.T * input.B * model.config.embeddingDim);
  const tmp = model.k.alloc(out.length, model.config.dtype);
  model.embedding.forward(tmp, input.ids);
  out.set(tmp);
  model.k.free(tmp);
  return out;
}

/** Runs one layer over x (T, B, D) and summarizes its gate activations. */
export function gateStats(k: Kernels, cell: Cell, w: CellWeights, x: Float32Array | Float64Array, T: number, B: number,
                          o: { bins?: number; units?: number; dtype?: "float32" | "float64"; traceText?: string | null } = {}): GateStats {
  const cfg = cell.config, H = cfg.hiddenSize, kinds = GATE_NAMES[cfg.kind], nG = kinds.length;
  if (cfg.projSize > 0 && cfg.kind === "lstm") { /* gates are still (B, 4H); h is the projection — fine */ }
  const D = cfg.inputSize, R = cfg.outputSize, dtype = o.dtype ?? (x instanceof Float64Array ? "float64" : "float32");
  if (x.length !== T * B * D) throw new RnnlabError(`gateStats: x has ${x.length} values, expected T·B·D = ${T}·${B}·${D}`);
  const bins = o.bins ?? 20, units = Math.min(o.units ?? 8, H);
  const { saved: s, grads } = allocStep(k, cfg, B, dtype);
  const counts = kinds.map(() => new Array<number>(bins).fill(0)), sums = kinds.map(() => 0), low = kinds.map(() => 0), high = kinds.map(() => 0);
  const trace = kinds.flatMap((g) => Array.from({ length: units }, (_, u) => ({ gate: g.name, unit: u, values: [] as number[] })));
  const h = new Float64Array(B * R), c = new Float64Array(B * H);
  for (let t = 0; t < T; t++) {
    s.x.set(x.subarray(t * B * D, (t + 1) * B * D));
    s.hPrev.set(h); if (cfg.kind === "lstm") s.cPrev.set(c);
    cell.projectInput(k, w, s.xz, s.x, B);
    cell.forward(k, w, s, B);
    h.set(s.h); if (cfg.kind === "lstm") c.set(s.c);
    const vals = cfg.kind === "rnn" ? s.h : s.gates, width = cfg.kind === "rnn" ? R : nG * H;
    for (let b = 0; b < B; b++) for (let g = 0; g < nG; g++) {
      const [lo, hi] = kinds[g].tanh ? [-1, 1] : [0, 1];
      for (let j = 0; j < H; j++) {
        const v = vals[b * width + g * H + j];
        counts[g][Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)))]++;
        sums[g] += v;
        if (v < lo + 0.05 * (hi - lo) / (kinds[g].tanh ? 2 : 1)) low[g]++;
        if (v > hi - 0.05 * (hi - lo) / (kinds[g].tanh ? 2 : 1)) high[g]++;
        if (b === 0 && j < units) trace[g * units + j].values.push(v);
      }
    }
  }
  for (const buf of new Set([...Object.values(s), ...Object.values(grads)])) k.free(buf);
  const n = T * B * H;
  return {
    cell: cfg.kind, hiddenSize: H, T, B,
    gates: kinds.map((g, i): GateSummary => {
      const range: [number, number] = g.tanh ? [-1, 1] : [0, 1];
      return { name: g.name, range, edges: Array.from({ length: bins + 1 }, (_, e) => range[0] + ((range[1] - range[0]) * e) / bins), counts: counts[i],
        mean: sums[i] / n, saturatedLow: low[i] / n, saturatedHigh: high[i] / n, count: n };
    }),
    trace, traceText: o.traceText ?? null,
  };
}

/** Gate statistics of a trained model (layer 0) over one batch of its data. */
export function modelGateStats(model: SequenceModel, batch: Batch, o: { bins?: number; units?: number; traceText?: string | null } = {}): GateStats {
  const { cell, w } = layerZero(model), x = layerInput(model, batch);
  return gateStats(model.k, cell, w, x, batch.input.T, batch.input.B, { ...o, dtype: model.config.dtype });
}
