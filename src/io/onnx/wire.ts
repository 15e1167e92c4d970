// A structural walk over the protobuf wire format of an .onnx file before decoding it, so that a
// truncated or corrupted file is reported with the field that breaks, e.g.
//   model.onnx: graph.initializer[3].raw_data needs 96 bytes at offset 1520, only 40 remain
// (protobufjs itself only says "index out of range"). Field numbers from onnx/onnx.proto (IR 8).
import { RnnlabError } from "../../errors.ts";

type Fields = Record<number, [name: string, message?: string]>;
const MESSAGES: Record<string, Fields> = {
  ModelProto: { 1: ["ir_version"], 2: ["producer_name"], 3: ["producer_version"], 4: ["domain"], 5: ["model_version"],
    6: ["doc_string"], 7: ["graph", "GraphProto"], 8: ["opset_import"], 14: ["metadata_props"], 20: ["training_info"], 25: ["functions"] },
  GraphProto: { 1: ["node", "NodeProto"], 2: ["name"], 5: ["initializer", "TensorProto"], 10: ["doc_string"],
    11: ["input"], 12: ["output"], 13: ["value_info"], 14: ["quantization_annotation"], 15: ["sparse_initializer"] },
  NodeProto: { 1: ["input"], 2: ["output"], 3: ["name"], 4: ["op_type"], 5: ["attribute"], 6: ["doc_string"], 7: ["domain"] },
  TensorProto: { 1: ["dims"], 2: ["data_type"], 3: ["segment"], 4: ["float_data"], 5: ["int32_data"], 6: ["string_data"],
    7: ["int64_data"], 8: ["name"], 9: ["raw_data"], 10: ["double_data"], 11: ["uint64_data"], 12: ["doc_string"],
    13: ["external_data"], 14: ["data_location"] },
};
const REPEATED = new Set(["node", "initializer", "input", "output", "value_info", "attribute", "opset_import", "metadata_props"]);

class WireError extends Error {}

/** Throws a RnnlabError naming `source` and the field path if the bytes are not a well-formed ModelProto. */
export function checkOnnxWire(bytes: Uint8Array, source: string): void {
  if (bytes.length === 0) throw new RnnlabError(`${source}: empty file, expected an ONNX ModelProto`);
  try {
    walk(bytes, 0, bytes.length, "ModelProto", "");
  } catch (e) {
    if (e instanceof WireError) throw new RnnlabError(`${source}: not a valid .onnx file (truncated or corrupted): ${e.message}`);
    throw e;
  }
}

function varint(b: Uint8Array, at: number, end: number, path: string): [number, number] {
  let value = 0, scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at >= end) throw new WireError(`${path || "file"}: a varint runs past the end at offset ${at}`);
    const byte = b[at++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, at];
  }
  throw new WireError(`${path}: varint longer than 10 bytes at offset ${at}`);
}

function walk(b: Uint8Array, at: number, end: number, message: string, prefix: string): void {
  const fields = MESSAGES[message], counts: Record<string, number> = {};
  while (at < end) {
    const [tag, next] = varint(b, at, end, prefix);
    at = next;
    const number = Math.floor(tag / 8), wire = tag % 8;
    const [name, sub] = fields?.[number] ?? [`field ${number}`];
    const index = REPEATED.has(name) ? `[${(counts[name] = (counts[name] ?? -1) + 1)}]` : "";
    const path = `${prefix}${prefix ? "." : ""}${name}${index}`;
    if (number === 0) throw new WireError(`${path}: field number 0 at offset ${at - 1}`);
    const need = (n: number) => {
      if (at + n > end) throw new WireError(`${path} needs ${n} bytes at offset ${at}, only ${end - at} remain`);
    };
    if (wire === 0) [, at] = varint(b, at, end, path);
    else if (wire === 1) { need(8); at += 8; }
    else if (wire === 5) { need(4); at += 4; }
    else if (wire === 2) {
      const [len, start] = varint(b, at, end, path);
      at = start;
      if (sub && at + len > end) walk(b, at, end, sub, path);   // name the innermost field that is cut
      need(len);
      if (sub) walk(b, at, at + len, sub, path);
      at += len;
    } else throw new WireError(`${path}: unknown wire type ${wire} at offset ${at}`);
  }
}
