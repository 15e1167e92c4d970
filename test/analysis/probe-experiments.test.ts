// The lab's training experiments on tiny configurations: training lowers the loss, results
// carry the numbers their own runs produced, and Ctrl-C (shouldStop) ends them with partial data.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProbeNet, trainProbe, evaluateProbe } from "../../src/analysis/probe-net.ts";
import { memoryProbe } from "../../src/analysis/memory.ts";
import { ablate, ABLATION_VARIANTS } from "../../src/analysis/ablate.ts";
import { addingProblem, copyTask, delayedRecall } from "../../src/train/data/index.ts";
import { refKernels } from "../../src/kernels/index.ts";
import type { Batch } from "../../src/train/batch.ts";

describe("ProbeNet", () => {
  for (const head of ["last", "every"] as const) {
    it(`head "${head}": the gradient of every parameter matches central differences (float64)`, () => {
      const data = head === "every" ? copyTask({ symbols: 3, length: 2, delay: 3, trainSize: 4, testSize: 4 }) : delayedRecall({ lag: 4, symbols: 3, trainSize: 4, testSize: 4 });
      const net = new ProbeNet({ kind: "lstm", cell: { inputSize: data.inputSize, hiddenSize: 3, forgetBias: 1, usePeepholes: true }, outputSize: 3, loss: "class", head, seed: 4, dtype: "float64" }, refKernels);
      const batch = data.batches("train", 4, 0)[Symbol.iterator]().next().value as Batch;
      const loss = () => { net.forward(batch); return net.lossAndBackward(false).loss; };
      net.zeroGrad(); net.forward(batch); net.lossAndBackward();
      for (const [p, g] of [[net.params.flat, net.grads.flat], [net.head.params.flat, net.head.grads.flat]] as const) {
        for (let i = 0; i < p.length; i += 3) {
          const keep = p[i], eps = 1e-6;
          p[i] = keep + eps; const up = loss(); p[i] = keep - eps; const down = loss(); p[i] = keep;
          const num = (up - down) / (2 * eps);
          assert.ok(Math.abs(num - g[i]) <= 1e-7 + 1e-5 * Math.abs(num), `param ${i}: numeric ${num} vs ${g[i]}`);
        }
      }
      net.dispose();
    });
  }

  it("trains: GRU learns delayed recall at lag 3 well above chance", () => {
    const data = delayedRecall({ lag: 3, symbols: 4, trainSize: 4000, testSize: 200 });
    const net = new ProbeNet({ kind: "gru", cell: { inputSize: 5, hiddenSize: 16 }, outputSize: 4, loss: "class", seed: 1 });
    const before = evaluateProbe(net, data);
    const r = trainProbe(net, data, { steps: 150, batchSize: 32, lr: 0.02 });
    const after = evaluateProbe(net, data);
    assert.equal(r.steps, 150);
    assert.ok(after.loss < before.loss, `${after.loss} < ${before.loss}`);
    assert.ok(after.accuracy! > 0.6, `accuracy ${after.accuracy}`);
    net.dispose();
  });
});

describe("memoryProbe", () => {
  it("one result per (cell, lag) with chance and steps recorded", () => {
    const m = memoryProbe({ cells: ["rnn", "lstm"], lags: [2, 5], hiddenSize: 8, symbols: 4, steps: 5, testSize: 16 });
    assert.equal(m.results.length, 4);
    assert.deepEqual(m.results.map((r) => `${r.cell}@${r.lag}`), ["rnn@2", "rnn@5", "lstm@2", "lstm@5"]);
    for (const r of m.results) {
      assert.equal(r.chance, 0.25); assert.equal(r.steps, 5);
      assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && Number.isInteger(r.accuracy * 16));
    }
    assert.equal(m.stopped, false);
  });
  it("copy task: a head on every step, accuracy per copied symbol", () => {
    const m = memoryProbe({ task: "copy", copyLength: 3, cells: ["gru"], lags: [2], hiddenSize: 16, symbols: 4, steps: 300, testSize: 64 });
    assert.equal(m.task, "copy"); assert.equal(m.copyLength, 3);
    const r = m.results[0];
    assert.ok(Number.isInteger(r.accuracy * 64 * 3), "scored on 3 symbols of each of 64 sequences");
    assert.ok(r.accuracy > 0.6, `GRU copies 3 symbols over a delay of 2: ${r.accuracy}`);
  });
  it("stops when asked, keeping finished points", () => {
    let n = 0;
    const m = memoryProbe({ cells: ["gru"], lags: [2, 4, 8], hiddenSize: 4, steps: 3, testSize: 8, shouldStop: () => ++n > 5 });
    assert.equal(m.stopped, true);
    assert.ok(m.results.length >= 1 && m.results.length < 3);
  });
});

describe("ablate", () => {
  it("every variant trains the same budget; the test MSE is the evaluated loss of that run", () => {
    const a = ablate({ T: 8, hiddenSize: 6, steps: 20, batchSize: 16, variants: ["baseline", "gates tanh", "peepholes"] });
    assert.deepEqual(a.rows.map((r) => r.name), ["baseline", "gates tanh", "peepholes"]);
    assert.equal(a.baselineMse, 1 / 6);
    for (const r of a.rows) {
      assert.equal(r.steps, 20);
      assert.equal(r.curve.length, 20 / a.curveEvery);
      assert.ok(Number.isFinite(r.testMse) && r.testMse > 0);
    }
    // the baseline row is reproducible: the same run by hand gives the same test MSE
    const data = addingProblem({ T: 8, trainSize: 100000, testSize: 512, dataSeed: 1 });
    const net = new ProbeNet({ kind: "lstm", cell: { inputSize: 2, hiddenSize: 6, forgetBias: 1 }, outputSize: 1, loss: "value", seed: 1 });
    trainProbe(net, data, { steps: 20, batchSize: 16, lr: 0.01, seed: 1 });
    assert.equal(evaluateProbe(net, data, 128).loss, a.rows[0].testMse);
  });
  it("knows every variant the CLI offers", () => {
    assert.deepEqual(ABLATION_VARIANTS.map((v) => v.name), ["baseline", "gates hard-sigmoid", "gates tanh", "cell relu", "cell softsign", "peepholes", "forget bias 0"]);
  });
});
