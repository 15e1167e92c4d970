// TF-1 variables by full name (rnn/multi_rnn_cell/cell_0/lstm_cell/kernel, …) into and out of
// nn cells, checked against the independent float64 TF-1 formula script (fixtures/gen_tf1_seq.py
// -> tf1_seq.json); the forget-bias fold between TF-1 cells and PyTorch-style layers.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as nn from "../../src/nn/index.ts";
import { LSTM, RNN, GRU } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { transpose } from "../../src/tensor/ops.ts";
import { exportTf1Variables, importTf1Variables } from "../../src/io/tf1-names.ts";
import { tf1ToTorchLayer, torchLayerToTf1 } from "../../src/io/tf1-torch.ts";
import { assertClose, maxRelErr } from "../helpers/close.ts";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint.ts";

interface CellSpec { type: string; numUnits: number; activation: "tanh" | "relu"; forgetBias: number | null;
  usePeepholes: boolean; cellClip: number | null; numProj: number | null; projClip: number | null }
interface Case { name: string; cells: CellSpec[]; multi: boolean; D: number; lengths: number[] | null;
  tensors: Record<string, { shape: number[]; data: number[] }> }
const cases: Case[] = JSON.parse(readFileSync(new URL("../../fixtures/tf1_seq.json", import.meta.url), "utf8")).cases;
const byName = (n: string) => cases.find((c) => c.name === n)!;
const T64 = (t: { shape: number[]; data: number[] }) => new Tensor(t.shape, Float64Array.from(t.data));

const SCOPE: Record<string, string> = { basic_rnn: "basic_rnn_cell", basic_lstm: "basic_lstm_cell", lstm: "lstm_cell", gru: "gru_cell" };

function makeCell(s: CellSpec, inputSize: number): nn.RNNCell {
  const common = { numUnits: s.numUnits, activation: s.activation, inputSize };
  switch (s.type) {
    case "basic_rnn": return new nn.BasicRNNCell(common);
    case "basic_lstm": return new nn.BasicLSTMCell({ ...common, forgetBias: s.forgetBias ?? 1 });
    case "lstm": return new nn.LSTMCell({ ...common, forgetBias: s.forgetBias ?? 1, usePeepholes: s.usePeepholes,
      cellClip: s.cellClip, numProj: s.numProj, projClip: s.projClip });
    default: return new nn.GRUCell(common);
  }
}

function makeStructure(c: Case) {
  let depth = c.D;
  const layers = c.cells.map((s) => { const cell = makeCell(s, depth); depth = cell.outputSize; return cell; });
  for (const l of layers) l.build(l.cell.config.inputSize, "float64", "test");
  return c.multi ? new nn.MultiRNNCell(layers) : layers[0];
}

/** The fixture's variables ("fw/cell_0/kernel") under the names a TF-1 graph gives them. */
function fullNames(c: Case): Record<string, { shape: number[]; data: number[] }> {
  const out: Record<string, { shape: number[]; data: number[] }> = {};
  for (const [key, t] of Object.entries(c.tensors)) {
    const m = /^fw\/cell_(\d+)\/(.+)$/.exec(key);
    if (!m) continue;
    const scope = SCOPE[c.cells[Number(m[1])].type];
    out[c.multi ? `rnn/multi_rnn_cell/cell_${m[1]}/${scope}/${m[2]}` : `rnn/${scope}/${m[2]}`] = t;
  }
  return out;
}

const run = (cell: nn.RNNCellLike, c: Case) =>
  nn.dynamicRnn(cell, T64(c.tensors.x), c.lengths ? { sequenceLength: c.lengths } : {}).outputs as Tensor;

describe("TF-1 variables by full name", () => {
  for (const name of ["dyn_basic_lstm", "dyn_lstm_lengths", "dyn_gru_lengths", "dyn_rnn_tanh", "multi_lstm_2", "multi_mixed"]) {
    it(`${name}: imported by TF-1 names, dynamicRnn gives the formula script's outputs (1e-9)`, () => {
      const c = byName(name), cell = makeStructure(c);
      importTf1Variables(cell, fullNames(c), { source: "tf1_seq.json" });
      assertClose(run(cell, c).data, c.tensors.out_fw.data, 1e-9, `${name} outputs`, 1e-3);
    });
  }

  it("the names are TF-1's", () => {
    assert.deepEqual(Object.keys(exportTf1Variables(makeStructure(byName("multi_mixed")))), [
      "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", "rnn/multi_rnn_cell/cell_0/lstm_cell/bias",
      "rnn/multi_rnn_cell/cell_0/lstm_cell/w_i_diag", "rnn/multi_rnn_cell/cell_0/lstm_cell/w_f_diag",
      "rnn/multi_rnn_cell/cell_0/lstm_cell/w_o_diag", "rnn/multi_rnn_cell/cell_0/lstm_cell/projection/kernel",
      "rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel", "rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias",
      "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel", "rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias",
      "rnn/multi_rnn_cell/cell_2/basic_rnn_cell/kernel", "rnn/multi_rnn_cell/cell_2/basic_rnn_cell/bias",
    ]);
  });

  it("rnnlab -> TF-1 names -> rnnlab is exact (every cell class, bidirectional scopes)", () => {
    const make = (seed: number) => new nn.MultiRNNCell([
      new nn.LSTMCell({ numUnits: 4, inputSize: 3, usePeepholes: true, numProj: 2, seed }),
      new nn.BasicLSTMCell({ numUnits: 3, inputSize: 2, seed: seed + 1 }),
      new nn.GRUCell({ numUnits: 3, inputSize: 3, seed: seed + 2 }),
      new nn.GRUCell({ numUnits: 2, inputSize: 3, resetAfter: true, seed: seed + 3 }),
      new nn.BasicRNNCell({ numUnits: 2, inputSize: 2, seed: seed + 4 }),
    ]);
    const a = make(1), b = make(100), scope = "bidirectional_rnn/fw";
    importTf1Variables(b, exportTf1Variables(a, { scope }), { scope });
    const va = exportTf1Variables(a, { scope }), vb = exportTf1Variables(b, { scope });
    assert.notDeepEqual(exportTf1Variables(make(100), { scope })[`${scope}/multi_rnn_cell/cell_0/lstm_cell/kernel`].data,
      va[`${scope}/multi_rnn_cell/cell_0/lstm_cell/kernel`].data, "the two seeds differ before the import");
    assert.deepEqual(Object.keys(vb), Object.keys(va));
    for (const k of Object.keys(va)) assert.deepEqual(vb[k].data, va[k].data, k);
    assert.ok(Object.keys(va).includes("bidirectional_rnn/fw/multi_rnn_cell/cell_3/cudnn_compatible_gru_cell/candidate/hidden_projection/kernel"));
  });

  it("TF-1 variables through a safetensors file by full name: exact, and errors name the file", () => {
    const c = byName("multi_mixed"), a = makeStructure(c), dir = mkdtempSync(join(tmpdir(), "rnnlab-tf1-")), path = join(dir, "tf1.safetensors");
    try {
      importTf1Variables(a, fullNames(c));
      saveCheckpoint(path, exportTf1Variables(a));
      const b = makeStructure(c);
      importTf1Variables(b, loadCheckpoint(path).tensors, { source: path });
      for (const [k, v] of Object.entries(exportTf1Variables(a))) assert.deepEqual(exportTf1Variables(b)[k].data, v.data, k);
      assert.throws(() => importTf1Variables(new nn.BasicLSTMCell({ numUnits: 5, inputSize: 4 }), loadCheckpoint(path).tensors, { source: path }),
        (e: Error) => e.message.includes(`in ${path}`) && e.message.includes("unexpected variable"));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it("missing, mis-shaped and unexpected variables are named", () => {
    const c = byName("multi_lstm_2"), vars = fullNames(c);
    const k0 = "rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel";
    const missing = { ...vars }; delete missing[k0];
    assert.throws(() => importTf1Variables(makeStructure(c), missing, { source: "ckpt.json" }),
      /missing variable "rnn\/multi_rnn_cell\/cell_0\/basic_lstm_cell\/kernel" in ckpt.json \(shape \[9,20\]\)/);
    assert.throws(() => importTf1Variables(makeStructure(c), { ...vars, [k0]: { shape: [20, 9], data: vars[k0].data } }),
      /variable "rnn\/multi_rnn_cell\/cell_0\/basic_lstm_cell\/kernel" has shape \[20,9\], expected \[9,20\]/);
    assert.throws(() => importTf1Variables(makeStructure(c), { ...vars, "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel": vars[k0] }),
      /unexpected variable "rnn\/multi_rnn_cell\/cell_0\/lstm_cell\/kernel"/);
    importTf1Variables(makeStructure(c), { ...vars, "other_model/dense/kernel": vars[k0] });   // outside the scope: ignored
  });
});

describe("forget bias: TF-1 cells <-> PyTorch-style layers", () => {
  it("multi_lstm_2 (forget_bias 1 and 0.5) folded into bias_ih gives the same outputs in an LSTM layer (1e-9)", () => {
    const c = byName("multi_lstm_2"), cell = makeStructure(c);
    importTf1Variables(cell, fullNames(c));
    const layer = new LSTM({ inputSize: c.D, hiddenSize: 5, numLayers: 2, batchFirst: true, dtype: "float64" });
    tf1ToTorchLayer(cell, layer);
    const out = layer.forward(T64(c.tensors.x), { lengths: c.lengths! }).output;
    assertClose(out.data, c.tensors.out_fw.data, 1e-9, "LSTM layer outputs", 1e-3);
    // the fold is needed: the same weights without it are far off
    const naive = new LSTM({ inputSize: c.D, hiddenSize: 5, numLayers: 2, batchFirst: true, dtype: "float64" });
    tf1ToTorchLayer(cell, naive);
    for (const l of [0, 1]) {
      const b = naive.params.views[`bias_ih_l${l}`], fb = (cell.layers()[l] as nn.RNNCell).cell.config.forgetBias;
      for (let r = 5; r < 10; r++) b[r] -= fb;
    }
    assert.ok(maxRelErr(naive.forward(T64(c.tensors.x), { lengths: c.lengths! }).output.data, c.tensors.out_fw.data).err > 1e-2);
  });

  it("PyTorch LSTM -> TF-1 BasicLSTMCell (forget_bias 1) -> PyTorch is exact in float64 up to the fold's rounding, same outputs", () => {
    const layer = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, dtype: "float64", seed: 9 });
    const cell = new nn.MultiRNNCell([new nn.BasicLSTMCell({ numUnits: 4, inputSize: 3 }), new nn.BasicLSTMCell({ numUnits: 4, inputSize: 4, forgetBias: 0.5 })]);
    for (const l of cell.layers()) l.build(l.inputDepth!, "float64", "test");
    torchLayerToTf1(layer, cell);
    const x = new Tensor([2, 5, 3], Float64Array.from({ length: 30 }, (_, i) => Math.sin(i)));
    const viaTf1 = nn.dynamicRnn(cell, x).outputs as Tensor;
    const direct = layer.forward(transpose(x, [1, 0, 2])).output;
    assertClose(transpose(viaTf1, [1, 0, 2]).data, direct.data, 1e-12, "outputs");
    const back = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, dtype: "float64", seed: 1 });
    tf1ToTorchLayer(cell, back);
    const x2 = transpose(x, [1, 0, 2]);
    assertClose(back.forward(x2).output.data, direct.data, 1e-12, "round trip outputs");
  });

  it("refuses what has no equivalent, saying why", () => {
    const peep = new nn.LSTMCell({ numUnits: 4, inputSize: 3, usePeepholes: true });
    assert.throws(() => tf1ToTorchLayer(peep, new LSTM({ inputSize: 3, hiddenSize: 4 })), /no peepholes/);
    const gru = new nn.GRUCell({ numUnits: 4, inputSize: 3 });
    assert.throws(() => tf1ToTorchLayer(gru, new GRU({ inputSize: 3, hiddenSize: 4 })), /resets before the recurrent matmul/);
    const rnn = new nn.BasicRNNCell({ numUnits: 4, inputSize: 3 });
    assert.throws(() => tf1ToTorchLayer(rnn, new RNN({ inputSize: 3, hiddenSize: 4, bidirectional: true })), /unidirectional/);
  });
});
