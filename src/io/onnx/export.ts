// ONNX export of recurrent models (opset 14): one ONNX RNN / LSTM / GRU node per layer, both
// directions in the node ("bidirectional"), with
//   inputs  x [T, B, D] ([B, T, D] when batch-first), lengths int32 [B] (opts.lengths: sequence_lens),
//           h0 [L·dirs, B, H], c0 (opts.initialState; layer export only)
//   outputs output [T, B, dirs·H] ([B, T, …] batch-first), and the final states: hN, cN [L·dirs, B, H]
//           for a layer; h_<l>, c_<l> [1, B, H_l] per layer for TF-1 cells (their sizes may differ).
// Between layers, Y [T, dirs, B, H] becomes [T, B, dirs·H] (Transpose 0,2,1,3 then Reshape 0,0,-1),
// which is exactly the next layer's input (forward ‖ backward features), as in PyTorch.
// GRU: linear_before_reset = 1 is PyTorch's / cuDNN's reset-after formula, 0 is TF-1 GRUCell's.
// An LSTM with projection, which the ONNX LSTM operator cannot express, becomes an equivalent
// Scan subgraph per direction (projected-lstm.ts).
// Weights are written as float32 (float64 models are rounded). The file is written atomically.
import type { Recurrent } from "../../layers/recurrent.ts";
import type { RNNCellLike } from "../../nn/cells.ts";
import { attr, floatTensor, int64Tensor, INT64, node, valueInfo, type ModelProto, type NodeProto, type TensorProto } from "./proto.ts";
import { encodeModelProto } from "./codec.ts";
import { projectedLstm } from "./projected-lstm.ts";
import { ONNX_ACTIVATION, stackOf, type OnnxLayer, type OnnxStack } from "./stack.ts";
import { toOnnxDirection } from "./gates.ts";
import { writeFileAtomic } from "../atomic-file.ts";
import { checkKnownKeys, RnnlabError } from "../../errors.ts";

export interface OnnxExportOptions {
  /** add the int32 input "lengths" [B], fed to every layer as sequence_lens */
  lengths?: boolean;
  /** add inputs "h0" (and "c0" for LSTM) [L·dirs, B, H] (layers only) */
  initialState?: boolean;
  /** the graph's name */
  name?: string;
}

export const ONNX_OPSET = 14;
const OP = { rnn: "RNN", lstm: "LSTM", gru: "GRU" } as const;

/** activations, activation_alpha, activation_beta of one layer (per direction: f, g, h in the operator's order). */
function activationAttrs(layer: OnnxLayer) {
  const c = layer.config;
  const perDir = c.kind === "rnn" ? [c.activation] : c.kind === "gru" ? [c.gateActivation, c.activation]
    : [c.gateActivation, c.activation, c.activation];
  const funcs = layer.directions.flatMap(() => perDir).map((a) => ONNX_ACTIVATION[a]);
  const attrs = [attr("activations", funcs.map((f) => f.name))];
  // alpha / beta are consumed in order by the activations that take them (onnxruntime's RNN helpers)
  const withParams = funcs.filter((f) => f.alpha !== undefined);
  if (withParams.length) {
    attrs.push(attr("activation_alpha", withParams.map((f) => f.alpha!), "floats"));
    const betas = withParams.filter((f) => f.beta !== undefined).map((f) => f.beta!);
    if (betas.length) attrs.push(attr("activation_beta", betas, "floats"));
  }
  return attrs;
}

/** The initializers W, R, B (and P) of one layer, directions stacked on the first axis. */
function layerWeights(layer: OnnxLayer, l: number): { tensors: TensorProto[]; names: string[] } {
  const c = layer.config, dirs = layer.directions.length, G = c.gateRows, H = c.hiddenSize;
  const parts = layer.directions.map((v) => toOnnxDirection(c, v));
  const cat = (pick: (p: (typeof parts)[number]) => Float32Array) => {
    const out = new Float32Array(parts.reduce((n, p) => n + pick(p).length, 0));
    let at = 0;
    for (const p of parts) { out.set(pick(p), at); at += pick(p).length; }
    return out;
  };
  const tensors = [
    floatTensor(`W_${l}`, [dirs, G, c.inputSize], cat((p) => p.W)),
    floatTensor(`R_${l}`, [dirs, G, c.outputSize], cat((p) => p.R)),
    floatTensor(`B_${l}`, [dirs, 2 * G], cat((p) => p.B)),
  ];
  const names = [`W_${l}`, `R_${l}`, `B_${l}`];
  if (parts[0].P) { tensors.push(floatTensor(`P_${l}`, [dirs, 3 * H], cat((p) => p.P!))); names.push(`P_${l}`); }
  return { tensors, names };
}

/** Initializers some node (or Scan body node) reads; helpers are shared, so not every one is used. */
function usedOnly(inits: TensorProto[], nodes: NodeProto[]): TensorProto[] {
  const used = new Set<string>();
  const visit = (ns: NodeProto[]) => ns.forEach((n) => {
    (n.input ?? []).forEach((i) => used.add(i));
    (n.attribute ?? []).forEach((a) => { if (a.g) visit(a.g.node ?? []); });
  });
  visit(nodes);
  return inits.filter((t) => used.has(t.name ?? ""));
}

/** What the Scan subgraphs need: batch_dim [1] (int64), and with lengths steps = 0..T−1 and lengths64. */
function scanHelpers(nodes: NodeProto[], inits: TensorProto[], x: string, lengths: boolean): void {
  inits.push(int64Tensor("one_dim_from", [1]), int64Tensor("one_dim_to", [2]), int64Tensor("i64_zero", [0], []), int64Tensor("i64_one", [1], []));
  nodes.push(node("Shape", [x], ["x_shape"]), node("Slice", ["x_shape", "one_dim_from", "one_dim_to"], ["batch_dim"]));
  if (!lengths) return;
  nodes.push(node("Gather", ["x_shape", "i64_zero"], ["time_steps"], [attr("axis", 0)]),
    node("Range", ["i64_zero", "time_steps", "i64_one"], ["steps"]),
    node("Cast", ["lengths"], ["lengths64"], [attr("to", INT64)]));
}

/** The ONNX model (not yet encoded) for a stack. */
export function buildOnnxModel(stack: OnnxStack, opts: OnnxExportOptions = {}): ModelProto {
  const nodes: NodeProto[] = [], inits: TensorProto[] = [];
  const first = stack.layers[0].config, last = stack.layers[stack.layers.length - 1];
  const L = stack.layers.length, dirs = stack.layers[0].directions.length, lstm = first.kind === "lstm";
  const T = "time", Bn = "batch";
  const inputs = [valueInfo("x", "float", stack.batchFirst ? [Bn, T, first.inputSize] : [T, Bn, first.inputSize])];
  if (opts.lengths) inputs.push(valueInfo("lengths", "int32", [Bn]));
  if (opts.initialState) {
    inputs.push(valueInfo("h0", "float", [L * dirs, Bn, first.outputSize]));
    if (lstm) inputs.push(valueInfo("c0", "float", [L * dirs, Bn, first.hiddenSize]));
  }
  let x = "x";
  if (stack.batchFirst) { nodes.push(node("Transpose", ["x"], ["x_time_major"], [attr("perm", [1, 0, 2])])); x = "x_time_major"; }
  inits.push(int64Tensor("merge_directions", [0, 0, -1]));
  const projected = stack.layers.some((layer) => layer.config.kind === "lstm" && layer.config.projSize > 0);
  if (projected) scanHelpers(nodes, inits, x, !!opts.lengths);
  stack.layers.forEach((layer, l) => {
    const c = layer.config;
    const state = (name: string) => {
      if (!opts.initialState || (name === "c0" && c.kind !== "lstm")) return "";
      inits.push(int64Tensor(`${name}_from_${l}`, [l * dirs]), int64Tensor(`${name}_to_${l}`, [(l + 1) * dirs]), int64Tensor(`${name}_axis_${l}`, [0]));
      nodes.push(node("Slice", [name, `${name}_from_${l}`, `${name}_to_${l}`, `${name}_axis_${l}`], [`${name}_${l}`]));
      return `${name}_${l}`;
    };
    if (c.kind === "lstm" && c.projSize > 0) {
      const next = l === L - 1 && !stack.batchFirst ? "output" : `y_${l}`;
      const sub = projectedLstm({ l, config: c, directions: layer.directions, x, lengths64: opts.lengths ? "lengths64" : null,
        h0: state("h0") || null, c0: state("c0") || null, batchDim: "batch_dim", steps: "steps" }, next);
      nodes.push(...sub.nodes); inits.push(...sub.inits);
      x = next;
      return;
    }
    const w = layerWeights(layer, l);
    inits.push(...w.tensors);
    const ins = [x, w.names[0], w.names[1], w.names[2], opts.lengths ? "lengths" : "", state("h0"), state("c0"), w.names[3] ?? ""];
    while (ins[ins.length - 1] === "") ins.pop();
    const outs = [`Y_${l}`, `Y_h_${l}`, ...(c.kind === "lstm" ? [`Y_c_${l}`] : [])];
    const attrs = [attr("hidden_size", c.hiddenSize), attr("direction", dirs === 2 ? "bidirectional" : "forward"), ...activationAttrs(layer)];
    if (c.kind === "gru") attrs.push(attr("linear_before_reset", c.resetAfter ? 1 : 0));
    nodes.push(node(OP[c.kind], ins, outs, attrs, `${OP[c.kind]}_${l}`));
    nodes.push(node("Transpose", [`Y_${l}`], [`Y_${l}_tbdh`], [attr("perm", [0, 2, 1, 3])]));
    x = l === L - 1 && !stack.batchFirst ? "output" : `y_${l}`;
    nodes.push(node("Reshape", [`Y_${l}_tbdh`, "merge_directions"], [x]));
  });
  if (stack.batchFirst) nodes.push(node("Transpose", [x], ["output"], [attr("perm", [1, 0, 2])]));
  const outW = dirs * last.config.outputSize;
  const outputs = [valueInfo("output", "float", stack.batchFirst ? [Bn, T, outW] : [T, Bn, outW])];
  if (stack.fromLayer) {
    for (const [name, part] of lstm ? [["hN", "h"], ["cN", "c"]] : [["hN", "h"]]) {
      nodes.push(node("Concat", stack.layers.map((_, l) => `Y_${part}_${l}`), [name], [attr("axis", 0)]));
      outputs.push(valueInfo(name, "float", [L * dirs, Bn, name === "hN" ? first.outputSize : first.hiddenSize]));
    }
  } else {
    stack.layers.forEach((layer, l) => {
      nodes.push(node("Identity", [`Y_h_${l}`], [`h_${l}`]));
      outputs.push(valueInfo(`h_${l}`, "float", [1, Bn, layer.config.outputSize]));
      if (layer.config.kind === "lstm") {
        nodes.push(node("Identity", [`Y_c_${l}`], [`c_${l}`]));
        outputs.push(valueInfo(`c_${l}`, "float", [1, Bn, layer.config.hiddenSize]));
      }
    });
  }
  return {
    irVersion: 8, producerName: "rnnlab", producerVersion: "0.1.0",
    opsetImport: [{ domain: "", version: ONNX_OPSET }],
    metadataProps: [{ key: "rnnlab", value: JSON.stringify({ batchFirst: stack.batchFirst, fromLayer: stack.fromLayer }) }],
    graph: { name: opts.name ?? "rnnlab", node: nodes, initializer: usedOnly(inits, nodes), input: inputs, output: outputs },
  };
}

/** The .onnx bytes of an LSTM / GRU / RNN layer or of TF-1 cells. */
export function encodeOnnx(model: Recurrent | RNNCellLike, opts: OnnxExportOptions = {}): Uint8Array {
  const fn = "exportOnnx";
  checkKnownKeys(fn, opts, ["lengths", "initialState", "name"]);
  const stack = stackOf(fn, model);
  if (opts.initialState && !stack.fromLayer) {
    throw new RnnlabError(`${fn}: initialState is only for LSTM / GRU / RNN layers (TF-1 cell stacks may have different state sizes per layer)`);
  }
  return encodeModelProto(buildOnnxModel(stack, opts));
}

/** Write `model` to `path` as .onnx, atomically (temp file + rename). */
export function exportOnnx(model: Recurrent | RNNCellLike, path: string, opts: OnnxExportOptions = {}): void {
  writeFileAtomic("exportOnnx", path, encodeOnnx(model, opts));
}
