// TF-1 cells <-> PyTorch-style layers, with the forget-bias conversion made explicit.
// TF-1's LSTM adds `forget_bias` (default 1) to the forget-gate pre-activation AT RUN TIME; it is
// a cell option, never stored in the `bias` variable. PyTorch (and Keras, ONNX) have no such
// option: the forget gate sees only what is stored. So
//   TF-1 -> PyTorch:  bias_ih[f rows] = bias[f block] + forget_bias,   bias_hh = 0
//   PyTorch -> TF-1:  bias[f block]   = bias_ih[f rows] + bias_hh[f rows] − forget_bias
// and the two compute the same function (to rounding of that one addition). Other gates: bias_ih
// + bias_hh is TF-1's single bias (they are only ever added). TF-1 GRUCell resets BEFORE the
// recurrent matmul and PyTorch's GRU after: no weights make one the other, so that pair is refused
// (CudnnCompatibleGRUCell = nn.GRUCell({ resetAfter: true }) is PyTorch's formula and converts).
import type { Buf } from "../kernels/types.ts";
import type { Recurrent } from "../layers/recurrent.ts";
import { builtinLayer, type RNNCell, type RNNCellLike } from "../nn/cells.ts";
import { torchKey } from "./torch-names.ts";
import { RnnlabError } from "../errors.ts";

/** Why this TF-1 cell has no PyTorch equivalent for `layer`'s kind, or null when it has one. */
function unsupported(cell: RNNCell, layer: Recurrent): string | null {
  const c = cell.cell.config;
  if (c.kind !== layer.kind) return `a ${cell.className} is not a layer of kind ${layer.kind}`;
  if (c.kind === "lstm") {
    if (c.usePeepholes) return "PyTorch's LSTM has no peepholes";
    if (c.cellClip !== null || c.projClip !== null) return "PyTorch's LSTM has no cell or projection clipping";
    if (c.activation !== "tanh") return `PyTorch's LSTM uses tanh, the cell uses ${c.activation}`;
    if (c.projSize !== layer.projSize) return `numProj ${c.projSize} vs projSize ${layer.projSize}`;
  }
  if (c.kind === "gru") {
    if (!c.resetAfter) return "TF-1's GRUCell resets before the recurrent matmul, PyTorch's GRU after (use GRUCell({ resetAfter: true }))";
    if (c.activation !== "tanh") return `PyTorch's GRU uses tanh, the cell uses ${c.activation}`;
  }
  if (c.kind === "rnn" && c.activation !== (layer.cells[0][0].config.activation)) {
    return `activation ${c.activation} vs nonlinearity ${layer.cells[0][0].config.activation}`;
  }
  if (c.hiddenSize !== layer.hiddenSize) return `numUnits ${c.hiddenSize} vs hiddenSize ${layer.hiddenSize}`;
  return null;
}

function pairs(fn: string, cell: RNNCellLike, layer: Recurrent): RNNCell[] {
  const cells = cell.layers().map((c) => builtinLayer(fn, c));
  if (layer.bidirectional) throw new RnnlabError(`${fn}: layer must be unidirectional (convert each direction's cells separately), got bidirectional`);
  if (!layer.bias) throw new RnnlabError(`${fn}: layer must have biases (TF-1 cells always have one), got bias=false`);
  if (cells.length !== layer.numLayers) {
    throw new RnnlabError(`${fn}: cell has ${cells.length} layer(s), layer has numLayers ${layer.numLayers}`);
  }
  cells.forEach((c, l) => {
    if (!c.isBuilt) throw new RnnlabError(`${fn}: cell ${l} (${c.className}) has no variables yet; give it inputSize or run it once`);
    if (c.cell.config.inputSize !== layer.cells[l][0].config.inputSize) {
      throw new RnnlabError(`${fn}: cell ${l} has input depth ${c.cell.config.inputSize}, layer ${l} expects ${layer.cells[l][0].config.inputSize}`);
    }
    const why = unsupported(c, layer);
    if (why) throw new RnnlabError(`${fn}: cell ${l} (${c.className}) cannot become layer ${l} of ${layer.name}: ${why}`);
  });
  return cells;
}

/** The f rows [H, 2H) of an LSTM's gate rows i, f, g, o; none for other kinds. */
const forgetRows = (cell: RNNCell): [number, number] | null =>
  cell.kind === "lstm" ? [cell.numUnits, 2 * cell.numUnits] : null;

/** Load a TF-1 cell (or MultiRNNCell stack) into a PyTorch-style layer, folding forget_bias into bias_ih. */
export function tf1ToTorchLayer(cell: RNNCellLike, layer: Recurrent): void {
  const fn = "tf1ToTorchLayer";
  pairs(fn, cell, layer).forEach((c, l) => {
    const src = c.params.views, dst = layer.params.views, key = (n: string) => torchKey(n, l, false);
    dst[key("weightIh")].set(src.weightIh);
    dst[key("weightHh")].set(src.weightHh);
    if (src.weightHr) dst[key("weightHr")].set(src.weightHr);
    const bIh = dst[key("biasIh")], bHh = dst[key("biasHh")];
    bIh.set(src.biasIh);
    if (src.biasHh) bHh.set(src.biasHh); else bHh.fill(0);
    const f = forgetRows(c);
    if (f) for (let r = f[0]; r < f[1]; r++) bIh[r] += c.cell.config.forgetBias;   // the run-time addition, now stored
  });
}

/** Load a PyTorch-style layer into TF-1 cells: biases summed, minus each cell's forget_bias (added back at run time). */
export function torchLayerToTf1(layer: Recurrent, cell: RNNCellLike): void {
  const fn = "torchLayerToTf1";
  pairs(fn, cell, layer).forEach((c, l) => {
    const src = layer.params.views, dst = c.params.views, key = (n: string) => torchKey(n, l, false);
    dst.weightIh.set(src[key("weightIh")]);
    dst.weightHh.set(src[key("weightHh")]);
    if (dst.weightHr) dst.weightHr.set(src[key("weightHr")]);
    const bIh = src[key("biasIh")], bHh = src[key("biasHh")];
    if (dst.biasHh) { dst.biasIh.set(bIh); dst.biasHh.set(bHh); return; }   // cuDNN-compatible GRU keeps both
    const sum: Buf = dst.biasIh;
    for (let r = 0; r < sum.length; r++) sum[r] = bIh[r] + bHh[r];
    const f = forgetRows(c);
    if (f) for (let r = f[0]; r < f[1]; r++) sum[r] -= c.cell.config.forgetBias;
  });
}
