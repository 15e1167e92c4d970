// TF-1's unrolling calls, with TF-1's return structures (tensorflow/python/ops/rnn.py):
//   staticRnn(cell, [x_0 … x_{T−1}])              -> { outputs: [y_0 …], state }
//   dynamicRnn(cell, x [B, T, D])                 -> { outputs [B, T, R], state }
//   staticBidirectionalRnn(fw, bw, [x_t])          -> { outputs: [fw_t ‖ bw_t], stateFw, stateBw }   ("3 returns")
//   bidirectionalDynamicRnn(fw, bw, x)             -> { outputs: [fw, bw], states: [fw, bw] }        ("2 returns")
// sequenceLength: outputs at t ≥ len are exactly 0 and the state is copied through, so the final
// state is the one at step len − 1 (the initial state when len = 0). The backward direction reads
// each row's valid prefix reversed (tf.reverse_sequence), and its outputs are put back in order.
// Static and dynamic calls run the same code: they differ only in how inputs and outputs are held.
import type { Buf, Dtype } from "../kernels/types.ts";
import { Tensor, like } from "../tensor/tensor.ts";
import { checkLengths, concat, stack as stackTensors, transpose, unstack } from "../tensor/ops.ts";
import { checkFinite, checkKnownKeys, fail, fmtShape, RnnlabError } from "../errors.ts";
import { UniStack } from "../seq/uni-stack.ts";
import type { RNNCellLike, SingleCell } from "./cells.ts";
import type { RnnState } from "./state.ts";
import { buildState, flattenState } from "./structure.ts";
import type { Tape } from "./tape.ts";
import { dropoutsOf } from "./dropout-wrapper.ts";
import { checkDtypeOption } from "./variable-dtype.ts";

export interface DirectionRun { cell: RNNCellLike; layers: SingleCell[]; stack: UniStack; reverse: boolean }

export interface Recording {
  fn: "staticRnn" | "dynamicRnn" | "staticBidirectionalRnn" | "bidirectionalDynamicRnn" | "call";
  dirs: DirectionRun[];
  T: number; B: number; D: number; dtype: Dtype; timeMajor: boolean; lengths: Int32Array | null;
}

function checkCell(fn: string, arg: string, cell: unknown): RNNCellLike {
  if (!cell || typeof (cell as RNNCellLike).layers !== "function") fail(fn, arg, "an RNN cell (nn.BasicLSTMCell, nn.MultiRNNCell, …)", cell);
  return cell as RNNCellLike;
}

/** Build the layers for depth D (first use) and plan one direction. */
function planDirection(fn: string, cell: RNNCellLike, D: number, T: number, B: number, dtype: Dtype, reverse: boolean): DirectionRun {
  const layers = cell.layers();
  let depth = D;
  for (const layer of layers) { layer.build(depth, dtype, fn); depth = layer.outputSize; }
  const k = layers[0].k;
  if (layers.some((l) => l.k !== k)) throw new RnnlabError(`${fn}: all cells of one RNN must use the same kernels backend`);
  return { cell, layers, reverse, stack: new UniStack(k, layers.map((l) => l.stackCell), T, B, dtype, reverse) };
}

function runDirection(fn: string, run: DirectionRun, x: Buf, initialState: unknown, arg: string, B: number, dtype: Dtype, lengths: Int32Array | null) {
  const initial = flattenState(fn, arg, run.cell, initialState, B, dtype);
  dropoutsOf(run.cell).forEach((wrapper, l) => {
    const layerRun = run.stack.runs[l];
    layerRun.setMasks(wrapper ? wrapper.masks(layerRun.T, B, dtype) : { input: null, output: null, state: null });
  });
  run.stack.forward(x, run.layers.map((l) => l.stackWeights), initial, lengths);
  return buildState(run.cell, run.layers.map((_, l) => run.stack.final(l)), B, dtype);
}

/** Check a rank-3 input against the first layer's depth (if built) and return T, B, D. */
function sequenceShape(fn: string, inputs: unknown, timeMajor: boolean, cell: RNNCellLike) {
  if (!(inputs instanceof Tensor)) fail(fn, "inputs", "a Tensor", inputs);
  const first = cell.layers()[0];
  const depth = first.inputDepth;
  const pattern = timeMajor ? `[time, batch, ${depth ?? "depth"}]` : `[batch, time, ${depth ?? "depth"}]`;
  const [a, b, D] = inputs.shape;
  if (inputs.rank !== 3 || a < 1 || b < 1 || D < 1 || (depth !== null && D !== depth)) {
    throw new RnnlabError(`${fn}: inputs has shape ${fmtShape(inputs.shape)}, expected ${pattern}`);
  }
  checkFinite(fn, "inputs", inputs.data);                  // NaN in, NaN out: say so where it enters
  return timeMajor ? { T: a, B: b, D } : { T: b, B: a, D };
}

/** A list of [B, D] tensors (static calls) as one time-major [T, B, D] tensor. */
function stackSteps(fn: string, inputs: unknown): Tensor {
  if (!Array.isArray(inputs) || inputs.length === 0) fail(fn, "inputs", "a non-empty array of [batch, depth] Tensors", inputs);
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) fail(fn, `inputs[${i}]`, "a Tensor", t);
    const ok = t.rank === 2 && t.shape[0] === inputs[0].shape[0] && t.shape[1] === inputs[0].shape[1] && t.dtype === inputs[0].dtype;
    if (!ok) throw new RnnlabError(`${fn}: inputs[${i}] has shape ${fmtShape(t.shape)} (${t.dtype}), expected ${fmtShape(inputs[0].shape)} (${inputs[0].dtype}) like inputs[0]`);
  });
  inputs.forEach((t, i) => checkFinite(fn, `inputs[${i}]`, (t as Tensor).data));
  return stackTensors(inputs as Tensor[], 0);
}

function lengthsOf(fn: string, sequenceLength: unknown, B: number, T: number): Int32Array | null {
  return sequenceLength === undefined || sequenceLength === null ? null : checkLengths(fn, "sequenceLength", sequenceLength, B, T);
}

/** A tape keeps the call's buffers for its backward pass; without one they go back to the kernels now. */
function keepOrRelease(tape: Tape | undefined, rec: Recording): void {
  if (tape) tape.record(rec);
  else for (const run of rec.dirs) run.stack.dispose();
}

const timeMajorOut = (run: DirectionRun, T: number, B: number, ref: Tensor) =>
  like(ref, [T, B, run.stack.outputSize], run.stack.outputs.slice());

export interface UnrollOptions {
  initialState?: RnnState; sequenceLength?: ArrayLike<number> | Tensor; tape?: Tape;
  /** TF-1 `dtype`: the dtype to run in; float32 inputs are widened exactly, float64 inputs with "float32" are an error */
  dtype?: Dtype;
}

/** The inputs in the run's dtype (TF-1 `dtype=`): widening is exact, narrowing would round and is refused. */
function inDtype(fn: string, x: Tensor, dtype: unknown): Tensor {
  const want = checkDtypeOption(fn, dtype);
  if (want === null || want === x.dtype) return x;
  if (want === "float32") throw new RnnlabError(`${fn}: inputs are float64 but dtype is "float32"; float32 would round them (pass float32 inputs or dtype "float64")`);
  return new Tensor([...x.shape], Float64Array.from(x.data));
}
export interface DynamicOptions extends UnrollOptions { timeMajor?: boolean }

export function dynamicRnn(cell: RNNCellLike, inputs: Tensor, opts: DynamicOptions = {}): { outputs: Tensor; state: RnnState } {
  const fn = "dynamicRnn";
  checkCell(fn, "cell", cell);
  checkKnownKeys(fn, opts, ["initialState", "sequenceLength", "timeMajor", "tape", "dtype"]);
  const timeMajor = opts.timeMajor ?? false;
  const { T, B, D } = sequenceShape(fn, inputs, timeMajor, cell);
  inputs = inDtype(fn, inputs, opts.dtype);
  const lengths = lengthsOf(fn, opts.sequenceLength, B, T);
  const x = timeMajor ? inputs : transpose(inputs, [1, 0, 2]);
  const run = planDirection(fn, cell, D, T, B, inputs.dtype, false);
  const state = runDirection(fn, run, x.data, opts.initialState, "initialState", B, inputs.dtype, lengths);
  const out = timeMajorOut(run, T, B, inputs);
  keepOrRelease(opts.tape, { fn, dirs: [run], T, B, D, dtype: inputs.dtype, timeMajor, lengths });
  return { outputs: timeMajor ? out : transpose(out, [1, 0, 2]), state };
}

export function staticRnn(cell: RNNCellLike, inputs: Tensor[], opts: UnrollOptions = {}): { outputs: Tensor[]; state: RnnState } {
  const fn = "staticRnn";
  checkCell(fn, "cell", cell);
  checkKnownKeys(fn, opts, ["initialState", "sequenceLength", "tape", "dtype"]);
  const x = inDtype(fn, stackSteps(fn, inputs), opts.dtype);
  const { T, B, D } = sequenceShape(fn, x, true, cell);
  const lengths = lengthsOf(fn, opts.sequenceLength, B, T);
  const run = planDirection(fn, cell, D, T, B, x.dtype, false);
  const state = runDirection(fn, run, x.data, opts.initialState, "initialState", B, x.dtype, lengths);
  const outputs = unstack(timeMajorOut(run, T, B, x), 0);
  keepOrRelease(opts.tape, { fn, dirs: [run], T, B, D, dtype: x.dtype, timeMajor: true, lengths });
  return { outputs, state };
}

/** One step of any cell: cell.call(inputs [B, D], state) -> { output [B, R], state }. */
export function stepOnce(cell: RNNCellLike, inputs: Tensor, state: RnnState, opts: { tape?: Tape } = {}): { output: Tensor; state: RnnState } {
  const fn = `${cell.constructor.name}.call`;
  checkCell(fn, "cell", cell);
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["tape"]);
  if (!(inputs instanceof Tensor)) fail(fn, "inputs", "a Tensor [batch, depth]", inputs);
  const first = cell.layers()[0], depth = first.inputDepth;
  const [B, D] = inputs.shape;
  if (inputs.rank !== 2 || B < 1 || D < 1 || (depth !== null && D !== depth)) {
    throw new RnnlabError(`${fn}: inputs has shape ${fmtShape(inputs.shape)}, expected [batch, ${depth ?? "depth"}]`);
  }
  if (state === undefined || state === null) fail(fn, "state", "the cell's state (cell.zeroState(batch, dtype) for zeros)", state);
  const run = planDirection(fn, cell, D, 1, B, inputs.dtype, false);
  const next = runDirection(fn, run, inputs.data, state, "state", B, inputs.dtype, null);
  const output = like(inputs, [B, run.stack.outputSize], run.stack.outputs.slice());
  keepOrRelease(opts.tape, { fn: "call", dirs: [run], T: 1, B, D, dtype: inputs.dtype, timeMajor: true, lengths: null });
  return { output, state: next };
}

export interface BidirectionalOptions {
  initialStateFw?: RnnState; initialStateBw?: RnnState; sequenceLength?: ArrayLike<number> | Tensor; tape?: Tape;
  /** TF-1 `dtype` (see UnrollOptions.dtype) */
  dtype?: Dtype;
}

function bidirectional(fn: Recording["fn"], cellFw: RNNCellLike, cellBw: RNNCellLike, x: Tensor, timeMajor: boolean,
                       opts: BidirectionalOptions) {
  checkCell(fn, "cellFw", cellFw); checkCell(fn, "cellBw", cellBw);
  const { T, B, D } = sequenceShape(fn, x, timeMajor, cellFw);
  x = inDtype(fn, x, opts.dtype);
  sequenceShape(fn, x, timeMajor, cellBw);
  const lengths = lengthsOf(fn, opts.sequenceLength, B, T);
  const xt = timeMajor ? x : transpose(x, [1, 0, 2]);
  const fw = planDirection(fn, cellFw, D, T, B, x.dtype, false);
  const bw = planDirection(fn, cellBw, D, T, B, x.dtype, true);
  const stateFw = runDirection(fn, fw, xt.data, opts.initialStateFw, "initialStateFw", B, x.dtype, lengths);
  const stateBw = runDirection(fn, bw, xt.data, opts.initialStateBw, "initialStateBw", B, x.dtype, lengths);
  const result = { outFw: timeMajorOut(fw, T, B, x), outBw: timeMajorOut(bw, T, B, x), stateFw, stateBw };
  keepOrRelease(opts.tape, { fn, dirs: [fw, bw], T, B, D, dtype: x.dtype, timeMajor, lengths });
  return result;
}

export function bidirectionalDynamicRnn(cellFw: RNNCellLike, cellBw: RNNCellLike, inputs: Tensor,
                                        opts: BidirectionalOptions & { timeMajor?: boolean } = {}) {
  const fn = "bidirectionalDynamicRnn";
  checkKnownKeys(fn, opts, ["initialStateFw", "initialStateBw", "sequenceLength", "timeMajor", "tape", "dtype"]);
  const timeMajor = opts.timeMajor ?? false;
  const r = bidirectional(fn, cellFw, cellBw, inputs, timeMajor, opts);
  const out = (t: Tensor) => (timeMajor ? t : transpose(t, [1, 0, 2]));
  return { outputs: [out(r.outFw), out(r.outBw)] as [Tensor, Tensor], states: [r.stateFw, r.stateBw] as [RnnState, RnnState] };
}

export function staticBidirectionalRnn(cellFw: RNNCellLike, cellBw: RNNCellLike, inputs: Tensor[], opts: BidirectionalOptions = {}) {
  const fn = "staticBidirectionalRnn";
  checkKnownKeys(fn, opts, ["initialStateFw", "initialStateBw", "sequenceLength", "tape", "dtype"]);
  const r = bidirectional(fn, cellFw, cellBw, stackSteps(fn, inputs), true, opts);
  return { outputs: unstack(concat([r.outFw, r.outBw], 2), 0), stateFw: r.stateFw, stateBw: r.stateBw };
}

/**
 * The output at each row's last valid step, [B, R], from outputs [B, T, R] (or [T, B, R] with
 * timeMajor): the correct version of "take outputs[:, -1]" when rows have different lengths.
 * A row of length 0 has no valid step and gets zeros.
 */
export function lastRelevantOutput(outputs: Tensor, sequenceLength: ArrayLike<number> | Tensor, opts: { timeMajor?: boolean } = {}): Tensor {
  const fn = "lastRelevantOutput";
  if (!(outputs instanceof Tensor) || outputs.rank !== 3) fail(fn, "outputs", "a Tensor [batch, time, depth]", outputs instanceof Tensor ? fmtShape(outputs.shape) : outputs);
  const timeMajor = opts.timeMajor ?? false;
  const [a, b, R] = outputs.shape, T = timeMajor ? a : b, B = timeMajor ? b : a;
  const lengths = checkLengths(fn, "sequenceLength", sequenceLength, B, T);
  const out = like(outputs, [B, R]);
  for (let row = 0; row < B; row++) {
    const t = lengths[row] - 1;
    if (t < 0) continue;
    const at = (timeMajor ? t * B + row : row * T + t) * R;
    out.data.set(outputs.data.subarray(at, at + R), row * R);
  }
  return out;
}
