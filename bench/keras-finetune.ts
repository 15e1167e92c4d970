// Fine-tuning a TF.js model: TF.js (wasm backend, one thread) model.fit for 3 epochs against
// rnnlab loading the same model.json + weights and running KerasModel.fit for the same 3 epochs
// (same weights, data, batch size, Adam, no shuffling). Model: LSTM(64) → Dense(10, softmax),
// row-by-row sequences (T 28, D 28), 512 samples, batch 32, categorical cross-entropy.
// Usage: node --import tsx bench/keras-finetune.ts [--backend native|wasm|ref] [--samples N] [--epochs E] → one JSON line
// (rnnlab on one thread of the chosen backend)
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { loadKernels, loadTfjsModel, setDefaultKernels, Tensor, type BackendName } from "../src/index.ts";

const arg = (name: string, def: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : def; };
const N = Number(arg("samples", "512")), epochs = Number(arg("epochs", "3")), T = 28, D = 28, H = 64, C = 10, batchSize = 32;
const backend = arg("backend", "native") as BackendName;
const k = setDefaultKernels(await loadKernels(backend, { threads: 1 }));
const require = createRequire(import.meta.url);
const tf = require("@tensorflow/tfjs");
const wasm = require("@tensorflow/tfjs-backend-wasm");
wasm.setWasmPaths(join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/");
wasm.setThreadsCount?.(1);
await tf.setBackend("wasm");
await tf.ready();

let seed = 12345;
const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const x = Float32Array.from({ length: N * T * D }, rand), labels = Int32Array.from({ length: N }, () => Math.floor(rand() * C));
const y = new Float32Array(N * C);
labels.forEach((l, i) => { y[i * C + l] = 1; });

const model = tf.sequential();
model.add(tf.layers.lstm({ units: H, recurrentActivation: "sigmoid", inputShape: [T, D] }));
model.add(tf.layers.dense({ units: C, activation: "softmax" }));
const dir = mkdtempSync(join(tmpdir(), "rnnlab-bench-finetune-"));
await model.save(tf.io.withSaveHandler(async (a: any) => {     // eslint-disable-line @typescript-eslint/no-explicit-any
  writeFileSync(join(dir, "group1-shard1of1.bin"), new Uint8Array(a.weightData));
  writeFileSync(join(dir, "model.json"), JSON.stringify({ format: "layers-model", modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: a.weightSpecs }] }));
  return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
}));

const ours = loadTfjsModel(dir);
ours.compile({ loss: "categoricalCrossentropy", optimizer: "adam" });
const xs = new Tensor([N, T, D], x), ys = new Tensor([N, C], y);
let t0 = performance.now();
const h = ours.fit(xs, ys, { epochs, batchSize, shuffle: false });
const rnnlabS = (performance.now() - t0) / 1000;

model.compile({ optimizer: tf.train.adam(0.001), loss: "categoricalCrossentropy" });
const tx = tf.tensor(x, [N, T, D]), ty = tf.tensor(y, [N, C]);
t0 = performance.now();
const th = await model.fit(tx, ty, { epochs, batchSize, shuffle: false, verbose: 0 });
const tfjsS = (performance.now() - t0) / 1000;
rmSync(dir, { recursive: true, force: true });

console.log(JSON.stringify({
  backend: k.name, workload: `LSTM ${H} → Dense ${C} softmax, T ${T}, D ${D}, ${N} samples, batch ${batchSize}, ${epochs} epochs, Adam`,
  rnnlab_s: rnnlabS, tfjs_wasm_s: tfjsS, speedup: tfjsS / rnnlabS,
  rnnlab_loss: h.history.loss, tfjs_loss: th.history.loss,
}));
