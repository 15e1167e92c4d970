// The operators that exporters put around a recurrent node (PyTorch's torch.onnx.export, rnnlab's
// own export): layout changes (Transpose, Reshape, Squeeze, Unsqueeze, Concat, Slice, Gather),
// shape arithmetic (Shape, Constant, ConstantOfShape, Cast, Expand, Range), the output head (Gemm,
// MatMul, Add, Sub, Mul, Div), and what rnnlab's Scan-written projected LSTM uses (Split,
// ReverseSequence, Sigmoid, Tanh, Relu, Softsign, HardSigmoid, Elu, Less, Where).
// Semantics from onnx/docs/Operators.md for each opset the op had.
// Each op is compiled once at import (its attributes read strictly, see attributes.ts) into a
// function from input values to output values; anything else is refused by name at import.
import { RnnlabError, fmtShape } from "../../errors.ts";
import { NodeAttrs, nodeLabel, type AttrKind } from "./attributes.ts";
import type { NodeProto } from "./schema.ts";
import { ELEM_OF_DATA_TYPE, makeValue, sizeOfDims, valueOfTensor, type Value } from "./values.ts";
import { broadcastDims, broadcastIndex, castTo, gatherBy, matmul2d, normAxis, sliceValue, transpose } from "./value-ops.ts";

/** Input values by slot (null = absent) -> output values; `scope` is the running graph's (Scan reads it). */
type Known = Record<string, AttrKind>;
export type OpRun = (ins: (Value | null)[], scope?: unknown) => (Value | null)[];
type OpBuild = (a: NodeAttrs, opset: number, fail: (why: string) => never) => OpRun;

const intsOf = (v: Value): number[] => Array.from(v.data as ArrayLike<number>);
const isInt = (v: Value) => v.type === "int64" || v.type === "int32";
function need(ins: (Value | null)[], i: number, fail: (w: string) => never, what: string): Value {
  const v = ins[i];
  if (!v) fail(`input ${i} (${what}) is missing`);
  return v!;
}
/** A value of the same type with new dims and data taken through index map `src(i)`. */
function elementwise(f: (x: number, y: number) => number, name: string): OpBuild {
  return (_a, _o, fail) => (ins) => {
    const x = need(ins, 0, fail, "A"), y = need(ins, 1, fail, "B");
    if (x.type !== y.type) fail(`${name} of ${x.type} and ${y.type}`);
    const dims = broadcastDims(x.dims, y.dims, fail), ix = broadcastIndex(x.dims, dims), iy = broadcastIndex(y.dims, dims);
    const out = makeValue(x.type, dims), n = sizeOfDims(dims), integer = isInt(x);
    for (let i = 0; i < n; i++) {
      const r = f(x.data[ix(i)], y.data[iy(i)]);
      out.data[i] = integer ? Math.trunc(r) : r;
    }
    return [out];
  };
}

/** (M,K)·(K,N) on float data, with optional transposes; accumulates in float64. */
/** An elementwise float function (the activations a Scan body uses). */
function unary(make: (a: NodeAttrs) => (x: number) => number, attrs: Known = {}): { attrs: () => Known; build: OpBuild } {
  return {
    attrs: () => attrs,
    build: (a, _o, fail) => {
      const f = make(a);
      return (ins) => {
        const v = need(ins, 0, fail, "X");
        floatOnly(v, fail, "X");
        const out = makeValue(v.type, [...v.dims]);
        for (let i = 0; i < v.data.length; i++) out.data[i] = f(v.data[i]);
        return [out];
      };
    },
  };
}

const floatOnly = (v: Value, fail: (w: string) => never, what: string) => {
  if (v.type !== "float" && v.type !== "double") fail(`${what} is ${v.type}, expected float`);
};

const OPS: Record<string, { attrs: (opset: number) => Known; build: OpBuild }> = {
  Identity: { attrs: () => ({}), build: (_a, _o, fail) => (ins) => [need(ins, 0, fail, "input")] },
  Transpose: {
    attrs: () => ({ perm: "ints" }),
    build: (a, _o, fail) => (ins) => {
      const v = need(ins, 0, fail, "data"), r = v.dims.length;
      const perm = a.ints("perm") ?? v.dims.map((_, i) => r - 1 - i);
      if (perm.length !== r || [...perm].sort((x, y) => x - y).some((p, i) => p !== i)) fail(`perm [${perm}] is not a permutation of rank ${r}`);
      return [transpose(v, perm)];
    },
  },
  Reshape: {
    attrs: (o): Known => (o >= 14 ? { allowzero: "int" } : {}),
    build: (a, _o, fail) => {
      const allowzero = a.int("allowzero") ?? 0;
      if (allowzero !== 0 && allowzero !== 1) a.refuse("allowzero", "must be 0 or 1");
      return (ins) => {
        const v = need(ins, 0, fail, "data"), s = need(ins, 1, fail, "shape");
        if (!isInt(s)) fail("shape is not int64");
        const want = intsOf(s), n = sizeOfDims(v.dims);
        const dims = want.map((d, i) => (d === 0 && !allowzero ? v.dims[i] ?? fail(`shape [${want}] copies dim ${i}, which ${fmtShape(v.dims)} lacks`) : d));
        const free = dims.filter((d) => d === -1).length;
        if (free > 1) fail(`shape [${want}] has more than one -1`);
        const known = dims.filter((d) => d !== -1).reduce((x, y) => x * y, 1);
        if (free) dims[dims.indexOf(-1)] = known === 0 ? 0 : n / known;
        if (sizeOfDims(dims) !== n || dims.some((d) => !Number.isInteger(d) || d < 0)) fail(`cannot reshape ${fmtShape(v.dims)} to [${want}]`);
        return [{ ...v, dims }];
      };
    },
  },
  Squeeze: {
    attrs: (o): Known => (o < 13 ? { axes: "ints" } : {}),
    build: (a, opset, fail) => (ins) => {
      const v = need(ins, 0, fail, "data"), r = v.dims.length;
      const given = opset < 13 ? a.ints("axes") : ins[1] ? intsOf(ins[1]) : undefined;
      const axes = given ? given.map((x) => normAxis(x, r, fail)) : v.dims.flatMap((d, i) => (d === 1 ? [i] : []));
      axes.forEach((ax) => { if (v.dims[ax] !== 1) fail(`cannot squeeze axis ${ax} of ${fmtShape(v.dims)}`); });
      return [{ ...v, dims: v.dims.filter((_, i) => !axes.includes(i)) }];
    },
  },
  Unsqueeze: {
    attrs: (o): Known => (o < 13 ? { axes: "ints" } : {}),
    build: (a, opset, fail) => (ins) => {
      const v = need(ins, 0, fail, "data");
      const given = opset < 13 ? a.ints("axes") : ins[1] ? intsOf(ins[1]) : undefined;
      if (!given) fail("axes are missing");
      const r = v.dims.length + given!.length, axes = given!.map((x) => normAxis(x, r, fail));
      const dims: number[] = [];
      let from = 0;
      for (let i = 0; i < r; i++) dims.push(axes.includes(i) ? 1 : v.dims[from++]);
      return [{ ...v, dims }];
    },
  },
  Concat: {
    attrs: () => ({ axis: "int" }),
    build: (a, _o, fail) => {
      if (!a.has("axis")) fail("attribute axis is missing (it is required)");
      return (ins) => {
        const vs = ins.filter((v): v is Value => v !== null);
        if (!vs.length) fail("has no inputs");
        const r = vs[0].dims.length, ax = normAxis(a.int("axis")!, r, fail);
        vs.forEach((v) => {
          if (v.type !== vs[0].type || v.dims.length !== r || v.dims.some((d, i) => i !== ax && d !== vs[0].dims[i])) {
            fail(`cannot concatenate ${fmtShape(vs[0].dims)} ${vs[0].type} and ${fmtShape(v.dims)} ${v.type} on axis ${ax}`);
          }
        });
        const dims = [...vs[0].dims];
        dims[ax] = vs.reduce((s, v) => s + v.dims[ax], 0);
        const out = makeValue(vs[0].type, dims), outer = sizeOfDims(dims.slice(0, ax)), inner = sizeOfDims(dims.slice(ax + 1));
        let at = 0;
        for (let o = 0; o < outer; o++) for (const v of vs) {
          const w = v.dims[ax] * inner;
          for (let j = 0; j < w; j++) out.data[at++] = v.data[o * w + j];
        }
        return [out];
      };
    },
  },
  Slice: {
    attrs: (o): Known => (o < 10 ? { starts: "ints", ends: "ints", axes: "ints" } : {}),
    build: (a, opset, fail) => (ins) => {
      const v = need(ins, 0, fail, "data");
      const [starts, ends, axes, steps] = opset < 10
        ? [a.ints("starts") ?? fail("starts missing"), a.ints("ends") ?? fail("ends missing"), a.ints("axes"), undefined]
        : [intsOf(need(ins, 1, fail, "starts")), intsOf(need(ins, 2, fail, "ends")), ins[3] ? intsOf(ins[3]) : undefined, ins[4] ? intsOf(ins[4]) : undefined];
      if (ends.length !== starts.length) fail(`starts [${starts}] and ends [${ends}] differ in length`);
      return [sliceValue(v, starts, ends, axes ?? starts.map((_, i) => i), steps ?? starts.map(() => 1), fail)];
    },
  },
  Gather: {
    attrs: () => ({ axis: "int" }),
    build: (a, _o, fail) => (ins) => {
      const v = need(ins, 0, fail, "data"), idx = need(ins, 1, fail, "indices");
      if (!isInt(idx)) fail("indices are not integers");
      const ax = normAxis(a.int("axis") ?? 0, v.dims.length, fail), d = v.dims[ax];
      const ids = intsOf(idx).map((i) => {
        if (i < -d || i >= d) fail(`index ${i} is out of range for axis ${ax} of ${fmtShape(v.dims)}`);
        return i < 0 ? i + d : i;
      });
      const dims = [...v.dims.slice(0, ax), ...idx.dims, ...v.dims.slice(ax + 1)];
      const inner = sizeOfDims(v.dims.slice(ax + 1)), nIdx = ids.length;
      return [gatherBy(v, dims, (i) => {
        const o = Math.floor(i / (nIdx * inner)), j = Math.floor(i / inner) % nIdx, r = i % inner;
        return (o * d + ids[j]) * inner + r;
      })];
    },
  },
  Shape: {
    attrs: (o): Known => (o >= 15 ? { start: "int", end: "int" } : {}),
    build: (a) => (ins) => {
      const dims = ins[0]!.dims, r = dims.length;
      const clamp = (x: number) => Math.min(Math.max(x < 0 ? x + r : x, 0), r);
      const part = dims.slice(clamp(a.int("start") ?? 0), clamp(a.int("end") ?? r));
      return [makeValue("int64", [part.length], part)];
    },
  },
  Constant: {
    attrs: (o): Known => (o >= 12 ? { value: "tensor", value_float: "float", value_floats: "floats", value_int: "int", value_ints: "ints" } : { value: "tensor" }),
    build: (a, _o, fail) => {
      const t = a.tensor("value");
      const value: Value = t ? valueOfTensor(t, `${a.where}: ${nodeLabel(a.node)} attribute value`)
        : a.has("value_float") ? makeValue("float", [], Float32Array.of(a.float("value_float")!))
        : a.has("value_floats") ? makeValue("float", [a.floats("value_floats")!.length], Float32Array.from(a.floats("value_floats")!))
        : a.has("value_int") ? makeValue("int64", [], [a.int("value_int")!])
        : a.has("value_ints") ? makeValue("int64", [a.ints("value_ints")!.length], a.ints("value_ints")!)
        : fail("has no value attribute");
      return () => [value];
    },
  },
  ConstantOfShape: {
    attrs: () => ({ value: "tensor" }),
    build: (a, _o, fail) => {
      const t = a.tensor("value"), fill = t ? valueOfTensor(t, `${a.where}: ${nodeLabel(a.node)} attribute value`) : makeValue("float", [1], Float32Array.of(0));
      if (fill.data.length !== 1) a.refuse("value", "must hold one element");
      return (ins) => {
        const dims = intsOf(need(ins, 0, fail, "input"));
        if (dims.some((d) => d < 0)) fail(`shape [${dims}] has a negative dim`);
        const out = makeValue(fill.type, dims);
        out.data.fill(fill.data[0] as never);
        return [out];
      };
    },
  },
  Expand: {
    attrs: () => ({}),
    build: (_a, _o, fail) => (ins) => {
      const v = need(ins, 0, fail, "input"), dims = broadcastDims(v.dims, intsOf(need(ins, 1, fail, "shape")), fail);
      return [gatherBy(v, dims, broadcastIndex(v.dims, dims))];
    },
  },
  Cast: {
    attrs: (o): Known => (o >= 19 ? { to: "int", saturate: "int" } : { to: "int" }),
    build: (a, _o, fail) => {
      const to = ELEM_OF_DATA_TYPE[a.int("to") ?? -1];
      if (!to) a.refuse("to", "is not a supported type (FLOAT, DOUBLE, INT64, INT32, BOOL)");
      if ((a.int("saturate") ?? 1) !== 1) a.refuse("saturate", "only applies to float8 types, which are not supported");
      return (ins) => [castTo(need(ins, 0, fail, "input"), to)];
    },
  },
  Gemm: {
    attrs: () => ({ alpha: "float", beta: "float", transA: "int", transB: "int" }),
    build: (a, _o, fail) => {
      const alpha = a.float("alpha") ?? 1, beta = a.float("beta") ?? 1, ta = (a.int("transA") ?? 0) === 1, tb = (a.int("transB") ?? 0) === 1;
      return (ins) => {
        const A = need(ins, 0, fail, "A"), B = need(ins, 1, fail, "B"), C = ins[2];
        floatOnly(A, fail, "A"); floatOnly(B, fail, "B");
        if (A.dims.length !== 2 || B.dims.length !== 2) fail(`A ${fmtShape(A.dims)} and B ${fmtShape(B.dims)} must be matrices`);
        const [M, K] = ta ? [A.dims[1], A.dims[0]] : A.dims, [K2, N] = tb ? [B.dims[1], B.dims[0]] : B.dims;
        if (K !== K2) fail(`A ${fmtShape(A.dims)} and B ${fmtShape(B.dims)} do not multiply (transA ${+ta}, transB ${+tb})`);
        const acc = new Float64Array(M * N);
        matmul2d(A.data, B.data, M, K, N, ta, tb, acc);
        const out = makeValue(A.type, [M, N]), add = C ? broadcastIndex(C.dims, [M, N]) : null;
        if (C) broadcastDims(C.dims, [M, N], fail);
        for (let i = 0; i < M * N; i++) out.data[i] = alpha * acc[i] + (C ? beta * C.data[add!(i)] : 0);
        return [out];
      };
    },
  },
  MatMul: {
    attrs: () => ({}),
    build: (_a, _o, fail) => (ins) => {
      const A = need(ins, 0, fail, "A"), B = need(ins, 1, fail, "B");
      floatOnly(A, fail, "A"); floatOnly(B, fail, "B");
      if (A.dims.length < 2 || B.dims.length < 2) fail(`A ${fmtShape(A.dims)} and B ${fmtShape(B.dims)}: vectors are not supported`);
      const [M, K] = A.dims.slice(-2), [K2, N] = B.dims.slice(-2);
      if (K !== K2) fail(`A ${fmtShape(A.dims)} and B ${fmtShape(B.dims)} do not multiply`);
      const batch = broadcastDims(A.dims.slice(0, -2), B.dims.slice(0, -2), fail), nb = sizeOfDims(batch);
      const ia = broadcastIndex(A.dims.slice(0, -2), batch), ib = broadcastIndex(B.dims.slice(0, -2), batch);
      const acc = new Float64Array(nb * M * N);
      for (let i = 0; i < nb; i++) matmul2d(A.data, B.data, M, K, N, false, false, acc, i * M * N, ia(i) * M * K, ib(i) * K * N);
      const out = makeValue(A.type, [...batch, M, N]);
      for (let i = 0; i < acc.length; i++) out.data[i] = acc[i];
      return [out];
    },
  },
  Split: {
    attrs: (o): Known => (o < 13 ? { axis: "int", split: "ints" } : o >= 18 ? { axis: "int", num_outputs: "int" } : { axis: "int" }),
    build: (a, opset, fail) => {
      const outputs = (a.node.output ?? []).length;
      return (ins) => {
        const v = need(ins, 0, fail, "input"), ax = normAxis(a.int("axis") ?? 0, v.dims.length, fail), d = v.dims[ax];
        let sizes = opset < 13 ? a.ints("split") : ins[1] ? intsOf(ins[1]) : undefined;
        if (!sizes) {
          const parts = a.int("num_outputs") ?? outputs, each = Math.ceil(d / parts);
          sizes = Array.from({ length: parts }, (_, i) => Math.max(0, Math.min(each, d - i * each)));
        }
        if (sizes.length !== outputs || sizes.reduce((x, y) => x + y, 0) !== d) fail(`split [${sizes}] does not divide axis ${ax} of ${fmtShape(v.dims)} into ${outputs} outputs`);
        let at = 0;
        return sizes.map((n) => { const part = sliceValue(v, [at], [at + n], [ax], [1], fail); at += n; return part; });
      };
    },
  },
  Range: {
    attrs: () => ({}),
    build: (_a, _o, fail) => (ins) => {
      const [start, limit, delta] = [0, 1, 2].map((i) => need(ins, i, fail, ["start", "limit", "delta"][i]));
      const s0 = start.data[0], l = limit.data[0], dl = delta.data[0];
      if (!dl) fail("delta is 0");
      const n = Math.max(Math.ceil((l - s0) / dl), 0), out = makeValue(start.type, [n]);   // makeValue bounds n
      for (let i = 0; i < n; i++) out.data[i] = s0 + i * dl;
      return [out];
    },
  },
  ReverseSequence: {
    attrs: () => ({ batch_axis: "int", time_axis: "int" }),
    build: (a, _o, fail) => {
      const batchAxis = a.int("batch_axis") ?? 1, timeAxis = a.int("time_axis") ?? 0;
      if (!((batchAxis === 1 && timeAxis === 0) || (batchAxis === 0 && timeAxis === 1))) fail(`batch_axis ${batchAxis} / time_axis ${timeAxis} must be 1 / 0 or 0 / 1`);
      return (ins) => {
        const v = need(ins, 0, fail, "input"), lens = intsOf(need(ins, 1, fail, "sequence_lens"));
        const T = v.dims[timeAxis], Bn = v.dims[batchAxis], inner = sizeOfDims(v.dims.slice(2));
        if (lens.length !== Bn || lens.some((l) => l < 0 || l > T)) fail(`sequence_lens [${lens}] do not fit ${fmtShape(v.dims)}`);
        const at = (t: number, b: number) => (timeAxis === 0 ? t * Bn + b : b * T + t) * inner;
        const out = makeValue(v.type, [...v.dims]);
        for (let b = 0; b < Bn; b++) for (let t = 0; t < T; t++) {
          const src = t < lens[b] ? lens[b] - 1 - t : t;
          for (let j = 0; j < inner; j++) out.data[at(t, b) + j] = v.data[at(src, b) + j];
        }
        return [out];
      };
    },
  },
  Sigmoid: unary(() => (x) => 1 / (1 + Math.exp(-x))),
  Tanh: unary(() => Math.tanh),
  Relu: unary(() => (x) => (x > 0 ? x : 0)),
  Softsign: unary(() => (x) => x / (1 + Math.abs(x))),
  HardSigmoid: unary((a) => { const al = a.float("alpha") ?? 0.2, be = a.float("beta") ?? 0.5; return (x) => Math.min(1, Math.max(0, al * x + be)); }, { alpha: "float", beta: "float" }),
  Elu: unary((a) => { const al = a.float("alpha") ?? 1; return (x) => (x >= 0 ? x : al * Math.expm1(x)); }, { alpha: "float" }),
  Less: {
    attrs: () => ({}),
    build: (_a, _o, fail) => (ins) => {
      const x = need(ins, 0, fail, "A"), y = need(ins, 1, fail, "B"), dims = broadcastDims(x.dims, y.dims, fail);
      const ix = broadcastIndex(x.dims, dims), iy = broadcastIndex(y.dims, dims);
      return [makeValue("bool", dims, Array.from({ length: sizeOfDims(dims) }, (_, i) => (x.data[ix(i)] < y.data[iy(i)] ? 1 : 0)))];
    },
  },
  Where: {
    attrs: () => ({}),
    build: (_a, _o, fail) => (ins) => {
      const c = need(ins, 0, fail, "condition"), x = need(ins, 1, fail, "X"), y = need(ins, 2, fail, "Y");
      if (x.type !== y.type) fail(`X is ${x.type}, Y is ${y.type}`);
      const dims = broadcastDims(broadcastDims(c.dims, x.dims, fail), y.dims, fail);
      const ic = broadcastIndex(c.dims, dims), ix = broadcastIndex(x.dims, dims), iy = broadcastIndex(y.dims, dims);
      const out = makeValue(x.type, dims);
      for (let i = 0; i < out.data.length; i++) out.data[i] = c.data[ic(i)] ? x.data[ix(i)] : y.data[iy(i)];
      return [out];
    },
  },
  Add: { attrs: () => ({}), build: elementwise((x, y) => x + y, "Add") },
  Sub: { attrs: () => ({}), build: elementwise((x, y) => x - y, "Sub") },
  Mul: { attrs: () => ({}), build: elementwise((x, y) => x * y, "Mul") },
  Div: { attrs: () => ({}), build: elementwise((x, y) => x / y, "Div") },
};
export const GRAPH_OPS = Object.keys(OPS);

/** Compile node `n` (not a recurrent one) or refuse it by name. */
export function compileOp(n: NodeProto, opset: number, where: string): OpRun {
  const op = OPS[n.opType ?? ""];
  const fail = (why: string): never => { throw new RnnlabError(`${where}: ${nodeLabel(n)} ${why}`); };
  if (!op) fail(`is not supported: rnnlab imports RNN, LSTM, GRU and the operators exporters put around them (${GRAPH_OPS.join(", ")})`);
  const attrs = new NodeAttrs(n, where, op.attrs(opset), opset);
  return op.build(attrs, opset, fail);
}

