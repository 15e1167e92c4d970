// Reading an .onnx file of recurrent layers back into an LSTM / GRU / RNN layer: the inverse of
// export.ts for PyTorch-style layers (one ONNX RNN / LSTM / GRU node per layer, same kind and
// hidden size throughout, weights as initializers). float32 weights come back bit for bit. For any
// other graph use importOnnx (import.ts), which runs the file as it is.
import { GRU, LSTM, RNN, type Recurrent } from "../../layers/recurrent.ts";
import { torchKey } from "../torch-names.ts";
import type { Views } from "../../params/layout.ts";
import { readOnnxModel } from "./import.ts";
import { AttributeType, type ModelProto, type NodeProto, type TensorProto } from "./schema.ts";
import { valueOfTensor } from "./values.ts";
import { fromOnnxDirection } from "./gates.ts";
import { RnnlabError, fmtShape } from "../../errors.ts";

const KIND = { LSTM: "lstm", GRU: "gru", RNN: "rnn" } as const;
type OnnxModel = ModelProto;
const GATES = { lstm: 4, gru: 3, rnn: 1 } as const;

/** Attribute value by name. */
function attrValue(n: NodeProto, name: string): number | string | number[] | string[] | undefined {
  const a = (n.attribute ?? []).find((x) => x.name === name);
  if (!a) return undefined;
  switch (a.type) {
    case AttributeType.INT: return a.i ?? 0;
    case AttributeType.FLOAT: return a.f ?? 0;
    case AttributeType.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case AttributeType.FLOATS: return a.floats ?? [];
    case AttributeType.INTS: return a.ints ?? [];
  }
  return undefined;
}

/** The float values of an initializer. */
function floatValues(t: TensorProto, source: string): Float32Array {
  const v = valueOfTensor(t, `${source}: graph.initializer`);
  if (v.type !== "float") throw new RnnlabError(`${source}: graph.initializer "${t.name}" is ${v.type}, expected float`);
  return v.data as Float32Array;
}

/** The layer an .onnx file written by exportOnnx (or shaped like it) describes, with its weights. */
export function importOnnxLayer(path: string): Recurrent {
  return layerOfModel(readOnnxModel(path), path);
}

export function layerOfModel(model: OnnxModel, source: string): Recurrent {
  const g = model.graph!;
  const rnnNodes = (g.node ?? []).filter((n) => n.opType === "LSTM" || n.opType === "GRU" || n.opType === "RNN");
  if (rnnNodes.length === 0) {
    const ops = [...new Set((g.node ?? []).map((n) => n.opType))].join(", ") || "none";
    throw new RnnlabError(`${source}: graph.node has no RNN, LSTM or GRU operator (operators: ${ops})`);
  }
  const op = rnnNodes[0].opType as keyof typeof KIND;
  const odd = rnnNodes.find((n) => n.opType !== op);
  if (odd) throw new RnnlabError(`${source}: graph.node "${odd.name}" is ${odd.opType} after ${op}; a layer has one kind throughout`);
  const kind = KIND[op], inits = new Map((g.initializer ?? []).map((t) => [t.name ?? "", t]));
  const H = attrValue(rnnNodes[0], "hidden_size") as number;
  const dirs = attrValue(rnnNodes[0], "direction") === "bidirectional" ? 2 : 1;
  const meta = JSON.parse(model.metadataProps?.find((p) => p.key === "rnnlab")?.value ?? "{}");
  const W0 = initializer(source, inits, rnnNodes[0], 1, "W");
  const D = Number(W0.dims?.[2]);
  const opts = { inputSize: D, hiddenSize: H, numLayers: rnnNodes.length, bidirectional: dirs === 2, batchFirst: meta.batchFirst === true };
  for (const n of rnnNodes) checkLayerNode(source, kind, n);
  const layer = kind === "lstm" ? new LSTM(opts) : kind === "gru" ? new GRU(opts)
    : new RNN({ ...opts, nonlinearity: rnnNonlinearity(source, rnnNodes[0]) });
  rnnNodes.forEach((n, l) => loadNode(source, layer, n, l, inits));
  return layer;
}

function rnnNonlinearity(source: string, n: NodeProto): "tanh" | "relu" {
  const acts = (attrValue(n, "activations") as string[] | undefined) ?? ["Tanh"];
  const a = acts[0].toLowerCase();
  if (a !== "tanh" && a !== "relu") throw new RnnlabError(`${source}: node "${n.name}" attribute activations is ${acts}, expected Tanh or Relu for an RNN layer`);
  return a;
}

function initializer(source: string, inits: Map<string, TensorProto>, n: NodeProto, slot: number, what: string): TensorProto {
  const name = n.input?.[slot];
  const t = name ? inits.get(name) : undefined;
  if (!t) throw new RnnlabError(`${source}: node "${n.name}" input ${what} ("${name ?? ""}") is not a graph.initializer`);
  return t;
}

function loadNode(source: string, layer: Recurrent, n: NodeProto, l: number, inits: Map<string, TensorProto>): void {
  const cfg = layer.cells[l][0].config, G = GATES[layer.kind] * cfg.hiddenSize, dirs = layer.numDirections;
  if (attrValue(n, "hidden_size") !== cfg.hiddenSize) {
    throw new RnnlabError(`${source}: node "${n.name}" attribute hidden_size is ${attrValue(n, "hidden_size")}, expected ${cfg.hiddenSize} (as in the first layer)`);
  }
  if (layer.kind === "gru" && attrValue(n, "linear_before_reset") !== 1) {
    throw new RnnlabError(`${source}: node "${n.name}" attribute linear_before_reset is 0 (TF-1 GRUCell's formula); the GRU layer is PyTorch's (1)`);
  }
  const get = (slot: number, what: string, dims: number[]) => {
    const t = initializer(source, inits, n, slot, what), got = (t.dims ?? []).map(Number);
    if (fmtShape(got) !== fmtShape(dims)) {
      throw new RnnlabError(`${source}: graph.initializer "${t.name}" (${what} of node "${n.name}") has dims ${fmtShape(got)}, expected ${fmtShape(dims)}`);
    }
    const values = floatValues(t, source);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new RnnlabError(`${source}: graph.initializer "${t.name}" holds ${values.length} values, dims ${fmtShape(dims)} need ${dims.reduce((a, b) => a * b, 1)}`);
    }
    return values;
  };
  const W = get(1, "W", [dirs, G, cfg.inputSize]), R = get(2, "R", [dirs, G, cfg.hiddenSize]);
  const B = n.input?.[3] ? get(3, "B", [dirs, 2 * G]) : new Float32Array(dirs * 2 * G);
  for (let d = 0; d < dirs; d++) {
    const cell = layer.cells[l][d], own: Views = {};
    for (const s of cell.specs) own[s.name] = layer.params.views[torchKey(s.name, l, d === 1)];
    fromOnnxDirection(cell.config, own, {
      W: W.subarray(d * G * cfg.inputSize, (d + 1) * G * cfg.inputSize),
      R: R.subarray(d * G * cfg.hiddenSize, (d + 1) * G * cfg.hiddenSize),
      B: B.subarray(d * 2 * G, (d + 1) * 2 * G), P: null,
    });
  }
}

/** What a PyTorch-style layer cannot hold is refused (importOnnx runs such files as they are). */
function checkLayerNode(source: string, kind: string, n: NodeProto): void {
  const known = new Set(["hidden_size", "direction", "activations", ...(kind === "gru" ? ["linear_before_reset"] : [])]);
  for (const a of n.attribute ?? []) {
    if (!known.has(a.name ?? "")) throw new RnnlabError(`${source}: node "${n.name}" attribute ${a.name} does not fit a ${kind.toUpperCase()} layer; use importOnnx to run the file`);
  }
  const dir = attrValue(n, "direction") ?? "forward";
  if (dir !== "forward" && dir !== "bidirectional") throw new RnnlabError(`${source}: node "${n.name}" attribute direction = "${dir}" does not fit a layer; use importOnnx`);
  if ((n.input ?? []).slice(4).some((i) => i)) throw new RnnlabError(`${source}: node "${n.name}" reads sequence_lens, initial states or peepholes from the graph; use importOnnx`);
  if (kind === "lstm") {
    const acts = attrValue(n, "activations") as string[] | undefined;
    if (acts && acts.some((a, i) => a !== ["Sigmoid", "Tanh", "Tanh"][i % 3])) throw new RnnlabError(`${source}: node "${n.name}" attribute activations = [${acts}] does not fit an LSTM layer; use importOnnx`);
  }
  if (kind === "gru") {
    const acts = attrValue(n, "activations") as string[] | undefined;
    if (acts && acts.some((a, i) => a !== ["Sigmoid", "Tanh"][i % 2])) throw new RnnlabError(`${source}: node "${n.name}" attribute activations = [${acts}] does not fit a GRU layer; use importOnnx`);
  }
}
