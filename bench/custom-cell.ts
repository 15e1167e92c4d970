// W1 (LSTM, I 28, H 128, T 28, B 64) through the TF-1 API: the built-in BasicLSTMCell (fused
// kernels) against the same LSTM written by hand as a user-defined cell (nn.CustomCell), with the
// same variables, so the numbers agree and only the speed differs. One training step = dynamicRnn
// on a tape, tape.backward from the last output's cotangent (a fixed 10-class head's gradient),
// SGD on the cell's variables. With --profile, the user cell's time per operation and phase.
// Usage: node --import tsx bench/custom-cell.ts [--backend wasm|ref] [--profile] → one JSON line
import { loadKernels, nn, sgd, Tensor, type Kernels } from "../src/index.ts";
import type { WasmKernels } from "../src/kernels/wasm/index.ts";
import type { OpDef } from "../src/graph/graph.ts";
import { addOp, addScalarOp, mulOp, scaleOp, subOp } from "../src/graph/op-arith.ts";
import { matmulOp } from "../src/graph/op-matmul.ts";
import { actOp } from "../src/graph/op-act.ts";
import { concatOp, sliceOp } from "../src/graph/op-columns.ts";
import { layerNormOp } from "../src/graph/op-layer-norm.ts";
import { randn, WL } from "./workloads.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const backend = arg("backend", "wasm") as "wasm" | "ref";
const k: Kernels = await loadKernels(backend, { threads: 1 });
if (k.name === "wasm") (k as WasmKernels).waitForThreads();
const { I, H, T, B } = WL.W1;
const { ops } = nn;

/** The note's LSTM, TF-1 layout: i, j, f, o = split([x, h]·W + b); c' = c⊙σ(f + 1) + σ(i)⊙tanh(j); h' = σ(o)⊙tanh(c'). */
const handLstm = () => new nn.CustomCell({
  name: "hand_lstm", stateSize: { c: H, h: H }, outputSize: H, inputSize: I, kernels: k,
  variables: (d) => [{ name: "kernel", shape: [d + H, 4 * H] }, { name: "bias", shape: [4 * H], initializer: "zeros" }],
  step: (x, { c, h }, v) => {
    const [i, j, f, o] = ops.split(ops.add(ops.matmul(ops.concat([x, h]), v.kernel), v.bias), 4);
    const cNew = ops.add(ops.mul(c, ops.sigmoid(ops.add(f, 1))), ops.mul(ops.sigmoid(i), ops.tanh(j)));
    const hNew = ops.mul(ops.sigmoid(o), ops.tanh(cNew));
    return { output: hNew, state: { c: cNew, h: hNew } };
  },
});

const builtin = new nn.BasicLSTMCell({ numUnits: H, inputSize: I, kernels: k, seed: 1 });
const custom = handLstm();
for (const v of builtin.variables()) custom.assign(v.name, v.tensor);
const x = new Tensor([B, T, I], randn(B * T * I, 2));
const head = randn(H * 10, 3);

function trainer(cell: nn.RNNCell | nn.CustomCell) {
  const opt = sgd({ lr: 0.01 });
  let last = 0;
  return {
    step: () => {
      const tape = nn.tape();
      const { outputs } = nn.dynamicRnn(cell, x, { tape });
      const dy = new Float32Array(outputs.size);                       // a fixed cotangent on the last step's output
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) dy[(b * T + T - 1) * H + j] = head[j * 10 + (b % 10)] * 0.01;
      const g = tape.backward({ outputs: new Tensor(outputs.shape, dy) });
      opt.step(nn.paramGroups(cell, g.variables));
      last = outputs.data[outputs.size - 1];
    },
    get last() { return last; },
  };
}

/** Both contenders timed in alternation (this machine's speed drifts; only ratios measured together mean something). */
function timedPair(fa: () => void, fb: () => void, minIters = 12, minTimeMs = 4000) {
  for (let w = 0, t0 = performance.now(); w < 3 || performance.now() - t0 < 1000; w++) { fa(); fb(); }
  const ta: number[] = [], tb: number[] = [], start = performance.now();
  while (ta.length < minIters || performance.now() - start < minTimeMs) {
    let t0 = performance.now(); fa(); ta.push(performance.now() - t0);
    t0 = performance.now(); fb(); tb.push(performance.now() - t0);
    if (ta.length >= 60) break;
  }
  const stat = (ts: number[]) => { ts.sort((a, b) => a - b); return { n: ts.length, median_ms: ts[ts.length >> 1], min_ms: ts[0] }; };
  return [stat(ta), stat(tb)];
}

const a = trainer(builtin), b = trainer(custom);
a.step(); b.step();
const agree = Math.abs(a.last - b.last);                              // same numbers after one SGD step each (float32)
const [tb, tc] = timedPair(a.step, b.step);
const [inferB, inferC] = timedPair(() => { nn.dynamicRnn(builtin, x); }, () => { nn.dynamicRnn(custom, x); });

let profile: Record<string, number> | null = null;
if (process.argv.includes("--profile")) {
  // wrap every operation's forward and backward with a timer, then run 10 training steps of the user cell
  const acc: Record<string, number> = {};
  const all: OpDef<any>[] = [addOp, subOp, mulOp, scaleOp, addScalarOp, matmulOp, actOp, concatOp, sliceOp, layerNormOp];
  for (const op of all) {
    const f = op.forward, bw = op.backward;
    op.forward = (...args: Parameters<typeof f>) => { const t0 = performance.now(); f.apply(op, args); acc[`${op.name} fwd`] = (acc[`${op.name} fwd`] ?? 0) + performance.now() - t0; };
    op.backward = (...args: Parameters<typeof bw>) => { const t0 = performance.now(); bw.apply(op, args); acc[`${op.name} bwd`] = (acc[`${op.name} bwd`] ?? 0) + performance.now() - t0; };
  }
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) b.step();
  const total = (performance.now() - t0) / 10;
  profile = { step_ms: total };
  let inOps = 0;
  for (const [key, v] of Object.entries(acc).sort((p, q) => q[1] - p[1])) { profile[key] = v / 10; inOps += v / 10; }
  profile["outside the operations (time loop copies, tape, state, SGD)"] = total - inOps;
}

console.log(JSON.stringify({
  workload: "W1-custom-cell", backend: k.name, I, H, T, B, last_output_diff_after_one_step: agree,
  builtin_train: tb, custom_train: tc, train_ratio: tc.median_ms / tb.median_ms,
  builtin_infer: inferB, custom_infer: inferC, infer_ratio: inferC.median_ms / inferB.median_ms, profile,
}));
