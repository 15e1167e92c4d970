// CellRNN: a user-defined cell as a layer of the PyTorch-style API. The hand-written LSTM in a
// CellRNN equals the LSTM layer holding the same weights (converted from TF-1 by tf1ToTorchLayer),
// forward and backward, in float64 with lengths; gradients accumulate like PyTorch's .grad; the
// optimizers train it through groups().
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as nn from "../../src/nn/index.ts";
import { CellRNN } from "../../src/layers/cell-rnn.ts";
import { LSTM } from "../../src/layers/recurrent.ts";
import { tf1ToTorchLayer } from "../../src/io/tf1-torch.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { Rng } from "../../src/params/rng.ts";
import { adam } from "../../src/train/optim.ts";
import { RnnlabError } from "../../src/errors.ts";
import { allBackends } from "../helpers/backends.ts";
import { assertClose } from "../helpers/close.ts";
import { copyVariables, handLstm } from "../helpers/hand-cells.ts";

const T = 5, B = 3, D = 2, H = 4;
const rand = (seed: number, n: number) => { const r = new Rng(seed); return Float64Array.from({ length: n }, () => r.uniform(-1, 1)); };

describe("CellRNN", async () => {
  for (const k of await allBackends()) {
    it(`[${k.name}] a hand-written LSTM in a CellRNN = the LSTM layer with the same weights (float64, lengths [5,0,3])`, () => {
      const builtIn = new nn.BasicLSTMCell({ numUnits: H, inputSize: D, kernels: k, seed: 3 });
      const mine = handLstm(H, { inputSize: D, kernels: k });
      const layerCell = new CellRNN(mine);
      const torch = new LSTM({ inputSize: D, hiddenSize: H, dtype: "float64", kernels: k });
      const x = new Tensor([T, B, D], rand(1, T * B * D));
      nn.dynamicRnn(builtIn, x, { timeMajor: true }); nn.dynamicRnn(mine, x, { timeMajor: true });
      copyVariables(builtIn, mine);
      tf1ToTorchLayer(builtIn, torch);
      const h0 = rand(2, B * H), c0 = rand(3, B * H), lengths = [5, 0, 3];
      const a = layerCell.forward(x, { lengths, initialState: new nn.LSTMStateTuple(new Tensor([B, H], c0), new Tensor([B, H], h0)) });
      const b = torch.forward(x, { lengths, h0: new Tensor([1, B, H], h0), c0: new Tensor([1, B, H], c0) });
      assertClose(a.output.data, b.output.data, 1e-12, "output");
      assertClose((a.state as nn.LSTMStateTuple).h.data, b.hN.data, 1e-12, "hN");
      assertClose((a.state as nn.LSTMStateTuple).c.data, b.cN!.data, 1e-12, "cN");
      const dy = new Tensor([T, B, H], rand(4, T * B * H));
      const ga = layerCell.backward({ output: dy }), gb = torch.backward({ output: dy });
      assertClose(ga.dx.data, gb.dx.data, 1e-12, "dx");
      assertClose((ga.dState as nn.LSTMStateTuple).h.data, gb.dh0.data, 1e-12, "dh0");
      assertClose((ga.dState as nn.LSTMStateTuple).c.data, gb.dc0!.data, 1e-12, "dc0");
      // the kernel's gradient, in TF-1 layout, against the torch layer's dW_ih, dW_hh (rows i, f, g, o <- columns i, j, f, o)
      const dKernel = layerCell.gradDict().kernel.data, torchGrads = torch.gradDict();
      const block = [0, 2, 1, 3];
      for (let g = 0; g < 4; g++) for (let n = 0; n < H; n++) for (let d = 0; d < D + H; d++) {
        const ours = dKernel[d * 4 * H + block[g] * H + n], row = g * H + n;
        const theirs = d < D ? torchGrads.weight_ih_l0.data[row * D + d] : torchGrads.weight_hh_l0.data[row * H + d - D];
        assert.ok(Math.abs(ours - theirs) < 1e-12, `dkernel[${d}, gate ${g}, unit ${n}]: ${ours} vs ${theirs}`);
      }
    });
  }

  it("gradients accumulate over backward calls until zeroGrad, like PyTorch's .grad", () => {
    const layer = new CellRNN(new nn.MultiRNNCell([handLstm(3), new nn.GRUCell({ numUnits: 2 })]), { batchFirst: true });
    const x = new Tensor([B, T, D], rand(5, B * T * D)), dy = new Tensor([B, T, 2], rand(6, B * T * 2));
    layer.forward(x); layer.backward({ output: dy });
    const once = layer.gradDict();
    layer.forward(x); layer.backward({ output: dy });
    const twice = layer.gradDict();
    assert.deepEqual(Object.keys(once).sort(), ["cell_0/bias", "cell_0/kernel", "cell_1/candidate/bias", "cell_1/candidate/kernel", "cell_1/gates/bias", "cell_1/gates/kernel"]);
    for (const name of Object.keys(once)) assertClose(twice[name].data, once[name].data.map((v) => 2 * v), 1e-12, name);
    layer.zeroGrad();
    for (const t of Object.values(layer.gradDict())) assert.ok(t.data.every((v) => v === 0));
    assert.equal(layer.paramCount(), (2 + 3) * 12 + 12 + (3 + 2) * 4 + 4 + (3 + 2) * 2 + 2);
  });

  it("trains through the optimizers (groups), and refuses backward without forward", () => {
    const layer = new CellRNN(handLstm(8), { batchFirst: true }), opt = adam({ lr: 0.03 }), rng = new Rng(9);
    const step = () => {
      const x = new Tensor([16, 6, 1], Float32Array.from({ length: 96 }, () => rng.uniform(-1, 1)));
      const { state } = layer.forward(x);
      const h = (state as nn.LSTMStateTuple).h;
      const dh = new Float32Array(h.size);
      let loss = 0;
      for (let b = 0; b < 16; b++) {                      // target: h[b, 0] = the first input of the sequence
        const err = h.data[b * 8] - x.data[b * 6];
        loss += err * err / 16; dh[b * 8] = 2 * err / 16;
      }
      layer.zeroGrad();
      layer.backward({ state: new nn.LSTMStateTuple(new Tensor([16, 8], new Float32Array(128)), new Tensor([16, 8], dh)) });
      opt.step(layer.groups());
      return loss;
    };
    const first = step();
    let last = first;
    for (let i = 0; i < 150; i++) last = step();
    assert.ok(last < first / 4, `loss ${first} -> ${last}`);
    assert.throws(() => new CellRNN(handLstm(2)).backward({}), (e: unknown) => e instanceof RnnlabError && /call forward first/.test(e.message));
  });
});
