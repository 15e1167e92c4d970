// The lab's training experiments on tiny configurations: training lowers the loss, results
// carry the numbers their own runs produced, and Ctrl-C (shouldStop) ends them with partial data.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ProbeNet, trainProbe, evaluateProbe } from "../../src/analysis/probe-net.ts";
import { memoryProbe, probeParamCount } from "../../src/analysis/memory.ts";
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
    assert.ok(r.maxGradNorm > 0 && Number.isFinite(r.maxGradNorm) && !r.diverged);
    net.dispose();
  });

  it("a gradient that overflows float32 stops training before the update: no weight becomes NaN", () => {
    // head weights of 1e20: the prediction (~1e20) and its squared error stay finite (the loss sums
    // in float64), but ∂L/∂h = W·∂L/∂y ≈ 1e40 overflows float32, so the gradient norm is Inf;
    // clipping cannot rescale an Inf (Inf · 0 = NaN) and Adam would write NaN into every weight
    const data = addingProblem({ T: 4, trainSize: 64, testSize: 8 });
    const net = new ProbeNet({ kind: "gru", cell: { inputSize: data.inputSize, hiddenSize: 4 }, outputSize: 1, loss: "value", seed: 2 });
    net.head.params.flat.fill(1e20);
    const before = Float32Array.from(net.params.flat);
    const r = trainProbe(net, data, { steps: 5, batchSize: 8 });
    assert.equal(r.diverged, true);
    assert.equal(r.steps, 0, "no step was taken");
    assert.equal(r.maxGradNorm, Infinity);
    assert.deepEqual(Float32Array.from(net.params.flat), before, "the recurrent weights are untouched");
    assert.ok(net.head.params.flat.every((v) => v === 1e20 || Math.fround(v) === Math.fround(1e20)));
    net.dispose();
  });
});

describe("memoryProbe", () => {
  it("one result per (task, cell, lag) over the seeds, with chance, spread, and a curve per run", () => {
    const m = memoryProbe({ tasks: ["recall", "adding"], cells: ["rnn", "lstm"], lags: [2, 5], hiddenSize: 8, symbols: 4, steps: 6, evalEvery: 3, testSize: 16, seeds: 2, solvedAt: 2 });
    assert.equal(m.results.length, 8);
    assert.equal(m.runs.length, 16);
    assert.deepEqual(m.results.slice(0, 4).map((r) => `${r.task} ${r.cell}@${r.lag}`), ["recall rnn@2", "recall lstm@2", "recall rnn@5", "recall lstm@5"]);
    for (const r of m.results) {
      assert.equal(r.chance, r.task === "recall" ? 0.25 : 2 * 0.04 - 0.04 ** 2);
      assert.equal(r.accuracies.length, 2);
      const mean = (r.accuracies[0] + r.accuracies[1]) / 2;
      assert.ok(Math.abs(r.accuracy - mean) < 1e-12);
      assert.equal(r.min, Math.min(...r.accuracies)); assert.equal(r.max, Math.max(...r.accuracies));
      assert.ok(Math.abs(r.std - Math.abs(r.accuracies[0] - r.accuracies[1]) / Math.SQRT2) < 1e-12);
    }
    for (const run of m.runs) {
      assert.equal(run.steps, 6);
      assert.deepEqual(run.curve.map((p) => p.step), [3, 6]);
      // kept = the test accuracy at the best validation score (the first of equal scores)
      const best = run.curve[1].validation > run.curve[0].validation ? run.curve[1] : run.curve[0];
      assert.equal(run.accuracy, best.accuracy);
      assert.equal(run.keptStep, best.step);
      assert.equal(run.finalAccuracy, run.curve[1].accuracy);
      assert.ok(run.accuracy >= 0 && run.accuracy <= 1 && Number.isInteger(run.accuracy * 16));
      assert.ok(Number.isInteger(run.curve[0].validation * 16), "validation: testSize sequences too");
    }
    assert.deepEqual([...new Set(m.runs.map((r) => r.seed))], [1, 2]);
    assert.equal(m.stopped, false);
  });
  it("equal parameter counts: the RNN and GRU get the LSTM's count (to within one unit)", () => {
    const m = memoryProbe({ tasks: ["recall"], cells: ["rnn", "lstm", "gru"], lags: [3], hiddenSize: 16, symbols: 4, steps: 2, testSize: 8, seeds: 1, equalParams: true });
    const [rnn, lstm, gru] = ["rnn", "lstm", "gru"].map((c) => m.results.find((r) => r.cell === c)!);
    assert.equal(lstm.hiddenSize, 16);
    assert.ok(rnn.hiddenSize > gru.hiddenSize && gru.hiddenSize > 16);
    for (const r of [rnn, gru]) assert.ok(Math.abs(r.params - lstm.params) / lstm.params < 0.06, `${r.cell} ${r.params} vs ${lstm.params}`);
    assert.equal(lstm.params, probeParamCount("lstm", 5, 16, 4));
    assert.equal(probeParamCount("lstm", 5, 16, 4), 4 * 16 * (5 + 16) + 2 * 4 * 16 + 16 * 4 + 4);
  });
  it("stops a run once it is solved", () => {
    const m = memoryProbe({ tasks: ["recall"], cells: ["gru"], lags: [1], hiddenSize: 16, symbols: 2, steps: 400, evalEvery: 20, testSize: 64, seeds: 1, solvedAt: 0.95 });
    const run = m.runs[0];
    assert.ok(run.solvedAtStep !== null && run.steps === run.solvedAtStep && run.steps < 400, `steps ${run.steps}`);
    assert.ok(run.curve.at(-1)!.validation >= 0.95, "solved = validation accuracy reached solvedAt");
    assert.equal(run.keptStep, run.steps);
  });
  it("early stopping on validation: the kept accuracy is the test accuracy at the first best validation score, at every point of the curve", () => {
    const m = memoryProbe({ tasks: ["recall"], cells: ["rnn", "gru"], lags: [3], hiddenSize: 8, symbols: 4, steps: 40, evalEvery: 2, testSize: 32, seeds: 2, solvedAt: 2 });
    for (const run of m.runs) {
      assert.equal(run.curve.length, 20);
      let best = run.curve[0];
      for (const p of run.curve) if (p.validation > best.validation) best = p;
      assert.equal(run.accuracy, best.accuracy);
      assert.equal(run.keptStep, best.step);
      assert.equal(run.finalAccuracy, run.curve.at(-1)!.accuracy);
    }
    assert.ok(m.runs.some((r) => r.curve.some((p) => p.validation !== p.accuracy)), "validation and test are different sequences");
    for (const r of m.results) {
      const group = m.runs.filter((q) => q.cell === r.cell);
      assert.ok(Math.abs(r.finalAccuracy - (group[0].finalAccuracy + group[1].finalAccuracy) / 2) < 1e-12);
      // lateGain: kept at the end minus kept at 70 % of the budget (step 28), mean over the seeds
      const keptAt = (q: typeof group[0], step: number) => { let b = q.curve[0]; for (const p of q.curve) if (p.step <= step && p.validation > b.validation) b = p; return b.accuracy; };
      const gain = group.reduce((a, q) => a + q.accuracy - keptAt(q, 28), 0) / 2;
      assert.ok(Math.abs(r.lateGain! - gain) < 1e-12, `${r.lateGain} vs ${gain}`);
    }
  });
  it("copy task: a head on every step, accuracy per copied symbol", () => {
    const m = memoryProbe({ tasks: ["copy"], copyLength: 3, cells: ["gru"], lags: [2], hiddenSize: 16, symbols: 4, steps: 300, testSize: 64, seeds: 1, solvedAt: 2 });
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
