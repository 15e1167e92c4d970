// What the ONNX exporter sees of a model: layers of one recurrent kind each, 1 or 2 directions,
// with each direction's config and parameter views (internal names). Built from a PyTorch-style
// layer (LSTM / GRU / RNN) or from TF-1 cells (a cell or a MultiRNNCell, unrolled batch-major like
// dynamicRnn's default). Anything ONNX's RNN / LSTM / GRU operators cannot express is refused here.
import type { CellConfig } from "../../cells/config.ts";
import type { Views } from "../../params/layout.ts";
import { Recurrent } from "../../layers/recurrent.ts";
import { builtinLayer, type RNNCellLike } from "../../nn/cells.ts";
import { torchKey } from "../torch-names.ts";
import { RnnlabError } from "../../errors.ts";

export interface OnnxLayer { config: CellConfig; directions: Views[] }
export interface OnnxStack { layers: OnnxLayer[]; batchFirst: boolean; fromLayer: boolean }

/** ONNX activation names (and alpha, beta) for ours. */
export const ONNX_ACTIVATION: Record<string, { name: string; alpha?: number; beta?: number }> = {
  tanh: { name: "Tanh" }, sigmoid: { name: "Sigmoid" }, relu: { name: "Relu" }, softsign: { name: "Softsign" },
  hardSigmoid: { name: "HardSigmoid", alpha: 0.2, beta: 0.5 },        // Keras 2: clip(0.2x + 0.5)
  hardSigmoidV3: { name: "HardSigmoid", alpha: 1 / 6, beta: 0.5 },    // Keras 3: clip(x/6 + 0.5)
  elu: { name: "Elu", alpha: 1 },
};

function checkExportable(fn: string, where: string, c: CellConfig): void {
  const refuse = (why: string) => { throw new RnnlabError(`${fn}: ${where} cannot be exported to ONNX: ${why}`); };
  // a projected LSTM is written out as a Scan subgraph (projected-lstm.ts), without peepholes or projClip
  if (c.projSize > 0 && c.usePeepholes) refuse("peepholes together with a projection are not written out as an ONNX subgraph");
  if (c.projClip !== null) refuse("projClip is not written out as an ONNX subgraph");
  if (c.cellClip !== null) refuse("TF-1's cellClip clips the cell state; ONNX's clip attribute clips gate pre-activations instead");
  for (const [arg, a] of [["activation", c.activation], ["gateActivation", c.gateActivation]] as const) {
    if (!ONNX_ACTIVATION[a]) refuse(`${arg} "${a}" has no ONNX activation here (supported: ${Object.keys(ONNX_ACTIVATION).join(", ")})`);
  }
}

export function stackOfLayer(fn: string, layer: Recurrent): OnnxStack {
  const layers = layer.cells.map((dirs, l) => {
    const config = dirs[0].config;
    checkExportable(fn, `${layer.name} layer ${l}`, config);
    const directions = dirs.map((cell, d) => {
      const own: Views = {};
      for (const s of cell.specs) own[s.name] = layer.params.views[torchKey(s.name, l, d === 1)];
      return own;
    });
    return { config, directions };
  });
  return { layers, batchFirst: layer.batchFirst, fromLayer: true };
}

export function stackOfCells(fn: string, cell: RNNCellLike): OnnxStack {
  const layers = cell.layers().map((single, l) => {
    const c = builtinLayer(fn, single);
    if (!c.isBuilt) throw new RnnlabError(`${fn}: cell ${l} (${c.className}) has no variables yet; give it inputSize or run it once`);
    checkExportable(fn, `cell ${l} (${c.className})`, c.cell.config);
    return { config: c.cell.config, directions: [c.params.views] };
  });
  return { layers, batchFirst: true, fromLayer: false };
}

export function stackOf(fn: string, model: Recurrent | RNNCellLike): OnnxStack {
  if (model instanceof Recurrent) return stackOfLayer(fn, model);
  if (model && typeof (model as RNNCellLike).layers === "function") return stackOfCells(fn, model as RNNCellLike);
  throw new RnnlabError(`${fn}: model must be an LSTM / GRU / RNN layer or TF-1 cells, got ${String(model)}`);
}
