// `npm run train [-- --epochs N] [--out FILE] [--resume]`: the embedded default. Trains the LSTM
// note's model (MNIST row by row: 28 steps of 28 pixels, LSTM 128 units, dense 10 on the last
// output) on the 8,000 training digits, reports accuracy on the 2,000 held-out ones after every
// epoch, and saves a checkpoint (safetensors) you can resume from. No download, no other set-up.
import { existsSync } from "node:fs";
import { SequenceModel, fit, adam, cosine, loadTraining, data, defaultKernels, summary } from "../src/index.ts";

const args = process.argv.slice(2);
const value = (name: string, fallback: string) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const epochs = Number(value("--epochs", "25")), out = value("--out", "note-mnist.safetensors"), batchSize = 64;
if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`train: --epochs must be a positive integer, got ${value("--epochs", "")}`);

const mnist = data.mnistRows();
const resumed = args.includes("--resume") && existsSync(out) ? loadTraining(out) : null;
const model = resumed?.model ?? new SequenceModel({ cell: "lstm", inputKind: "features", inputSize: 28, hiddenSize: 128, outputSize: 10, head: "last", loss: "class", seed: 1 });
const optimizer = resumed?.optimizer ?? adam({ lr: 0.003 });
const perEpoch = Math.ceil(mnist.size("train") / batchSize);
console.log(`The LSTM note's model: ${model.paramCount().toLocaleString("en-US")} parameters, ${mnist.size("train")} training / ${mnist.size("test")} held-out digits, ` +
  `kernels: ${defaultKernels().name}${resumed ? `, resuming at step ${resumed.progress?.step ?? 0}` : ""}`);
console.log(summary(model));
const tty = process.stdout.isTTY;
fit(model, mnist, {
  epochs, batchSize, optimizer, clipNorm: 5, seed: 1, schedule: cosine(epochs * perEpoch), resume: resumed?.progress,
  checkpoint: { path: out },
  onStep: (s) => {
    if (!tty && s.batch % 25 !== 0) return;
    const eta = (s.seconds / Math.max(1, s.step - (resumed?.progress?.step ?? 0))) * (s.totalSteps - s.step);
    const line = `epoch ${s.epoch + 1}/${epochs} batch ${s.batch}/${s.batchesPerEpoch}  loss ${s.loss.toFixed(3)}  acc ${(100 * (s.accuracy ?? 0)).toFixed(1)} %  ETA ${eta.toFixed(0)} s`;
    if (tty) process.stdout.write(`\r${line}   `); else console.log(line);
  },
  onEpoch: (e) => console.log(`${tty ? "\r" : ""}epoch ${e.epoch + 1}/${epochs}: train loss ${e.train.loss.toFixed(4)}, held-out accuracy ${(100 * e.test!.accuracy!).toFixed(2)} % (${e.seconds.toFixed(1)} s), saved ${out}`),
});
