// Reading an .onnx file of recurrent layers back into an LSTM / GRU / RNN layer: the inverse of
// export.ts for PyTorch-style layers (one ONNX RNN / LSTM / GRU node per layer, same kind and
// hidden size throughout). float32 weights come back bit for bit. Every problem names the file
// and the field: truncated files (wire.ts), missing graph or opset, unknown operators in the chain,
// initializers of the wrong shape.
import { readFileSync } from "node:fs";
import { GRU, LSTM, RNN, type Recurrent } from "../../layers/recurrent.ts";
import { torchKey } from "../torch-names.ts";
import type { Views } from "../../params/layout.ts";
import { checkOnnxWire } from "./wire.ts";
import { attrValue, floatValues, onnx, type NodeProto, type TensorProto } from "./proto.ts";
import { fromOnnxDirection } from "./gates.ts";
import { RnnlabError, fmtShape } from "../../errors.ts";

const KIND = { LSTM: "lstm", GRU: "gru", RNN: "rnn" } as const;
type OnnxModel = ReturnType<typeof onnx.ModelProto.decode>;
const GATES = { lstm: 4, gru: 3, rnn: 1 } as const;

/** Read and decode, naming the file in every error. */
export function readOnnxModel(path: string): OnnxModel {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); }
  catch (e) { throw new RnnlabError(`readOnnxModel: path must be a readable .onnx file, got "${path}" (${(e as NodeJS.ErrnoException).code ?? e})`); }
  return decodeOnnx(bytes, path);
}

export function decodeOnnx(bytes: Uint8Array, source = "<bytes>"): OnnxModel {
  checkOnnxWire(bytes, source);
  const model = onnx.ModelProto.decode(bytes);
  if (!model.graph) throw new RnnlabError(`${source}: field "graph" is missing (a ModelProto needs its graph; truncated file?)`);
  if (!model.opsetImport?.length) throw new RnnlabError(`${source}: field "opset_import" is missing (truncated file?)`);
  return model;
}

/** The layer an .onnx file written by exportOnnx (or shaped like it) describes, with its weights. */
export function importOnnx(path: string): Recurrent {
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
    const values = floatValues(t);
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
