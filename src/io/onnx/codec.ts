// Decoding and encoding ONNX messages with the field tables of schema.ts over the bounded wire
// reader / writer of pb.ts. Decoding is strict where ONNX is unambiguous: a known field with the
// wrong wire type, a packed array whose length is not a multiple of its element size, a message
// nested deeper than MAX_DEPTH, a field number 0 or a group are errors naming the field path.
// Unknown field numbers are skipped (newer ONNX versions add fields; protobuf says skip them).
import { RnnlabError } from "../../errors.ts";
import { PbError, PbReader, PbWriter, WIRE } from "./pb.ts";
import { SCHEMA, type FieldSpec, type MessageName, type ModelProto, type Scalar, type TensorProto } from "./schema.ts";

/** Messages inside messages (a Scan body in a graph attribute counts 3: attribute, graph, node). */
export const MAX_DEPTH = 64;

const SCALAR_WIRE: Record<Scalar, number> = {
  int64: WIRE.varint, int32: WIRE.varint, uint64: WIRE.varint, float: WIRE.fixed32, double: WIRE.fixed64,
  string: WIRE.bytes, bytes: WIRE.bytes,
};
const utf8 = new TextDecoder("utf-8", { fatal: true });

function isMessage(type: FieldSpec["type"]): type is MessageName { return type in SCHEMA; }

function readScalar(r: PbReader, type: Scalar, path: string): number | string | Uint8Array {
  switch (type) {
    case "int64": return r.int(path, 64);
    case "int32": return r.int(path, 32);
    case "uint64": return r.uint(path);
    case "float": return r.float32(path);
    case "double": return r.float64(path);
    case "bytes": return r.bytes(r.length(path));
    case "string": {
      const bytes = r.bytes(r.length(path));
      try { return utf8.decode(bytes); } catch { throw new PbError(path, "is not valid UTF-8"); }
    }
  }
}

/** A packed run of numbers (wire type 2 on a numeric field). */
function readPacked(r: PbReader, type: Scalar, path: string, out: unknown[]): void {
  const n = r.length(path);
  const width = type === "float" ? 4 : type === "double" ? 8 : 0;
  if (width && n % width !== 0) throw new PbError(path, `packed ${type} data of ${n} bytes is not a multiple of ${width}`);
  const inner = new PbReader(r.b, r.at, r.at + n);
  while (inner.remaining > 0) out.push(readScalar(inner, type, path));
  r.at += n;
}

function decodeMessage(r: PbReader, message: MessageName, prefix: string, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new PbError(prefix, `messages nested deeper than ${MAX_DEPTH}`);
  const fields = SCHEMA[message], out: Record<string, unknown> = {};
  while (r.remaining > 0) {
    const tagAt = r.at, tag = r.uint(prefix), number = Math.floor(tag / 8), wire = tag % 8;
    const spec = fields[number];
    const name = spec?.proto ?? `field ${number}`;
    const list = spec?.repeated ? ((out[spec.key] ??= []) as unknown[]) : null;
    const path = `${prefix}${prefix ? "." : ""}${name}${list ? `[${list.length}]` : ""}`;
    if (number === 0) throw new PbError(path, `field number 0 at offset ${tagAt}`);
    if (!spec) { r.skip(wire, path); continue; }
    if (isMessage(spec.type)) {
      if (wire !== WIRE.bytes) throw new PbError(path, `wire type ${wire} at offset ${tagAt}, expected 2 (a message)`);
      const lengthAt = r.at, n = r.uint(path);
      if (n > r.remaining) {                                   // name the innermost field that is cut
        try { decodeMessage(new PbReader(r.b, r.at, r.end), spec.type, path, depth + 1); } catch (e) {
          if (e instanceof PbError && /runs past the end| needs \d+ bytes/.test(e.detail)) throw e;
        }
        r.at = lengthAt; r.length(path);
      }
      const value = decodeMessage(new PbReader(r.b, r.at, r.at + n), spec.type, path, depth + 1);
      r.at += n;
      if (list) list.push(value); else out[spec.key] = value;
      continue;
    }
    const type = spec.type as Scalar, expected = SCALAR_WIRE[type];
    if (list && wire === WIRE.bytes && expected !== WIRE.bytes) { readPacked(r, type, path, list); continue; }
    if (wire !== expected) throw new PbError(path, `wire type ${wire} at offset ${tagAt}, expected ${expected} (${type})`);
    const value = readScalar(r, type, path);
    if (list) list.push(value); else out[spec.key] = value;
  }
  return out;
}

/** Bytes -> ModelProto, or a RnnlabError naming `source` and the field that is malformed. */
export function decodeModelProto(bytes: Uint8Array, source: string): ModelProto {
  if (!(bytes instanceof Uint8Array)) throw new RnnlabError(`${source}: expected the bytes of an .onnx file (Uint8Array), got ${typeof bytes}`);
  if (bytes.length === 0) throw new RnnlabError(`${source}: empty file, expected an ONNX ModelProto`);
  return decodeAs(bytes, "ModelProto", source) as ModelProto;
}

/** Bytes -> TensorProto (the .pb files of the ONNX backend tests). */
export function decodeTensorProto(bytes: Uint8Array, source: string): TensorProto {
  return decodeAs(bytes, "TensorProto", source) as TensorProto;
}

function decodeAs(bytes: Uint8Array, message: MessageName, source: string): unknown {
  try {
    return decodeMessage(new PbReader(bytes, 0, bytes.length), message, "", 1);
  } catch (e) {
    if (e instanceof PbError) throw new RnnlabError(`${source}: not a valid .onnx file (truncated or corrupted): ${e.message}`);
    throw e;
  }
}

function writeScalar(w: PbWriter, type: Scalar, v: unknown): void {
  switch (type) {
    case "int64": case "int32": case "uint64": w.varint(Number(v)); return;
    case "float": w.float32(Number(v)); return;
    case "double": w.float64(Number(v)); return;
    case "string": w.raw(new TextEncoder().encode(String(v))); return;
    case "bytes": w.raw(v as Uint8Array); return;
  }
}

function encodeMessage(message: MessageName, obj: Record<string, unknown>): Uint8Array {
  const w = new PbWriter(), fields = SCHEMA[message];
  for (const number of Object.keys(fields).map(Number).sort((a, b) => a - b)) {
    const spec = fields[number], value = obj[spec.key];
    if (value === undefined || value === null) continue;
    const values = spec.repeated ? (value as unknown[]) : [value];
    if (isMessage(spec.type)) {
      for (const v of values) w.lengthDelimited(number, encodeMessage(spec.type, v as Record<string, unknown>));
      continue;
    }
    const type = spec.type as Scalar;
    if (spec.packed) {
      if (values.length === 0) continue;
      const inner = new PbWriter();
      for (const v of values) writeScalar(inner, type, v);
      w.lengthDelimited(number, inner.finish());
      continue;
    }
    for (const v of values) {
      if (type === "string" || type === "bytes") {
        w.lengthDelimited(number, type === "string" ? new TextEncoder().encode(String(v)) : (v as Uint8Array));
      } else {
        w.tag(number, SCALAR_WIRE[type]);
        writeScalar(w, type, v);
      }
    }
  }
  return w.finish();
}

export function encodeModelProto(model: ModelProto): Uint8Array {
  return encodeMessage("ModelProto", model as Record<string, unknown>);
}

export function encodeTensorProto(t: TensorProto): Uint8Array {
  return encodeMessage("TensorProto", t as Record<string, unknown>);
}
