// The equations of one configured cell, built as expression trees (expr.ts) from the same
// CellConfig the kernels run, so every option shows up: biases (0, 1 or 2 vectors), activations,
// LSTM peepholes / forget bias / cell clip / projection / projection clip, GRU reset after or before.
// Formulas: LSTM (Hochreiter & Schmidhuber 1997, forget gate Gers et al. 2000, peepholes Gers &
// Schmidhuber 2000, projection Sak et al. 2014) as TF-1 LSTMCell.call and the PyTorch LSTM docs
// write them; GRU (Cho et al. 2014) as the PyTorch GRU docs (reset after) and TF-1 GRUCell.call
// (reset before); the Elman RNN as PyTorch nn.RNN. Gate order i, f, g, o and r, z, n.
import { resolveCellConfig, type CellConfig, type CellKind, type CellOptions } from "../../cells/config.ts";
import { RnnlabError } from "../../errors.ts";
import { ACT_DEFINITIONS, dependsOn, evaluate, paramsOf, render, type Expr, type Sym, type SymbolTable } from "./expr.ts";

export interface ExplainOptions extends Partial<CellOptions> {
  kind: CellKind;
}

/** Where a parameter's values live: a contiguous slice of one internal (PyTorch-layout) parameter. */
export interface ParamSource { name: "weightIh" | "weightHh" | "biasIh" | "biasHh" | "peep" | "weightHr"; offset: number; length: number }

export interface ExplainParam {
  /** stable id used by the expressions, e.g. "W_ii" */
  id: string;
  text: string;
  latex: string;
  /** numeric shape: [rows, cols] for a matrix (it multiplies a column vector), [n] for a vector */
  shape: number[];
  /** the same in letters, e.g. "H×D" */
  shapeText: string;
  role: string;
  source: ParamSource;
  /** where PyTorch keeps it (rows of a stacked matrix), or null when PyTorch has no such variable */
  torch: string | null;
  /** where TF-1 keeps it (columns of a kernel [in, out], so transposed), or null */
  tf1: string | null;
}

export interface EquationLine {
  /** what the line defines: "i", "f", "g", "c", "o", "m", "h", "r", "z", "n" */
  target: string;
  symbol: Sym;
  expr: Expr;
  /** "i_t = σ(W_ii x_t + …)" */
  text: string;
  latex: string;
  /** parameter ids read by this line, in order */
  params: string[];
  /** inputs and earlier lines read by this line */
  uses: string[];
  /** the line's width (H, or P for a projected h) */
  size: number;
  note?: string;
}

export interface CellExplanation {
  config: CellConfig;
  /** e.g. "LSTM cell, peepholes, forget bias 1, projection P = 4" */
  title: string;
  /** D, H (and P) with their values */
  dims: { letter: string; value: number; meaning: string }[];
  lines: EquationLine[];
  params: ExplainParam[];
  /** definitions of the activations used, and of ⊙ */
  definitions: Sym[];
  /** what the state carried to the next step is made of */
  state: string[];
  text: string;
  latex: string;
}

const GATE_NAMES: Record<string, string> = {
  i: "input gate", f: "forget gate", g: "candidate (cell input)", o: "output gate", c: "cell state",
  m: "output before the projection", h: "hidden state", r: "reset gate", z: "update gate", n: "candidate",
};

/** Build the equations of a cell configured like createCell(kind, opts) (missing sizes: D = 28, H = 128). */
export function explainCell(opts: ExplainOptions): CellExplanation {
  if (typeof opts !== "object" || opts === null) throw new RnnlabError("explainCell: options must be an object with kind, got " + String(opts));
  const { kind, ...rest } = opts;
  const cfg = resolveCellConfig("explainCell", kind, { inputSize: 28, hiddenSize: 128, ...rest } as CellOptions);
  const b = new Builder(cfg);
  if (cfg.kind === "lstm") lstmLines(b); else if (cfg.kind === "gru") gruLines(b); else rnnLines(b);
  return b.finish();
}

class Builder {
  readonly params: ExplainParam[] = [];
  readonly lines: EquationLine[] = [];
  readonly H: number; readonly D: number; readonly R: number; readonly P: number;
  readonly rLetter: string;
  constructor(readonly cfg: CellConfig) {
    this.H = cfg.hiddenSize; this.D = cfg.inputSize; this.R = cfg.outputSize; this.P = cfg.projSize;
    this.rLetter = this.P > 0 ? "P" : "H";
  }

  param(p: Omit<ExplainParam, "text" | "latex"> & { sub: string; base: string }): string {
    const { sub, base, ...rest } = p;
    this.params.push({ ...rest, text: `${base}_${sub}`, latex: `${base}_{${sub}}` });
    return p.id;
  }

  /** W_i? x_t + b_i? + W_h? h_t−1 + b_h? (or one bias b_?) for gate block k of G = gates · H rows */
  preActivation(k: number, g: string, withHidden = true): Expr[] {
    const { H, D, R, cfg, rLetter } = this;
    const torchRows = (base: string) => `${base}[${k * H}:${(k + 1) * H}]`;
    const terms: Expr[] = [];
    const tf1Kernel = this.tf1KernelName(g), tf1Col = this.tf1GateColumn(g) * H;
    const Wi = this.param({ id: `W_i${g}`, base: "W", sub: `i${g}`, shape: [H, D], shapeText: "H×D", role: `input weights of the ${GATE_NAMES[g]}`,
      source: { name: "weightIh", offset: k * H * D, length: H * D }, torch: torchRows("weight_ih_l0"),
      tf1: `${tf1Kernel}[0:${D}, ${tf1Col}:${tf1Col + H}]ᵀ` });
    terms.push({ op: "matvec", param: Wi, arg: { op: "input", name: "x" } });
    if (cfg.biases === 2) {
      terms.push({ op: "param", id: this.param({ id: `b_i${g}`, base: "b", sub: `i${g}`, shape: [H], shapeText: "H", role: `input-side bias of the ${GATE_NAMES[g]}`,
        source: { name: "biasIh", offset: k * H, length: H }, torch: torchRows("bias_ih_l0"), tf1: null }) });
    }
    if (withHidden) {
      const Wh = this.param({ id: `W_h${g}`, base: "W", sub: `h${g}`, shape: [H, R], shapeText: `H×${rLetter}`, role: `recurrent weights of the ${GATE_NAMES[g]}`,
        source: { name: "weightHh", offset: k * H * R, length: H * R }, torch: torchRows("weight_hh_l0"),
        tf1: `${tf1Kernel}[${D}:${D + R}, ${tf1Col}:${tf1Col + H}]ᵀ` });
      terms.push({ op: "matvec", param: Wh, arg: { op: "input", name: "h" } });
      if (cfg.biases === 2) terms.push({ op: "param", id: this.hiddenBias(k, g) });
    }
    if (cfg.biases === 1) {
      terms.push({ op: "param", id: this.param({ id: `b_${g}`, base: "b", sub: g, shape: [H], shapeText: "H", role: `bias of the ${GATE_NAMES[g]}`,
        source: { name: "biasIh", offset: k * H, length: H }, torch: null, tf1: `${this.tf1BiasName(g)}[${tf1Col}:${tf1Col + H}]` }) });
    }
    return terms;
  }

  hiddenBias(k: number, g: string): string {
    const H = this.H;
    return this.param({ id: `b_h${g}`, base: "b", sub: `h${g}`, shape: [H], shapeText: "H", role: `recurrent-side bias of the ${GATE_NAMES[g]}`,
      source: { name: "biasHh", offset: k * H, length: H }, torch: `bias_hh_l0[${k * H}:${(k + 1) * H}]`, tf1: null });
  }

  /** TF-1 variable holding gate g's kernel columns: LSTM kernel (i, j, f, o), GRU gates (r, u) / candidate, RNN kernel */
  tf1KernelName(g: string): string {
    const kind = this.cfg.kind;
    if (kind === "lstm") return "lstm_cell/kernel";
    if (kind === "gru") return g === "n" ? "gru_cell/candidate/kernel" : "gru_cell/gates/kernel";
    return "basic_rnn_cell/kernel";
  }
  tf1BiasName(g: string): string { return this.tf1KernelName(g).replace(/kernel$/, "bias"); }
  tf1GateColumn(g: string): number {
    if (this.cfg.kind === "lstm") return { i: 0, g: 1, f: 2, o: 3 }[g]!;   // TF-1: i, j (= g), f, o
    if (this.cfg.kind === "gru") return g === "z" ? 1 : 0;                  // gates: r, u (= z); candidate alone
    return 0;
  }

  line(target: string, expr: Expr, size: number, note?: string): void {
    const symbol = { text: target === "h" || target === "c" || target.length === 1 ? `${target}_t` : target, latex: `${target}_t` };
    this.lines.push({ target, symbol, expr, text: "", latex: "", params: paramsOf(expr), uses: dependsOn(expr), size, ...(note ? { note } : {}) });
  }

  finish(): CellExplanation {
    const cfg = this.cfg;
    const table: SymbolTable = {
      param: (id) => { const p = this.params.find((q) => q.id === id); if (!p) throw new Error(`explain: unknown parameter ${id}`); return p; },
      ref: (name) => ({ text: `${name}_t`, latex: `${name}_t` }),
    };
    for (const l of this.lines) {
      l.text = `${l.symbol.text} = ${render(l.expr, table, "text")}`;
      l.latex = `${l.symbol.latex} &= ${render(l.expr, table, "latex")}`;
    }
    const acts = [...new Set(this.lines.flatMap((l) => actsOf(l.expr)))];
    const hasMul = this.lines.some((l) => l.text.includes("⊙"));
    const definitions = [...acts.map((a) => ACT_DEFINITIONS[a]), ...(hasMul ? [{ text: "⊙ is the element-wise product", latex: "\\odot \\text{ is the element-wise product}" }] : [])];
    const dims = [
      { letter: "D", value: this.D, meaning: "input features" },
      { letter: "H", value: this.H, meaning: cfg.kind === "lstm" ? "units: width of every gate and of c" : "units: width of h and of every gate" },
      ...(this.P > 0 ? [{ letter: "P", value: this.P, meaning: "projection: width of h" }] : []),
    ];
    const state = cfg.kind === "lstm" ? [`c_t (${this.H})`, `h_t (${this.R})`] : [`h_t (${this.H})`];
    const title = titleOf(cfg);
    const out: CellExplanation = { config: cfg, title, dims, lines: this.lines, params: this.params, definitions, state, text: "", latex: "" };
    out.text = explanationText(out);
    out.latex = `\\begin{aligned}\n${this.lines.map((l) => `  ${l.latex}`).join(" \\\\\n")}\n\\end{aligned}`;
    return out;
  }
}

function actsOf(e: Expr): import("../../cells/activation-names.ts").ActivationName[] {
  switch (e.op) {
    case "act": return [e.fn, ...actsOf(e.arg)];
    case "matvec": case "clip": return actsOf(e.arg);
    case "add": return e.terms.flatMap(actsOf);
    case "sub": case "mul": return [...actsOf(e.a), ...actsOf(e.b)];
    default: return [];
  }
}

function titleOf(cfg: CellConfig): string {
  const parts = [`${cfg.kind.toUpperCase()} cell`];
  if (cfg.kind === "gru") parts.push(cfg.resetAfter ? "reset after the recurrent matmul (PyTorch, cuDNN, Keras reset_after=True)" : "reset before the recurrent matmul (TF-1 GRUCell, Keras reset_after=False)");
  if (cfg.kind === "lstm") {
    if (cfg.usePeepholes) parts.push("peepholes");
    if (cfg.forgetBias !== 0) parts.push(`forget bias ${cfg.forgetBias}`);
    if (cfg.cellClip !== null) parts.push(`cell clip ±${cfg.cellClip}`);
    if (cfg.projSize > 0) parts.push(`projection P = ${cfg.projSize}${cfg.projClip !== null ? ` clipped to ±${cfg.projClip}` : ""}`);
  }
  parts.push(cfg.biases === 2 ? "two bias vectors (PyTorch)" : cfg.biases === 1 ? "one bias vector (TF-1, Keras)" : "no biases");
  if (cfg.kind !== "rnn" && cfg.gateActivation !== "sigmoid") parts.push(`gates ${cfg.gateActivation}`);
  if (cfg.activation !== "tanh") parts.push(`activation ${cfg.activation}`);
  return parts.join(", ");
}

function lstmLines(b: Builder): void {
  const { cfg, H, R, P } = b;
  const gate = cfg.gateActivation, act = cfg.activation;
  const peep = (k: number, g: string): Expr => ({ op: "mul", a: { op: "param", id: b.param({ id: `w_c${g}`, base: "w", sub: `c${g}`, shape: [H], shapeText: "H",
    role: `peephole weights of the ${GATE_NAMES[g]} (a diagonal matrix, stored as a vector)`, source: { name: "peep", offset: k * H, length: H },
    torch: null, tf1: `lstm_cell/w_${g}_diag` }) }, b: k < 2 ? { op: "input", name: "c" } : { op: "ref", name: "c" } });
  const iTerms = b.preActivation(0, "i");
  if (cfg.usePeepholes) iTerms.push(peep(0, "i"));
  b.line("i", { op: "act", fn: gate, arg: { op: "add", terms: iTerms } }, H);
  const fTerms = b.preActivation(1, "f");
  if (cfg.forgetBias !== 0) fTerms.push({ op: "const", value: cfg.forgetBias, label: "forget bias" });
  if (cfg.usePeepholes) fTerms.push(peep(1, "f"));
  b.line("f", { op: "act", fn: gate, arg: { op: "add", terms: fTerms } }, H,
    cfg.forgetBias !== 0 ? `${cfg.forgetBias} is TF-1's forget_bias: added at run time, not a stored variable` : undefined);
  b.line("g", { op: "act", fn: act, arg: { op: "add", terms: b.preActivation(2, "g") } }, H);
  const cRaw: Expr = { op: "add", terms: [{ op: "mul", a: { op: "ref", name: "f" }, b: { op: "input", name: "c" } }, { op: "mul", a: { op: "ref", name: "i" }, b: { op: "ref", name: "g" } }] };
  b.line("c", cfg.cellClip !== null ? { op: "clip", arg: cRaw, bound: cfg.cellClip } : cRaw, H,
    cfg.cellClip !== null ? "cell_clip: the clipped value is what the next step and the output gate's peephole see" : undefined);
  const oTerms = b.preActivation(3, "o");
  if (cfg.usePeepholes) oTerms.push(peep(2, "o"));
  b.line("o", { op: "act", fn: gate, arg: { op: "add", terms: oTerms } }, H, cfg.usePeepholes ? "the output gate looks at the new cell state c_t; i and f at c_t−1" : undefined);
  const m: Expr = { op: "mul", a: { op: "ref", name: "o" }, b: { op: "act", fn: act, arg: { op: "ref", name: "c" } } };
  if (P === 0) { b.line("h", m, H); return; }
  b.line("m", m, H);
  const Wr = b.param({ id: "W_hr", base: "W", sub: "hr", shape: [P, H], shapeText: "P×H", role: "projection of m_t down to P features",
    source: { name: "weightHr", offset: 0, length: P * H }, torch: "weight_hr_l0", tf1: "lstm_cell/projection/kernelᵀ" });
  const proj: Expr = { op: "matvec", param: Wr, arg: { op: "ref", name: "m" } };
  b.line("h", cfg.projClip !== null ? { op: "clip", arg: proj, bound: cfg.projClip } : proj, R,
    "the recurrent input h_t−1 of the next step is this projected h (width P)");
}

function gruLines(b: Builder): void {
  const { cfg, H } = b;
  const gate = cfg.gateActivation, act = cfg.activation;
  b.line("r", { op: "act", fn: gate, arg: { op: "add", terms: b.preActivation(0, "r") } }, H);
  b.line("z", { op: "act", fn: gate, arg: { op: "add", terms: b.preActivation(1, "z") } }, H,
    "TF-1 calls z the update gate u");
  const nTerms = b.preActivation(2, "n", false);
  const D = b.D, tf1 = `gru_cell/candidate/kernel[${D}:${D + H}, 0:${H}]ᵀ`;
  const Whn = b.param({ id: "W_hn", base: "W", sub: "hn", shape: [H, H], shapeText: "H×H", role: "recurrent weights of the candidate",
    source: { name: "weightHh", offset: 2 * H * H, length: H * H }, torch: `weight_hh_l0[${2 * H}:${3 * H}]`, tf1 });
  const bhn = cfg.biases === 2 ? b.hiddenBias(2, "n") : null;
  if (cfg.resetAfter) {
    const inner: Expr = bhn ? { op: "add", terms: [{ op: "matvec", param: Whn, arg: { op: "input", name: "h" } }, { op: "param", id: bhn }] }
      : { op: "matvec", param: Whn, arg: { op: "input", name: "h" } };
    const bias1 = cfg.biases === 1 ? [nTerms.pop()!] : [];          // one bias: b_n stays outside r ⊙ (…)
    nTerms.push({ op: "mul", a: { op: "ref", name: "r" }, b: inner }, ...bias1);
  } else {
    const bias1 = cfg.biases === 1 ? [nTerms.pop()!] : [];
    nTerms.push({ op: "matvec", param: Whn, arg: { op: "mul", a: { op: "ref", name: "r" }, b: { op: "input", name: "h" } } }, ...bias1);
    if (bhn) nTerms.push({ op: "param", id: bhn });
  }
  b.line("n", { op: "act", fn: act, arg: { op: "add", terms: nTerms } }, H,
    cfg.resetAfter ? "reset after: r scales the recurrent matmul's result (PyTorch, cuDNN, Keras reset_after=True)"
      : "reset before: r scales h_t−1 before the recurrent matmul (TF-1 GRUCell, Keras reset_after=False)");
  b.line("h", { op: "add", terms: [{ op: "mul", a: { op: "sub", a: { op: "const", value: 1 }, b: { op: "ref", name: "z" } }, b: { op: "ref", name: "n" } },
    { op: "mul", a: { op: "ref", name: "z" }, b: { op: "input", name: "h" } }] }, H,
    "TF-1 writes u ⊙ h_t−1 + (1 − u) ⊙ c: the same with u = z");
}

function rnnLines(b: Builder): void {
  const { cfg, H } = b;
  b.line("h", { op: "act", fn: cfg.activation, arg: { op: "add", terms: b.preActivation(0, "h") } }, H);
}

/** The Unicode text block: title, sizes, one equation per line with its parameter shapes beside it, definitions, parameters. */
function explanationText(e: CellExplanation): string {
  const byId = new Map(e.params.map((p) => [p.id, p]));
  const width = Math.max(...e.lines.map((l) => l.text.length));
  const out = [e.title, e.dims.map((d) => `${d.letter} = ${d.value} (${d.meaning})`).join(", "), ""];
  for (const l of e.lines) {
    const shapes = l.params.map((id) => { const p = byId.get(id)!; return `${p.text} ${p.shape.join("×")}`; }).join(", ");
    out.push(`  ${l.text.padEnd(width)}   ${shapes ? `│ ${shapes}` : "│"}`);
    if (l.note) out.push(`  ${"".padEnd(width)}   │   ${l.note}`);
  }
  out.push("", `state carried to the next step: ${e.state.join(", ")}`, "where");
  for (const d of e.definitions) out.push(`  ${d.text}`);
  out.push("", "parameters:");
  const w1 = Math.max(...e.params.map((p) => p.text.length)), w2 = Math.max(...e.params.map((p) => `${p.shape.join("×")} (${p.shapeText})`.length));
  for (const p of e.params) {
    const where = [p.torch ? `torch ${p.torch}` : null, p.tf1 ? `tf1 ${p.tf1}` : null].filter(Boolean).join("; ");
    out.push(`  ${p.text.padEnd(w1)}  ${`${p.shape.join("×")} (${p.shapeText})`.padEnd(w2)}  ${p.role}${where ? `  [${where}]` : ""}`);
  }
  const total = e.params.reduce((s, p) => s + p.shape.reduce((a, c) => a * c, 1), 0);
  out.push(`  total ${total.toLocaleString("en-US")} parameters`);
  return out.join("\n") + "\n";
}

/** Parameter values by internal name (CellStep.params.views, or a layer's weights in PyTorch layout). */
export type InternalParams = Partial<Record<ParamSource["name"], ArrayLike<number>>>;

/**
 * Evaluate the equations for one example: x (D), h_t−1 (R) and, for an LSTM, c_t−1 (H).
 * Returns every line's value by target (e.g. { i, f, g, c, o, h }).
 */
export function evaluateExplanation(e: CellExplanation, inputs: { x: ArrayLike<number>; h: ArrayLike<number>; c?: ArrayLike<number> },
                                    params: InternalParams): Record<string, number[]> {
  const byId = new Map(e.params.map((p) => [p.id, p]));
  const values: Record<string, number[]> = {};
  const env = {
    input: { x: Array.from(inputs.x), h: Array.from(inputs.h), c: Array.from(inputs.c ?? []) },
    param: (id: string) => {
      const p = byId.get(id), src = p && params[p.source.name];
      if (!p || !src) throw new RnnlabError(`evaluateExplanation: no values for parameter ${id} (${p?.source.name ?? "unknown"})`);
      return { data: Array.prototype.slice.call(src, p.source.offset, p.source.offset + p.source.length) as number[], shape: p.shape };
    },
    ref: (name: string) => { const v = values[name]; if (!v) throw new Error(`explain: line ${name} used before it is defined`); return v; },
  };
  for (const l of e.lines) {
    const v = evaluate(l.expr, env);
    values[l.target] = typeof v === "number" ? new Array<number>(l.size).fill(v) : v;
  }
  return values;
}
