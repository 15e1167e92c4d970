// safetensors (https://github.com/huggingface/safetensors), as pure functions over bytes:
//   [u64 little-endian N] [N bytes UTF-8 JSON header] [raw little-endian tensor data]
//   header = { "__metadata__"?: { string: string }, "<name>": { dtype, shape, data_offsets: [begin, end] }, … }
//   offsets are relative to the first byte after the header; the tensors cover the data exactly.
// Writing mimics the reference writer (safetensors/src/tensor.rs `prepare`) byte for byte: tensors
// sorted by dtype (descending: F64 before F32) then by name (UTF-8 bytes), "__metadata__" first,
// compact JSON with the fields in the order dtype, shape, data_offsets, header padded with spaces to
// a multiple of 8. The reference keeps metadata in a HashMap (unspecified order); we sort its keys.
// Reading validates everything (see decodeSafetensors) and copies each tensor into a fresh typed
// array. Only F32 and F64 are read and written; other dtypes are recognized to say so clearly.
// Not here: files (io/checkpoint.ts), model configs, layout conversion (io/*-layout.ts).
import type { Buf } from "../kernels/types.ts";
import { Tensor } from "../tensor/tensor.ts";
import { RnnlabError, checkKnownKeys, fail, fmtShape, show } from "../errors.ts";
import { parseJsonBounded } from "./bounded-json.ts";

export interface DecodedSafetensors { tensors: Record<string, Tensor>; metadata: Record<string, string> }
export interface DecodeOptions { /** accept NaN / ±Infinity in tensors (default false: they are an error) */ allowNonFinite?: boolean }
/** What the encoder accepts: a Tensor, or anything with a shape and a Float32Array | Float64Array. */
export type TensorLike = Tensor | { shape: readonly number[]; data: Buf };

/** The reference implementation refuses headers above 100 MB (MAX_HEADER_SIZE). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = "__metadata__";

// Every dtype of the format, in the reference's enum order; only F32 and F64 are supported here.
const KNOWN_DTYPES = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
  "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64"];
const SUPPORTED = {
  F32: { ctor: Float32Array, size: 4, rank: 1 },
  F64: { ctor: Float64Array, size: 8, rank: 2 },   // rank: sort key, higher first (reference order)
} as const;
type SupportedDtype = keyof typeof SUPPORTED;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const utf8 = new TextEncoder();

/** Rust's String ordering: byte-wise over UTF-8 (differs from JS's UTF-16 order above U+E000). */
function compareUtf8(a: string, b: string): number {
  const x = utf8.encode(a), y = utf8.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Strings must survive UTF-8 (no lone surrogates), or the header would not say what we were given. */
const wellFormed = (s: string) => new TextDecoder().decode(utf8.encode(s)) === s;

// ---------------------------------------------------------------------------------------------
// Encoding

interface Planned { header: Uint8Array; chunks: Uint8Array[]; dataBytes: number }

/** Validate, order and lay out the tensors; the chunks are views (no copy) on little-endian hosts. */
export function planSafetensors(fn: string, tensors: Record<string, TensorLike>, metadata?: Record<string, string>): Planned {
  if (typeof tensors !== "object" || tensors === null || Array.isArray(tensors)) fail(fn, "tensors", "an object of tensors by name", tensors);
  const entries = Object.entries(tensors).map(([name, t]) => {
    if (name === METADATA_KEY) fail(fn, "tensors", `free of the reserved name "${METADATA_KEY}"`, name);
    if (!wellFormed(name)) fail(fn, "tensor names", "well-formed Unicode strings", name);
    if (typeof t !== "object" || t === null || !Array.isArray(t.shape)) fail(fn, `tensors["${name}"]`, "a Tensor", t);
    const dtype: SupportedDtype | null = t.data instanceof Float64Array ? "F64" : t.data instanceof Float32Array ? "F32" : null;
    if (!dtype) {
      const got = (t.data as { constructor?: { name?: string } } | null)?.constructor?.name ?? String(t.data);
      throw new RnnlabError(`${fn}: tensors["${name}"].data must be a Float32Array or Float64Array, got ${got}`);
    }
    for (const d of t.shape) if (!Number.isSafeInteger(d) || d < 0) fail(fn, `tensors["${name}"].shape`, "non-negative integers", [...t.shape]);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) fail(fn, `tensors["${name}"].data`, `${size} values long (shape ${fmtShape(t.shape)})`, t.data.length);
    return { name, dtype, shape: [...t.shape], data: t.data };
  });
  entries.sort((a, b) => SUPPORTED[b.dtype].rank - SUPPORTED[a.dtype].rank || compareUtf8(a.name, b.name));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) fail(fn, "metadata", "an object of strings", metadata);
    const meta: Record<string, string> = {};
    for (const key of Object.keys(metadata).sort(compareUtf8)) {
      const value = metadata[key];
      if (typeof value !== "string") fail(fn, `metadata["${key}"]`, "a string", value);
      if (!wellFormed(key) || !wellFormed(value)) fail(fn, `metadata["${key}"]`, "a well-formed Unicode string", value);
      Object.defineProperty(meta, key, { value, enumerable: true, writable: true, configurable: true });
    }
    header[METADATA_KEY] = meta;
  }
  let offset = 0;
  const chunks = entries.map(({ name, dtype, shape, data }) => {
    const begin = offset;
    offset += data.byteLength;
    Object.defineProperty(header, name, { value: { dtype, shape, data_offsets: [begin, offset] }, enumerable: true, writable: true, configurable: true });
    return littleEndianBytes(data);
  });
  const json = utf8.encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);   // spaces: 8-byte alignment
  padded.set(json);
  const out = new Uint8Array(8 + padded.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded.length), true);
  out.set(padded, 8);
  return { header: out, chunks, dataBytes: offset };
}

function littleEndianBytes(data: Buf): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength), view = new DataView(out.buffer);
  if (data instanceof Float64Array) data.forEach((v, i) => view.setFloat64(8 * i, v, true));
  else data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

/** The bytes of a .safetensors file holding `tensors` (F32 / F64) and optional string metadata. */
export function encodeSafetensors(tensors: Record<string, TensorLike>, metadata?: Record<string, string>): Uint8Array {
  const { header, chunks, dataBytes } = planSafetensors("encodeSafetensors", tensors, metadata);
  const out = new Uint8Array(header.length + dataBytes);
  out.set(header);
  let at = header.length;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** A JSON value in an error message: bounded (errors.ts show), never throwing on deep nesting. */
const showJson = (v: unknown): string => show(v);

/**
 * Parse and validate a .safetensors file. Throws RnnlabError naming `source` and the field for:
 * fewer than 8 bytes; a header length beyond the file or above 100 MB; a header that is not UTF-8,
 * not JSON, not an object, or repeats a key; "__metadata__" not an object of strings; a tensor entry
 * that is not an object or lacks dtype / shape / data_offsets or has them of the wrong type; an
 * unknown or unsupported dtype; negative or fractional dims; offsets that are not integers, have
 * begin > end or end past the data; a byte length ≠ prod(shape) · itemsize; data not covered exactly
 * (a hole, an overlap, extra bytes at the end); NaN / ±Infinity (unless `allowNonFinite`).
 * Entries may appear in any order in the JSON (the reference reader sorts them by offset).
 */
export function decodeSafetensors(bytes: Uint8Array, source = "<bytes>", opts: DecodeOptions = {}): DecodedSafetensors {
  const fn = `decodeSafetensors(${source})`;
  if (!(bytes instanceof Uint8Array)) fail("decodeSafetensors", "bytes", "a Uint8Array", bytes);
  checkKnownKeys("decodeSafetensors", opts, ["allowNonFinite"]);
  const bad: (field: string, expected: string, got: string) => never = (field, expected, got) => { throw new RnnlabError(`${fn}: ${field} must be ${expected}, got ${got}`); };

  if (bytes.length < 8) bad("the file", "at least 8 bytes (the header length)", `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER_BYTES)) bad("the header length", `at most ${MAX_HEADER_BYTES} bytes`, `${n64}`);
  const n = Number(n64);
  if (8 + n > bytes.length) bad("the header length", `at most ${bytes.length - 8} (the bytes after the length field)`, `${n} (file truncated?)`);

  let text: string;
  try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)); }
  catch { return bad("the header", "valid UTF-8", "invalid byte sequences"); }
  const header = parseJsonBounded(`${fn}: the header`, text);
  if (typeof header !== "object" || header === null || Array.isArray(header)) bad("the header", "a JSON object", showJson(header));
  const dup = findDuplicateKey(text);
  if (dup) bad("the header", "free of duplicate keys", `${dup} twice`);

  const dataStart = 8 + n, dataBytes = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SupportedDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad(`"${METADATA_KEY}"`, "an object of strings", showJson(raw));
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value !== "string") bad(`"${METADATA_KEY}"."${key}"`, "a string", showJson(value));
        Object.defineProperty(metadata, key, { value, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    const field = (f: string) => `tensor "${name}" ${f}`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) bad(`tensor "${name}"`, "an object { dtype, shape, data_offsets }", showJson(raw));
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    for (const [key, value] of [["dtype", dtype], ["shape", shape], ["data_offsets", offsets]] as const) {
      if (value === undefined) bad(field(key), "present", "nothing");
    }
    if (typeof dtype !== "string") bad(field("dtype"), "a string", showJson(dtype));
    if (!Object.hasOwn(SUPPORTED, dtype)) {
      if (KNOWN_DTYPES.includes(dtype)) throw new RnnlabError(`${fn}: unsupported dtype ${dtype} for tensor "${name}" (rnnlab reads F32 and F64)`);
      bad(field("dtype"), `a safetensors dtype (${KNOWN_DTYPES.join(", ")})`, JSON.stringify(dtype));
    }
    if (!Array.isArray(shape)) bad(field("shape"), "an array of non-negative integers", showJson(shape));
    for (const d of shape) if (typeof d !== "number" || !Number.isSafeInteger(d) || d < 0) bad(field("shape"), "an array of non-negative integers", showJson(shape));
    if (!Array.isArray(offsets) || offsets.length !== 2) bad(field("data_offsets"), "[begin, end]", showJson(offsets));
    const [begin, end] = offsets;
    for (const o of [begin, end]) if (typeof o !== "number" || !Number.isSafeInteger(o) || o < 0) bad(field("data_offsets"), "[begin, end] of non-negative integers", showJson(offsets));
    if (begin > end) bad(field("data_offsets"), "in order (begin ≤ end)", showJson(offsets));
    if (end > dataBytes) bad(field("data_offsets"), `within the ${dataBytes} data bytes after the header`, `${showJson(offsets)} (file truncated?)`);
    const { size } = SUPPORTED[dtype as SupportedDtype];
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (count * size !== end - begin) {
      bad(field("byte length"), `prod(shape ${fmtShape(shape as number[])}) · ${size} = ${count * size} (${dtype})`, `${end - begin} (data_offsets ${showJson(offsets)})`);
    }
    entries.push({ name, dtype: dtype as SupportedDtype, shape: shape as number[], begin, end });
  }

  // Exact coverage: sorted by offset, each tensor starts where the previous one ended.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0, prev = "the start of the data", prevName = "";
  for (const e of entries) {
    if (e.begin > at) bad(`tensor "${e.name}" data_offsets`, `contiguous (begin = ${at}, ${prev})`, `begin ${e.begin}: a hole of ${e.begin - at} bytes`);
    if (e.begin < at) bad(`tensor "${e.name}" data_offsets`, `contiguous (begin = ${at}, ${prev})`, `begin ${e.begin}: it overlaps tensor "${prevName}" by ${at - e.begin} bytes`);
    at = e.end; prev = `the end of tensor "${e.name}"`; prevName = e.name;
  }
  if (at !== dataBytes) bad("the data", `exactly covered by the tensors (${at} bytes)`, `${dataBytes} bytes: ${dataBytes - at} extra at the end`);

  const tensors: Record<string, Tensor> = {};
  for (const { name, dtype, shape, begin, end } of entries) {
    const data = copyOut(dtype, bytes, view, dataStart + begin, dataStart + end);
    if (!opts.allowNonFinite) {
      for (let i = 0; i < data.length; i++) {
        if (!Number.isFinite(data[i])) {
          throw new RnnlabError(`${fn}: tensor "${name}"[${i}] must be finite, got ${data[i]} (pass { allowNonFinite: true } to load it anyway)`);
        }
      }
    }
    Object.defineProperty(tensors, name, { value: new Tensor(shape, data), enumerable: true, writable: true, configurable: true });
  }
  return { tensors, metadata };
}

/** A fresh, aligned typed array: the file's bytes may start at any address. */
function copyOut(dtype: SupportedDtype, bytes: Uint8Array, view: DataView, from: number, to: number): Buf {
  const { ctor, size } = SUPPORTED[dtype];
  const out = new ctor((to - from) / size);
  if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(bytes.subarray(from, to));
  else for (let i = 0; i < out.length; i++) out[i] = size === 8 ? view.getFloat64(from + 8 * i, true) : view.getFloat32(from + 4 * i, true);
  return out;
}

/**
 * The first key that appears twice in one object of a *valid* JSON text (JSON.parse keeps the last
 * silently), as a path like `"weight_ih_l0"` or `"__metadata__"."format"`; null when there is none.
 */
export function findDuplicateKey(json: string): string | null {
  type Frame = { keys: Set<string> | null; path: string; lastKey: string };   // keys null: an array
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === "{" || ch === "[") {
      const parent = stack[stack.length - 1];
      const path = parent?.keys ? `${parent.path}${parent.path ? "." : ""}${JSON.stringify(parent.lastKey)}` : (parent?.path ?? "");
      stack.push({ keys: ch === "{" ? new Set() : null, path, lastKey: "" });
      expectKey = ch === "{";
    } else if (ch === "}" || ch === "]") {
      stack.pop();
      expectKey = false;
    } else if (ch === ",") {
      expectKey = stack[stack.length - 1]?.keys != null;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < json.length && json[j] !== '"') j += json[j] === "\\" ? 2 : 1;
      if (j >= json.length) return null;                                       // not valid JSON: not our question
      if (expectKey) {
        const top = stack[stack.length - 1], key = JSON.parse(json.slice(i, j + 1)) as string;
        if (top.keys!.has(key)) return `${top.path}${top.path ? "." : ""}${JSON.stringify(key)}`;
        top.keys!.add(key); top.lastKey = key;
        expectKey = false;
      }
      i = j;
    }
  }
  return null;
}
