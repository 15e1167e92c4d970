// The numbers TensorFlow 1.x's own tests hard-code (rnn_cell_test.py: testGRUCell,
// testMultiRNNCell, testBasicLSTMCellWithStateTuple; DropoutWrapperTest.testDropoutWrapperKeepAll),
// all with constant 0.5 kernels and each cell's default bias, checked at TF's tolerance (1e-6).
import { describe, it } from "node:test";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers/close.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import type { RnnState } from "../../src/nn/index.ts";

interface TfTest {
  name: string; tfTest: string; api: "cell" | "dynamic"; multi: boolean; tfAssertAtol: number;
  cells: { type: string; numUnits: number }[];
  tensors: Record<string, { shape: number[]; data: number[] }>;
  expected: Record<string, { shape: number[]; data: number[] }>;
}
const tests: TfTest[] = JSON.parse(readFileSync(new URL("../../fixtures/tf1_seq.json", import.meta.url), "utf8")).tf_tests;
const t32 = (v: { shape: number[]; data: number[] }) => new Tensor(v.shape, Float32Array.from(v.data));

describe("TensorFlow 1.x's own hard-coded cell tests (float32, as TF ran them)", () => {
  for (const t of tests) {
    it(`${t.tfTest}: ${t.name}`, () => {
      const layers = t.cells.map((c) => (c.type === "gru" ? new nn.GRUCell({ numUnits: c.numUnits })
        : c.type === "basic_lstm" ? new nn.BasicLSTMCell({ numUnits: c.numUnits }) : new nn.LSTMCell({ numUnits: c.numUnits })));
      const cell = t.multi ? new nn.MultiRNNCell(layers) : layers[0];
      const x = t32(t.tensors.x);
      let depth = x.shape[x.rank - 1];
      layers.forEach((layer, l) => {
        layer.build(depth, "float32", "test"); depth = layer.outputSize;
        for (const v of layer.variables()) layer.assign(v.name, t32(t.tensors[`cell_${l}/${v.name}`]));
      });
      const perLayer = layers.map((layer, l) => layer.kind === "lstm"
        ? new nn.LSTMStateTuple(t32(t.tensors[`state_${l}/c`]), t32(t.tensors[`state_${l}/h`])) : t32(t.tensors[`state_${l}/h`]));
      const initialState = t.multi ? perLayer : perLayer[0];
      let output: Tensor, state: RnnState;
      if (t.api === "cell") ({ outputs: [output], state } = nn.staticRnn(cell, [x], { initialState }));
      else ({ outputs: output, state } = nn.dynamicRnn(cell, x, { initialState }));
      const states = (t.multi ? state : [state]) as RnnState[];
      for (const [key, exp] of Object.entries(t.expected)) {
        const m = /^state_(\d+)\/(h|c)$/.exec(key);
        let got: Tensor;
        if (key === "output" || key === "outputs") got = output;
        else {
          const s = states[Number(m![1])];
          got = s instanceof nn.LSTMStateTuple ? (m![2] === "c" ? s.c : s.h) : (s as Tensor);
        }
        assertClose(got.data, exp.data, t.tfAssertAtol, `${t.name} ${key}`, 1); // absolute, as TF's assertAllClose
      }
    });
  }
});
