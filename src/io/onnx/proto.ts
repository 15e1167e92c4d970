// Small builders over the ONNX message types of schema.ts, so the exporter reads as a list of
// nodes, and the two readers the importer needs (attribute values, tensor values).
import { AttributeType, DataType, type AttributeProto, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from "./schema.ts";

export type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from "./schema.ts";
export { AttributeType, DataType } from "./schema.ts";

/** A float32 initializer; values stored as raw little-endian bytes (the compact form runtimes prefer). */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const f32 = Float32Array.from(values);
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(f32.buffer) };
}

export function int64Tensor(name: string, values: number[], dims: number[] = [values.length]): TensorProto {
  return { name, dims, dataType: DataType.INT64, int64Data: values };
}

export const INT64 = DataType.INT64;

export function attr(name: string, value: number | string | number[] | string[], kind?: "float" | "int" | "floats" | "ints"): AttributeProto {
  if (typeof value === "string") return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value) && typeof value[0] === "string") {
    return { name, type: AttributeType.STRINGS, strings: (value as string[]).map((v) => new TextEncoder().encode(v)) };
  }
  if (Array.isArray(value)) {
    return kind === "floats" ? { name, type: AttributeType.FLOATS, floats: value as number[] } : { name, type: AttributeType.INTS, ints: value as number[] };
  }
  return kind === "float" ? { name, type: AttributeType.FLOAT, f: value } : { name, type: AttributeType.INT, i: value };
}

/** A GRAPH attribute (a Scan / Loop body) or a TENSOR attribute (ConstantOfShape's value). */
export function graphAttr(name: string, g: GraphProto): AttributeProto { return { name, type: AttributeType.GRAPH, g }; }
export function tensorAttr(name: string, t: TensorProto): AttributeProto { return { name, type: AttributeType.TENSOR, t }; }

export function node(opType: string, inputs: string[], outputs: string[], attributes: AttributeProto[] = [], name?: string): NodeProto {
  return { opType, input: inputs, output: outputs, attribute: attributes, name: name ?? outputs[0] };
}

/** A graph input / output: element type and a shape whose dims are numbers or symbolic names. */
export function valueInfo(name: string, elemType: "float" | "int32" | "int64", dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: { tensorType: {
      elemType: elemType === "float" ? DataType.FLOAT : elemType === "int32" ? DataType.INT32 : DataType.INT64,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    } },
  };
}
