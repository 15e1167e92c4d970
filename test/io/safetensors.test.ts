// safetensors: byte layout against the reference implementation's own test vectors and a file
// written by fixtures/gen_safetensors.py (torch 1.13 LSTM state_dict), round trips, and every
// validation error of decodeSafetensors on crafted bad bytes.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { decodeSafetensors, encodeSafetensors, findDuplicateKey, MAX_HEADER_BYTES } from "../../src/io/safetensors.ts";
import { LSTM } from "../../src/layers/recurrent.ts";
import { Tensor } from "../../src/tensor/tensor.ts";
import { RnnlabError } from "../../src/errors.ts";
import { assertClose } from "../helpers/close.ts";

const fixtureUrl = (name: string) => new URL(`../../fixtures/${name}`, import.meta.url);
const f32 = (shape: number[], values: number[]) => new Tensor(shape, Float32Array.from(values));
const f64 = (shape: number[], values: number[]) => new Tensor(shape, Float64Array.from(values));

function assertSameTensors(actual: Record<string, Tensor>, expected: Record<string, Tensor>) {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort());
  for (const [name, t] of Object.entries(expected)) {
    assert.deepEqual(actual[name].shape, t.shape, name);
    assert.equal(actual[name].dtype, t.dtype, name);
    assert.deepEqual([...actual[name].data], [...t.data], name);
  }
}

describe("encodeSafetensors reproduces the reference implementation's test vectors (safetensors/src/tensor.rs)", () => {
  const data = [0, 1, 2, 3, 4, 5];
  it("test_serialization: one F32 tensor, header exactly 64 bytes", () => {
    assert.deepEqual([...encodeSafetensors({ "attn.0": f32([1, 2, 3], data) })], [
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100,
      116, 121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34,
      58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102, 115,
      101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63,
      0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
  });
  it("test_serialization_forced_alignement: header padded with spaces to a multiple of 8", () => {
    assert.deepEqual([...encodeSafetensors({ attn0: f32([1, 1, 2, 3], data) })], [
      72, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 48, 34, 58, 123, 34, 100, 116,
      121, 112, 101, 34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58,
      91, 49, 44, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95, 111, 102, 102,
      115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 32, 32, 32, 32, 32,
      32, 32, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0,
      160, 64]);
  });
  it("test_empty: no tensors, with and without metadata", () => {
    assert.deepEqual([...encodeSafetensors({})], [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32]);
    assert.deepEqual([...encodeSafetensors({}, { framework: "pt" })], [
      40, 0, 0, 0, 0, 0, 0, 0, 123, 34, 95, 95, 109, 101, 116, 97, 100, 97, 116, 97, 95,
      95, 34, 58, 123, 34, 102, 114, 97, 109, 101, 119, 111, 114, 107, 34, 58, 34, 112,
      116, 34, 125, 125, 32, 32, 32, 32, 32]);
  });
  it("orders tensors by dtype (F64 first) then by UTF-8 name bytes, and metadata keys by bytes", () => {
    // "\u{10000}" sorts after "\uffff" in UTF-8 (Rust) but before it in UTF-16 (JS's default sort)
    const bytes = encodeSafetensors({ b: f32([1], [1]), a: f32([1], [2]), "\uffff": f32([], [3]), "\u{10000}": f32([], [4]), z: f64([1], [5]) },
      { "z": "1", "a": "2" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.deepEqual(Object.keys(JSON.parse(header)), ["__metadata__", "z", "a", "b", "\uffff", "\u{10000}"]);
    assert.ok(header.startsWith('{"__metadata__":{"a":"2","z":"1"},"z":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},'));
  });
});

describe("decodeSafetensors / encodeSafetensors round trips", () => {
  it("f32 and f64 together, metadata, the data section 8-byte aligned", () => {
    const tensors = { "weight_ih_l0": f32([2, 3], [1, -2, 3.5, 1e-30, -0, 7]), "h": f64([3], [Math.PI, -1e300, 5e-324]) };
    const bytes = encodeSafetensors(tensors, { format: "pt", config: '{"hiddenSize":3}' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const back = decodeSafetensors(bytes);
    assertSameTensors(back.tensors, tensors);
    assert.ok(Object.is(back.tensors.weight_ih_l0.data[4], -0));
    assert.deepEqual(back.metadata, { format: "pt", config: '{"hiddenSize":3}' });
  });
  it("no metadata (no __metadata__ key) and empty metadata ({} is written, like the reference's Some({}))", () => {
    const t = { x: f32([1], [1]) };
    assert.ok(!new TextDecoder().decode(encodeSafetensors(t)).includes("__metadata__"));
    assert.ok(new TextDecoder().decode(encodeSafetensors(t, {})).includes('"__metadata__":{}'));
    assert.deepEqual(decodeSafetensors(encodeSafetensors(t)).metadata, {});
    assert.deepEqual(decodeSafetensors(encodeSafetensors(t, {})).metadata, {});
  });
  it("a 0-d tensor (shape [], one value) and empty tensors (a 0 in the shape, zero bytes)", () => {
    const tensors = { scalar: f64([], [42]), empty: f32([0, 3], []), alsoEmpty: f64([2, 0], []), after: f32([2], [1, 2]) };
    const back = decodeSafetensors(encodeSafetensors(tensors)).tensors;
    assertSameTensors(back, tensors);
    assert.deepEqual(back.scalar.shape, []);
  });
  it("reads from an unaligned buffer into fresh aligned arrays (no views into the file)", () => {
    const bytes = encodeSafetensors({ a: f64([3], [1, 2, 3]), b: f32([1], [4]) });
    for (const shift of [1, 3, 5]) {
      const buf = new Uint8Array(bytes.length + shift);
      buf.set(bytes, shift);
      const { tensors } = decodeSafetensors(buf.subarray(shift));
      assert.deepEqual([...tensors.a.data], [1, 2, 3]);
      assert.notEqual(tensors.a.data.buffer, buf.buffer);
      assert.equal(tensors.a.data.byteOffset, 0);
    }
  });
  it("names that are not identifiers: __proto__, constructor, unicode, empty string", () => {
    const tensors: Record<string, Tensor> = {};
    for (const name of ["__proto__", "constructor", "gewicht_ü_l0", ""]) {
      Object.defineProperty(tensors, name, { value: f32([1], [name.length]), enumerable: true });
    }
    const back = decodeSafetensors(encodeSafetensors(tensors)).tensors;
    assert.deepEqual(Object.keys(back).sort(), Object.keys(tensors).sort());
    assert.equal(Object.getPrototypeOf(back), Object.prototype);
    assert.equal(back["__proto__"].data[0], 9);
  });
  it("property: decode(encode(x)) = x and encode(decode(bytes)) = bytes", () => {
    const entry = fc.record({
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }),
      double: fc.boolean(),
    });
    fc.assert(fc.property(fc.dictionary(fc.string({ maxLength: 6 }).filter((s) => s !== "__metadata__"), entry, { maxKeys: 6 }),
      fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }), { nil: undefined }), (spec, meta) => {
        const tensors: Record<string, Tensor> = {};
        let seed = 1;
        for (const [name, { shape, double }] of Object.entries(spec)) {
          const size = shape.reduce((a, b) => a * b, 1);
          const values = Array.from({ length: size }, () => (seed = (seed * 48271) % 2147483647) / 1e5 - 1e4);
          Object.defineProperty(tensors, name, { value: (double ? f64 : f32)(shape, values), enumerable: true });
        }
        const bytes = encodeSafetensors(tensors, meta);
        const back = decodeSafetensors(bytes);
        assertSameTensors(back.tensors, tensors);
        assert.deepEqual(back.metadata, { ...meta });             // (fast-check makes null-prototype objects)
        assert.deepEqual(encodeSafetensors(back.tensors, meta), bytes);
      }), { seed: 7, numRuns: 200 });
  });
});

describe("interop with PyTorch (fixtures/gen_safetensors.py, reference byte layout)", () => {
  const file = new Uint8Array(readFileSync(fixtureUrl("torch_lstm.safetensors")));
  const expected = JSON.parse(readFileSync(fixtureUrl("torch_lstm_expected.json"), "utf8")) as {
    config: { input_size: number; hidden_size: number; num_layers: number; bidirectional: boolean; proj_size: number };
    metadata: Record<string, string>; order: string[]; header_length: number;
    tensors: Record<string, { shape: number[]; data: number[] }>;
    forward: Record<"x" | "output" | "h_n" | "c_n", { shape: number[]; data: number[] }>;
  };
  const fromJson = (e: { shape: number[]; data: number[] }) => f32(e.shape, e.data);
  const jsonTensors = Object.fromEntries(Object.entries(expected.tensors).map(([k, v]) => [k, fromJson(v)]));
  const makeLstm = () => new LSTM({ inputSize: expected.config.input_size, hiddenSize: expected.config.hidden_size,
    numLayers: expected.config.num_layers, bidirectional: expected.config.bidirectional, projSize: expected.config.proj_size });

  it("decodes the Python-written file: keys in file order, shapes, exact float32 values, metadata", () => {
    const { tensors, metadata } = decodeSafetensors(file, "torch_lstm.safetensors");
    assert.deepEqual(Object.keys(tensors), expected.order);
    assert.deepEqual(metadata, { format: "pt" });
    assertSameTensors(tensors, jsonTensors);
  });
  it("LSTM.loadStateDict accepts it (keys and shapes) and then reproduces torch's forward pass", () => {
    const layer = makeLstm();
    layer.loadStateDict(decodeSafetensors(file).tensors);
    const { output, hN, cN } = layer.forward(fromJson(expected.forward.x));
    assertClose(output.data, expected.forward.output.data, 1e-5, "output");
    assertClose(hN.data, expected.forward.h_n.data, 1e-5, "h_n");
    assertClose(cN!.data, expected.forward.c_n.data, 1e-5, "c_n");
  });
  it("byte for byte: our encoder rebuilds the Python file from the same tensors + metadata", () => {
    assert.equal(Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true)), expected.header_length);
    assert.deepEqual(encodeSafetensors(jsonTensors, expected.metadata), file);            // from the JSON values
    const { tensors, metadata } = decodeSafetensors(file);
    assert.deepEqual(encodeSafetensors(tensors, metadata), file);                           // from what we read
    const layer = makeLstm();
    layer.loadStateDict(tensors);
    assert.deepEqual(encodeSafetensors(layer.stateDict(), metadata), file);                 // from the layer
  });
  const python = "/usr/bin/python3";
  it("the reverse direction: the Python reader accepts our file and finds it byte-identical to its writer",
    { skip: !existsSync(python) && `${python} not found` }, () => {
      const layer = makeLstm();
      layer.loadStateDict(jsonTensors);
      const dir = mkdtempSync(join(tmpdir(), "rnnlab-st-"));
      try {
        const path = join(dir, "rnnlab_written.safetensors");
        writeFileSync(path, encodeSafetensors(layer.stateDict(), { format: "pt", producer: "rnnlab" }));
        const run = spawnSync(python, [new URL("../../fixtures/gen_safetensors.py", import.meta.url).pathname, "--check", path, "--no-torch"], { encoding: "utf8" });
        assert.equal(run.status, 0, `python check failed:\n${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /byte-identical to the reference layout/);
      } finally { rmSync(dir, { recursive: true, force: true }); }
    });
});

// --- crafted bad files -------------------------------------------------------------------------

const utf8 = (s: string) => new TextEncoder().encode(s);
/** A file from a header (object or raw JSON text) and a data section; the length field says `n`. */
function craft(header: unknown, data: number[] | Uint8Array = [], n?: number): Uint8Array {
  const json = typeof header === "string" ? utf8(header) : utf8(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(n ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}
const bytesOf = (arr: Float32Array | Float64Array) => [...new Uint8Array(arr.buffer)];
const t = (dtype: string, shape: unknown, offsets: unknown) => ({ dtype, shape, data_offsets: offsets });
const SRC = "bad.safetensors";

function rejects(bytes: Uint8Array, pattern: RegExp, opts = {}) {
  assert.throws(() => decodeSafetensors(bytes, SRC, opts), (e: unknown) => {
    assert.ok(e instanceof RnnlabError, `not an RnnlabError: ${e}`);
    assert.ok(e.message.startsWith(`decodeSafetensors(${SRC}): `), e.message);
    assert.match(e.message, pattern);
    return true;
  });
}

describe("decodeSafetensors rejects bad files, naming the source and the field", () => {
  const good = encodeSafetensors({ a: f32([2, 2], [1, 2, 3, 4]), b: f64([3], [5, 6, 7]) }, { format: "pt" });
  const headerEnd = 8 + Number(new DataView(good.buffer).getBigUint64(0, true));

  it("shorter than the 8-byte length field", () => {
    for (const len of [0, 1, 7]) rejects(good.slice(0, len), new RegExp(`the file must be at least 8 bytes.*got ${len} bytes`));
  });
  it("truncated at every point: header length beyond the file, then data missing", () => {
    for (let cut = 8; cut < good.length; cut++) {
      rejects(good.slice(0, cut), cut < headerEnd ? /the header length must be at most \d+ .*got \d+ \(file truncated\?\)/
        : /tensor "[ab]" data_offsets must be within the \d+ data bytes after the header|the data must be exactly covered/);
    }
  });
  it("a header length above 100 MB (the reference's bound), up to 2^64 − 1", () => {
    for (const n of [BigInt(MAX_HEADER_BYTES + 1), 2n ** 40n, 2n ** 64n - 1n]) {
      const bytes = craft("{}");
      new DataView(bytes.buffer).setBigUint64(0, n, true);
      rejects(bytes, new RegExp(`the header length must be at most ${MAX_HEADER_BYTES} bytes, got ${n}$`));
    }
  });
  it("a header that is not UTF-8, not JSON, or not an object", () => {
    const bytes = craft('{"a":1}      ');
    bytes[10] = 0xff;
    rejects(bytes, /the header must be valid UTF-8/);
    rejects(craft('{"a": {"dtype": "F32",'), /the header must be valid JSON, got .*; it starts: \{"a": \{"dtype": "F32",$/);
    const corrupted = good.slice();
    corrupted[headerEnd - 10] = "}".charCodeAt(0);
    rejects(corrupted, /the header must be valid JSON/);
    rejects(craft(""), /the header must be valid JSON/);
    for (const h of ["[1,2]", "null", '"x"', "12"]) rejects(craft(h), /the header must be a JSON object/);
  });
  it("duplicate keys, at the top level and inside __metadata__ (JSON.parse would keep the last)", () => {
    const entry = '{"dtype":"F32","shape":[1],"data_offsets":[0,4]}';
    rejects(craft(`{"a":${entry},"a":${entry}}`, [0, 0, 0, 0]), /the header must be free of duplicate keys, got "a" twice/);
    rejects(craft(`{"__metadata__":{"k":"1","\\u006b":"2"}}`), /duplicate keys, got "__metadata__"."k" twice/);
  });
  it("__metadata__ not an object of strings", () => {
    rejects(craft({ __metadata__: { epoch: 3 } }), /"__metadata__"."epoch" must be a string, got 3/);
    rejects(craft({ __metadata__: ["pt"] }), /"__metadata__" must be an object of strings, got \["pt"\]/);
  });
  it("a tensor entry that is not an object, or misses dtype / shape / data_offsets", () => {
    rejects(craft({ a: 3 }), /tensor "a" must be an object \{ dtype, shape, data_offsets \}, got 3/);
    rejects(craft({ a: { shape: [1], data_offsets: [0, 4] } }, [0, 0, 0, 0]), /tensor "a" dtype must be present, got nothing/);
    rejects(craft({ a: { dtype: "F32", data_offsets: [0, 4] } }, [0, 0, 0, 0]), /tensor "a" shape must be present/);
    rejects(craft({ a: { dtype: "F32", shape: [1] } }, [0, 0, 0, 0]), /tensor "a" data_offsets must be present/);
  });
  it("fields of the wrong type: dtype, shape (negative, fractional, not an array), data_offsets", () => {
    const d = [0, 0, 0, 0];
    rejects(craft({ a: t(32 as unknown as string, [1], [0, 4]) }, d), /tensor "a" dtype must be a string, got 32/);
    rejects(craft({ a: t("F32", "1", [0, 4]) }, d), /tensor "a" shape must be an array of non-negative integers, got "1"/);
    rejects(craft({ a: t("F32", [-1], [0, 4]) }, d), /tensor "a" shape must be an array of non-negative integers, got \[-1\]/);
    rejects(craft({ a: t("F32", [0.5, 2], [0, 4]) }, d), /tensor "a" shape must be an array of non-negative integers, got \[0.5,2\]/);
    rejects(craft({ a: t("F32", [1], [0]) }, d), /tensor "a" data_offsets must be \[begin, end\], got \[0\]/);
    rejects(craft({ a: t("F32", [1], ["0", 4]) }, d), /data_offsets must be \[begin, end\] of non-negative integers, got \["0",4\]/);
    rejects(craft({ a: t("F32", [1], [-4, 0]) }, d), /data_offsets must be \[begin, end\] of non-negative integers/);
    rejects(craft({ a: t("F32", [1], [0, 2 ** 60]) }, d), /data_offsets must be \[begin, end\] of non-negative integers/);
  });
  it("an unknown dtype, and the known ones rnnlab does not read (F16, BF16, I64, …)", () => {
    rejects(craft({ a: t("F33", [1], [0, 4]) }, [0, 0, 0, 0]), /tensor "a" dtype must be a safetensors dtype \(BOOL, .*\), got "F33"/);
    rejects(craft({ a: t("constructor", [1], [0, 4]) }, [0, 0, 0, 0]), /tensor "a" dtype must be a safetensors dtype .*, got "constructor"/);
    for (const dtype of ["F16", "BF16", "I64", "U8", "BOOL"]) {
      rejects(craft({ weight: t(dtype, [1], [0, 2]) }, [0, 0]), new RegExp(`unsupported dtype ${dtype} for tensor "weight" \\(rnnlab reads F32 and F64\\)`));
    }
  });
  it("offsets out of order, past the end of the data, or a byte length ≠ prod(shape) · itemsize", () => {
    rejects(craft({ a: t("F32", [2], [8, 0]) }, new Array(8).fill(0)), /tensor "a" data_offsets must be in order \(begin ≤ end\), got \[8,0\]/);
    rejects(craft({ a: t("F32", [2], [0, 8]) }, [0, 0, 0, 0]), /tensor "a" data_offsets must be within the 4 data bytes after the header, got \[0,8\]/);
    rejects(craft({ a: t("F32", [3], [0, 8]) }, new Array(8).fill(0)), /tensor "a" byte length must be prod\(shape \[3\]\) · 4 = 12 \(F32\), got 8/);
    rejects(craft({ a: t("F64", [2], [0, 8]) }, new Array(8).fill(0)), /byte length must be prod\(shape \[2\]\) · 8 = 16 \(F64\), got 8/);
  });
  it("data not covered exactly: a hole, an overlap, a gap at the start, extra bytes at the end", () => {
    const d = (n: number) => new Array(n).fill(0);
    rejects(craft({ a: t("F32", [2], [0, 8]), b: t("F32", [2], [12, 20]) }, d(20)), /tensor "b" data_offsets must be contiguous \(begin = 8, the end of tensor "a"\), got begin 12: a hole of 4 bytes/);
    rejects(craft({ a: t("F32", [2], [0, 8]), b: t("F32", [2], [4, 12]) }, d(12)), /tensor "b" data_offsets must be contiguous .*: it overlaps tensor "a" by 4 bytes/);
    rejects(craft({ a: t("F32", [2], [4, 12]) }, d(12)), /tensor "a" data_offsets must be contiguous \(begin = 0, the start of the data\), got begin 4: a hole/);
    rejects(craft({ a: t("F32", [2], [0, 8]) }, d(12)), /the data must be exactly covered by the tensors \(8 bytes\), got 12 bytes: 4 extra at the end/);
    rejects(craft({}, d(3)), /exactly covered by the tensors \(0 bytes\), got 3 bytes/);
  });
  it("entries in any JSON order are fine (the reference reader sorts them by offset)", () => {
    const data = [...bytesOf(Float32Array.from([1, 2])), ...bytesOf(Float32Array.from([3]))];
    const { tensors } = decodeSafetensors(craft({ z: t("F32", [1], [8, 12]), a: t("F32", [2], [0, 8]) }, data));
    assert.deepEqual(Object.keys(tensors), ["a", "z"]);
    assert.deepEqual([...tensors.z.data], [3]);
  });
  it("NaN / ±Infinity: an error naming the tensor and index, unless { allowNonFinite: true }", () => {
    for (const [bad, shown] of [[NaN, "NaN"], [Infinity, "Infinity"], [-Infinity, "-Infinity"]] as const) {
      const bytes = encodeSafetensors({ ok: f64([1], [0]), weight_hh_l0: f32([2, 2], [1, 2, bad, 4]) });
      rejects(bytes, new RegExp(`tensor "weight_hh_l0"\\[2\\] must be finite, got ${shown} \\(pass \\{ allowNonFinite: true \\}`));
      const back = decodeSafetensors(bytes, SRC, { allowNonFinite: true }).tensors.weight_hh_l0.data;
      assert.ok(Object.is(back[2], bad));
    }
  });
  it("unknown options and non-byte input are argument errors", () => {
    assert.throws(() => decodeSafetensors(good, SRC, { allowNonfinite: true } as object), /decodeSafetensors: unknown option "allowNonfinite"/);
    assert.throws(() => decodeSafetensors([1, 2, 3] as unknown as Uint8Array), /decodeSafetensors: bytes must be a Uint8Array/);
  });
  it("findDuplicateKey: nested paths, escapes, arrays, strings containing braces and quotes", () => {
    assert.equal(findDuplicateKey('{"a":{"b":1,"c":[{"b":2},{"b":3}],"d":"}{\\"b\\":"},"e":{"b":1,"b":2}}'), '"e"."b"');
    assert.equal(findDuplicateKey('{"a":[1,{"x":1}],"b":{"x":2}}'), null);
    assert.equal(findDuplicateKey('{"\\"":1,"\\u0022":2}'), '"\\""');
    assert.equal(findDuplicateKey('{"unterminated'), null);                     // not JSON: ends, no hang
  });
});

describe("encodeSafetensors rejects what it cannot write", () => {
  it("names the tensor and the problem", () => {
    assert.throws(() => encodeSafetensors({ __metadata__: f32([1], [1]) }), /encodeSafetensors: tensors must be free of the reserved name "__metadata__"/);
    assert.throws(() => encodeSafetensors({ w: { shape: [2], data: Int32Array.from([1, 2]) } as unknown as Tensor }), /encodeSafetensors: tensors\["w"\].data must be a Float32Array or Float64Array, got Int32Array$/);
    assert.throws(() => encodeSafetensors({ w: { shape: [3], data: new Float32Array(2) } }), /tensors\["w"\].data must be 3 values long \(shape \[3\]\), got 2$/);
    assert.throws(() => encodeSafetensors({ w: { shape: [-1], data: new Float32Array(0) } }), /tensors\["w"\].shape must be non-negative integers/);
    assert.throws(() => encodeSafetensors({ w: 3 as unknown as Tensor }), /tensors\["w"\] must be a Tensor, got 3/);
    assert.throws(() => encodeSafetensors({ "\ud800": f32([1], [1]) }), /tensor names must be well-formed Unicode strings/);
    assert.throws(() => encodeSafetensors({}, { epoch: 3 as unknown as string }), /encodeSafetensors: metadata\["epoch"\] must be a string, got 3/);
    assert.throws(() => encodeSafetensors(null as unknown as Record<string, Tensor>), /encodeSafetensors: tensors must be an object of tensors by name, got null/);
  });
});
