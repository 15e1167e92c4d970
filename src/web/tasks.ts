// The playground's four tasks: which dataset, which head and loss, what "good" looks like (a
// held-out metric and a reference line on the loss plot), which sequence the gate heatmap reads,
// and what a sample of the model's output is.
import type { SeqDataset, Batch } from "../train/batch.ts";
import { sampleLogits } from "../train/generate.ts";
import { Rng } from "../params/rng.ts";
import * as data from "./data.ts";
import type { NetConfig, PlaygroundNet } from "./net.ts";
import type { RunConfig, SampleView, SamplingOptions } from "./protocol.ts";

export interface Task {
  dataset: SeqDataset;
  net: Pick<NetConfig, "inputKind" | "inputSize" | "embeddingDim" | "outputSize" | "head" | "loss">;
  /** a dashed line on the loss plot: what a model that learned nothing gets */
  reference: { value: number; label: string } | null;
  testMetric(net: PlaygroundNet): { name: string; value: number };
  /** the sequence whose gate activations the heatmap shows */
  trace: { input: ArrayLike<number>; T: number; labels: string[]; marks: number[] };
  sample(net: PlaygroundNet, seed: number, sampling: SamplingOptions): SampleView;
  /** MNIST only: class probabilities of one 28×28 image */
  classify?(net: PlaygroundNet, pixels: ArrayLike<number>): number[];
}

const first = (ds: SeqDataset, split: "train" | "test", B: number): Batch => ds.batches(split, B, 0)[Symbol.iterator]().next().value!;

/** Mean loss over whole test batches (no gradients). */
function testLoss(net: PlaygroundNet, ds: SeqDataset, limit: number): number {
  let sum = 0, n = 0;
  for (const batch of ds.batches("test", 64, 0)) {
    net.forward(batch);
    sum += net.backward(false) * batch.input.B; n += batch.input.B;
    if (n >= limit) break;
  }
  return sum / n;
}

export async function loadTask(cfg: RunConfig): Promise<Task> {
  switch (cfg.task) {
    case "names": {
      const ds = await data.firstNames();
      const V = ds.inputSize, test = ds.names("test")[0], ids = [ds.startId, ...ds.vocab.encode(test)];
      return {
        dataset: ds,
        net: { inputKind: "tokens", inputSize: V, embeddingDim: 16, outputSize: V, head: "every", loss: "class" },
        reference: { value: Math.log(V), label: `uniform guess ln ${V}` },
        testMetric: (net) => ({ name: "test loss (nats/char)", value: testLoss(net, ds, 512) }),
        trace: { input: ids, T: ids.length, labels: ["▸", ...test], marks: [] },
        sample(net, seed, sampling) {
          const rng = new Rng(seed), lines: string[] = [], temperature = sampling.temperature;
          // the prefix, lower-cased, keeps only the characters the vocabulary has
          const known = (ch: string) => { try { return ds.vocab.decode(ds.vocab.encode(ch)) === ch; } catch { return false; } };
          const prefix = [...sampling.prefix.toLowerCase()].filter(known).slice(0, 12).join("");
          for (let k = 0; k < 8; k++) {
            let state = null, out: Float32Array | null = null, name = prefix;
            for (const id of [ds.startId, ...ds.vocab.encode(prefix)]) { const r = net.step(id, state); state = r.state; out = r.out; }
            for (let i = prefix.length; i < 20; i++) {
              const id = sampleLogits(out!, temperature, rng);
              if (id === ds.endId || id === ds.startId) break;
              name += ds.vocab.decode([id]);
              const r = net.step(id, state); state = r.state; out = r.out;
            }
            lines.push(name);
          }
          return { kind: "text", title: `names sampled at temperature ${temperature}${prefix ? `, starting with "${prefix}"` : ""}`, lines };
        },
      };
    }
    case "sine": {
      const ds = data.sine({ window: cfg.seqLen, trainSize: 5000, testSize: 100 });
      const ex = first(ds, "test", 1), x = (ex.input as { x: Float32Array }).x;
      return {
        dataset: ds,
        net: { inputKind: "features", inputSize: 1, embeddingDim: 0, outputSize: 1, head: "every", loss: "value" },
        reference: { value: 0.5, label: "always predict 0" },
        testMetric: (net) => ({ name: "test MSE", value: testLoss(net, ds, 100) }),
        trace: { input: x, T: cfg.seqLen, labels: Array.from({ length: cfg.seqLen }, (_, t) => String(t)), marks: [] },
        sample(net) {
          const { preds } = net.forward(ex);
          return { kind: "series", title: "a held-out wave: next value predicted at every step",
            input: Array.from(x), target: Array.from((ex.target as { values: Float32Array }).values), prediction: Array.from(preds.subarray(0, cfg.seqLen)) };
        },
      };
    }
    case "adding": {
      const ds = data.addingProblem({ T: cfg.seqLen, trainSize: 10000, testSize: 200 });
      const ex = first(ds, "test", 1), x = (ex.input as { x: Float32Array }).x;
      const marks = Array.from({ length: cfg.seqLen }, (_, t) => t).filter((t) => x[t * 2 + 1] === 1);
      return {
        dataset: ds,
        net: { inputKind: "features", inputSize: 2, embeddingDim: 0, outputSize: 1, head: "last", loss: "value" },
        reference: { value: 1 / 6, label: "predict the mean (1/6)" },
        testMetric: (net) => ({ name: "test MSE", value: testLoss(net, ds, 200) }),
        trace: { input: x, T: cfg.seqLen, labels: Array.from({ length: cfg.seqLen }, (_, t) => (t % 10 === 0 ? String(t) : "")), marks },
        sample(net) {
          const b = first(ds, "test", 6), { preds } = net.forward(b), xs = (b.input as { x: Float32Array }).x, B = b.input.B;
          const lines = Array.from({ length: B }, (_, r) => {
            const marked: string[] = [];
            for (let t = 0; t < cfg.seqLen; t++) if (xs[(t * B + r) * 2 + 1] === 1) marked.push(xs[(t * B + r) * 2].toFixed(3));
            return `${marked.join(" + ")} = ${(b.target as { values: Float32Array }).values[r].toFixed(3)}   model: ${preds[r].toFixed(3)}`;
          });
          return { kind: "text", title: "held-out sequences: the two marked values, their sum and the model's answer", lines };
        },
      };
    }
    case "mnist": {
      const ds = await data.mnistRows();
      const im = ds.image("test", 0);
      return {
        dataset: ds,
        net: { inputKind: "features", inputSize: 28, embeddingDim: 0, outputSize: 10, head: "last", loss: "class" },
        reference: { value: Math.log(10), label: "chance ln 10" },
        testMetric(net) {
          let correct = 0, n = 0;
          for (const b of ds.batches("test", 100, 0)) {
            const { preds } = net.forward(b), labels = (b.target as { labels: Int32Array }).labels;
            for (let r = 0; r < b.input.B; r++, n++) if (argmax(preds.subarray(r * 10, r * 10 + 10)) === labels[r]) correct++;
          }
          return { name: "test accuracy", value: correct / n };
        },
        trace: { input: im.pixels, T: 28, labels: Array.from({ length: 28 }, (_, t) => (t % 4 === 0 ? String(t) : "")), marks: [] },
        sample(net) {
          const b = first(ds, "test", 8), { preds } = net.forward(b);
          const items = Array.from({ length: b.input.B }, (_, r) => {
            const { pixels, label } = ds.image("test", r);
            return { pixels: Array.from(pixels), label, predicted: argmax(preds.subarray(r * 10, r * 10 + 10)) };
          });
          return { kind: "digits", title: "held-out digits, read row by row", items };
        },
        classify(net, pixels) {
          // one image through the same per-step path as the gate trace: 28 rows of 28 features
          let state = null, out: Float32Array | null = null;
          for (let t = 0; t < 28; t++) { const r = net.step(Array.prototype.slice.call(pixels, t * 28, t * 28 + 28) as number[], state); state = r.state; out = r.out; }
          const m = Math.max(...out!), e = Array.from(out!, (v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        },
      };
    }
  }
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
