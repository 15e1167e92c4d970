// Small builders over onnx-proto's generated protobuf classes (ONNX IR, onnx/onnx.proto3), so the
// exporter reads as a list of nodes. Only what the recurrent exporter needs.
import onnxProto from "onnx-proto";

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

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
export function valueInfo(name: string, elemType: "float" | "int32" | "int64", dims: (number | string)[]) {
  return {
    name,
    type: { tensorType: {
      elemType: elemType === "float" ? DataType.FLOAT : elemType === "int32" ? DataType.INT32 : DataType.INT64,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    } },
  };
}

/** Attribute value by name (ints come back from protobufjs as number or Long). */
export function attrValue(n: NodeProto, name: string): number | string | number[] | string[] | undefined {
  const a = (n.attribute ?? []).find((x) => x.name === name);
  if (!a) return undefined;
  switch (a.type) {
    case AttributeType.INT: return Number(a.i);
    case AttributeType.FLOAT: return a.f ?? 0;
    case AttributeType.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case AttributeType.FLOATS: return a.floats ?? [];
    case AttributeType.INTS: return (a.ints ?? []).map(Number);
  }
  return undefined;
}

/** The float values of an initializer (raw_data or float_data). */
export function floatValues(t: TensorProto): Float32Array {
  if (t.rawData && t.rawData.length) {
    const copy = new Uint8Array(t.rawData);                  // aligned copy
    return new Float32Array(copy.buffer, 0, copy.length / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}
