// The values an imported ONNX graph computes with: an element type, dims and flat row-major data
// (float32 in a Float32Array, float64 in a Float64Array, integers and booleans as plain numbers).
// TensorProto -> Value checks what a file can get wrong: the data type, where the data lives
// (external files and segments are refused), and that the data holds exactly prod(dims) elements.
import { RnnlabError, fmtShape } from "../../errors.ts";
import { DataType, type TensorProto } from "./schema.ts";

export type ElemType = "float" | "double" | "int64" | "int32" | "bool";
export interface Value { type: ElemType; dims: number[]; data: Float32Array | Float64Array | number[] }

export const ELEM_OF_DATA_TYPE: Record<number, ElemType> = {
  [DataType.FLOAT]: "float", [DataType.DOUBLE]: "double", [DataType.INT64]: "int64", [DataType.INT32]: "int32", [DataType.BOOL]: "bool",
};
export const DATA_TYPE_NAME: Record<number, string> = Object.fromEntries(Object.entries(DataType).map(([k, v]) => [v, k]));

export const sizeOfDims = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The most elements one value may hold (2^28: 1 GiB of float32), so a shape computed from a bad file cannot exhaust memory. */
export const MAX_ELEMENTS = 2 ** 28;

export function makeValue(type: ElemType, dims: number[], data?: Value["data"]): Value {
  const n = sizeOfDims(dims);
  if (!data && !(Number.isSafeInteger(n) && n >= 0 && n <= MAX_ELEMENTS)) {
    throw new RnnlabError(`ONNX value of shape ${fmtShape(dims)}: ${n} elements is more than rnnlab allocates (${MAX_ELEMENTS})`);
  }
  const fresh = type === "float" ? new Float32Array(n) : type === "double" ? new Float64Array(n) : new Array<number>(n).fill(0);
  return { type, dims, data: data ?? fresh };
}

/** The value of an initializer, a Constant's tensor or a backend test's .pb file. */
/** A TensorProto as a value; NaN / ±Infinity in float data are refused unless `allowNonFinite` (a diverged model to inspect). */
export function valueOfTensor(t: TensorProto, where: string, allowNonFinite = false): Value {
  const what = `${where} "${t.name ?? ""}"`;
  const refuse = (why: string): never => { throw new RnnlabError(`${what}: ${why}`); };
  if (t.dataLocation === 1 || (t.externalData?.length ?? 0) > 0) refuse("data_location is EXTERNAL (data in a separate file): not supported; save the model with its data inside");
  if (t.segment) refuse("has a segment (a tensor split over several protos): not supported");
  const type = ELEM_OF_DATA_TYPE[t.dataType ?? 0];
  if (!type) refuse(`data_type ${t.dataType ?? 0} (${DATA_TYPE_NAME[t.dataType ?? 0] ?? "unknown"}) is not supported (FLOAT, DOUBLE, INT64, INT32, BOOL)`);
  const dims = t.dims ?? [];
  dims.forEach((d, i) => { if (!Number.isSafeInteger(d) || d < 0) refuse(`dims[${i}] is ${d}, expected a non-negative integer`); });
  const n = sizeOfDims(dims);
  if (!Number.isSafeInteger(n) || n > 2 ** 31) refuse(`dims ${fmtShape(dims)} hold too many elements`);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  const width = { float: 4, double: 8, int64: 8, int32: 4, bool: 1 }[type];
  let data: Value["data"];
  if (raw) {
    if (raw.length !== n * width) refuse(`raw_data holds ${raw.length} bytes, dims ${fmtShape(dims)} of ${DATA_TYPE_NAME[t.dataType!]} need ${n * width}`);
    const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
    if (type === "float") data = Float32Array.from({ length: n }, (_, i) => view.getFloat32(4 * i, true));
    else if (type === "double") data = Float64Array.from({ length: n }, (_, i) => view.getFloat64(8 * i, true));
    else if (type === "int64") data = Array.from({ length: n }, (_, i) => Number(view.getBigInt64(8 * i, true)));
    else if (type === "int32") data = Array.from({ length: n }, (_, i) => view.getInt32(4 * i, true));
    else data = Array.from(raw, (b) => (b ? 1 : 0));
  } else {
    const field = { float: t.floatData, double: t.doubleData, int64: t.int64Data, int32: t.int32Data, bool: t.int32Data }[type] ?? [];
    if (field.length !== n) {
      const name = { float: "float_data", double: "double_data", int64: "int64_data", int32: "int32_data", bool: "int32_data" }[type];
      refuse(`${name} holds ${field.length} values, dims ${fmtShape(dims)} need ${n}`);
    }
    data = type === "float" ? Float32Array.from(field) : type === "double" ? Float64Array.from(field) : type === "bool" ? field.map((v) => (v ? 1 : 0)) : [...field];
  }
  if (!allowNonFinite && (type === "float" || type === "double")) {
    const bad = (data as Float32Array | Float64Array).findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) refuse(`holds ${(data as Float32Array)[bad]} at element ${bad}: non-finite weights are refused (importOnnx(file, { allowNonFinite: true }) loads them)`);
  }
  return { type, dims: [...dims], data };
}
