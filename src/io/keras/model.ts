// A Keras / TF.js layers model read from model.json: Sequential, or a functional Model whose
// layers are each called once (inbound_nodes in the tfjs / Keras 2 list form, or Keras 3's
// keras_history form). predict() runs it like model.predict in TF.js (inference: no dropout).
import { Tensor } from "../../tensor/tensor.ts";
import { num, readTfjsModel, str, TFJS_READ_OPTIONS, type TfjsFiles, type TfjsReadOptions, type TfjsWeight } from "./model-json.ts";
import { buildLayer, type KerasLayer, type KValue } from "./layers.ts";
import { summaryLines } from "./summary.ts";
import { hardSigmoidOf, type HardSigmoidFlavour } from "./activations.ts";
import { loadKerasTraining, type KerasProgress } from "./checkpoint.ts";
import { asList, type KerasBatch } from "./data.ts";
import { batchGradients, compileModel, evaluateModel, fitModel, kerasGroups, kerasLossOnBatch, paramRefs, trainOnBatchOf, type Compiled, type KerasCompileOptions, type KerasFitOptions, type KerasHistory } from "./fit.ts";
import { saveKerasTraining } from "./checkpoint.ts";
import type { BatchLoss, Trainable } from "../../train/trainable.ts";
import type { Optimizer, ParamGroup } from "../../train/optim.ts";
import type { TrainingProgress } from "../../train/checkpoint.ts";
import { RnnlabError, checkKnownKeys, checkOneOf, fail, fmtShape, show } from "../../errors.ts";

type Json = Record<string, unknown>;
/** [layer name, node index, tensor index] */
type Ref = [string, number, number];

export interface KerasLoadOptions extends TfjsReadOptions {
  /** which definition "hard_sigmoid" has; default: from modelTopology.keras_version (3.x -> keras3, else keras2) */
  hardSigmoid?: HardSigmoidFlavour;
}

export interface Node { layer: KerasLayer; inputs: Ref[] }

/** A compiled KerasModel is Trainable: the training loop (fit, evaluate) runs it over kerasData(x, y) batches. */
export class KerasModel implements Trainable<KerasBatch> {
  constructor(readonly topology: Json, readonly nodes: Node[], readonly inputs: Ref[], readonly outputs: Ref[],
              readonly hardSigmoid: HardSigmoidFlavour, readonly json: Json,
              /** per model input: its feature width (features [B, T, D]) or null (token ids [B, T] / unknown) */
              readonly inputWidths: (number | null)[] = inputs.map(() => null)) {}

  get layers(): KerasLayer[] { return this.nodes.map((n) => n.layer); }

  /**
   * Run on batch-major inputs (features [B, T, D] float32, or token ids [B, T] for an Embedding
   * first layer), one per model input; returns every model output, in order.
   */
  predict(inputs: Tensor | Tensor[]): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    if (list.length !== this.inputs.length) throw new RnnlabError(`KerasModel.predict: ${list.length} input(s) given, the model has ${this.inputs.length}`);
    const values = new Map<string, KValue[]>();
    list.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new RnnlabError(`KerasModel.predict: inputs[${i}] must be a Tensor, got ${show(t)}`);
      const D = this.inputWidths[i];
      if (D !== null && (t.shape.length !== 3 || t.shape[2] !== D)) fail("KerasModel.predict", `inputs[${i}]`, `of shape [batch, time, ${D}]`, fmtShape(t.shape));
      if (D === null && t.shape.length !== 2 && t.shape.length !== 3) fail("KerasModel.predict", `inputs[${i}]`, "of shape [batch, time] or [batch, time, features]", fmtShape(t.shape));
      values.set(this.inputs[i][0], [{ shape: [...t.shape], data: Float32Array.from(t.data), mask: null }]);
    });
    for (const node of this.nodes) {
      if (values.has(node.layer.name)) continue;                        // an input layer, already fed
      const ins = node.inputs.map(([name, , idx]) => {
        const v = values.get(name)?.[idx];
        if (!v) throw new RnnlabError(`KerasModel.predict: layer "${node.layer.name}" needs output ${idx} of "${name}", which is not computed`);
        return v;
      });
      values.set(node.layer.name, node.layer.apply(ins));
    }
    return this.outputs.map(([name, , idx]) => {
      const v = values.get(name)![idx];
      return new Tensor(v.shape, v.data);
    });
  }

  /** Every weight in Keras layout, in the order the layers list them (manifest order). */
  weights(): TfjsWeight[] { return this.layers.flatMap((l) => l.weights()); }

  /** Keras's model.summary(): each layer's class, weights with their shapes and parameter count,
   *  and the total; printed line by line with `print` (default console.log; null prints nothing)
   *  and returned as one string. */
  summary(print: ((line: string) => void) | null = console.log): string {
    if (print !== null && typeof print !== "function") fail("KerasModel.summary", "print", "a function or null", print);
    const lines = summaryLines(this.layers);
    if (print) for (const l of lines) print(l);
    return lines.join("\n");
  }

  private compiled: Compiled | null = null;

  /** Stateful recurrent layers start the next batch from zeros (Keras model.resetStates()). */
  resetStates(): void { for (const l of this.layers) l.resetStates?.(); }

  /** Keras's model.compile: the loss, the optimizer ("sgd", "adam" or an rnnlab optimizer) and metrics for fit / evaluate. */
  compile(opts: KerasCompileOptions): void { this.compiled = compileModel(this, opts); }

  private need(fn: string): Compiled {
    if (!this.compiled) throw new RnnlabError(`KerasModel.${fn}: call compile({ loss, optimizer }) first`);
    return this.compiled;
  }

  /** Keras's model.fit on batch-major x ([N, T, D] features or [N, T] token ids) and targets y ([N, …] like the output). */
  fit(x: Tensor | Tensor[], y: Tensor, opts: KerasFitOptions = {}): KerasHistory { return fitModel(this, this.need("fit"), x, y, opts); }

  /** One optimizer step on one batch; returns its loss (before the step). */
  trainOnBatch(x: Tensor | Tensor[], y: Tensor): number { return trainOnBatchOf(this, this.need("trainOnBatch"), x, y); }

  /** Mean loss and metrics over the samples, without training ({ loss, mse, acc, … }). */
  evaluate(x: Tensor | Tensor[], y: Tensor, opts: { batchSize?: number } = {}): Record<string, number> {
    this.need("evaluate");
    return evaluateModel(this, x, y, opts.batchSize ?? 32);
  }

  // ---- Trainable: what the training loop (src/train/fit.ts) drives

  private training = true;
  /** training mode (Dropout layers drop) or inference */
  train(on = true): this { this.training = on; return this; }
  zeroGrad(): void { for (const r of paramRefs(this)) r.grads.fill(0); }
  groups(): ParamGroup[] { return kerasGroups(this); }
  /** accuracy is a Keras metric ("accuracy" in compile), not the loop's */
  readonly classTargets = false;
  /** the compiled loss (and metrics) of one batch; gradients added when `backward` */
  lossOnBatch(batch: KerasBatch, backward: boolean): BatchLoss { return kerasLossOnBatch(this, this.need("fit"), batch, backward, this.training); }
  saveTraining(path: string, optimizer: Optimizer, progress: TrainingProgress): void { saveKerasTraining(path, this, optimizer, progress, this.compiled?.rng ?? null); }

  /**
   * Restore a checkpoint written by fit({ checkpoint }): the weights and the compiled optimizer's
   * state; returns the progress to pass as fit's `resume`.
   */
  loadTraining(path: string): KerasProgress {
    const c = this.need("loadTraining");
    return loadKerasTraining(path, this, c.optimizer, c.rng);
  }

  /** The gradients of one batch's mean loss by weight name, in Keras layout (nothing is updated). */
  gradients(x: Tensor | Tensor[], y: Tensor): Record<string, { shape: number[]; data: Float32Array }> {
    return batchGradients(this, this.need("gradients"), asList("KerasModel.gradients", x, this.inputs.length), y);
  }
}

/** Read model.json (+ shards) at `path` (the file or its directory) into a runnable KerasModel. */
export function loadTfjsModel(path: string, opts: KerasLoadOptions = {}): KerasModel {
  if (typeof opts !== "object" || opts === null) fail("loadTfjsModel", "options", "an object", opts);
  checkKnownKeys("loadTfjsModel", opts, ["hardSigmoid", ...TFJS_READ_OPTIONS]);
  const { hardSigmoid, ...read } = opts;
  return kerasModelOf(readTfjsModel(path, read), hardSigmoid === undefined ? {} : { hardSigmoid });
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function kerasModelOf(files: TfjsFiles, opts: KerasLoadOptions = {}): KerasModel {
  const { source, json } = files, topo = json.modelTopology as Json;
  const hard = opts.hardSigmoid === undefined ? hardSigmoidOf(topo.keras_version)
    : checkOneOf("loadTfjsModel", "hardSigmoid", opts.hardSigmoid, ["keras2", "keras3"] as const);
  const modelConfig = topo.model_config ?? topo;                                  // Keras H5-converted files nest it
  if (!isObject(modelConfig)) throw new RnnlabError(`${source}: modelTopology.model_config must be an object, got ${show(modelConfig)}`);
  const className = str(modelConfig.class_name);
  const config = modelConfig.config as Json | Json[] | undefined;
  const layerJsons = (Array.isArray(config) ? config : isObject(config) ? config.layers as Json[] | undefined : undefined);
  if (!Array.isArray(layerJsons)) throw new RnnlabError(`${source}: modelTopology.config.layers is missing or not a list`);
  const at = (i: number) => `modelTopology.config.layers[${i}]`;
  layerJsons.forEach((lj, i) => {
    if (!isObject(lj)) throw new RnnlabError(`${source}: ${at(i)} must be a layer object { class_name, config }, got ${show(lj)}`);
    if (lj.config !== undefined && !isObject(lj.config)) throw new RnnlabError(`${source}: ${at(i)}.config must be an object, got ${show(lj.config)}`);
  });
  const unused = new Map(files.weights.map((w) => [w.name, w]));
  const take = (layerName: string) => {
    const mine = files.weights.filter((w) => w.name.startsWith(`${layerName}/`) && unused.has(w.name));
    mine.forEach((w) => unused.delete(w.name));
    return mine;
  };

  let nodes: Node[], inputs: Ref[], outputs: Ref[], widths: (number | null)[];
  if (className === "Sequential") {
    ({ nodes, inputs, outputs, widths } = sequential(source, layerJsons, hard, take, at));
  } else if (className === "Model" || className === "Functional") {
    if (!isObject(config)) throw new RnnlabError(`${source}: modelTopology.config must be an object for a functional model`);
    ({ nodes, inputs, outputs, widths } = functional(source, config, layerJsons, hard, take, at));
  } else {
    throw new RnnlabError(`${source}: modelTopology.class_name is "${className}", expected Sequential, Model or Functional`);
  }
  if (unused.size) {
    throw new RnnlabError(`${source}: weightsManifest has weight(s) no layer uses: ${[...unused.keys()].map((n) => `"${n}"`).join(", ")}`);
  }
  const names = new Set(nodes.map((n) => n.layer.name));
  for (const [name] of [...inputs, ...outputs]) {
    if (!names.has(name)) throw new RnnlabError(`${source}: modelTopology.config names the model input/output "${name}", which is no layer of the model`);
  }
  return new KerasModel(topo, nodes, inputs, outputs, hard, json as Json, widths);
}

/** The feature width a layer outputs, given its input widths (for the next layer's weights). */
function outputWidth(cls: string, cfg: Json, inWidth: number | null, inWidths: (number | null)[] = [inWidth]): number | null {
  switch (cls) {
    case "Dense": case "SimpleRNN": case "LSTM": case "GRU": return num(cfg.units);
    case "TimeDistributed": return num(((cfg.layer as Json | undefined)?.config as Json | undefined)?.units);
    case "Concatenate": return inWidths.every((w) => w !== null) ? (inWidths as number[]).reduce((a, b) => a + b, 0) : null;
    case "Flatten": return null;
    case "Dot": {
      // [B, T, K]·[B, K, N] (axes [2, 1]) ends in the second input's width; other layouts end in a time axis
      const axes = Array.isArray(cfg.axes) ? cfg.axes : [cfg.axes, cfg.axes];
      return axes[1] === 1 ? inWidths[1] ?? null : null;
    }
    case "Embedding": return num(cfg.output_dim);
    case "Bidirectional": {
      const units = num(((cfg.layer as Json | undefined)?.config as Json | undefined)?.units);
      return cfg.merge_mode === "concat" || cfg.merge_mode === undefined ? 2 * units : units;
    }
  }
  return inWidth;
}

function batchInputWidth(cfg: Json): number | null {
  const shape = (cfg.batch_input_shape ?? cfg.batch_shape) as (number | null)[] | undefined;
  return shape && shape.length >= 3 ? num(shape[shape.length - 1]) : null;
}

function sequential(source: string, layers: Json[], hard: HardSigmoidFlavour, take: (n: string) => TfjsWeight[], at: (i: number) => string) {
  const nodes: Node[] = [];
  let width: number | null = null, prev = "";
  const inputName = "__input__";
  layers.forEach((lj, i) => {
    const cls = str(lj.class_name), cfg = (lj.config ?? {}) as Json;
    if (i === 0) width = batchInputWidth(cfg);
    const layer = buildLayer(cls, cfg, { source, at: at(i), hard, take, inputWidth: width });
    nodes.push({ layer, inputs: [[i === 0 ? inputName : prev, 0, 0]] });
    width = outputWidth(cls, cfg, width);
    prev = layer.name;
  });
  if (!nodes.length) throw new RnnlabError(`${source}: modelTopology.config.layers is empty`);
  const input = { layer: buildLayer("InputLayer", { name: inputName }, { source, at: "input", hard, take, inputWidth: null }), inputs: [] };
  const firstWidth = layers[0].class_name === "Embedding" ? null : batchInputWidth((layers[0].config ?? {}) as Json);
  return { nodes: [input, ...nodes], inputs: [[inputName, 0, 0]] as Ref[], outputs: [[prev, 0, 0]] as Ref[], widths: [firstWidth] };
}

/** Refs of a Keras inbound node: tfjs / Keras 2 [[name, node, index, kwargs], …] or Keras 3 keras_history objects. */
function inboundRefs(node: unknown): Ref[] {
  if (Array.isArray(node) && node.every((r) => Array.isArray(r) && typeof r[0] === "string")) return node.map((r) => [r[0], num(r[1]), num(r[2])]);
  const found: Ref[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === "object") {
      const h = ((v as Json).config as Json | undefined)?.keras_history as unknown[] | undefined;
      if (Array.isArray(h)) found.push([str(h[0]), num(h[1]), num(h[2])]);
      else Object.values(v).forEach(visit);
    }
  };
  visit(node);
  return found;
}

function functional(source: string, config: Json, layers: Json[], hard: HardSigmoidFlavour, take: (n: string) => TfjsWeight[], at: (i: number) => string) {
  const widths = new Map<string, (number | null)[]>();
  const nodes: Node[] = layers.map((lj, i) => {
    const cls = str(lj.class_name), cfg = (lj.config ?? {}) as Json, name = str(lj.name ?? cfg.name);
    const inbound = (lj.inbound_nodes ?? []) as unknown[];
    if (inbound.length > 1) throw new RnnlabError(`${source}: ${at(i)} ("${name}") is called ${inbound.length} times; shared layers are not supported`);
    const refs = inbound.length ? inboundRefs(inbound[0]) : [];
    const inWidths = refs.map((r) => widths.get(r[0])?.[r[2]] ?? null);
    const inWidth = cls === "InputLayer" ? batchInputWidth(cfg) : (inWidths[0] ?? null);
    const layer = buildLayer(cls, { ...cfg, name }, { source, at: at(i), hard, take, inputWidth: inWidth });
    const w = outputWidth(cls, cfg, inWidth, inWidths);
    if (cls !== "InputLayer" && !refs.length) throw new RnnlabError(`${source}: ${at(i)} ("${name}") has no inbound node (nothing feeds it)`);
    const inner = cls === "Bidirectional" ? num(((cfg.layer as Json).config as Json).units) : num(cfg.units);
    widths.set(name, [w, inner, inner, inner, inner]);   // output 0, then return_state's h / c (per direction): `units` wide
    return { layer, inputs: refs };
  });
  const refList = (v: unknown, field: string): Ref[] => {
    if (!Array.isArray(v) || !v.length) throw new RnnlabError(`${source}: modelTopology.config.${field} is missing`);
    return (Array.isArray(v[0]) ? v : [v]).map((r, i) => {
      if (!Array.isArray(r) || typeof r[0] !== "string" || !Number.isSafeInteger(r[1]) || !Number.isSafeInteger(r[2]) || r[2] < 0) {
        throw new RnnlabError(`${source}: modelTopology.config.${field}[${i}] must be [layer name, node index, tensor index], got ${show(r)}`);
      }
      return [r[0], r[1], r[2]] as Ref;
    });
  };
  const inputs = refList(config.input_layers, "input_layers");
  const classOf = new Map(layers.map((lj) => [str(lj.name ?? (lj.config as Json | undefined)?.name), str(lj.class_name)]));
  const feedsEmbedding = (name: string) => layers.some((lj) => lj.class_name === "Embedding" && inboundRefs(((lj.inbound_nodes ?? []) as unknown[])[0]).some((r) => r[0] === name));
  const inputWidths = inputs.map(([name]) => classOf.get(name) === "InputLayer" && !feedsEmbedding(name) ? widths.get(name)?.[0] ?? null : null);
  return { nodes, inputs, outputs: refList(config.output_layers, "output_layers"), widths: inputWidths };
}

