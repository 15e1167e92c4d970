// The fuzzing targets: per format, the files rnnlab itself writes (the seed corpus) and the
// public load path run on a mutant, ending with a use of what was loaded (a forward pass, for
// checkpoints also one optimizer step) whose outputs must be finite.
// Formats: checkpoint (loadTraining), torch (loadTorchSafetensors), tfjs (loadTfjsModel),
// tf1 (loadCheckpoint + importTf1Variables), onnx (importOnnx).
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  LSTM, GRU, SequenceModel, Tensor, adam, saveTraining, loadTraining, saveTorchSafetensors, loadTorchSafetensors,
  kerasModelFromLayer, saveTfjsModel, loadTfjsModel, exportTf1Variables, importTf1Variables, saveCheckpoint,
  loadCheckpoint, encodeOnnx, importOnnx, nn,
} from "../src/index.ts";
import type { Batch } from "../src/train/batch.ts";

export const FORMATS = ["checkpoint", "torch", "tfjs", "tf1", "onnx"] as const;
export type Format = (typeof FORMATS)[number];

/** A model as files: name -> bytes (one file, or model.json + shard). */
export type Files = Record<string, Uint8Array>;

const x3 = (T: number, B: number, D: number) => Float32Array.from({ length: T * B * D }, (_, i) => Math.sin(0.7 * i));
const allFinite = (xs: ArrayLike<number>) => { for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i])) return false; return true; };

function readDir(dir: string): Files {
  const out: Files = {};
  for (const f of readdirSync(dir)) out[f] = readFileSync(join(dir, f));
  return out;
}

const MODEL_CONFIG = { cell: "lstm", inputKind: "features", inputSize: 3, hiddenSize: 5, numLayers: 2, outputSize: 2, head: "last", loss: "class", seed: 3 } as const;
const batch = (): Batch => ({ input: { kind: "features", x: x3(4, 2, 3), T: 4, B: 2, D: 3 }, target: { kind: "class", labels: Int32Array.of(0, 1) }, lengths: null });
const torchLayer = () => new GRU({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 5 });
const tfjsLayer = () => new LSTM({ inputSize: 3, hiddenSize: 4, batchFirst: true, seed: 6 });
const tf1Cell = () => new nn.LSTMCell({ numUnits: 4, inputSize: 3, usePeepholes: true, numProj: 2 } as never);

/** The seed corpus: files rnnlab writes, in `dir` (scratch). */
export function seedFiles(format: Format, dir: string): Files {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  switch (format) {
    case "checkpoint": {
      const model = new SequenceModel(MODEL_CONFIG), opt = adam({ lr: 0.01 });
      model.forward(batch()); model.lossAndBackward(); opt.step(model.groups());
      saveTraining(join(dir, "ckpt.safetensors"), model, opt, { epoch: 0, batch: 1, step: 1, seed: 1, partial: { sum: 1.5, count: 2, correct: 1 } });
      model.dispose();
      break;
    }
    case "torch": saveTorchSafetensors(torchLayer(), join(dir, "lstm.safetensors")); break;
    case "tfjs": saveTfjsModel(kerasModelFromLayer(tfjsLayer()), dir); break;
    case "tf1": {
      const cell = tf1Cell();
      nn.dynamicRnn(cell, new Tensor([2, 4, 3], x3(4, 2, 3)));                   // builds the variables
      saveCheckpoint(join(dir, "tf1.safetensors"), exportTf1Variables(cell));
      break;
    }
    case "onnx": writeFileSync(join(dir, "model.onnx"), encodeOnnx(torchLayer())); break;
  }
  return readDir(dir);
}

/** Write `files` into `dir` (emptied first); the path to give the loader. */
export function placeFiles(format: Format, dir: string, files: Files): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return format === "tfjs" ? dir : join(dir, Object.keys(files)[0]);
}

/** Load through the public API and use the result; throws what the library throws; returns false if the outputs are not finite. */
export function loadAndUse(format: Format, path: string): boolean {
  switch (format) {
    case "checkpoint": {
      const { model, optimizer } = loadTraining(path);
      try {
        const b = batch();
        if (model.config.inputKind !== "features" || model.config.inputSize !== 3) return true;   // a valid other model: nothing to run here
        const out = model.forward(b);
        if (!allFinite(out.predictions)) return false;
        if (optimizer && model.config.loss === "class" && model.config.head === "last") {
          model.zeroGrad(); model.lossAndBackward(); optimizer.step(model.groups());
          return model.groups().every((g) => allFinite(g.params));
        }
        return true;
      } finally { model.dispose(); }
    }
    case "torch": {
      const layer = torchLayer();
      try {
        loadTorchSafetensors(layer, path);
        return allFinite(layer.forward(new Tensor([4, 2, 3], x3(4, 2, 3))).output.data);
      } finally { layer.dispose(); }
    }
    case "tfjs": {
      const model = loadTfjsModel(path);
      return model.predict(new Tensor([2, 4, 3], x3(4, 2, 3))).every((t) => allFinite(t.data));
    }
    case "tf1": {
      const cell = tf1Cell(), x = new Tensor([2, 4, 3], x3(4, 2, 3));
      nn.dynamicRnn(cell, x);
      importTf1Variables(cell, loadCheckpoint(path).tensors, { source: path });
      return allFinite(nn.dynamicRnn(cell, x).outputs.data);
    }
    case "onnx": {
      // run the imported graph on inputs of the declared shapes (symbolic dims: 2); a refusal at run time is an RnnlabError too
      const model = importOnnx(path);
      const feeds: Record<string, Tensor> = {};
      for (const inp of model.inputs) {
        const shape = inp.dims.map((d) => (typeof d === "number" && d > 0 ? d : 2));
        const n = shape.reduce((a, b) => a * b, 1);
        if (n > 1e5) return true;
        feeds[inp.name] = new Tensor(shape, x3(n, 1, 1));
      }
      return Object.values(model.run(feeds)).every((t) => allFinite(t.data));
    }
  }
}
