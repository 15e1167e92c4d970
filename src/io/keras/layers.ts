// The Keras layers we read, run and write: InputLayer, Dense, Embedding, Masking, Dropout
// (identity at inference), SimpleRNN / LSTM / GRU, Bidirectional. Each is built from its config
// and its weights (matched by the layer's name prefix and the weight's last name segment, so both
// tfjs names "lstm_LSTM1/kernel" and Keras names "lstm/lstm_cell/kernel" load), runs on
// batch-major values with Keras masks, and gives its weights back in Keras layout for writing.
import { num, str, type TfjsWeight } from "./model-json.ts";
import { KerasRnnCell, KerasRnnTrainer, type KerasRnnSpec } from "./recurrent.ts";
import { applyActivation, cellActivation, type HardSigmoidFlavour } from "./activations.ts";
import { activationBackward, type ParamRef, type TrainPass } from "./train-ops.ts";
import type { Rng } from "../../params/rng.ts";
import { buildMergeLayer, MERGE_LAYERS } from "./merge-layers.ts";
import type { CellKind } from "../../cells/config.ts";
import { RnnlabError, fmtShape, show } from "../../errors.ts";

/** A batch-major value flowing between layers, with its Keras mask (B, T) when it has one. */
export interface KValue { shape: number[]; data: Float32Array; mask: Uint8Array | null }

export interface KerasLayer {
  readonly className: string;
  readonly name: string;
  /** the layer's config as read (written back unchanged) */
  readonly config: Record<string, unknown>;
  apply(inputs: KValue[]): KValue[];
  /** weights in Keras layout under their names, in manifest order */
  weights(): TfjsWeight[];
  /** trainable arrays with their gradients (Keras layout, updated in place); none for layers without weights */
  params?(): ParamRef[];
  /** a forward for training (dropout active when `training`), with its backward; absent = cannot be trained */
  trainForward?(inputs: KValue[], training: boolean, rng: Rng): TrainPass;
  /** the accumulated gradients in Keras layout under the weights' names (manifest order) */
  gradients?(): TfjsWeight[];
  /** stateful recurrent layers: forget the carried states (the next batch starts from zeros) */
  resetStates?(): void;
}

export interface BuildContext {
  source: string;
  /** where the layer sits in the topology, e.g. modelTopology.config.layers[2] */
  at: string;
  hard: HardSigmoidFlavour;
  /** the layer's weights, in manifest order */
  take(layerName: string): TfjsWeight[];
  /** feature width of the layer's input (last axis), when known */
  inputWidth: number | null;
}

export const SUPPORTED_LAYERS = ["InputLayer", "Dense", "Embedding", "Masking", "Dropout", "SimpleRNN", "LSTM", "GRU", "Bidirectional", ...MERGE_LAYERS];
const RNN_KIND: Record<string, CellKind> = { SimpleRNN: "rnn", LSTM: "lstm", GRU: "gru" };

const lastSegment = (name: string) => name.split("/").pop()!.replace(/:\d+$/, "");

function pick(ctx: BuildContext, layerName: string, ws: TfjsWeight[], names: string[]): TfjsWeight[] {
  return names.map((n) => {
    const w = ws.find((x) => lastSegment(x.name) === n);
    if (!w) throw new RnnlabError(`${ctx.source}: ${ctx.at} ("${layerName}") has no weight named ".../${n}" in weightsManifest`);
    return w;
  });
}

function needWidth(ctx: BuildContext, name: string): number {
  if (ctx.inputWidth === null) throw new RnnlabError(`${ctx.source}: ${ctx.at} ("${name}"): the input's feature width is unknown (give the first layer batch_input_shape)`);
  return ctx.inputWidth;
}

/** A size from the config (units, input_dim, …): a positive integer, checked before anything is sized by it. */
function configSize(ctx: BuildContext, layer: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.${field} ("${layer}") must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** The value reaching a layer must have the rank (and last-axis width) its weights were checked for. */
function checkInput(layer: string, x: KValue | undefined, rank: number, width: number | null): KValue {
  if (!x) throw new RnnlabError(`Keras layer "${layer}": no input reaches it`);
  if (x.shape.length !== rank || (width !== null && x.shape[rank - 1] !== width)) {
    throw new RnnlabError(`Keras layer "${layer}": input must have shape [${rank === 3 ? "batch, time, " : "batch, "}${width ?? "features"}], got ${fmtShape(x.shape)}`);
  }
  return x;
}

function checkShape(ctx: BuildContext, layer: string, w: TfjsWeight, shape: number[]): void {
  if (fmtShape(w.shape) !== fmtShape(shape)) {
    throw new RnnlabError(`${ctx.source}: weight "${w.name}" of ${ctx.at} ("${layer}") has shape ${fmtShape(w.shape)}, expected ${fmtShape(shape)}`);
  }
}

export function buildLayer(className: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const name = str(config.name ?? className);
  switch (className) {
    case "InputLayer":
      return { className, name, config, apply: (xs) => [xs[0]], weights: () => [], trainForward: (xs) => ({ outputs: [xs[0]], backward: (d) => [d[0]] }) };
    case "Dropout": return dropoutLayer(name, config);
    case "Masking": return maskingLayer(name, config);
    case "Dense": return denseLayer(name, config, ctx);
    case "Embedding": return embeddingLayer(name, config, ctx);
    case "SimpleRNN": case "LSTM": case "GRU": return rnnLayer(className, name, config, ctx);
    case "Bidirectional": return bidirectionalLayer(name, config, ctx);
  }
  const merged = buildMergeLayer(className, name, config, ctx, denseLayer);
  if (merged) return merged;
  throw new RnnlabError(`${ctx.source}: ${ctx.at}.class_name is "${className}", which rnnlab does not support (supported: ${SUPPORTED_LAYERS.join(", ")})`);
}

function maskingLayer(name: string, config: Record<string, unknown>): KerasLayer {
  const value = num(config.mask_value ?? 0);
  return {
    className: "Masking", name, config, weights: () => [],
    apply: ([input]) => {
      const x = checkInput(name, input, 3, null);
      const [B, T, D] = x.shape, data = Float32Array.from(x.data), mask = new Uint8Array(B * T);
      for (let r = 0; r < B * T; r++) {
        for (let d = 0; d < D; d++) if (data[r * D + d] !== value) mask[r] = 1;
        if (!mask[r]) data.fill(0, r * D, (r + 1) * D);         // Keras multiplies masked steps by 0
      }
      return [{ shape: x.shape, data, mask }];
    },
    trainForward(inputs) {
      const out = this.apply(inputs)[0], mask = out.mask!, D = out.shape[2];
      return { outputs: [out], backward: ([dy]) => {
        if (!dy) return [null];
        const dx = Float32Array.from(dy);
        for (let r = 0; r < mask.length; r++) if (!mask[r]) dx.fill(0, r * D, (r + 1) * D);
        return [dx];
      } };
    },
  };
}

/** Identity at inference; inverted dropout while training (our seeded random numbers, not TF.js's). */
function dropoutLayer(name: string, config: Record<string, unknown>): KerasLayer {
  const rate = num(config.rate ?? 0);
  return {
    className: "Dropout", name, config, apply: (xs) => [xs[0]], weights: () => [],
    trainForward: ([x], training, rng) => {
      if (!training || rate === 0) return { outputs: [x], backward: (d) => [d[0]] };
      const keep = new Float32Array(x.data.length);
      for (let i = 0; i < keep.length; i++) keep[i] = rng.next() < rate ? 0 : 1 / (1 - rate);
      return { outputs: [{ ...x, data: x.data.map((v, i) => v * keep[i]) }], backward: ([d]) => [d ? d.map((v, i) => v * keep[i]) : null] };
    },
  };
}

function denseLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const units = configSize(ctx, name, "units", config.units), useBias = config.use_bias !== false;
  const [kernel, bias] = pick(ctx, name, ctx.take(name), useBias ? ["kernel", "bias"] : ["kernel"]);
  // after a Flatten the width is not tracked: the kernel's rows say it (checked against each input)
  const D = ctx.inputWidth ?? (kernel.shape.length === 2 && Number.isSafeInteger(kernel.shape[0]) && kernel.shape[0] >= 1 ? kernel.shape[0] : needWidth(ctx, name));
  checkShape(ctx, name, kernel, [D, units]);
  if (bias) checkShape(ctx, name, bias, [units]);
  const where = `${ctx.source}: ${ctx.at}.config.activation`;
  applyActivation(config.activation, new Float32Array(0), units, ctx.hard, where);      // reject unknown ones now
  const dKernel = new Float32Array(kernel.data.length), dBias = new Float32Array(bias ? bias.data.length : 0);
  return {
    className: "Dense", name, config, weights: () => (bias ? [kernel, bias] : [kernel]),
    apply: ([input]) => {
      const x = checkInput(name, input, input?.shape.length === 2 ? 2 : 3, D);
      const rows = x.data.length / D, y = new Float32Array(rows * units);
      for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) {
        let acc = bias ? bias.data[u] : 0;
        for (let d = 0; d < D; d++) acc += x.data[r * D + d] * kernel.data[d * units + u];
        y[r * units + u] = acc;
      }
      applyActivation(config.activation, y, units, ctx.hard, where);
      return [{ shape: [...x.shape.slice(0, -1), units], data: y, mask: x.mask }];
    },
    params: () => [{ name: kernel.name, params: kernel.data, grads: dKernel }, ...(bias ? [{ name: bias.name, params: bias.data, grads: dBias }] : [])],
    gradients: () => [{ ...kernel, data: dKernel }, ...(bias ? [{ ...bias, data: dBias }] : [])],
    trainForward(inputs) {
      const x = inputs[0], [out] = this.apply(inputs), rows = out.data.length / units;
      return { outputs: [out], backward: ([dy]) => {
        if (!dy) return [null];
        const dz = Float32Array.from(dy);
        activationBackward(config.activation, dz, out.data, units, ctx.hard, where);
        const dx = new Float32Array(rows * D);
        for (let r = 0; r < rows; r++) for (let u = 0; u < units; u++) {
          const g = dz[r * units + u];
          if (g === 0) continue;
          if (bias) dBias[u] += g;
          for (let d = 0; d < D; d++) { dKernel[d * units + u] += x.data[r * D + d] * g; dx[r * D + d] += g * kernel.data[d * units + u]; }
        }
        return [dx];
      } };
    },
  };
}

function embeddingLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const V = configSize(ctx, name, "input_dim", config.input_dim), E = configSize(ctx, name, "output_dim", config.output_dim);
  const maskZero = config.mask_zero === true;
  const [table] = pick(ctx, name, ctx.take(name), ["embeddings"]);
  checkShape(ctx, name, table, [V, E]);
  const dTable = new Float32Array(table.data.length);
  return {
    className: "Embedding", name, config, weights: () => [table],
    apply: ([input]) => {
      const ids = checkInput(name, input, 2, null);
      const n = ids.data.length, y = new Float32Array(n * E), mask = maskZero ? new Uint8Array(n) : null;
      for (let i = 0; i < n; i++) {
        const id = ids.data[i];
        if (!(Number.isInteger(id) && id >= 0 && id < V)) throw new RnnlabError(`Embedding "${name}": ids[${i}] must be a token id in [0, ${V}), got ${id}`);
        y.set(table.data.subarray(id * E, (id + 1) * E), i * E);
        if (mask) mask[i] = id !== 0 ? 1 : 0;
      }
      return [{ shape: [...ids.shape, E], data: y, mask }];
    },
    params: () => [{ name: table.name, params: table.data, grads: dTable }],
    gradients: () => [{ ...table, data: dTable }],
    trainForward(inputs) {
      const ids = inputs[0].data, [out] = this.apply(inputs);
      return { outputs: [out], backward: ([dy]) => {
        if (dy) for (let i = 0; i < ids.length; i++) for (let e = 0; e < E; e++) dTable[ids[i] * E + e] += dy[i * E + e];   // scatter-add
        return [null];                                      // token ids have no gradient
      } };
    },
  };
}

interface RnnParts {
  cell: KerasRnnCell; names: string[]; goBackwards: boolean; returnSequences: boolean; returnState: boolean; kind: CellKind;
  /** made on first training use */
  trainer: KerasRnnTrainer | null;
  /** a non-zero dropout / recurrent_dropout (training refuses what it cannot reproduce) */
  dropout: string | null;
  /** stateful: the final states of the last batch, the next batch's initial states (null = zeros) */
  stateful: boolean;
  states: Float32Array[] | null;
}

/** A SimpleRNN / LSTM / GRU config + its weights (those whose names contain `prefix` when given). */
function rnnParts(className: string, name: string, config: Record<string, unknown>, ctx: BuildContext, ws: TfjsWeight[]): RnnParts {
  const kind = RNN_KIND[className], at = `${ctx.source}: ${ctx.at}`;
  const units = configSize(ctx, name, "units", config.units), D = needWidth(ctx, name), useBias = config.use_bias !== false;
  // the weights present must have the shapes the config implies BEFORE anything is allocated from it
  const G = { rnn: 1, lstm: 4, gru: 3 }[kind] * units, resetAfter = kind === "gru" && config.reset_after === true;
  const chosen = pick(ctx, name, ws, useBias ? ["kernel", "recurrent_kernel", "bias"] : ["kernel", "recurrent_kernel"]);
  [[D, G], [units, G], resetAfter ? [2, G] : [G]].slice(0, chosen.length).forEach((shape, i) => checkShape(ctx, name, chosen[i], shape));
  const spec: KerasRnnSpec = {
    kind, units, inputSize: D, useBias,
    resetAfter: kind === "gru" && config.reset_after === true,
    activation: cellActivation(config.activation ?? "tanh", ctx.hard, `${at}.config.activation`),
    recurrentActivation: kind === "rnn" ? "sigmoid"
      : cellActivation(config.recurrent_activation ?? "hard_sigmoid", ctx.hard, `${at}.config.recurrent_activation`),
  };
  const cell = new KerasRnnCell(spec);
  cell.setKerasWeights(chosen, (i) => (i < 0 ? `${at} ("${name}")` : `${ctx.source}: weight "${chosen[i].name}" of ${ctx.at} ("${name}")`));
  const dropout = ["dropout", "recurrent_dropout"].find((f) => typeof config[f] === "number" && config[f] !== 0) ?? null;
  return { cell, names: chosen.map((w) => w.name), kind, goBackwards: config.go_backwards === true,
    returnSequences: config.return_sequences === true, returnState: config.return_state === true, trainer: null, dropout,
    stateful: config.stateful === true, states: null };
}

/**
 * The initial states of a run: given ones (Keras `initialState`, extra inputs [h] / [h, c]), else a
 * stateful layer's carried states, else zeros (undefined).
 */
function initialStates(p: RnnParts, layer: string, given: (KValue | undefined)[], B: number): Float32Array[] | undefined {
  const H = p.cell.spec.units, n = p.kind === "lstm" ? 2 : 1;
  if (given.length) {
    if (given.length !== n) throw new RnnlabError(`Keras layer "${layer}": ${given.length} initial state(s) given, a ${p.kind.toUpperCase()} takes ${n}`);
    return given.map((v, i) => checkInput(layer, v, 2, H).data.length === B * H ? v!.data
      : (() => { throw new RnnlabError(`Keras layer "${layer}": initial state ${i} has shape ${fmtShape(v!.shape)}, expected [${B}, ${H}]`); })());
  }
  if (p.stateful && p.states) {
    if (p.states[0].length !== B * H) throw new RnnlabError(`Keras layer "${layer}" is stateful with a batch of ${p.states[0].length / H}; got a batch of ${B} (call resetStates() to start over)`);
    return p.states;
  }
  return undefined;
}

/** A stateful layer keeps its final states for the next batch (no gradient flows into them later). */
function keepStates(p: RnnParts, states: Float32Array[]): void {
  if (p.stateful) p.states = states.map((s) => Float32Array.from(s));
}

const trainerOf = (p: RnnParts) => (p.trainer ??= new KerasRnnTrainer(p.cell));

function rnnParams(p: RnnParts): ParamRef[] {
  const t = trainerOf(p), kerasGrads = { params: p.cell.params.flat, grads: t.grads.flat };
  // one flat buffer in our layout; the optimizer's update is elementwise, so the layout does not matter to it
  return [{ name: p.names.join("+"), params: kerasGrads.params as Float32Array, grads: kerasGrads.grads as Float32Array }];
}

function rnnGradients(p: RnnParts): TfjsWeight[] {
  const shapes = p.cell.kerasShapes();
  return trainerOf(p).kerasGradients().map((data, i) => ({ name: p.names[i], shape: shapes[i], data }));
}

/** The training forward of one direction: outputs like runParts, and the backward from (dSeq | dLast, dStates…). */
function trainParts(p: RnnParts, layer: string, input: KValue, reverseBack: boolean, training: boolean, given: (KValue | undefined)[] = []) {
  if (training && p.dropout) throw new RnnlabError(`Keras layer "${layer}": training with ${p.dropout} > 0 is not supported (its random masks cannot match TF.js); set it to 0`);
  const x = checkInput(layer, input, 3, p.cell.spec.inputSize);
  const [B, T] = x.shape, H = p.cell.spec.units, D = p.cell.spec.inputSize, t = trainerOf(p);
  const r = t.forward(x.data, B, T, x.mask, p.goBackwards, initialStates(p, layer, given, B));
  keepStates(p, r.states);
  const flip = (a: Float32Array) => {                // time order <-> processing order (its own inverse)
    const out = new Float32Array(a.length);
    for (let b = 0; b < B; b++) for (let s = 0; s < T; s++) out.set(a.subarray((b * T + s) * H, (b * T + s + 1) * H), (b * T + (T - 1 - s)) * H);
    return out;
  };
  const v = (data: Float32Array, shape: number[], mask: Uint8Array | null = null): KValue => ({ data, shape, mask });
  const seq = v(reverseBack ? flip(r.sequence) : r.sequence, [B, T, H], x.mask);
  /** dx, then the cotangents of the given initial states */
  const backward = (dSeq: Float32Array | null, dLast: Float32Array | null, dStates: (Float32Array | null)[]): (Float32Array | null)[] => {
    const g = t.backward(r.tape, dSeq && reverseBack ? flip(dSeq) : dSeq, dLast, dStates);
    return [g.dx.length === B * T * D ? g.dx : null, ...(given.length ? g.dInitial : [])];
  };
  return { seq, last: v(r.last, [B, H]), states: r.states.map((s) => v(s, [B, H])), backward };
}

function runParts(p: RnnParts, input: KValue, reverseBack: boolean, given: (KValue | undefined)[] = []): { seq: KValue; last: KValue; states: KValue[] } {
  const layer = p.names[0]?.split("/")[0] ?? "rnn";
  const x = checkInput(layer, input, 3, p.cell.spec.inputSize);
  const [B, T] = x.shape, H = p.cell.spec.units;
  const r = p.cell.run(x.data, B, T, x.mask, p.goBackwards, initialStates(p, layer, given, B));
  keepStates(p, r.states);
  let seq = r.sequence;
  if (reverseBack) {                       // Bidirectional flips the backward layer's outputs back into time order
    seq = new Float32Array(seq.length);
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) seq.set(r.sequence.subarray((b * T + t) * H, (b * T + t + 1) * H), (b * T + (T - 1 - t)) * H);
  }
  const v = (data: Float32Array, shape: number[], mask: Uint8Array | null = null): KValue => ({ data, shape, mask });
  return { seq: v(seq, [B, T, H], x.mask), last: v(r.last, [B, H]), states: r.states.map((s) => v(s, [B, H])) };
}

function kerasWeightsOf(p: RnnParts, names: string[]): TfjsWeight[] {
  const shapes = p.cell.kerasShapes();
  return p.cell.kerasWeights().map((data, i) => ({ name: names[i], shape: shapes[i], data }));
}

function rnnLayer(className: string, name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const p = rnnParts(className, name, config, ctx, ctx.take(name));
  return {
    className, name, config, weights: () => kerasWeightsOf(p, p.names),
    apply: ([x, ...initial]) => {
      const r = runParts(p, x, false, initial);
      const out = p.returnSequences ? r.seq : r.last;
      return p.returnState ? [out, ...r.states] : [out];
    },
    params: () => rnnParams(p),
    gradients: () => rnnGradients(p),
    resetStates: () => { p.states = null; },
    trainForward: ([x, ...initial], training) => {
      const r = trainParts(p, name, x, false, training, initial);
      const out = p.returnSequences ? r.seq : r.last;
      return {
        outputs: p.returnState ? [out, ...r.states] : [out],
        backward: ([dOut, ...dStates]) => r.backward(p.returnSequences ? dOut : null, p.returnSequences ? null : dOut, dStates),
      };
    },
  };
}

/** The backward of merge(): per direction, the cotangent of its output. */
function unmerge(mode: unknown, d: Float32Array, a: KValue, b: KValue): [Float32Array, Float32Array] {
  const H = a.shape[a.shape.length - 1], rows = a.data.length / H;
  if (mode === "concat") {
    const da = new Float32Array(rows * H), db = new Float32Array(rows * H);
    for (let r = 0; r < rows; r++) { da.set(d.subarray(r * 2 * H, r * 2 * H + H), r * H); db.set(d.subarray(r * 2 * H + H, (r + 1) * 2 * H), r * H); }
    return [da, db];
  }
  if (mode === "sum") return [d, d];
  if (mode === "ave") { const h = d.map((v) => v / 2); return [h, h]; }
  return [d.map((v, i) => v * b.data[i]), d.map((v, i) => v * a.data[i])];   // mul
}

function merge(mode: unknown, a: KValue, b: KValue, where: string): KValue[] {
  if (mode === null || mode === undefined) return [a, b];
  const H = a.shape[a.shape.length - 1], rows = a.data.length / H;
  if (mode === "concat") {
    const y = new Float32Array(rows * 2 * H);
    for (let r = 0; r < rows; r++) { y.set(a.data.subarray(r * H, (r + 1) * H), r * 2 * H); y.set(b.data.subarray(r * H, (r + 1) * H), r * 2 * H + H); }
    return [{ shape: [...a.shape.slice(0, -1), 2 * H], data: y, mask: a.mask }];
  }
  const f = mode === "sum" ? (x: number, y: number) => x + y : mode === "ave" ? (x: number, y: number) => (x + y) / 2
    : mode === "mul" ? (x: number, y: number) => x * y : null;
  if (!f) throw new RnnlabError(`${where} is ${JSON.stringify(mode)}; expected concat, sum, ave, mul or null`);
  return [{ shape: a.shape, data: a.data.map((v, i) => f(v, b.data[i])), mask: a.mask }];
}

function bidirectionalLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const inner = config.layer as { class_name?: string; config?: Record<string, unknown> } | undefined;
  const innerClass = str(inner?.class_name);
  if (!inner?.config || !RNN_KIND[innerClass]) {
    throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.layer.class_name is "${innerClass}"; Bidirectional wraps SimpleRNN, LSTM or GRU here`);
  }
  const ws = ctx.take(name), innerName = str(inner.config.name ?? innerClass);
  const half = (dir: "forward" | "backward") => ws.filter((w) => w.name.split("/").some((seg) => seg.startsWith(`${dir}_`)));
  const innerCtx = { ...ctx, at: `${ctx.at}.config.layer` };
  const fw = rnnParts(innerClass, `forward_${innerName}`, inner.config, innerCtx, half("forward"));
  // the backward copy runs with go_backwards flipped (keras/layers/wrappers.py Bidirectional)
  const bw = rnnParts(innerClass, `backward_${innerName}`, { ...inner.config, go_backwards: inner.config.go_backwards !== true }, innerCtx, half("backward"));
  const mode = config.merge_mode === undefined ? "concat" : config.merge_mode;
  return {
    className: "Bidirectional", name, config,
    weights: () => [...kerasWeightsOf(fw, fw.names), ...kerasWeightsOf(bw, bw.names)],
    apply: ([x]) => {
      const f = runParts(fw, x, false), b = runParts(bw, x, fw.returnSequences);
      const out = merge(mode, fw.returnSequences ? f.seq : f.last, fw.returnSequences ? b.seq : b.last, `${ctx.source}: ${ctx.at}.config.merge_mode`);
      return fw.returnState ? [...out, ...f.states, ...b.states] : out;
    },
    params: () => [...rnnParams(fw), ...rnnParams(bw)],
    resetStates: () => { fw.states = null; bw.states = null; },
    gradients: () => [...rnnGradients(fw), ...rnnGradients(bw)],
    trainForward: ([x], training) => {
      const f = trainParts(fw, name, x, false, training), b = trainParts(bw, name, x, fw.returnSequences, training);
      const fo = fw.returnSequences ? f.seq : f.last, bo = fw.returnSequences ? b.seq : b.last;
      const out = merge(mode, fo, bo, `${ctx.source}: ${ctx.at}.config.merge_mode`);
      const nOut = out.length, nState = f.states.length;
      return {
        outputs: fw.returnState ? [...out, ...f.states, ...b.states] : out,
        backward: (d) => {
          const [dF, dB] = nOut === 2 ? [d[0], d[1]] : d[0] ? unmerge(mode, d[0], fo, bo) : [null, null];
          const fStates = d.slice(nOut, nOut + nState), bStates = d.slice(nOut + nState);
          const seq = fw.returnSequences;
          const [dx1] = f.backward(seq ? dF : null, seq ? null : dF, fStates), [dx2] = b.backward(seq ? dB : null, seq ? null : dB, bStates);
          return [dx1 && dx2 ? dx1.map((v, i) => v + dx2[i]) : dx1 ?? dx2];
        },
      };
    },
  };
}
