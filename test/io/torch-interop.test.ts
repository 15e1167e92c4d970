// PyTorch state dicts as safetensors files: files laid out like safetensors.torch.save_file of
// real nn.LSTM / nn.GRU / nn.RNN modules (fixtures/gen_safetensors.py, gen_torch_interop.py) load
// into the layers and reproduce torch's forward pass; what we write back is the same file, byte
// for byte; and rnnlab -> file -> rnnlab is exact.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GRU, LSTM, RNN, type Recurrent } from "../../src/layers/recurrent.ts";
import { loadTorchSafetensors, saveTorchSafetensors } from "../../src/io/torch-safetensors.ts";
import { saveCheckpoint } from "../../src/io/checkpoint.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { assertClose } from "../helpers/close.ts";

const fixture = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url).pathname;
const json = (name: string) => JSON.parse(readFileSync(fixture(name), "utf8"));
const t32 = (t: { shape: number[]; data: number[] }) => new Tensor(t.shape, Float32Array.from(t.data));
const tmp = () => mkdtempSync(join(tmpdir(), "rnnlab-torch-"));

function camel(cfg: Record<string, unknown>) {
  return { inputSize: cfg.input_size as number, hiddenSize: cfg.hidden_size as number, numLayers: (cfg.num_layers as number) ?? 1,
    bidirectional: (cfg.bidirectional as boolean) ?? false };
}

describe("PyTorch safetensors", () => {
  const interop = json("torch_interop_expected.json").cases;
  const cases: [string, () => Recurrent, { x: never; output: never; h_n: never; c_n?: never }][] = [
    ["torch_gru.safetensors", () => new GRU(camel(interop.gru.config)), interop.gru],
    ["torch_rnn.safetensors", () => new RNN({ ...camel(interop.rnn.config), nonlinearity: "relu" }), interop.rnn],
    ["torch_lstm.safetensors", () => { const c = json("torch_lstm_expected.json").config; return new LSTM({ ...camel(c), projSize: c.proj_size }); },
      json("torch_lstm_expected.json").forward],
  ];
  for (const [file, make, expected] of cases) {
    it(`${file} loads and gives torch's output, h_n (and c_n)`, () => {
      const layer = make().eval();
      loadTorchSafetensors(layer, fixture(file));
      const r = layer.forward(t32(expected.x));
      assertClose(r.output.data, (expected.output as { data: number[] }).data, 1e-5, `${file} output`);
      assertClose(r.hN.data, (expected.h_n as { data: number[] }).data, 1e-5, `${file} h_n`);
      if (expected.c_n) assertClose(r.cN!.data, (expected.c_n as { data: number[] }).data, 1e-5, `${file} c_n`);
    });

    it(`${file}: what we write back is the torch file, byte for byte`, () => {
      const layer = make(), dir = tmp();
      try {
        loadTorchSafetensors(layer, fixture(file));
        saveTorchSafetensors(layer, join(dir, "out.safetensors"));
        assert.deepEqual(readFileSync(join(dir, "out.safetensors")), readFileSync(fixture(file)));
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
  }

  it("rnnlab -> safetensors -> rnnlab is exact (float64, 2 layers, bidirectional, projection)", () => {
    const a = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2, dtype: "float64", seed: 5 });
    const b = new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, projSize: 2, dtype: "float64", seed: 6 });
    const dir = tmp();
    try {
      saveTorchSafetensors(a, join(dir, "a.safetensors"));
      loadTorchSafetensors(b, join(dir, "a.safetensors"));
      for (const [k, v] of Object.entries(a.stateDict())) assert.deepEqual(b.stateDict()[k].data, v.data, k);
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });

  it("a file for another module names the file and the key", () => {
    const gru = new GRU({ inputSize: 4, hiddenSize: 3 });
    assert.throws(() => loadTorchSafetensors(gru, fixture("torch_rnn.safetensors")),
      (e: Error) => e.message.includes("torch_rnn.safetensors") && /weight_ih_l0.*shape \[3,4\], expected \[9,4\]/.test(e.message));
  });

  it("a truncated file names the file", () => {
    const dir = tmp(), path = join(dir, "cut.safetensors");
    try {
      writeFileSync(path, readFileSync(fixture("torch_gru.safetensors")).subarray(0, 200));
      assert.throws(() => loadTorchSafetensors(new GRU({ inputSize: 4, hiddenSize: 3 }), path), (e: Error) => e.message.includes(path));
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});

describe("PyTorch fixtures of the time issue (torch_seq.json) through safetensors files", () => {
  interface SeqCase { name: string; module: "rnn" | "lstm" | "gru"; dtype: "float32" | "float64"; lengths: number[] | null;
    config: { inputSize: number; hiddenSize: number; numLayers: number; bidirectional: boolean; projSize: number; nonlinearity: "tanh" | "relu"; bias: boolean };
    tensors: Record<string, { shape: number[]; data: number[] }> }
  const cases: SeqCase[] = json("torch_seq.json").cases;
  const make = (c: SeqCase) => {
    const { projSize, nonlinearity, ...common } = c.config, opts = { ...common, dtype: c.dtype };
    return c.module === "lstm" ? new LSTM({ ...opts, projSize }) : c.module === "gru" ? new GRU(opts) : new RNN({ ...opts, nonlinearity });
  };
  for (const c of cases) {
    it(`${c.name}: nn.${c.module.toUpperCase()} state dict written as safetensors, loaded, gives torch's output and h_n`, () => {
      const layer = make(c).eval(), dir = tmp(), path = join(dir, `${c.name}.safetensors`);
      const T = (name: string) => { const t = c.tensors[name]; return new Tensor(t.shape, c.dtype === "float64" ? Float64Array.from(t.data) : Float32Array.from(t.data)); };
      try {
        // the file safetensors.torch.save_file(module.state_dict()) would hold: the torch keys, float64 or float32
        saveCheckpoint(path, Object.fromEntries(Object.keys(layer.stateDict()).map((k) => [k, T(k)])), { format: "pt" });
        loadTorchSafetensors(layer, path);
        const r = layer.forward(T("x"), { h0: T("h0"), ...(c.module === "lstm" ? { c0: T("c0") } : {}), ...(c.lengths ? { lengths: c.lengths } : {}) });
        const tol = c.dtype === "float64" ? 1e-9 : 1e-5;
        assertClose(r.output.data, c.tensors.out.data, tol, `${c.name} output`);
        assertClose(r.hN.data, c.tensors.hN.data, tol, `${c.name} h_n`);
        if (r.cN) assertClose(r.cN.data, c.tensors.cN.data, tol, `${c.name} c_n`);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
  }
});
