// Training models made of TF-1 style cells with the one training loop (fit, tbptt, evaluate,
// checkpoints): a MultiRNNCell([LSTMCell(peepholes, cellClip, numProj), GRUCell]) learns the
// adding problem (T = 50) to a test MSE < 0.01 and its checkpoint resumes bit for bit; the
// model's gradients (head + cells, bidirectional, lengths) pass a float64 finite-difference
// check; user-defined cells train the same way; streaming and truncated BPTT carry the state.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SequenceModel, type ModelConfig } from "../../src/train/model.ts";
import { fit, evaluate } from "../../src/train/fit.ts";
import { tbptt } from "../../src/train/tbptt.ts";
import { adam } from "../../src/train/optim.ts";
import { cosine } from "../../src/train/schedule.ts";
import { loadTraining } from "../../src/train/checkpoint.ts";
import { addingProblem } from "../../src/train/data/synthetic.ts";
import { gradcheck } from "../../src/analysis/gradcheck.ts";
import { summary } from "../../src/analysis/summary.ts";
import * as nn from "../../src/nn/index.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import type { Batch } from "../../src/train/batch.ts";
import type { Value } from "../../src/graph/graph.ts";

const dir = mkdtempSync(join(tmpdir(), "rnnlab-tf1-fit-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const stack: ModelConfig = {
  cell: "tf1", cells: [{ type: "lstm", numUnits: 32, usePeepholes: true, cellClip: 10, numProj: 16 }, { type: "gru", numUnits: 16 }],
  inputKind: "features", inputSize: 2, outputSize: 1, head: "last", loss: "value", seed: 1,
};

describe("TF-1 cells in fit", () => {
  it("MultiRNNCell([LSTMCell(peepholes, cellClip, numProj), GRUCell]) learns the adding problem (T = 50) to test MSE < 0.01", () => {
    const ds = addingProblem({ T: 50, trainSize: 5000, testSize: 500, dataSeed: 1 });
    const model = new SequenceModel(stack);
    assert.deepEqual(model.groups().map((g) => g.name), ["rnn.cell_0", "rnn.cell_1", "fc"]);
    const r = fit(model, ds, { epochs: 9, batchSize: 32, optimizer: adam({ lr: 0.005 }), clipNorm: 1, seed: 1 });
    const test = r.history[r.history.length - 1].test!.loss;
    assert.ok(test < 0.01, `test MSE ${test} (baseline ${ds.baselineMse.toFixed(3)})`);
    assert.ok(evaluate(model, ds, "test").loss < 0.01);
    assert.match(summary(model), /LSTMCell\(16\) → GRUCell\(16\)/);
  });

  it("its checkpoint resumes exactly (losses and every weight bit for bit), and the file rebuilds the model", () => {
    const ds = addingProblem({ T: 50, trainSize: 160, testSize: 32, dataSeed: 2 }), path = join(dir, "tf1.safetensors");
    const run = (onStep?: (s: { step: number; loss: number }) => void, resume?: ReturnType<typeof loadTraining>) => {
      const model = resume?.model ?? new SequenceModel(stack);
      const optimizer = resume?.optimizer ?? adam({ lr: 0.01 });
      return { model, r: fit(model, ds, { epochs: 3, batchSize: 16, optimizer, seed: 7, clipNorm: 1, schedule: cosine(30),
        checkpoint: { path, everySteps: 4 }, resume: resume?.progress, onStep }) };
    };
    const full: number[] = [];
    const a = run((s) => full.push(s.loss));
    const resumed: number[] = [];
    assert.throws(() => run((s) => { if (s.step === 15) throw new Error("killed"); resumed.push(s.loss); }), /killed/);
    const loaded = loadTraining(path);                         // no model given: built from the file's config
    assert.deepEqual([loaded.progress!.epoch, loaded.progress!.batch, loaded.progress!.step], [1, 2, 12]);
    resumed.length = 12;
    const b = run((s) => resumed.push(s.loss), loaded);
    assert.deepEqual(resumed, full);
    const da = a.model.stateDict(), db = b.model.stateDict();
    assert.deepEqual(Object.keys(db), Object.keys(da));
    assert.ok(Object.keys(da).includes("rnn.cell_0/w_f_diag") && Object.keys(da).includes("rnn.cell_1/candidate/kernel"));
    for (const key of Object.keys(da)) assert.deepEqual(db[key].data, da[key].data, key);
  });

  it("a checkpoint refuses a model of different cells, naming the difference", () => {
    const path = join(dir, "other.safetensors"), ds = addingProblem({ T: 5, trainSize: 8, testSize: 8 });
    const model = new SequenceModel(stack);
    fit(model, ds, { epochs: 1, batchSize: 8, optimizer: adam(), checkpoint: { path } });
    const other = new SequenceModel({ ...stack, cells: [{ type: "lstm", numUnits: 32, usePeepholes: true, cellClip: 10, numProj: 16 }, { type: "gru", numUnits: 8 }] });
    assert.throws(() => loadTraining(path, other), (e: unknown) => e instanceof RnnlabError && /different architecture: cells .*numUnits":16.* in the file vs/.test((e as Error).message));
  });

  it("bad configs are named", () => {
    const bad = (c: Partial<ModelConfig>, re: RegExp) => assert.throws(() => new SequenceModel({ ...stack, ...c } as ModelConfig), (e: unknown) => e instanceof RnnlabError && re.test((e as Error).message));
    bad({ cells: [] }, /SequenceModel: cells must be a non-empty array/);
    bad({ cells: [{ type: "lstmx" as "lstm", numUnits: 3 }] }, /cells\[0\]\.type must be/);
    bad({ cells: [{ type: "gru", numUnits: 3, usePeepholes: true } as never] }, /cells\[0\] \(gru\) has unknown option "usePeepholes"/);
    bad({ cells: [{ type: "gru", numUnits: 0 }] }, /cells\[0\]: GRUCell: numUnits must be/);
    bad({ numLayers: 2 }, /numLayers must be 1 \(or absent\) with cell "tf1": list the layers in cells/);
    bad({ cell: "lstm", hiddenSize: 4 }, /cells must be absent unless cell is "tf1"/);
    assert.throws(() => new SequenceModel({ ...stack, cell: "custom", cells: undefined }), /cells must be \{ cell, cellBw\? \} for cell "custom"/);
  });
});

/** Loss of one batch as a function of the flat parameters (float64), and its analytic gradient. */
function checkModelGradient(model: SequenceModel, batch: Batch, what: string) {
  const groups = model.groups();
  const loss = () => { model.forward(batch); return model.lossAndBackward(undefined, false).loss; };
  model.zeroGrad(); model.forward(batch); model.lossAndBackward();
  for (const g of groups) {
    const p = g.params as Float64Array, analytic = g.grads.slice();
    // every parameter would be slow: a spread of 40 entries per group
    const idx = Array.from({ length: Math.min(40, p.length) }, (_, i) => Math.floor((i * p.length) / Math.min(40, p.length)));
    const sub = Float64Array.from(idx, (i) => p[i]);
    const r = gradcheck(() => { idx.forEach((i, j) => { p[i] = sub[j]; }); return loss(); }, sub, idx.map((i) => analytic[i]), { step: 1e-5, floor: 1e-4 });
    idx.forEach((i, j) => { p[i] = sub[j]; });
    assert.ok(r.maxRelErr < 1e-6, `${what} ${g.name}: max relative error ${r.maxRelErr} at ${idx[r.at]} (${r.analytic} vs ${r.numeric})`);
  }
}

function randomBatch(T: number, B: number, D: number, lengths: number[] | null, perStep: boolean): Batch {
  const x = Float32Array.from({ length: T * B * D }, (_, i) => Math.sin(i * 1.7) * 0.9);
  const values = Float32Array.from({ length: perStep ? T * B : B }, (_, i) => Math.cos(i * 0.9) * 0.5);
  return { input: { kind: "features", x, T, B, D }, target: perStep ? { kind: "valuePerStep", values, size: 1 } : { kind: "value", values, size: 1 }, lengths: lengths ? Int32Array.from(lengths) : null };
}

describe("gradients of a model of TF-1 cells (float64 finite differences)", () => {
  it("stack of LSTMCell(peepholes, cellClip, numProj, projClip, hardSigmoid gates) and reset-before GRUCell, lengths [5,2,0]", () => {
    const model = new SequenceModel({ cell: "tf1", cells: [{ type: "lstm", numUnits: 4, usePeepholes: true, cellClip: 0.8, numProj: 3, projClip: 0.6, forgetBias: 0.5 },
      { type: "gru", numUnits: 3, gateActivation: "hardSigmoid" }], inputKind: "features", inputSize: 2, outputSize: 1, head: "last", loss: "value", dtype: "float64", seed: 3 });
    checkModelGradient(model, randomBatch(5, 3, 2, [5, 2, 0], false), "stack");
  });

  it("bidirectional BasicLSTMCell + BasicRNNCell, a prediction at every step", () => {
    const model = new SequenceModel({ cell: "tf1", cells: [{ type: "basic_lstm", numUnits: 3 }, { type: "basic_rnn", numUnits: 2 }], bidirectional: true,
      inputKind: "features", inputSize: 2, outputSize: 1, head: "every", loss: "value", dtype: "float64", seed: 4 });
    assert.deepEqual(model.groups().map((g) => g.name), ["rnn.fw/cell_0", "rnn.fw/cell_1", "rnn.bw/cell_0", "rnn.bw/cell_1", "fc"]);
    checkModelGradient(model, randomBatch(4, 2, 2, [4, 3], true), "bidirectional");
  });

  it("a user-defined cell (config.cell \"custom\") trains through the same loop", () => {
    const cell = new nn.CustomCell({ name: "mgu", stateSize: 3, outputSize: 3, variables: (d) => [{ name: "f/kernel", shape: [d + 3, 3] }, { name: "c/kernel", shape: [d + 3, 3] }],
      step: (x: Value, h: Value, v) => {   // minimal gated unit (Zhou et al. 2016): f = σ(W_f[x,h]); c = tanh(W_c[x, f⊙h]); h' = (1−f)h + f c
        const f = nn.ops.sigmoid(nn.ops.matmul(nn.ops.concat([x, h]), v["f/kernel"]));
        const c = nn.ops.tanh(nn.ops.matmul(nn.ops.concat([x, nn.ops.mul(f, h)]), v["c/kernel"]));
        const y = nn.ops.add(nn.ops.mul(nn.ops.sub(1, f), h), nn.ops.mul(f, c));
        return { output: y, state: y };
      } });
    const model = new SequenceModel({ cell: "custom", inputKind: "features", inputSize: 2, outputSize: 1, head: "last", loss: "value", dtype: "float64" }, undefined, { cell });
    checkModelGradient(model, randomBatch(4, 2, 2, null, false), "custom");
    assert.ok(Object.keys(model.stateDict()).includes("rnn.f/kernel"));
  });
});

describe("state carried by streaming and truncated BPTT", () => {
  const cfg: ModelConfig = { cell: "tf1", cells: [{ type: "lstm", numUnits: 3, usePeepholes: true }, { type: "gru", numUnits: 2 }],
    inputKind: "features", inputSize: 2, outputSize: 1, head: "every", loss: "value", dtype: "float64", seed: 5 };

  it("step() one step at a time equals the full sequence", () => {
    const model = new SequenceModel(cfg), batch = randomBatch(6, 2, 2, null, true);
    const full = model.forward(batch).predictions.slice();
    let state = null;
    const x = (batch.input as { x: Float32Array }).x;
    for (let t = 0; t < 6; t++) {
      const r = model.step(Float64Array.from(x.subarray(t * 4, t * 4 + 4)), state);
      state = r.state;
      assert.deepEqual(Array.from(r.prediction), Array.from(full.subarray(t * 2, t * 2 + 2)), `step ${t}`);
    }
    assert.deepEqual(state!.h.shape, [2, 3 + 3 + 2]);          // c and h of the LSTM, h of the GRU
  });

  it("tbptt with k1 = k2 = T equals full BPTT; smaller chunks carry the state", () => {
    const batch = randomBatch(6, 2, 2, null, true);
    const a = new SequenceModel(cfg), b = new SequenceModel(cfg);
    a.zeroGrad(); a.forward(batch); const full = a.lossAndBackward();
    b.zeroGrad(); const r = tbptt(b, batch, { k1: 6 });
    assert.ok(Math.abs(r.loss - full.loss) < 1e-12);
    a.groups().forEach((g, i) => assert.ok(g.grads.every((v, j) => Math.abs(v - b.groups()[i].grads[j]) < 1e-12), g.name));
    const c = new SequenceModel(cfg);
    const chunked = tbptt(c, batch, { k1: 2 });
    assert.equal(chunked.chunks, 3);
    assert.ok(Math.abs(chunked.loss - full.loss) < 1e-12, "the forward is the same: the state is carried across chunks");
  });

  it("h0 of the wrong width is named", () => {
    const model = new SequenceModel(cfg);
    assert.throws(() => model.forward(randomBatch(2, 2, 2, null, true), { h0: new Tensor([2, 3], new Float64Array(6)) }),
      /SequenceModel.forward: h0 has shape \[2,3\], expected \[2, 8\]/);
  });
});
