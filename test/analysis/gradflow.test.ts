// Gradient flow: the per-step ∂L/∂h_t the BPTT hook reports is the true gradient (checked against
// an independent run of the sequence's suffix started from h_t), and the vanishing gradient claim
// (Must show 2): over 100 steps the tanh RNN's gradient falls by many orders of magnitude, the LSTM's far less.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gradFlow, measureGradFlow } from "../../src/analysis/gradflow.ts";
import { ProbeNet } from "../../src/analysis/probe-net.ts";
import { addingProblem } from "../../src/train/data/index.ts";
import { LayerRun } from "../../src/seq/layer-run.ts";
import { refKernels } from "../../src/kernels/index.ts";
import type { Batch } from "../../src/train/batch.ts";

function firstBatch(T: number, B: number): Batch {
  const ds = addingProblem({ T, trainSize: B, testSize: B, dataSeed: 5 });
  return ds.batches("test", B, 0)[Symbol.iterator]().next().value as Batch;
}

describe("measureGradFlow", () => {
  for (const kind of ["rnn", "lstm", "gru"] as const) {
    it(`${kind}: the hook's ∂L/∂h_t (and ∂L/∂c_t) equal ∂L/∂h0 of the suffix run from h_t`, () => {
      const T = 12, B = 3, H = 5, t = 4;
      const net = new ProbeNet({ kind, cell: { inputSize: 2, hiddenSize: H, ...(kind === "lstm" ? { forgetBias: 1 } : {}) }, outputSize: 1, loss: "value", seed: 3, dtype: "float64" }, refKernels);
      const batch = firstBatch(T, B);
      // the hook's norms, and the raw vectors at step t
      let dhAt: Float64Array | null = null, dcAt: Float64Array | null = null, cTotal: Float64Array | null = null;
      const run = net.forward(batch);
      const hT = Float64Array.from(run.Hs.subarray((t + 1) * B * H, (t + 2) * B * H)); // h_t = Hs[t + 1]
      const cT = Float64Array.from(run.Cs.subarray((t + 1) * B * H, (t + 2) * B * H));
      const { dh, dc } = measureGradFlow(net, batch);
      net.forward(batch);
      run.onStepGrad = (s, dH, dC, saved) => {
        if (s !== t) return;
        dhAt = Float64Array.from(dH); dcAt = Float64Array.from(dC);
        if (kind === "lstm") cTotal = Float64Array.from(dC, (v, i) => { const b = Math.floor(i / H), j = i % H, o = saved.gates[b * 4 * H + 3 * H + j], tc = Math.tanh(saved.c[i]); return v + dH[i] * o * (1 - tc * tc); });
      };
      net.zeroGrad(); net.lossAndBackward(); run.onStepGrad = null;
      // independent: run steps t+1 … T−1 from (h_t, c_t); the same loss; ∂L/∂h0 of that run
      const suffix = new LayerRun(refKernels, net.cell, T - 1 - t, B, "float64");
      suffix.X.set(batch.input.kind === "features" ? batch.input.x.subarray((t + 1) * B * 2) : []);
      suffix.forward(net.w, hT, kind === "lstm" ? cT : null, null);
      const preds = new Float64Array(B), dPred = new Float64Array(B), dhN = new Float64Array(B * H);
      net.head.forward(preds, suffix.hN, B);
      const target = (batch.target as { values: Float32Array }).values;
      for (let b = 0; b < B; b++) dPred[b] = (2 * (preds[b] - target[b])) / B;     // MSE over B
      net.head.backward(dhN, dPred, suffix.hN, B);
      const dw = net.cell.weights(Object.fromEntries(Object.entries(net.grads.views).map(([k, v]) => [k, new Float64Array(v.length)])));
      suffix.backward(net.w, dw, null, dhN, null, null);
      const close = (a: ArrayLike<number>, b: ArrayLike<number>) => { for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= 1e-12 + 1e-9 * Math.abs(b[i]), `${a[i]} vs ${b[i]} at ${i}`); };
      close(dhAt!, suffix.dh0);
      if (kind === "lstm") { close(dcAt!, suffix.dc0); }
      // and the reported norm at distance T−1−t is the batch mean of ‖∂L/∂h_t‖
      let mean = 0;
      for (let b = 0; b < B; b++) mean += Math.hypot(...dhAt!.subarray(b * H, (b + 1) * H)) / B;
      assert.ok(Math.abs(dh[T - 1 - t] - mean) <= 1e-12 * mean);
      if (kind === "lstm") {
        let m2 = 0;
        for (let b = 0; b < B; b++) m2 += Math.hypot(...cTotal!.subarray(b * H, (b + 1) * H)) / B;
        assert.ok(Math.abs(dc![T - 1 - t] - m2) <= 1e-12 * m2);
      } else assert.equal(dc, null);
      suffix.dispose(); net.dispose();
    });
  }
});

describe("gradFlow: the vanishing gradient (Must show 2)", () => {
  it("over 100 steps the RNN's ‖∂L/∂h‖ falls by > 8 orders of magnitude, the LSTM's by at least 4 fewer", () => {
    const g = gradFlow({ cells: ["rnn", "lstm"], steps: 101, hiddenSize: 32, batchSize: 8, trainSteps: 0, seed: 2 });
    const rnn = g.ratios.find((r) => r.cell === "rnn")!, lstm = g.ratios.find((r) => r.cell === "lstm")!;
    assert.equal(rnn.at, 100);
    assert.ok(rnn.dh < 1e-8, `RNN ratio ${rnn.dh}`);
    assert.ok(lstm.dh / rnn.dh > 1e4, `LSTM ratio ${lstm.dh} vs RNN ${rnn.dh}`);
    assert.ok(lstm.dc! / rnn.dh > 1e4, `LSTM cell-state ratio ${lstm.dc}`);
    // the ratios are what the curves say
    const curve = g.curves.find((c) => c.cell === "rnn")!;
    assert.equal(curve.dhRelative[0], 1);
    assert.equal(rnn.dh, curve.dh[100] / curve.dh[0]);
    assert.ok(curve.dh.every((v) => v > 0 && Number.isFinite(v)), "float64: no underflow to 0");
  });
  it("stops between cells when asked, and says so", () => {
    let calls = 0;
    const g = gradFlow({ cells: ["rnn", "lstm", "gru"], steps: 10, hiddenSize: 4, batchSize: 2, shouldStop: () => ++calls > 1 });
    assert.equal(g.stopped, true);
    assert.deepEqual(g.curves.map((c) => c.cell), ["rnn"]);
  });
});
