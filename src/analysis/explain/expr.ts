// The machine-readable form of a cell's equations: a small expression tree per line, rendered to
// Unicode text and LaTeX by the same walk, and evaluated numerically (so a test can check that the
// printed equations are the ones the kernels compute). Vectors are plain number arrays; matrices
// are row-major (rows, cols) like the parameters they are sliced from. Pure: no I/O.
import type { ActivationName } from "../../cells/activation-names.ts";

export type Expr =
  /** x_t, h_t−1 or c_t−1 */
  | { op: "input"; name: "x" | "h" | "c" }
  /** the value of an earlier equation line, by its target (e.g. "i") */
  | { op: "ref"; name: string }
  /** a vector parameter (bias, peephole weights), by its id (e.g. "b_ii") */
  | { op: "param"; id: string }
  /** a scalar added to (or subtracted from) every element: 1 − z, the forget bias */
  | { op: "const"; value: number; label?: string }
  /** matrix parameter times a vector: W x */
  | { op: "matvec"; param: string; arg: Expr }
  | { op: "add"; terms: Expr[] }
  | { op: "sub"; a: Expr; b: Expr }
  /** element-wise (Hadamard) product ⊙ */
  | { op: "mul"; a: Expr; b: Expr }
  | { op: "act"; fn: ActivationName; arg: Expr }
  /** clip to [−bound, bound] */
  | { op: "clip"; arg: Expr; bound: number };

/** How a symbol is written: Unicode text and LaTeX. */
export interface Sym { text: string; latex: string }

export const INPUT_SYMBOLS: Record<"x" | "h" | "c", Sym> = {
  x: { text: "x_t", latex: "x_t" },
  h: { text: "h_t−1", latex: "h_{t-1}" },
  c: { text: "c_t−1", latex: "c_{t-1}" },
};

const ACT_SYMBOLS: Record<ActivationName, Sym> = {
  sigmoid: { text: "σ", latex: "\\sigma" },
  tanh: { text: "tanh", latex: "\\tanh" },
  relu: { text: "relu", latex: "\\operatorname{relu}" },
  linear: { text: "id", latex: "\\operatorname{id}" },
  softsign: { text: "softsign", latex: "\\operatorname{softsign}" },
  hardSigmoid: { text: "hσ", latex: "\\operatorname{hard\\sigma}" },
  hardSigmoidV3: { text: "hσ₃", latex: "\\operatorname{hard\\sigma_3}" },
  elu: { text: "elu", latex: "\\operatorname{elu}" },
};

/** The definition of each activation as the kernels compute it (src/kernels/ref/activations.ts). */
export const ACT_DEFINITIONS: Record<ActivationName, Sym> = {
  sigmoid: { text: "σ(v) = 1 / (1 + e^−v)", latex: "\\sigma(v) = \\frac{1}{1 + e^{-v}}" },
  tanh: { text: "tanh(v) = (e^v − e^−v) / (e^v + e^−v)", latex: "\\tanh(v) = \\frac{e^{v} - e^{-v}}{e^{v} + e^{-v}}" },
  relu: { text: "relu(v) = max(0, v)", latex: "\\operatorname{relu}(v) = \\max(0, v)" },
  linear: { text: "id(v) = v", latex: "\\operatorname{id}(v) = v" },
  softsign: { text: "softsign(v) = v / (1 + |v|)", latex: "\\operatorname{softsign}(v) = \\frac{v}{1 + |v|}" },
  hardSigmoid: { text: "hσ(v) = min(1, max(0, 0.2 v + 0.5))   (Keras 2)", latex: "\\operatorname{hard\\sigma}(v) = \\min(1, \\max(0, 0.2 v + 0.5))" },
  hardSigmoidV3: { text: "hσ₃(v) = min(1, max(0, v / 6 + 0.5))   (Keras 3, PyTorch Hardsigmoid)", latex: "\\operatorname{hard\\sigma_3}(v) = \\min(1, \\max(0, v/6 + 0.5))" },
  elu: { text: "elu(v) = v if v > 0, else e^v − 1", latex: "\\operatorname{elu}(v) = \\begin{cases} v & v > 0 \\\\ e^{v} - 1 & v \\le 0 \\end{cases}" },
};

export function actSymbol(fn: ActivationName): Sym { return ACT_SYMBOLS[fn]; }

/** Evaluates an activation exactly as the reference kernels define it. */
export function applyActivation(fn: ActivationName, v: number): number {
  switch (fn) {
    case "sigmoid": return 1 / (1 + Math.exp(-v));
    case "tanh": return Math.tanh(v);
    case "relu": return Math.max(0, v);
    case "linear": return v;
    case "softsign": return v / (1 + Math.abs(v));
    case "hardSigmoid": return Math.min(1, Math.max(0, 0.2 * v + 0.5));
    case "hardSigmoidV3": return Math.min(1, Math.max(0, v / 6 + 0.5));
    case "elu": return v > 0 ? v : Math.expm1(v);
  }
}

const num = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6))));

/** Symbols of parameters and line targets, for rendering. */
export interface SymbolTable {
  param(id: string): Sym;
  ref(name: string): Sym;
}

type Style = "text" | "latex";

/** Renders an expression; `parent` decides whether a sum needs parentheses. */
export function render(e: Expr, s: SymbolTable, style: Style, parent: "top" | "mul" | "arg" = "top"): string {
  const pick = (sym: Sym) => (style === "text" ? sym.text : sym.latex);
  switch (e.op) {
    case "input": return pick(INPUT_SYMBOLS[e.name]);
    case "ref": return pick(s.ref(e.name));
    case "param": return pick(s.param(e.id));
    case "const": return num(e.value);
    case "matvec": {
      const simple = e.arg.op === "input" || e.arg.op === "ref" || e.arg.op === "param";
      const inner = simple ? render(e.arg, s, style, "mul") : paren(render(e.arg, s, style, "top"), style);
      return `${pick(s.param(e.param))}${style === "text" ? " " : "\\,"}${inner}`;
    }
    case "add": {
      let out = "";
      e.terms.forEach((t, i) => {
        const r = render(t, s, style, "arg");
        if (i === 0) out = r;
        else if (t.op === "const" && t.value < 0) out += ` ${style === "text" ? "−" : "-"} ${num(-t.value)}`;
        else out += ` + ${r}`;
      });
      return parent === "mul" ? paren(out, style) : out;
    }
    case "sub": {
      const out = `${render(e.a, s, style, "arg")} ${style === "text" ? "−" : "-"} ${render(e.b, s, style, "mul")}`;
      return parent === "mul" ? paren(out, style) : out;
    }
    case "mul": return `${render(e.a, s, style, "mul")} ${style === "text" ? "⊙" : "\\odot"} ${render(e.b, s, style, "mul")}`;
    case "act": return `${pick(ACT_SYMBOLS[e.fn])}${paren(render(e.arg, s, style, "top"), style)}`;
    case "clip": return style === "text"
      ? `clip(${render(e.arg, s, style, "top")}, ±${num(e.bound)})`
      : `\\operatorname{clip}\\left(${render(e.arg, s, style, "top")}, \\pm ${num(e.bound)}\\right)`;
  }
}

function paren(s: string, style: Style): string { return style === "text" ? `(${s})` : `\\left(${s}\\right)`; }

/** Every parameter id an expression reads. */
export function paramsOf(e: Expr, out: string[] = []): string[] {
  switch (e.op) {
    case "param": if (!out.includes(e.id)) out.push(e.id); break;
    case "matvec": if (!out.includes(e.param)) out.push(e.param); paramsOf(e.arg, out); break;
    case "add": for (const t of e.terms) paramsOf(t, out); break;
    case "sub": case "mul": paramsOf(e.a, out); paramsOf(e.b, out); break;
    case "act": case "clip": paramsOf(e.arg, out); break;
  }
  return out;
}

/** Every input (x, h, c) and earlier line an expression reads. */
export function dependsOn(e: Expr, out: string[] = []): string[] {
  const add = (n: string) => { if (!out.includes(n)) out.push(n); };
  switch (e.op) {
    case "input": add(e.name === "x" ? "x_t" : e.name === "h" ? "h_t−1" : "c_t−1"); break;
    case "ref": add(e.name); break;
    case "matvec": dependsOn(e.arg, out); break;
    case "add": for (const t of e.terms) dependsOn(t, out); break;
    case "sub": case "mul": dependsOn(e.a, out); dependsOn(e.b, out); break;
    case "act": case "clip": dependsOn(e.arg, out); break;
  }
  return out;
}

/** Values an evaluation reads: the inputs, each parameter (vector, or row-major matrix with its shape), each earlier line. */
export interface EvalEnv {
  input: Record<"x" | "h" | "c", readonly number[]>;
  param(id: string): { data: ArrayLike<number>; shape: readonly number[] };
  ref(name: string): readonly number[];
}

/** Evaluates an expression to a vector (a scalar const broadcasts over the other operand). */
export function evaluate(e: Expr, env: EvalEnv): number[] | number {
  switch (e.op) {
    case "input": return [...env.input[e.name]];
    case "ref": return [...env.ref(e.name)];
    case "param": return Array.from(env.param(e.id).data);
    case "const": return e.value;
    case "matvec": {
      const W = env.param(e.param), v = vec(evaluate(e.arg, env), W.shape[1]);
      const [rows, cols] = W.shape, out = new Array<number>(rows).fill(0);
      for (let r = 0; r < rows; r++) { let s = 0; for (let c = 0; c < cols; c++) s += W.data[r * cols + c] * v[c]; out[r] = s; }
      return out;
    }
    case "add": return e.terms.map((t) => evaluate(t, env)).reduce((a, b) => zip(a, b, (p, q) => p + q));
    case "sub": return zip(evaluate(e.a, env), evaluate(e.b, env), (p, q) => p - q);
    case "mul": return zip(evaluate(e.a, env), evaluate(e.b, env), (p, q) => p * q);
    case "act": return map(evaluate(e.arg, env), (v) => applyActivation(e.fn, v));
    case "clip": return map(evaluate(e.arg, env), (v) => Math.min(e.bound, Math.max(-e.bound, v)));
  }
}

function vec(v: number[] | number, n: number): number[] { return typeof v === "number" ? new Array<number>(n).fill(v) : v; }
function map(v: number[] | number, f: (x: number) => number): number[] | number { return typeof v === "number" ? f(v) : v.map(f); }
function zip(a: number[] | number, b: number[] | number, f: (p: number, q: number) => number): number[] | number {
  if (typeof a === "number" && typeof b === "number") return f(a, b);
  const n = typeof a === "number" ? (b as number[]).length : a.length;
  const va = vec(a, n), vb = vec(b, n);
  if (va.length !== vb.length) throw new Error(`explain: vectors of length ${va.length} and ${vb.length} combined`);
  return va.map((p, i) => f(p, vb[i]));
}
