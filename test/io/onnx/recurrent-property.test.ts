// Property: for randomly generated ONNX RNN / LSTM / GRU nodes (random sizes, opsets 7 / 14 / 22,
// directions, layouts, activation lists with and without alpha / beta, clip, input_forget,
// linear_before_reset, optional inputs B / sequence_lens / initial_h / initial_c / P, weights as
// initializers or as graph inputs, any subset of the outputs), importOnnx either refuses the model
// with a RnnlabError or computes onnxruntime-node's outputs to 1e-5 (relative above 1). No silent
// mismatch, no other kind of error, and no model that rnnlab runs while onnxruntime rejects it.
// onnxruntime 1.30 does not run layout = 1 ("Batchwise recurrent operations are not supported"),
// so a layout-1 model is witnessed by onnxruntime on its layout-0 twin (the same node with
// layout 0, inputs and states transposed in, outputs transposed back: the operator's definition).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import ort from "onnxruntime-node";
import { importOnnx } from "../../../src/io/onnx/import.ts";
import { encodeModelProto } from "../../../src/io/onnx/codec.ts";
import { attr, floatTensor, node, valueInfo, type TensorProto } from "../../../src/io/onnx/proto.ts";
import type { ModelProto } from "../../../src/io/onnx/schema.ts";
import { RnnlabError } from "../../../src/errors.ts";
import type { Value } from "../../../src/io/onnx/values.ts";

const RUNS = 1000, TOL = 1e-5;
const ACTS = ["Tanh", "Sigmoid", "Relu", "Softsign", "Softplus", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"];
const PARAMS = [0.2, 0.5, 1 / 6, 1, 0, 0.01, 2];
const GATES = { RNN: 1, LSTM: 4, GRU: 3 } as const;
const FUNCS = { RNN: 1, LSTM: 3, GRU: 2 } as const;

/** null half the time */
const half = <T>(arb: fc.Arbitrary<T>) => fc.oneof(fc.constant(null), arb);
/** null 9 times in 10 */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

const spec = fc.record({
  op: fc.constantFrom("RNN", "LSTM", "GRU") as fc.Arbitrary<keyof typeof GATES>,
  opset: fc.constantFrom(7, 14, 14, 22),
  D: fc.integer({ min: 1, max: 4 }), H: fc.integer({ min: 1, max: 4 }), T: fc.integer({ min: 1, max: 4 }), B: fc.integer({ min: 1, max: 3 }),
  direction: fc.constantFrom(undefined, "forward", "reverse", "bidirectional"),
  layout: fc.constantFrom(undefined, undefined, 0, 1, 1),
  acts: half(fc.record({
    // mostly well-formed lists built from defaults and the mappable names, sometimes anything
    names: fc.array(fc.constantFrom(...ACTS, "Tanh", "Sigmoid", "Relu", "Tanh", "Sigmoid", "HardSigmoid", "Elu", "Softsign", "Tanh", "Sigmoid", "Relu", "Softsign"), { minLength: 1, maxLength: 6 }),
    fitLength: fc.boolean(), fitLengthAgain: fc.boolean(),
    // alpha / beta lists: none, one per activation, one per activation that takes one, or any length
    alphaMode: fc.constantFrom("none", "none", "none", "each", "takers", "takers", "takers", "any"),
    betaMode: fc.constantFrom("none", "none", "none", "each", "takers", "takers", "takers", "any"),
    alphas: fc.array(fc.constantFrom(...PARAMS, 0.2, 1, 1 / 6), { minLength: 6, maxLength: 6 }),
    betas: fc.array(fc.constantFrom(...PARAMS, 0.5, 0.5, 0), { minLength: 6, maxLength: 6 }),
    anyLength: fc.integer({ min: 1, max: 6 }),
  })),
  clip: rarely(fc.constantFrom(0.5, 3, 100)),
  inputForget: rarely(fc.constantFrom(0, 1)),
  lbr: fc.constantFrom(null, 0, 1, 1),
  withB: fc.boolean(), withLens: fc.boolean(), withH0: fc.boolean(), withC0: fc.boolean(), withP: fc.boolean(),
  weightsAsInputs: fc.boolean(),
  outputs: fc.constantFrom([true, true, true], [true, false, false], [false, true, false], [false, false, true], [true, true, false], [false, true, true]),
  seed: fc.integer({ min: 1, max: 1e6 }),
});
type Spec = typeof spec extends fc.Arbitrary<infer S> ? S : never;

/** (a, b, W) -> (b, a, W); with split = dirs: [T, dirs, B, H] -> [B, T, dirs, H] */
function swap01(inp: Float32Array, a: number, b: number, W: number, split = 0): Float32Array {
  const out = new Float32Array(inp.length);
  if (split) {
    const T = a, dirs = split, B = b / dirs;
    for (let t = 0; t < T; t++) for (let d = 0; d < dirs; d++) for (let r = 0; r < B; r++) for (let w = 0; w < W; w++) {
      out[((r * T + t) * dirs + d) * W + w] = inp[((t * dirs + d) * B + r) * W + w];
    }
    return out;
  }
  for (let i = 0; i < a; i++) for (let j = 0; j < b; j++) for (let w = 0; w < W; w++) out[(j * a + i) * W + w] = inp[(i * b + j) * W + w];
  return out;
}

function rand(seed: number) {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

/** The model, its feeds (as onnxruntime tensors and as rnnlab values), and the outputs to compare. */
function build(s: Spec) {
  const r = rand(s.seed), uni = (n: number, scale: number) => Float32Array.from({ length: n }, () => (2 * r() - 1) * scale);
  const dirs = s.direction === "bidirectional" ? 2 : 1, G = GATES[s.op] * s.H, lstm = s.op === "LSTM";
  const batchMajor = s.layout === 1;
  const attrs = [attr("hidden_size", s.H)];
  if (s.direction) attrs.push(attr("direction", s.direction));
  if (s.layout !== undefined) attrs.push(attr("layout", s.layout));
  if (s.acts) {
    let names = s.acts.names;
    if (s.acts.fitLength || s.acts.fitLengthAgain) {     // 3 in 4 lists have the right length
      const n = dirs * FUNCS[s.op];
      names = Array.from({ length: n }, (_, i) => names[i % names.length]);
    }
    attrs.push(attr("activations", names));
    const TAKES_ALPHA = ["Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu"], TAKES_BETA = ["Affine", "ScaledTanh", "HardSigmoid"];
    const list = (mode: string, pool: number[], takers: string[]) => mode === "each" ? pool.slice(0, names.length)
      : mode === "takers" ? pool.slice(0, names.filter((n) => takers.includes(n)).length) : mode === "any" ? pool.slice(0, s.acts!.anyLength) : [];
    const alphas = list(s.acts.alphaMode, s.acts.alphas, TAKES_ALPHA), betas = list(s.acts.betaMode, s.acts.betas, TAKES_BETA);
    if (alphas.length) attrs.push(attr("activation_alpha", alphas, "floats"));
    if (betas.length) attrs.push(attr("activation_beta", betas, "floats"));
  }
  if (s.clip != null) attrs.push(attr("clip", s.clip, "float"));
  if (s.inputForget != null && lstm) attrs.push(attr("input_forget", s.inputForget));
  if (s.lbr != null && s.op === "GRU") attrs.push(attr("linear_before_reset", s.lbr));

  const x = uni(s.T * s.B * s.D, 2), W = uni(dirs * G * s.D, 1), R = uni(dirs * G * s.H, 1), Bv = uni(dirs * 2 * G, 0.5);
  const stateDims = batchMajor ? [s.B, dirs, s.H] : [dirs, s.B, s.H];
  const h0 = uni(dirs * s.B * s.H, 1), c0 = uni(dirs * s.B * s.H, 1), P = uni(dirs * 3 * s.H, 1);
  const lens = Int32Array.from({ length: s.B }, () => 1 + Math.floor(r() * s.T));
  const floats: [string, number[], Float32Array, boolean][] = [
    ["W", [dirs, G, s.D], W, true], ["R", [dirs, G, s.H], R, true], ["B", [dirs, 2 * G], Bv, s.withB],
    ["initial_h", stateDims, h0, s.withH0], ["initial_c", stateDims, c0, s.withC0 && lstm], ["P", [dirs, 3 * s.H], P, s.withP && lstm],
  ];
  const inputs = [valueInfo("X", "float", batchMajor ? [s.B, s.T, s.D] : [s.T, s.B, s.D])];
  const inits: TensorProto[] = [];
  // onnxruntime sees the layout-0 twin: X [T,B,D], states [dirs,B,H]
  const ortFeeds: Record<string, ort.Tensor> = { X: new ort.Tensor("float32", batchMajor ? swap01(x, s.B, s.T, s.D) : x, [s.T, s.B, s.D]) };
  const ourFeeds: Record<string, Value> = { X: { type: "float", dims: batchMajor ? [s.B, s.T, s.D] : [s.T, s.B, s.D], data: x } };
  for (const [name, dims, data, on] of floats) {
    if (!on) continue;
    const isWeight = name === "W" || name === "R" || name === "B" || name === "P";
    if (isWeight && !s.weightsAsInputs) { inits.push(floatTensor(name, dims, data)); continue; }
    inputs.push(valueInfo(name, "float", dims));
    const isState = name === "initial_h" || name === "initial_c";
    ortFeeds[name] = isState && batchMajor ? new ort.Tensor("float32", swap01(data, s.B, dirs, s.H), [dirs, s.B, s.H]) : new ort.Tensor("float32", data, dims);
    ourFeeds[name] = { type: "float", dims, data };
  }
  if (s.withLens) {
    inputs.push(valueInfo("sequence_lens", "int32", [s.B]));
    ortFeeds.sequence_lens = new ort.Tensor("int32", lens, [s.B]);
    ourFeeds.sequence_lens = { type: "int32", dims: [s.B], data: Array.from(lens) };
  }
  const slot = (name: string, on: boolean) => (on ? name : "");
  const ins = ["X", "W", "R", slot("B", s.withB), slot("sequence_lens", s.withLens), slot("initial_h", s.withH0)];
  if (lstm) ins.push(slot("initial_c", s.withC0), slot("P", s.withP));
  while (ins[ins.length - 1] === "") ins.pop();
  const outNames = ["Y", "Y_h", ...(lstm ? ["Y_c"] : [])].map((n, i) => (s.outputs[i] ? n : ""));
  if (outNames.every((n) => !n)) outNames[0] = "Y";
  const outs = [...outNames];
  while (outs[outs.length - 1] === "") outs.pop();
  const T = s.T, B = s.B, H = s.H;
  const outDims: Record<string, number[]> = {
    Y: batchMajor ? [B, T, dirs, H] : [T, dirs, B, H], Y_h: stateDims, Y_c: stateDims,
  };
  const model: ModelProto = {
    irVersion: 8, opsetImport: [{ domain: "", version: s.opset }],
    graph: {
      name: "g", node: [node(s.op, ins, outs, attrs, "rec")], initializer: inits, input: inputs,
      output: outs.filter((o) => o).map((o) => valueInfo(o, "float", outDims[o])),
    },
  };
  const twin = structuredClone(model), ioDims: Record<string, number[]> = { X: [s.T, s.B, s.D], initial_h: [dirs, s.B, s.H], initial_c: [dirs, s.B, s.H] };
  twin.graph!.node![0].attribute = attrs.map((a) => (a.name === "layout" ? attr("layout", 0) : a));
  twin.graph!.input = inputs.map((i) => (i.name! in ioDims ? valueInfo(i.name!, "float", ioDims[i.name!]) : i));
  twin.graph!.output = outs.filter((o) => o).map((o) => valueInfo(o, "float", o === "Y" ? [T, dirs, B, H] : [dirs, B, H]));
  /** onnxruntime's layout-0 output -> the layout the model asked for */
  const fromOrt = (name: string, data: Float32Array) => !batchMajor ? data
    : name === "Y" ? swap01(data, T, dirs * B, H, dirs) : swap01(data, dirs, B, H);
  return { bytes: encodeModelProto(model), ortBytes: batchMajor ? encodeModelProto(twin) : null, ortFeeds, ourFeeds, outputs: outs.filter((o) => o), fromOrt };
}

describe("random ONNX recurrent nodes: rnnlab refuses or matches onnxruntime", () => {
  it(`${RUNS} models, zero silent mismatches`, async (t) => {
    const tally = { matched: 0, refused: 0, reasons: new Map<string, number>() };
    // features seen among the models that ran and matched: each must be covered
    const covered: Record<string, (s: Spec) => boolean> = {
      "layout 1": (s) => s.layout === 1, reverse: (s) => s.direction === "reverse", bidirectional: (s) => s.direction === "bidirectional",
      "peepholes P": (s) => s.op === "LSTM" && s.withP, "GRU linear_before_reset 0": (s) => s.op === "GRU" && s.lbr !== 1,
      "GRU linear_before_reset 1": (s) => s.op === "GRU" && s.lbr === 1, sequence_lens: (s) => s.withLens,
      "initial_h": (s) => s.withH0, "initial_c": (s) => s.op === "LSTM" && s.withC0, "weights as inputs": (s) => s.weightsAsInputs,
      "explicit activations": (s) => s.acts !== null, "activation_alpha": (s) => s.acts !== null && s.acts.alphaMode !== "none",
      "opset 7": (s) => s.opset === 7, "opset 22": (s) => s.opset === 22, RNN: (s) => s.op === "RNN",
    };
    const seen = Object.fromEntries(Object.keys(covered).map((k) => [k, 0]));
    await fc.assert(fc.asyncProperty(spec, async (s) => {
      const m = build(s);
      let ours: Record<string, Value> | null = null;
      try {
        ours = importOnnx(m.bytes).runValues(m.ourFeeds);
      } catch (e) {
        if (!(e instanceof RnnlabError)) throw new Error(`not a RnnlabError: ${(e as Error).stack}`);
        assert.match(e.message, /node "rec" \((RNN|LSTM|GRU)\) /, "the refusal names the node");
        const why = e.message.replace(/^.*?node "rec" \(\w+\) /, "").replace(/ = .*?(is|has|uses|names|cannot| must)/, " … $1").slice(0, 60);
        tally.refused++;
        tally.reasons.set(why, (tally.reasons.get(why) ?? 0) + 1);
        return;
      }
      let theirs: ort.InferenceSession.OnnxValueMapType;
      try {
        theirs = await (await ort.InferenceSession.create(m.ortBytes ?? m.bytes)).run(m.ortFeeds);
      } catch (e) {
        throw new Error(`rnnlab ran a model onnxruntime rejects (${JSON.stringify(s)}): ${(e as Error).message}`);
      }
      for (const name of m.outputs) {
        const a: ArrayLike<number> = ours![name].data, b: Float32Array = m.fromOrt(name, theirs[name].data as Float32Array);
        assert.equal(a.length, b.length, `${name} size`);
        for (let i = 0; i < b.length; i++) {
          if (!(Math.abs(a[i] - b[i]) <= TOL * Math.max(1, Math.abs(b[i])))) {
            throw new Error(`silent mismatch in ${name}[${i}]: rnnlab ${a[i]}, onnxruntime ${b[i]} for ${JSON.stringify(s)}`);
          }
        }
      }
      tally.matched++;
      for (const [k, has] of Object.entries(covered)) if (has(s)) seen[k]++;
    }), { numRuns: RUNS, seed: 13 });
    const top = [...tally.reasons].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${v}× ${k}`).join(" | ");
    t.diagnostic(`matched onnxruntime: ${tally.matched}, refused: ${tally.refused}; refusals: ${top}`);
    assert.equal(tally.matched + tally.refused, RUNS);
    assert.ok(tally.matched >= RUNS * 0.3, `too few models run (${tally.matched}): the property would say little`);
    t.diagnostic(`matched models per feature: ${JSON.stringify(seen)}`);
    for (const [k, n] of Object.entries(seen)) assert.ok(n >= 15, `only ${n} matched models with ${k}`);
  });
});
