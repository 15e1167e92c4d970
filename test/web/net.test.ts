// The playground's network (src/web/net.ts) is wired from the library's parts by hand; here it
// must give the same predictions, loss and gradients as SequenceModel with the same weights, on
// every input/head/loss kind the playground uses, and its one-step path must equal its unrolled one.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlaygroundNet, type NetConfig } from "../../src/web/net.ts";
import { namesDataset } from "../../src/web/data.ts";
import { SequenceModel, refKernels, data, type Batch, type SeqDataset } from "../../src/index.ts";
import { simdProbe } from "../../src/kernels/features.ts";
import type { Recurrent } from "../../src/layers/recurrent.ts";

const TORCH: Record<string, string> = { weightIh: "weight_ih_l0", weightHh: "weight_hh_l0", biasIh: "bias_ih_l0", biasHh: "bias_hh_l0" };

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function compare(label: string, ds: SeqDataset, cell: "rnn" | "lstm" | "gru", head: "last" | "every", loss: "class" | "value") {
  const H = 6, tokens = ds.inputKind === "tokens";
  const cfg: NetConfig = { cell, peepholes: false, hiddenSize: H, inputKind: ds.inputKind, inputSize: ds.inputSize, embeddingDim: 5,
    outputSize: ds.outputSize, head, loss, seed: 3 };
  const net = new PlaygroundNet(cfg, refKernels);
  const model = new SequenceModel({ cell, inputKind: ds.inputKind, inputSize: ds.inputSize, ...(tokens ? { embeddingDim: 5 } : {}),
    hiddenSize: H, outputSize: ds.outputSize, head, loss, seed: 9 }, refKernels);
  const dict: Record<string, { data: ArrayLike<number>; shape: number[] }> = {};
  for (const t of net.tensors()) {
    const [prefix, name] = t.name.split(".");
    dict[prefix === "rnn" ? `rnn.${TORCH[name]}` : t.name] = { data: t.values, shape: t.shape };
  }
  model.loadStateDict(dict as never);
  const batch: Batch = ds.batches("train", 4, 1)[Symbol.iterator]().next().value!;
  const mine = net.forward(batch), theirs = model.forward(batch);
  assert.ok(maxDiff(mine.preds.subarray(0, mine.rows * ds.outputSize), theirs.predictions.subarray(0, theirs.rows * ds.outputSize)) < 1e-6, `${label}: predictions`);
  net.zeroGrad(); model.zeroGrad();
  const l1 = net.backward(), l2 = model.lossAndBackward().loss;
  assert.ok(Math.abs(l1 - l2) < 1e-6, `${label}: loss ${l1} vs ${l2}`);
  const g = (model.rnn as Recurrent).gradDict();
  for (const t of net.tensors()) {
    const [prefix, name] = t.name.split(".");
    const other = prefix === "rnn" ? g[TORCH[name]].data : prefix === "fc" ? model.fc.grads.views[name] : model.embedding!.grads.views[name];
    assert.ok(maxDiff(t.grads, other) < 1e-6, `${label}: gradient of ${t.name}`);
  }
  net.dispose();
}

test("PlaygroundNet equals SequenceModel: features/last/value (adding), features/every/value (sine), features/last/class, tokens/every/class with lengths (names)", () => {
  const names = namesDataset({ train: ["anna", "bob", "christina", "al", "eve", "jo"], test: ["max"] });
  for (const cell of ["rnn", "lstm", "gru"] as const) {
    compare(`${cell} adding`, data.addingProblem({ T: 7, trainSize: 8, testSize: 1 }), cell, "last", "value");
    compare(`${cell} sine`, data.sine({ window: 5, trainSize: 8, testSize: 1 }), cell, "every", "value");
    compare(`${cell} recall`, data.delayedRecall({ lag: 4, trainSize: 8, testSize: 1 }), cell, "last", "class");
    compare(`${cell} names`, names, cell, "every", "class");
  }
});

test("PlaygroundNet: one step at a time (gate traces, sampling) equals the unrolled forward, peepholes included", () => {
  const ds = data.sine({ window: 9, trainSize: 4, testSize: 1 });
  for (const [cell, peepholes] of [["lstm", true], ["lstm", false], ["gru", false], ["rnn", false]] as const) {
    const net = new PlaygroundNet({ cell, peepholes, hiddenSize: 5, inputKind: "features", inputSize: 1, embeddingDim: 0, outputSize: 1, head: "every", loss: "value", seed: 1 }, refKernels);
    const batch: Batch = ds.batches("test", 1, 0)[Symbol.iterator]().next().value!;
    const { preds } = net.forward(batch);
    const x = (batch.input as { x: Float32Array }).x;
    const trace = net.traceGates(x, 9);
    assert.equal(trace.steps.length, 9);
    assert.equal(trace.steps[0].length, cell === "lstm" ? 20 : cell === "gru" ? 15 : 5);
    assert.ok(maxDiff(trace.outputs.map((o) => o[0]), preds.subarray(0, 9)) < 1e-6, `${cell} peepholes=${peepholes}`);
    if (cell === "lstm") for (const s of trace.steps) for (const v of s.subarray(0, 5)) assert.ok(v > 0 && v < 1, "input gate is a sigmoid");
    net.dispose();
  }
});

test("the SIMD probe validates in Node (V8 has SIMD) and stops validating when its SIMD opcode is broken", () => {
  const probe = simdProbe();
  assert.equal(WebAssembly.validate(probe), true);
  const broken = new Uint8Array(probe.slice(0));
  broken[broken.length - 3] = 0xfc;                        // 0xFD prefix (SIMD) → 0xFC (another prefix, no 0x0F there)
  assert.equal(WebAssembly.validate(broken), false);
});

test("PlaygroundNet.gradFlow is the last *training* backward's, whatever evaluation forwards came after", () => {
  const ds = data.addingProblem({ T: 12, trainSize: 64, testSize: 32 });
  const net = new PlaygroundNet({ cell: "rnn", peepholes: false, hiddenSize: 5, inputKind: "features", inputSize: 2, embeddingDim: 0,
    outputSize: 1, head: "last", loss: "value", seed: 1 }, refKernels);
  assert.equal(net.gradFlow().length, 0, "nothing before the first backward");
  const train = ds.batches("train", 8, 0)[Symbol.iterator]().next().value as Batch;
  net.zeroGrad(); net.forward(train); net.backward();
  const flow = net.gradFlow();
  assert.equal(flow.length, 12);
  assert.ok(flow.every((v) => v > 0), "the loss reaches every step");
  // a test-metric pass (forward + loss, no gradients) and a sample forward on other shapes
  for (const b of ds.batches("test", 5, 0)) { net.forward(b); net.backward(false); }
  net.forward(ds.batches("test", 3, 1)[Symbol.iterator]().next().value as Batch);
  assert.deepEqual(Array.from(net.gradFlow()), Array.from(flow));
  net.dispose();
});
