// `npm start`: a short tour of what rnnlab computes, printed to the terminal.
import { performance } from "node:perf_hooks";
import { nn, LSTM, paramTable, paramTableText, tensor, Tensor, gradcheck, Rng, refKernels, defaultKernels } from "../src/index.ts";

const rule = (title: string) => console.log(`\n── ${title} ${"─".repeat(Math.max(0, 70 - title.length))}`);
const fmt = (v: number) => (v >= 0 ? " " : "") + v.toFixed(4);
const rows = (t: Tensor, width: number) => {
  const out: string[] = [];
  for (let i = 0; i < t.size; i += width) out.push(Array.from(t.data.subarray(i, i + width), fmt).join(" "));
  return out;
};

rule("1. How many parameters: the note's LSTM (28 inputs, 128 units, 10 classes)");
console.log(paramTableText(paramTable("lstm", { inputSize: 28, hiddenSize: 128, classes: 10 }, "tf1")));
console.log(`PyTorch layout (two bias vectors): ${paramTable("lstm", { inputSize: 28, hiddenSize: 128 }, "torch").total.toLocaleString("en-US")} without the head`);

rule("2. dynamicRnn with sequence lengths [4, 2]: zeros past the end, state copied through");
const cell = new nn.BasicLSTMCell({ numUnits: 3, seed: 1 });
const rng = new Rng(2);
const x = new Tensor([2, 4, 2], Float32Array.from({ length: 16 }, () => rng.uniform(-1, 1)));
const { outputs, state } = nn.dynamicRnn(cell, x, { sequenceLength: [4, 2] });
const st = state as nn.LSTMStateTuple;
rows(outputs, 3).forEach((r, i) => console.log(`  row ${Math.floor(i / 4)} t=${i % 4}  output ${r}`));
console.log(`  final h (row 1 = its output at t=1):\n    ${rows(st.h, 3).join("\n    ")}`);
console.log(`  lastRelevantOutput:\n    ${rows(nn.lastRelevantOutput(outputs, [4, 2]), 3).join("\n    ")}`);

rule("3. PyTorch-style layer: LSTM(2 layers, bidirectional), forward and backward");
const lstm = new LSTM({ inputSize: 2, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 3 });
const y = lstm.forward(tensor(Array.from({ length: 5 }, (_, t) => [[Math.sin(t), Math.cos(t)]])));
console.log(`  output ${JSON.stringify(y.output.shape)}  hN ${JSON.stringify(y.hN.shape)}  cN ${JSON.stringify(y.cN!.shape)}  parameters ${lstm.paramCount()}`);
const g = lstm.backward({ output: new Tensor(y.output.shape, new Float32Array(y.output.size).fill(1)) });
console.log(`  ∂L/∂x for L = Σ output: ${JSON.stringify(g.dx.shape)}, |∂L/∂W_hh (layer 1, reverse)| = ${Math.hypot(...lstm.gradDict().weight_hh_l1_reverse.data).toFixed(4)}`);

rule("4. Exact gradients: float64 finite differences vs the hand-written backward");
const check = new LSTM({ inputSize: 3, hiddenSize: 4, dtype: "float64", kernels: refKernels, seed: 4 });
const xs = Float64Array.from({ length: 6 * 2 * 3 }, () => rng.uniform(-1, 1));
const loss = () => { let sum = 0; for (const v of check.forward(new Tensor([6, 2, 3], xs)).output.data) sum += v * v; return sum; };
loss(); check.zeroGrad();
const out = check.forward(new Tensor([6, 2, 3], xs)).output;
const dx = check.backward({ output: new Tensor(out.shape, out.data.map((v) => 2 * v)) }).dx.data.slice();
console.log(`  ∂L/∂x over 6 steps: max relative error ${gradcheck(loss, xs, dx).maxRelErr.toExponential(1)} (L = Σ output²)`);

rule("5. Speed: the same LSTM step on each backend (B 64, T 28, D 28, H 128)");
for (const k of [refKernels, defaultKernels()]) {
  const layer = new LSTM({ inputSize: 28, hiddenSize: 128, kernels: k, seed: 5 });
  const input = new Tensor([28, 64, 28], new Float32Array(28 * 64 * 28).fill(0.1));
  const dy = new Tensor([28, 64, 128], new Float32Array(28 * 64 * 128).fill(0.01));
  layer.forward(input); layer.backward({ output: dy });
  const reps = k.name === "ref" ? 2 : 10, t0 = performance.now();
  for (let i = 0; i < reps; i++) { layer.forward(input); layer.backward({ output: dy }); }
  console.log(`  ${k.name.padEnd(4)} forward + backward: ${((performance.now() - t0) / reps).toFixed(1)} ms`);
}
console.log("\n(benchmarks against TensorFlow.js, brain.js and PyTorch come with `npm run bench`, a later milestone)");
