// rnnlab's own protobuf codec for ONNX (src/io/onnx/pb.ts, schema.ts, codec.ts), cross-checked
// against onnx-proto (protobufjs generated from onnx.proto; a devDependency only): both decode the
// same bytes to the same fields, for rnnlab's exports, PyTorch's exports and the ONNX backend
// cases; onnx-proto reads what rnnlab's encoder writes. Malformed bytes give a RnnlabError naming
// the field (never a TypeError / RangeError), lengths are checked, nesting is bounded.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";
import { decodeModelProto, encodeModelProto, MAX_DEPTH } from "../../../src/io/onnx/codec.ts";
import { PbWriter } from "../../../src/io/onnx/pb.ts";
import { encodeOnnx } from "../../../src/io/onnx/export.ts";
import { importOnnx } from "../../../src/io/onnx/import.ts";
import { GRU, LSTM, RNN } from "../../../src/layers/recurrent.ts";
import * as nn from "../../../src/nn/index.ts";
import { RnnlabError } from "../../../src/errors.ts";

const { onnx } = onnxProto;
const HERE = dirname(fileURLToPath(import.meta.url));
const TORCH = join(HERE, "../../../fixtures/onnx_torch");
const CONFORMANCE = join(HERE, "../../../../shared/onnx-conformance/data");

/** Plain JSON-like data: byte arrays and Longs as number arrays / numbers. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") {
    if ("low" in v && "high" in v && "unsigned" in v) return Number((v as { toString(): string }).toString());
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}
const viaProtobufjs = (bytes: Uint8Array) => plain(onnx.ModelProto.toObject(onnx.ModelProto.decode(bytes), { longs: Number, bytes: Array }));

function samples(): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [
    ["LSTM 2 layers bidirectional", encodeOnnx(new LSTM({ inputSize: 3, hiddenSize: 4, numLayers: 2, bidirectional: true, seed: 1 }), { lengths: true, initialState: true })],
    ["GRU batch-first", encodeOnnx(new GRU({ inputSize: 3, hiddenSize: 2, batchFirst: true, seed: 2 }))],
    ["RNN relu", encodeOnnx(new RNN({ inputSize: 2, hiddenSize: 3, nonlinearity: "relu", seed: 3 }))],
    ["LSTM projection (Scan: nested graph)", encodeOnnx(new LSTM({ inputSize: 3, hiddenSize: 4, projSize: 2, bidirectional: true, seed: 4 }), { lengths: true })],
    ["TF-1 LSTMCell peepholes", encodeOnnx(new nn.LSTMCell({ numUnits: 3, inputSize: 2, usePeepholes: true, seed: 5 }))],
  ];
  for (const f of readdirSync(TORCH).filter((f) => f.endsWith(".onnx"))) out.push([`torch ${f}`, readFileSync(join(TORCH, f))]);
  if (existsSync(CONFORMANCE)) for (const d of readdirSync(CONFORMANCE).filter((d) => d.startsWith("test_"))) out.push([`conformance ${d}`, readFileSync(join(CONFORMANCE, d, "model.onnx"))]);
  return out;
}

describe("ONNX codec: same fields as onnx-proto", () => {
  for (const [name, bytes] of samples()) {
    it(`${name}: decode equals protobufjs's; our encoding decodes back identically in both`, () => {
      const ours = decodeModelProto(bytes, name);
      assert.deepEqual(plain(ours), viaProtobufjs(bytes));
      const again = encodeModelProto(ours);
      assert.deepEqual(plain(decodeModelProto(again, name)), plain(ours));
      assert.deepEqual(viaProtobufjs(again), plain(ours));
    });
  }

  it("negative int64 values (Reshape's -1) and INT64_MAX (PyTorch's Slice ends) survive", () => {
    const m = { graph: { initializer: [{ name: "t", dims: [2], dataType: 7, int64Data: [-1, 2 ** 53 - 1] }] } };
    const back = decodeModelProto(encodeModelProto(m), "mem");
    assert.deepEqual(back.graph!.initializer![0].int64Data, [-1, 2 ** 53 - 1]);
    assert.deepEqual(viaProtobufjs(encodeModelProto(m)), plain(back));
  });
});

describe("ONNX codec: malformed bytes", () => {
  const base = encodeOnnx(new LSTM({ inputSize: 3, hiddenSize: 4, bidirectional: true, seed: 9 }), { lengths: true });

  it("a length running past the end names the field", () => {
    const w = new PbWriter();
    w.tag(7, 2); w.varint(1000); w.raw(new Uint8Array(10));          // graph: 1000 bytes claimed, 10 present
    assert.throws(() => decodeModelProto(w.finish(), "m.onnx"), (e: Error) => e instanceof RnnlabError
      && /^m\.onnx: not a valid \.onnx file \(truncated or corrupted\): graph(\.[a-z_]+(\[\d+\])?)*(: a varint runs past the end| needs \d+ bytes)/.test(e.message));
  });

  it("a known field with the wrong wire type, a bad packed length, a group, field 0 are named", () => {
    const cases: [(w: PbWriter) => void, RegExp][] = [
      [(w) => { w.tag(7, 0); w.varint(3); }, /graph: wire type 0 .* expected 2 \(a message\)/],
      [(w) => { w.tag(1, 2); w.varint(1); w.raw(Uint8Array.of(1)); }, /ir_version: wire type 2 .* expected 0 \(int64\)/],
      [(w) => { const t = new PbWriter(); t.tag(4, 2); t.varint(3); t.raw(Uint8Array.of(1, 2, 3)); const g = new PbWriter(); g.lengthDelimited(5, t.finish()); w.lengthDelimited(7, g.finish()); },
        /graph\.initializer\[0\]\.float_data(\[0\])?: packed float data of 3 bytes is not a multiple of 4/],
      [(w) => { w.tag(30, 3); }, /field 30: unknown wire type 3/],
      [(w) => { w.tag(0, 0); w.varint(1); }, /field number 0/],
      [(w) => { w.tag(2, 2); w.varint(2); w.raw(Uint8Array.of(0xff, 0xfe)); }, /producer_name: is not valid UTF-8/],
    ];
    for (const [write, re] of cases) {
      const w = new PbWriter();
      write(w);
      assert.throws(() => decodeModelProto(w.finish(), "m.onnx"), (e: Error) => e instanceof RnnlabError && re.test(e.message), re.source);
    }
  });

  it(`nesting deeper than ${MAX_DEPTH} messages is refused, not a stack overflow`, () => {
    // graph -> node -> attribute -> graph -> node -> attribute ... 
    let inner: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 40; i++) {
      const attribute = new PbWriter(); attribute.lengthDelimited(6, inner);      // AttributeProto.g
      const nodeW = new PbWriter(); nodeW.lengthDelimited(5, attribute.finish()); // NodeProto.attribute
      const graph = new PbWriter(); graph.lengthDelimited(1, nodeW.finish());     // GraphProto.node
      inner = graph.finish();
    }
    const model = new PbWriter(); model.lengthDelimited(7, inner);
    assert.throws(() => decodeModelProto(model.finish(), "deep.onnx"), /deep\.onnx: .*messages nested deeper than 64/);
  });

  it("random truncations and byte flips: importOnnx succeeds or throws a RnnlabError, nothing else", () => {
    let s = 12345;
    const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 2 ** 32; };
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = Uint8Array.from(base);
      const kind = i % 3;
      let cut = bytes;
      if (kind === 0) cut = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      else for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
      try { importOnnx(cut); } catch (e) {
        assert.ok(e instanceof RnnlabError, `mutation ${i}: ${(e as Error).stack}`);
        refused++;
      }
    }
    assert.ok(refused > 100, `only ${refused} of 400 mutations were refused`);
  });
});
