// A PyTorch-style LSTM / GRU / RNN layer as a Keras model (Sequential; one Keras layer per
// rnnlab layer, wrapped in Bidirectional(merge_mode "concat") when bidirectional), so rnnlab
// weights can be saved as a TF.js layers model. Conversions:
//   LSTM  one Keras bias = b_ih + b_hh (summed in float64, then rounded to float32), sigmoid gates
//   GRU   PyTorch's formula is Keras reset_after=true: bias [2, 3N] = [b_ih; b_hh] (no sum needed);
//         TF.js itself cannot run it, Keras (Python) can
//   RNN   SimpleRNN, bias = b_ih + b_hh, activation tanh / relu
// Projection (projSize) has no Keras equivalent and is refused. Input: batch-major [B, T, D].
// layerFromKerasModel goes the other way for plain recurrent stacks.
import { GRU, LSTM, RNN, type Recurrent } from "../../layers/recurrent.ts";
import { torchKey } from "../torch-names.ts";
import { kerasModelOf, type KerasModel } from "./model.ts";
import { num, str, type TfjsWeight } from "./model-json.ts";
import { RnnlabError } from "../../errors.ts";

const CLASS = { lstm: "LSTM", gru: "GRU", rnn: "SimpleRNN" } as const;
/** Keras column block k holds our gate block OURS[kind][k] (LSTM i,f,c,o = i,f,g,o; GRU z,r,h <- r,z,n). */
const OURS = { lstm: [0, 1, 2, 3], gru: [1, 0, 2], rnn: [0] } as const;

function kerasArrays(layer: Recurrent, l: number, reverse: boolean, prefix: string): TfjsWeight[] {
  const v = (n: string) => layer.params.views[torchKey(n, l, reverse)];
  const kind = layer.kind, H = layer.hiddenSize, G = OURS[kind].length * H;
  const D = v("weightIh").length / G;
  const kernel = new Float32Array(D * G), rec = new Float32Array(H * G), gru = kind === "gru";
  const bias = new Float32Array(gru ? 2 * G : G);
  OURS[kind].forEach((ob, kb) => {
    for (let n = 0; n < H; n++) {
      const row = ob * H + n, col = kb * H + n;
      for (let d = 0; d < D; d++) kernel[d * G + col] = v("weightIh")[row * D + d];
      for (let r = 0; r < H; r++) rec[r * G + col] = v("weightHh")[row * H + r];
      if (!layer.bias) continue;
      if (gru) { bias[col] = v("biasIh")[row]; bias[G + col] = v("biasHh")[row]; }
      else bias[col] = v("biasIh")[row] + v("biasHh")[row];
    }
  });
  const out = [{ name: `${prefix}/kernel`, shape: [D, G], data: kernel }, { name: `${prefix}/recurrent_kernel`, shape: [H, G], data: rec }];
  if (layer.bias) out.push({ name: `${prefix}/bias`, shape: gru ? [2, G] : [G], data: bias });
  return out;
}

export function kerasModelFromLayer(layer: Recurrent, opts: { returnSequences?: boolean } = {}): KerasModel {
  if (layer.projSize > 0) throw new RnnlabError(`kerasModelFromLayer: LSTM projection (projSize ${layer.projSize}) has no Keras equivalent`);
  const cls = CLASS[layer.kind], weights: TfjsWeight[] = [], layers: Record<string, unknown>[] = [];
  const nonlinearity = layer.cells[0][0].config.activation;
  for (let l = 0; l < layer.numLayers; l++) {
    const name = `${cls.toLowerCase()}_${l}`, last = l === layer.numLayers - 1;
    const cfg: Record<string, unknown> = {
      name, units: layer.hiddenSize, activation: nonlinearity, use_bias: layer.bias,
      return_sequences: !last || (opts.returnSequences ?? true), return_state: false, go_backwards: false, stateful: false,
      ...(layer.kind === "rnn" ? {} : { recurrent_activation: "sigmoid" }), ...(layer.kind === "gru" ? { reset_after: true } : {}),
    };
    const inputShape = l === 0 ? { batch_input_shape: [null, null, layer.inputSize] } : {};
    if (layer.bidirectional) {
      const outer = `bidirectional_${l}`;
      layers.push({ class_name: "Bidirectional", config: { name: outer, merge_mode: "concat", layer: { class_name: cls, config: cfg }, ...inputShape } });
      weights.push(...kerasArrays(layer, l, false, `${outer}/forward_${name}`), ...kerasArrays(layer, l, true, `${outer}/backward_${name}`));
    } else {
      layers.push({ class_name: cls, config: { ...cfg, ...inputShape } });
      weights.push(...kerasArrays(layer, l, false, name));
    }
  }
  const modelTopology = { class_name: "Sequential", config: { name: "rnnlab", layers }, keras_version: "tfjs-layers 4.22.0", backend: "tensor_flow.js" };
  return kerasModelOf({ source: `kerasModelFromLayer(${layer.name})`, json: { modelTopology }, weights });
}

/**
 * The inverse: a Keras model that is a plain stack of SimpleRNN / LSTM / GRU layers (each
 * optionally in Bidirectional with merge_mode "concat"; sigmoid gates, tanh or relu, GRU
 * reset_after=true, no go_backwards) as one PyTorch-style layer, batch-first. Keras's single bias
 * becomes b_ih (b_hh = 0); GRU's [2, 3N] bias becomes b_ih, b_hh. Anything else is refused, naming the layer.
 */
export function layerFromKerasModel(model: KerasModel): Recurrent {
  const fn = "layerFromKerasModel";
  const rnns = model.layers.filter((l) => l.className !== "InputLayer");
  if (rnns.length === 0) throw new RnnlabError(`${fn}: the model has no layers`);
  const inner = (l: (typeof rnns)[number]) =>
    (l.className === "Bidirectional" ? ((l.config.layer as Record<string, unknown>).config as Record<string, unknown>) : l.config);
  const classOf = (l: (typeof rnns)[number]) =>
    (l.className === "Bidirectional" ? str((l.config.layer as Record<string, unknown>).class_name) : l.className);
  const cls = classOf(rnns[0]), kind = (Object.keys(CLASS) as (keyof typeof CLASS)[]).find((k) => CLASS[k] === cls);
  if (!kind) throw new RnnlabError(`${fn}: layer "${rnns[0].name}" is ${cls}; expected SimpleRNN, LSTM or GRU`);
  const bidirectional = rnns[0].className === "Bidirectional", first = inner(rnns[0]);
  const units = num(first.units), useBias = first.use_bias !== false, activation = str(first.activation ?? "tanh");
  rnns.forEach((l, i) => {
    const c = inner(l), why =
      classOf(l) !== cls ? `is ${classOf(l)}, the first is ${cls}`
      : (l.className === "Bidirectional") !== bidirectional ? "differs from the first in being Bidirectional"
      : l.className === "Bidirectional" && (l.config.merge_mode ?? "concat") !== "concat" ? `has merge_mode ${JSON.stringify(l.config.merge_mode)}, expected "concat"`
      : num(c.units) !== units ? `has ${c.units} units, the first ${units}`
      : (c.use_bias !== false) !== useBias ? "differs in use_bias"
      : str(c.activation ?? "tanh") !== activation ? `has activation ${str(c.activation)}, the first ${activation}`
      : kind !== "rnn" && c.recurrent_activation !== "sigmoid" ? `has recurrent_activation ${JSON.stringify(c.recurrent_activation)}; PyTorch-style layers use sigmoid`
      : kind === "gru" && c.reset_after !== true ? "has reset_after=false (TF-1's formula); the GRU layer is PyTorch's (reset_after=true)"
      : c.go_backwards === true ? "goes backwards" : c.return_state === true ? "returns states"
      : i < rnns.length - 1 && c.return_sequences !== true ? "does not return sequences to the next layer" : null;
    if (why) throw new RnnlabError(`${fn}: layer "${l.name}" ${why}`);
  });
  if (kind !== "rnn" && activation !== "tanh") throw new RnnlabError(`${fn}: activation ${activation}; PyTorch's ${cls} uses tanh`);
  if (kind === "rnn" && activation !== "tanh" && activation !== "relu") throw new RnnlabError(`${fn}: activation ${activation}; expected tanh or relu`);
  const weights = model.weights(), perDirection = useBias ? 3 : 2;
  const inputSize = weights[0].shape[0];
  const opts = { inputSize, hiddenSize: units, numLayers: rnns.length, bidirectional, bias: useBias, batchFirst: true };
  const layer = kind === "lstm" ? new LSTM(opts) : kind === "gru" ? new GRU(opts) : new RNN({ ...opts, nonlinearity: activation as "tanh" | "relu" });
  const H = units, G = OURS[kind].length * H;
  for (let l = 0; l < layer.numLayers; l++) for (let d = 0; d < layer.numDirections; d++) {
    const [kernel, rec, bias] = weights.slice((l * layer.numDirections + d) * perDirection, (l * layer.numDirections + d + 1) * perDirection);
    const v = (n: string) => layer.params.views[torchKey(n, l, d === 1)];
    const D = kernel.shape[0];
    OURS[kind].forEach((ob, kb) => {
      for (let n = 0; n < H; n++) {
        const row = ob * H + n, col = kb * H + n;
        for (let i = 0; i < D; i++) v("weightIh")[row * D + i] = kernel.data[i * G + col];
        for (let r = 0; r < H; r++) v("weightHh")[row * H + r] = rec.data[r * G + col];
        if (!bias) continue;
        v("biasIh")[row] = bias.data[col];
        v("biasHh")[row] = kind === "gru" ? bias.data[G + col] : 0;
      }
    });
  }
  return layer;
}
