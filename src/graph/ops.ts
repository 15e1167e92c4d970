// The operations a user-defined cell's step is written with. Each checks its operands' shapes
// (errors name the operation, the operand and both shapes) and records one node of the step
// graph; the arithmetic lives in the op-*.ts files beside its gradient.
//   matmul(a, b, { transposeA, transposeB })   add / sub / mul (a row vector broadcasts; numbers allowed)
//   sigmoid tanh relu softsign elu hardSigmoid hardSigmoidV3 activation(name, x)
//   concat([a, b, …])  split(x, n | sizes)  slice(x, begin, size)  scale(x, s)  layerNorm(x, γ, β, { epsilon })
import { RnnlabError, checkInt, checkNumber, fail } from "../errors.ts";
import { actCode, type ActivationName } from "../cells/activation-names.ts";
import { fmtV, graphOf, Value, type VShape } from "./graph.ts";
import { addOp, addScalarOp, mulOp, scaleOp, subOp, type Broadcast } from "./op-arith.ts";
import { matmulOp } from "./op-matmul.ts";
import { actOp } from "./op-act.ts";
import { concatOp, sliceOp } from "./op-columns.ts";
import { layerNormOp } from "./op-layer-norm.ts";

export { Value } from "./graph.ts";

const isRow = (s: VShape) => !s.batch && s.rows === 1;

/** Shape of a ⊕ b and which operand (if any) is a broadcast row. */
function binaryShape(fn: string, a: VShape, b: VShape): { shape: VShape; broadcast: Broadcast } {
  const same = a.cols === b.cols && a.batch === b.batch && (a.batch || a.rows === b.rows);
  if (same) return { shape: { ...a, rank1: a.rank1 && b.rank1 }, broadcast: "none" };
  if (a.cols === b.cols && isRow(b)) return { shape: a, broadcast: "b" };
  if (a.cols === b.cols && isRow(a)) return { shape: b, broadcast: "a" };
  throw new RnnlabError(`${fn}: a has shape ${fmtV(a)} and b has shape ${fmtV(b)}; expected equal shapes or one of them a row vector [${a.cols === b.cols ? a.cols : "n"}]`);
}

function binary(fn: string, op: typeof addOp, a: Value | number, b: Value | number): Value {
  if (typeof a === "number" && typeof b === "number") fail(fn, "a or b", "a value of the step", a);
  if (typeof b === "number") return fn === "mul" ? scale(a as Value, b) : addScalar(a as Value, fn === "sub" ? -checkNumber(fn, "b", b) : checkNumber(fn, "b", b));
  if (typeof a === "number") {
    checkNumber(fn, "a", a);
    if (fn === "mul") return scale(b, a);
    return addScalar(fn === "sub" ? scale(b, -1) : b, a);                    // a − b = (−b) + a
  }
  const g = graphOf(fn, [a, b]);
  const { shape, broadcast } = binaryShape(fn, a.shape, b.shape);
  return g.apply(op, [a, b], shape, { broadcast });
}

/** a + b */
export const add = (a: Value | number, b: Value | number): Value => binary("add", addOp, a, b);
/** a − b */
export const sub = (a: Value | number, b: Value | number): Value => binary("sub", subOp, a, b);
/** a ⊙ b (elementwise) */
export const mul = (a: Value | number, b: Value | number): Value => binary("mul", mulOp as typeof addOp, a, b);

/** s · x */
export function scale(x: Value, s: number): Value {
  const g = graphOf("scale", [x]);
  return g.apply(scaleOp, [x], x.shape, { s: checkNumber("scale", "s", s) });
}

/** x + s */
export function addScalar(x: Value, s: number): Value {
  const g = graphOf("addScalar", [x]);
  return g.apply(addScalarOp, [x], x.shape, { s: checkNumber("addScalar", "s", s) });
}

export interface MatmulOptions { transposeA?: boolean; transposeB?: boolean }

/** op(a) · op(b). A batch value may only be `a`, untransposed: rows of a batch never mix. */
export function matmul(a: Value, b: Value, opts: MatmulOptions = {}): Value {
  const fn = "matmul", g = graphOf(fn, [a, b]);
  const tA = opts.transposeA ?? false, tB = opts.transposeB ?? false;
  const sa = a.shape, sb = b.shape;
  if (b.shape.batch || (sa.batch && tA)) {
    throw new RnnlabError(`${fn}: a batch value (${sa.batch ? fmtV(sa) : fmtV(sb)}) can only be the left operand, untransposed; rows of a batch must stay independent`);
  }
  const M = tA ? sa.cols : sa.rows, K = tA ? sa.rows : sa.cols, Kb = tB ? sb.cols : sb.rows, N = tB ? sb.rows : sb.cols;
  if (K !== Kb) {
    throw new RnnlabError(`${fn}: a has shape ${fmtV(sa)}${tA ? " (transposed)" : ""} and b has shape ${fmtV(sb)}${tB ? " (transposed)" : ""}; inner dimensions ${K} and ${Kb} differ`);
  }
  return g.apply(matmulOp, [a, b], { batch: sa.batch, rows: sa.batch ? -1 : M, cols: N }, { transposeA: tA, transposeB: tB, M, K, N });
}

/** f(x) for one of rnnlab's activation names ("sigmoid", "tanh", "relu", "softsign", "elu", …) */
export function activation(name: ActivationName, x: Value): Value {
  const g = graphOf("activation", [x]);
  return g.apply(actOp, [x], x.shape, { act: actCode("activation", "name", name), label: name });
}
export const sigmoid = (x: Value): Value => activation("sigmoid", x);
export const tanh = (x: Value): Value => activation("tanh", x);
export const relu = (x: Value): Value => activation("relu", x);
export const softsign = (x: Value): Value => activation("softsign", x);
export const elu = (x: Value): Value => activation("elu", x);
export const hardSigmoid = (x: Value): Value => activation("hardSigmoid", x);
export const hardSigmoidV3 = (x: Value): Value => activation("hardSigmoidV3", x);

/** Join values with the same rows along the feature axis. */
export function concat(values: Value[]): Value {
  const fn = "concat";
  if (!Array.isArray(values) || values.length === 0) fail(fn, "values", "a non-empty array of values", values);
  const g = graphOf(fn, values), s0 = values[0].shape;
  values.forEach((v, i) => {
    const s = v.shape;
    if (s.batch !== s0.batch || (!s.batch && s.rows !== s0.rows)) {
      throw new RnnlabError(`${fn}: values[${i}] has shape ${fmtV(s)}, expected the rows of values[0] ${fmtV(s0)}`);
    }
  });
  const widths = values.map((v) => v.shape.cols);
  return g.apply(concatOp, values, { batch: s0.batch, rows: s0.rows, cols: widths.reduce((a, b) => a + b, 0) }, { widths });
}

/** Columns [begin, begin + size) of x. */
export function slice(x: Value, begin: number, size: number): Value {
  const fn = "slice", g = graphOf(fn, [x]), W = x.shape.cols;
  checkInt(fn, "begin", begin, 0); checkInt(fn, "size", size, 1);
  if (begin + size > W) throw new RnnlabError(`${fn}: columns [${begin}, ${begin + size}) are outside x of shape ${fmtV(x.shape)}`);
  return g.apply(sliceOp, [x], { ...x.shape, cols: size }, { begin, size });
}

/** x cut along the features into n equal parts, or into parts of the given sizes (tf.split). */
export function split(x: Value, parts: number | number[]): Value[] {
  const fn = "split", W = graphOf(fn, [x]) && x.shape.cols;
  let sizes: number[];
  if (typeof parts === "number") {
    checkInt(fn, "parts", parts, 1);
    if (W % parts !== 0) throw new RnnlabError(`${fn}: x has ${W} columns, which do not split into ${parts} equal parts`);
    sizes = Array.from({ length: parts }, () => W / parts);
  } else {
    if (!Array.isArray(parts) || parts.length === 0) fail(fn, "parts", "a number or a non-empty array of sizes", parts);
    parts.forEach((p, i) => checkInt(fn, `parts[${i}]`, p, 1));
    if (parts.reduce((a, b) => a + b, 0) !== W) throw new RnnlabError(`${fn}: sizes ${JSON.stringify(parts)} add up to ${parts.reduce((a, b) => a + b, 0)}, x has ${W} columns`);
    sizes = parts;
  }
  let at = 0;
  return sizes.map((s) => { const v = slice(x, at, s); at += s; return v; });
}

export interface LayerNormOptions { epsilon?: number }

/** Normalise each row over its features, then · gamma + beta (row vectors, either may be null). */
export function layerNorm(x: Value, gamma: Value | null, beta: Value | null, opts: LayerNormOptions = {}): Value {
  const fn = "layerNorm", n = x.shape.cols;
  const epsilon = checkNumber(fn, "epsilon", opts.epsilon ?? 1e-12, 0);
  const ins = [x, ...(gamma ? [gamma] : []), ...(beta ? [beta] : [])];
  const g = graphOf(fn, ins);
  for (const [arg, v] of [["gamma", gamma], ["beta", beta]] as const) {
    if (v && !(isRow(v.shape) && v.shape.cols === n)) throw new RnnlabError(`${fn}: ${arg} has shape ${fmtV(v.shape)}, expected [${n}] like the features of x ${fmtV(x.shape)}`);
  }
  return g.apply(layerNormOp, ins, x.shape, { epsilon, gamma: gamma !== null, beta: beta !== null });
}
