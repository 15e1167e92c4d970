// One ONNX RNN / LSTM / GRU node (onnx/docs/Operators.md, opsets 7, 14 and 22) run by rnnlab's
// cells. planRecurrent reads every attribute and input slot once, at import, and either maps it to
// the cell configuration that computes exactly the operator's formula or refuses it by name:
//   hidden_size          H (must agree with R; taken from R when absent)
//   direction            forward | reverse | bidirectional -> one cell per direction; reverse runs
//                        each row's valid prefix backwards (the operator's rule with sequence_lens)
//   layout (opset ≥ 14)  0: X [T,B,D], Y [T,dirs,B,H], states [dirs,B,H]; 1: [B,T,D], [B,T,dirs,H], [B,dirs,H]
//   activations, activation_alpha, activation_beta   see onnx-activations.ts; LSTM needs g = h
//   linear_before_reset  GRU 1 = reset after (PyTorch), 0 = reset before (TF-1 GRUCell)
//   input_forget         LSTM 0 only (coupled gates are not a cell option)
//   clip                 refused: it clips the pre-activations of every gate, no cell does that
//   inputs               X W R [B] [sequence_lens] [initial_h] [initial_c] [P]; P -> peepholes
//   outputs              Y Y_h [Y_c], any of them may be absent
// runRecurrent then checks the shapes of the run's values and runs one UniStack per direction.
import { RnnlabError, fmtShape } from "../../errors.ts";
import { createCell, type Cell, type CellKind } from "../../cells/index.ts";
import type { ActivationName } from "../../cells/activation-names.ts";
import { defaultKernels } from "../../kernels/index.ts";
import { Owned } from "../../kernels/owner.ts";
import type { Views } from "../../params/layout.ts";
import { sizeOf } from "../../params/layout.ts";
import { UniStack } from "../../seq/uni-stack.ts";
import { fromOnnxDirection } from "./gates.ts";
import { NodeAttrs, nodeLabel, type AttrKind } from "./attributes.ts";
import { assignParams, onnxActivationName, rnnlabActivation, showActivation, ONNX_ACTIVATION_NAMES } from "./onnx-activations.ts";
import type { NodeProto } from "./schema.ts";
import { makeValue, type Value } from "./values.ts";

export const RECURRENT_OPS = { RNN: "rnn", LSTM: "lstm", GRU: "gru" } as const;
const GATES: Record<CellKind, number> = { rnn: 1, lstm: 4, gru: 3 };
const FUNCS: Record<CellKind, number> = { rnn: 1, lstm: 3, gru: 2 };
const DEFAULT_ACTS: Record<CellKind, string[]> = { rnn: ["Tanh"], lstm: ["Sigmoid", "Tanh", "Tanh"], gru: ["Sigmoid", "Tanh"] };
const INPUTS: Record<CellKind, string[]> = {
  rnn: ["X", "W", "R", "B", "sequence_lens", "initial_h"],
  gru: ["X", "W", "R", "B", "sequence_lens", "initial_h"],
  lstm: ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"],
};
const OUTPUTS: Record<CellKind, string[]> = { rnn: ["Y", "Y_h"], gru: ["Y", "Y_h"], lstm: ["Y", "Y_h", "Y_c"] };

export interface DirectionPlan { reverse: boolean; activation: ActivationName; gateActivation: ActivationName }
export interface RecurrentPlan {
  kind: CellKind;
  label: string;
  hiddenSize: number | null;
  layout: 0 | 1;
  resetAfter: boolean;
  directions: DirectionPlan[];
  /** input names by slot ("" = absent) and output names by slot */
  inputs: string[];
  outputs: string[];
}

function knownAttributes(kind: CellKind, opset: number): Record<string, AttrKind> {
  const known: Record<string, AttrKind> = {
    activation_alpha: "floats", activation_beta: "floats", activations: "strings", clip: "float", direction: "string", hidden_size: "int",
  };
  if (opset >= 14) known.layout = "int";
  if (kind === "lstm") known.input_forget = "int";
  if (kind === "gru") known.linear_before_reset = "int";
  return known;
}

/** Check every attribute and slot of `n`, refusing what the cells cannot compute exactly. */
export function planRecurrent(n: NodeProto, opset: number, where: string): RecurrentPlan {
  const kind = RECURRENT_OPS[n.opType as keyof typeof RECURRENT_OPS], label = nodeLabel(n);
  const refuse = (why: string): never => { throw new RnnlabError(`${where}: ${label} ${why}`); };
  if (opset < 7 || opset > 22) refuse(`is from opset ${opset}; rnnlab reads the recurrent operators of opsets 7 to 22`);
  const a = new NodeAttrs(n, where, knownAttributes(kind, opset), opset);

  const direction = a.string("direction") ?? "forward";
  if (!["forward", "reverse", "bidirectional"].includes(direction)) a.refuse("direction", "must be forward, reverse or bidirectional");
  const dirs = direction === "bidirectional" ? 2 : 1;
  const hiddenSize = a.int("hidden_size") ?? null;
  if (hiddenSize !== null && !(hiddenSize >= 1)) a.refuse("hidden_size", "must be at least 1");
  const layout = a.int("layout") ?? 0;
  if (layout !== 0 && layout !== 1) a.refuse("layout", "must be 0 (time-major) or 1 (batch-major)");
  if (a.has("clip")) {
    a.refuse("clip", "is not supported: ONNX clips the input of every gate activation to [−clip, clip], which no rnnlab cell does "
      + "(TF-1's cellClip clips the cell state instead)");
  }
  const inputForget = a.int("input_forget") ?? 0;
  if (inputForget === 1) a.refuse("input_forget", "is not supported: coupling the input and forget gates (f = 1 − i) is not an rnnlab cell option");
  if (inputForget !== 0) a.refuse("input_forget", "must be 0 or 1");
  const lbr = a.int("linear_before_reset") ?? 0;
  if (lbr !== 0 && lbr !== 1) a.refuse("linear_before_reset", "must be 0 or 1");

  const perDir = FUNCS[kind];
  const given = a.strings("activations");
  const names = (given ?? Array.from({ length: dirs }, () => DEFAULT_ACTS[kind]).flat()).map((s) => {
    const canon = onnxActivationName(s);
    if (!canon) a.refuse("activations", `names "${s}", which is not an ONNX activation (${ONNX_ACTIVATION_NAMES.join(", ")})`);
    return canon!;
  });
  if (names.length !== dirs * perDir) {
    a.refuse("activations", `has ${names.length} entries; ${n.opType} ${direction} needs ${dirs * perDir} (${perDir} per direction)`);
  }
  const params = assignParams(names, a.floats("activation_alpha") ?? [], a.floats("activation_beta") ?? []);
  if (typeof params === "string") return a.refuse(a.has("activation_alpha") ? "activation_alpha" : "activations", `cannot be mapped: ${params}`);
  const mapped = params.map((p, i) => {
    const ours = rnnlabActivation(p);
    if (!ours) a.refuse("activations", `entry ${i} ${showActivation(p)} has no exact rnnlab activation (tanh, sigmoid, relu, softsign, `
      + "hard sigmoid with alpha 0.2 or 1/6 and beta 0.5, elu with alpha 1, linear)");
    return ours!;
  });
  const directions = Array.from({ length: dirs }, (_, d): DirectionPlan => {
    const acts = mapped.slice(d * perDir, (d + 1) * perDir);
    if (kind === "lstm" && acts[1] !== acts[2]) {
      a.refuse("activations", `uses ${acts[1]} for the candidate (g) and ${acts[2]} for the cell output (h) in direction ${d}; `
        + "rnnlab's LSTM uses one activation for both");
    }
    const reverse = direction === "reverse" || d === 1;
    return kind === "rnn" ? { reverse, activation: acts[0], gateActivation: "sigmoid" } : { reverse, activation: acts[1], gateActivation: acts[0] };
  });

  const inputs = [...(n.input ?? [])], outputs = [...(n.output ?? [])];
  if (inputs.length > INPUTS[kind].length) refuse(`has ${inputs.length} inputs; ${n.opType} takes at most ${INPUTS[kind].length} (${INPUTS[kind].join(", ")})`);
  if (outputs.length > OUTPUTS[kind].length) refuse(`has ${outputs.length} outputs; ${n.opType} gives at most ${OUTPUTS[kind].length} (${OUTPUTS[kind].join(", ")})`);
  for (const slot of [0, 1, 2]) if (!inputs[slot]) refuse(`input ${INPUTS[kind][slot]} is missing (it is required)`);
  while (inputs.length < INPUTS[kind].length) inputs.push("");
  while (outputs.length < OUTPUTS[kind].length) outputs.push("");
  return { kind, label, hiddenSize, layout: layout as 0 | 1, resetAfter: lbr === 1, directions, inputs, outputs };
}

/** values by input slot (null = absent) -> values by output slot (null = not requested). */
export function runRecurrent(plan: RecurrentPlan, ins: (Value | null)[], where: string): (Value | null)[] {
  const { kind, layout } = plan, dirs = plan.directions.length, names = INPUTS[kind];
  const refuse = (why: string): never => { throw new RnnlabError(`${where}: ${plan.label} ${why}`); };
  const float = (slot: number, dims: number[] | null): Float32Array | null => {
    const v = ins[slot];
    if (!v) return null;
    if (v.type !== "float") refuse(`input ${names[slot]} ("${plan.inputs[slot]}") is ${v.type}; rnnlab runs recurrent nodes in float32`);
    if (dims && fmtShape(v.dims) !== fmtShape(dims)) refuse(`input ${names[slot]} ("${plan.inputs[slot]}") has shape ${fmtShape(v.dims)}, expected ${fmtShape(dims)}`);
    return v.data as Float32Array;
  };
  const X = ins[0]!, R = ins[2]!;
  if (X.dims.length !== 3) refuse(`input X has shape ${fmtShape(X.dims)}, expected rank 3`);
  if (R.dims.length !== 3) refuse(`input R has shape ${fmtShape(R.dims)}, expected [${dirs}, gates·H, H]`);
  const H = plan.hiddenSize ?? R.dims[2];
  const [T, B, D] = layout === 0 ? X.dims : [X.dims[1], X.dims[0], X.dims[2]];
  const G = GATES[kind] * H;
  const x = float(0, null)!, W = float(1, [dirs, G, D])!, Rm = float(2, [dirs, G, H])!;
  const bias = float(3, [dirs, 2 * G]) ?? new Float32Array(dirs * 2 * G);
  const stateDims = layout === 0 ? [dirs, B, H] : [B, dirs, H];
  const h0 = float(5, stateDims), c0 = kind === "lstm" ? float(6, stateDims) : null;
  const P = kind === "lstm" ? float(7, [dirs, 3 * H]) : null;
  let lengths: Int32Array | null = null;
  const lensValue = ins[4];
  if (lensValue) {
    if (lensValue.type !== "int32" || fmtShape(lensValue.dims) !== fmtShape([B])) {
      refuse(`input sequence_lens is ${lensValue.type} ${fmtShape(lensValue.dims)}, expected int32 [${B}]`);
    }
    lengths = Int32Array.from(lensValue.data as number[]);
    lengths.forEach((len, b) => { if (len < 1 || len > T) refuse(`input sequence_lens[${b}] is ${len}, expected 1 to ${T} (the sequence length)`); });
  }
  if (T < 1 || B < 1) refuse(`input X has shape ${fmtShape(X.dims)}: empty sequences are not run`);

  const xTime = layout === 0 ? x : swap01(x, B, T, D);
  const k = defaultKernels(), owned = new Owned(k, "float32");
  const Y = new Float32Array(T * dirs * B * H), Yh = new Float32Array(dirs * B * H), Yc = new Float32Array(dirs * B * H);
  try {
    plan.directions.forEach((dp, d) => {
      const cell = createCell(kind, {
        inputSize: D, hiddenSize: H, biases: 2, activation: dp.activation,
        ...(kind === "rnn" ? {} : { gateActivation: dp.gateActivation }),
        ...(kind === "lstm" ? { usePeepholes: P !== null } : {}), ...(kind === "gru" ? { resetAfter: plan.resetAfter } : {}),
      }, `importOnnx ${plan.label}`);
      const views = viewsFor(owned, cell);
      fromOnnxDirection(cell.config, views, {
        W: W.subarray(d * G * D, (d + 1) * G * D), R: Rm.subarray(d * G * H, (d + 1) * G * H),
        B: bias.subarray(d * 2 * G, (d + 1) * 2 * G), P: P ? P.subarray(d * 3 * H, (d + 1) * 3 * H) : null,
      });
      const stack = new UniStack(k, [cell], T, B, "float32", dp.reverse);
      try {
        stack.forward(xTime, [cell.weights(views)], [{ h: stateOf(h0, d, dirs, B, H, layout), c: stateOf(c0, d, dirs, B, H, layout) }], lengths);
        const out = stack.outputs, fin = stack.final(0);
        for (let t = 0; t < T; t++) Y.set(out.subarray(t * B * H, (t + 1) * B * H), (t * dirs + d) * B * H);  // Y [T, dirs, B, H]
        Yh.set(fin.h!.subarray(0, B * H), d * B * H);
        if (fin.c) Yc.set(fin.c.subarray(0, B * H), d * B * H);
      } finally { stack.dispose(); }
    });
  } finally { owned.freeAll(); }
  const want = (slot: number) => !!plan.outputs[slot];
  const state = (buf: Float32Array) => layout === 0 ? makeValue("float", [dirs, B, H], buf) : makeValue("float", [B, dirs, H], swap01(buf, dirs, B, H));
  return [
    want(0) ? (layout === 0 ? makeValue("float", [T, dirs, B, H], Y) : makeValue("float", [B, T, dirs, H], swap01(Y, T, dirs * B, H, dirs))) : null,
    want(1) ? state(Yh) : null,
    kind === "lstm" && want(2) ? state(Yc) : null,
  ];
}

/** Fresh, zeroed parameter views for `cell` from the kernels' allocator. */
function viewsFor(owned: Owned, cell: Cell): Views {
  const views: Views = {};
  for (const s of cell.specs) views[s.name] = owned.alloc(sizeOf(s.shape)).fill(0);
  return views;
}

/** Direction d's (B, H) initial state from [dirs, B, H] (layout 0) or [B, dirs, H] (layout 1). */
function stateOf(s: Float32Array | null, d: number, dirs: number, B: number, H: number, layout: 0 | 1): Float32Array | null {
  if (!s) return null;
  if (layout === 0) return s.subarray(d * B * H, (d + 1) * B * H);
  const out = new Float32Array(B * H);
  for (let b = 0; b < B; b++) out.set(s.subarray((b * dirs + d) * H, (b * dirs + d + 1) * H), b * H);
  return out;
}

/**
 * Swap the two leading axes of (a, b, W) -> (b, a, W). With `split` = dirs, the input is
 * (T, dirs·B, H) = [T, dirs, B, H] and the output [B, T, dirs, H] (layout 1's Y).
 */
function swap01(inp: Float32Array, a: number, b: number, W: number, split = 0): Float32Array {
  const out = new Float32Array(inp.length);
  if (split) {                                   // [T, dirs, B, H] -> [B, T, dirs, H]
    const T = a, dirs = split, B = b / dirs;
    for (let t = 0; t < T; t++) for (let d = 0; d < dirs; d++) for (let r = 0; r < B; r++) {
      out.set(inp.subarray(((t * dirs + d) * B + r) * W, ((t * dirs + d) * B + r + 1) * W), ((r * T + t) * dirs + d) * W);
    }
    return out;
  }
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) out.set(inp.subarray((i * b + j) * W, (i * b + j + 1) * W), (j * a + i) * W);
  return out;
}
