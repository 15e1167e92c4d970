// The recurrent Keras layers: SimpleRNN / LSTM / GRU (with masks, initial states as inputs and
// stateful mode) and Bidirectional around one of them, for inference and for training.
import { str, type TfjsWeight } from "./model-json.ts";
import { KerasRnnCell, KerasRnnTrainer, type KerasRnnSpec } from "./recurrent.ts";
import { cellActivation } from "./activations.ts";
import type { ParamRef } from "./train-ops.ts";
import type { CellKind } from "../../cells/config.ts";
import { RnnlabError, fmtShape } from "../../errors.ts";
import type { BuildContext, KerasLayer, KValue } from "./layers.ts";
import { checkInput, checkShape, configSize, needWidth, pick } from "./layer-checks.ts";

const RNN_KIND: Record<string, CellKind> = { SimpleRNN: "rnn", LSTM: "lstm", GRU: "gru" };

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

export function rnnLayer(className: string, name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
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

export function bidirectionalLayer(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
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
