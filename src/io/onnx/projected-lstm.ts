// An LSTM with projection (PyTorch proj_size, TF-1 num_proj) as an equivalent ONNX subgraph. The
// ONNX LSTM operator has no projection (its recurrent input is h_t itself, width hidden_size), so
// each direction becomes a Scan over time whose body is one step written out in plain operators:
//   z = x_t·W_ihᵀ + h·W_hhᵀ + (b_ih + b_hh)      Split into i, f, g, o (our order: the graph is ours)
//   c' = σ(f)⊙c + σ(i)⊙tanh(g),  h' = (σ(o)⊙tanh(c'))·W_hrᵀ
// With sequence lengths the body also reads the step index t and keeps (h, c) and writes 0 where
// t ≥ len (rnnlab's and PyTorch's rule); the reverse direction runs on ReverseSequence(x, len)
// (each row's valid prefix reversed) and its outputs are reversed back the same way. Without
// lengths the reverse direction is Scan's scan_input_directions / scan_output_directions = 1.
// Peepholes and projection clipping are not written out here (refused in stack.ts).
import type { Views } from "../../params/layout.ts";
import type { CellConfig } from "../../cells/config.ts";
import { attr, floatTensor, graphAttr, int64Tensor, node, tensorAttr, valueInfo, type NodeProto, type TensorProto } from "./proto.ts";
import { ONNX_ACTIVATION } from "./stack.ts";

export interface ProjectedLstmInput {
  l: number;
  config: CellConfig;
  directions: Views[];
  /** time-major input [T, B, D] */
  x: string;
  /** int64 lengths [B], or null */
  lengths64: string | null;
  /** [dirs, B, P] and [dirs, B, H] initial states, or null for zeros */
  h0: string | null;
  c0: string | null;
  /** names of graph-level helpers: batch size as [1] int64, step indices [T] int64 */
  batchDim: string;
  steps: string;
}

/** (rows, cols) row-major -> its transpose as float32 */
function transposed(a: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}

function activation(name: string, input: string, output: string): NodeProto {
  const a = ONNX_ACTIVATION[name];
  const attrs = [];
  if (a.alpha !== undefined) attrs.push(attr("alpha", a.alpha, "float"));
  if (a.beta !== undefined) attrs.push(attr("beta", a.beta, "float"));
  return node(a.name, [input], [output], attrs);
}

/** Nodes and initializers computing y [T, B, dirs·P], Y_h_<l> [dirs, B, P], Y_c_<l> [dirs, B, H]. */
export function projectedLstm(inp: ProjectedLstmInput, y: string): { nodes: NodeProto[]; inits: TensorProto[] } {
  const { l, config: c, lengths64 } = inp, H = c.hiddenSize, P = c.projSize, D = c.inputSize, G = 4 * H;
  const nodes: NodeProto[] = [], inits: TensorProto[] = [];
  const dirOutputs: string[] = [], hs: string[] = [], cs: string[] = [];
  inits.push(int64Tensor(`split4_${l}`, [H, H, H, H]), int64Tensor(`axis0_${l}`, [0]), int64Tensor(`axis1_${l}`, [1]),
    int64Tensor(`width_h_${l}`, [H]), int64Tensor(`width_p_${l}`, [P]));
  if (lengths64) inits.push(floatTensor(`zero_${l}`, [], [0]));
  inp.directions.forEach((v, d) => {
    const s = `_l${l}_d${d}`, reverse = d === 1;
    const bias = new Float32Array(G);
    for (let g = 0; g < G; g++) bias[g] = (v.biasIh?.[g] ?? 0) + (v.biasHh?.[g] ?? 0) + (g >= H && g < 2 * H ? c.forgetBias : 0);
    inits.push(floatTensor(`Wt${s}`, [D, G], transposed(v.weightIh, G, D)), floatTensor(`Rt${s}`, [P, G], transposed(v.weightHh, G, P)),
      floatTensor(`b${s}`, [G], bias), floatTensor(`Hrt${s}`, [H, P], transposed(v.weightHr, P, H)), int64Tensor(`dir${s}`, [d], []));
    // initial states [B, ·]: a slice of h0 / c0, or zeros shaped [B, width]
    const initial = (src: string | null, width: string, name: string) => {
      if (src) { nodes.push(node("Gather", [src, `dir${s}`], [name], [attr("axis", 0)])); return; }
      nodes.push(node("Concat", [inp.batchDim, width], [`${name}_shape`], [attr("axis", 0)]));
      nodes.push(node("ConstantOfShape", [`${name}_shape`], [name], [tensorAttr("value", floatTensor(`${name}_zero`, [1], [0]))]));
    };
    initial(inp.h0, `width_p_${l}`, `h_init${s}`);
    initial(inp.c0, `width_h_${l}`, `c_init${s}`);
    let xs = inp.x;
    if (reverse && lengths64) {
      nodes.push(node("ReverseSequence", [inp.x, lengths64], [`x_rev${s}`], [attr("batch_axis", 1), attr("time_axis", 0)]));
      xs = `x_rev${s}`;
    }
    const body = stepBody(c, s, l, lengths64);
    const scanIns = [`h_init${s}`, `c_init${s}`, xs, ...(lengths64 ? [inp.steps] : [])];
    const raw = reverse && lengths64 ? `Y_raw${s}` : `Y${s}`;
    const attrs = [graphAttr("body", body), attr("num_scan_inputs", lengths64 ? 2 : 1)];
    if (reverse && !lengths64) attrs.push(attr("scan_input_directions", [1]), attr("scan_output_directions", [1]));
    nodes.push(node("Scan", scanIns, [`h_fin${s}`, `c_fin${s}`, raw], attrs, `Scan${s}`));
    if (reverse && lengths64) nodes.push(node("ReverseSequence", [raw, lengths64], [`Y${s}`], [attr("batch_axis", 1), attr("time_axis", 0)]));
    dirOutputs.push(`Y${s}`);
    nodes.push(node("Unsqueeze", [`h_fin${s}`, `axis0_${l}`], [`h_fin1${s}`]), node("Unsqueeze", [`c_fin${s}`, `axis0_${l}`], [`c_fin1${s}`]));
    hs.push(`h_fin1${s}`); cs.push(`c_fin1${s}`);
  });
  nodes.push(node("Concat", dirOutputs, [y], [attr("axis", 2)]), node("Concat", hs, [`Y_h_${l}`], [attr("axis", 0)]),
    node("Concat", cs, [`Y_c_${l}`], [attr("axis", 0)]));
  return { nodes, inits };
}

/** One LSTM step with projection: (h, c, x_t[, t]) -> (h', c', y_t). */
function stepBody(c: CellConfig, s: string, l: number, lengths64: string | null) {
  const n = (name: string) => `${name}${s}_step`;
  const nodes: NodeProto[] = [
    node("MatMul", [n("x_t"), `Wt${s}`], [n("xw")]),
    node("MatMul", [n("h_prev"), `Rt${s}`], [n("hw")]),
    node("Add", [n("xw"), n("hw")], [n("z0")]),
    node("Add", [n("z0"), `b${s}`], [n("z")]),
    node("Split", [n("z"), `split4_${l}`], [n("zi"), n("zf"), n("zg"), n("zo")], [attr("axis", 1)]),
    activation(c.gateActivation, n("zi"), n("i")), activation(c.gateActivation, n("zf"), n("f")),
    activation(c.activation, n("zg"), n("g")), activation(c.gateActivation, n("zo"), n("o")),
    node("Mul", [n("f"), n("c_prev")], [n("fc")]), node("Mul", [n("i"), n("g")], [n("ig")]),
    node("Add", [n("fc"), n("ig")], [n("c_new")]),
    activation(c.activation, n("c_new"), n("ac")), node("Mul", [n("o"), n("ac")], [n("m")]),
    node("MatMul", [n("m"), `Hrt${s}`], [n("h_new")]),
  ];
  if (lengths64) {
    nodes.push(node("Less", [n("t"), lengths64], [n("valid")]), node("Unsqueeze", [n("valid"), `axis1_${l}`], [n("valid2")]),
      node("Where", [n("valid2"), n("h_new"), n("h_prev")], [n("h_next")]),
      node("Where", [n("valid2"), n("c_new"), n("c_prev")], [n("c_next")]),
      node("Where", [n("valid2"), n("h_new"), `zero_${l}`], [n("y_t")]));
  } else {
    nodes.push(node("Identity", [n("h_new")], [n("h_next")]), node("Identity", [n("c_new")], [n("c_next")]),
      node("Identity", [n("h_new")], [n("y_t")]));
  }
  const B = "batch", P = c.projSize, H = c.hiddenSize;
  return {
    name: `lstm_step${s}`, node: nodes,
    input: [valueInfo(n("h_prev"), "float", [B, P]), valueInfo(n("c_prev"), "float", [B, H]), valueInfo(n("x_t"), "float", [B, c.inputSize]),
      ...(lengths64 ? [valueInfo(n("t"), "int64", [])] : [])],
    output: [valueInfo(n("h_next"), "float", [B, P]), valueInfo(n("c_next"), "float", [B, H]), valueInfo(n("y_t"), "float", [B, P])],
  };
}
