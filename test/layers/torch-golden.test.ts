// PyTorch-style layers against real torch.nn.RNN / LSTM / GRU (fixtures/gen_torch_seq.py):
// 2 layers, bidirectional, projections, sorted and unsorted lengths (packed sequences);
// outputs, h_n, c_n and the gradients w.r.t. x, h0, c0 and every weight.
import { describe, it } from "node:test";
import { loadFixture } from "../helpers/fixtures.ts";
import { assertClose } from "../helpers/close.ts";
import { allBackends } from "../helpers/backends.ts";
import { GRU, LSTM, RNN, type Recurrent } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";

const cases = loadFixture("torch_seq.json") as unknown as {
  name: string; module: "rnn" | "lstm" | "gru"; dtype: "float32" | "float64"; T: number; B: number; lengths: number[] | null;
  config: { inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean; projSize: number; nonlinearity: "tanh" | "relu"; bias: boolean };
  tensors: Record<string, { shape: number[]; data: number[] }>;
}[];
const backends = await allBackends();
const modules = { rnn: RNN, lstm: LSTM, gru: GRU };

for (const k of backends) {
  describe(`[${k.name}] layers match PyTorch 1.13 nn.RNN / nn.LSTM / nn.GRU`, () => {
    for (const c of cases) {
      if (k.name === "wasm" && c.dtype === "float64") continue;
      const tol = c.dtype === "float64" ? 1e-9 : 1e-5;
      it(`${c.name} (${c.dtype}, lengths ${JSON.stringify(c.lengths)})`, () => {
        const { config: cfg } = c;
        const layer: Recurrent = new modules[c.module]({
          inputSize: cfg.inputSize, hiddenSize: cfg.hiddenSize, numLayers: cfg.numLayers, bidirectional: cfg.bidirectional,
          bias: cfg.bias, dtype: c.dtype, kernels: k,
          ...(c.module === "lstm" ? { projSize: cfg.projSize } : {}), ...(c.module === "rnn" ? { nonlinearity: cfg.nonlinearity } : {}),
        });
        const Arr = c.dtype === "float64" ? Float64Array : Float32Array;
        const t = (name: string) => new Tensor(c.tensors[name].shape, Arr.from(c.tensors[name].data));
        const keys = Object.keys(layer.stateDict());
        layer.loadStateDict(Object.fromEntries(keys.map((key) => [key, t(key)])));
        const lstm = c.module === "lstm";
        const out = layer.forward(t("x"), { h0: t("h0"), ...(lstm ? { c0: t("c0") } : {}), ...(c.lengths ? { lengths: c.lengths } : {}) });
        layer.zeroGrad();
        const g = layer.backward({ output: t("dy"), hN: t("dhN"), ...(lstm ? { cN: t("dcN") } : {}) });
        const grads = layer.gradDict();
        const results: Record<string, ArrayLike<number>> = {
          out: out.output.data, hN: out.hN.data, grad_x: g.dx.data, grad_h0: g.dh0.data,
          ...(lstm ? { cN: out.cN!.data, grad_c0: g.dc0!.data } : {}),
          ...Object.fromEntries(keys.map((key) => [`grad_${key}`, grads[key].data])),
        };
        for (const [key, actual] of Object.entries(results)) {
          const expected = c.tensors[key].data;
          const floor = c.dtype === "float64" ? 1e-3 : 0.05 * Math.max(...expected.map(Math.abs));
          assertClose(actual, expected, tol, `${c.name} ${key}`, floor);
        }
      });
    }
  });
}
