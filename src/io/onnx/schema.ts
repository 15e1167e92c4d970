// The ONNX messages rnnlab reads and writes, with their field numbers and types as declared in
// onnx/onnx.proto (github.com/onnx/onnx, onnx/onnx.proto, IR version 10). Fields rnnlab does not
// interpret but must not lose sight of (functions, training_info, sparse initializers, segments,
// sparse / type-proto attributes) are kept as raw bytes, so the importer can refuse them by name.
// Keys are the camelCase names protobufjs uses, so decoded objects compare field by field with
// onnx-proto's (the cross-check test); `proto` is the field's name in onnx.proto, used in errors.

export const DataType = {
  UNDEFINED: 0, FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13,
} as const;

export const AttributeType = {
  UNDEFINED: 0, FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, STRINGS: 8,
  TENSORS: 9, GRAPHS: 10, SPARSE_TENSOR: 11, SPARSE_TENSORS: 12, TYPE_PROTO: 13, TYPE_PROTOS: 14,
} as const;

export interface StringStringEntryProto { key?: string; value?: string }
export interface OperatorSetIdProto { domain?: string; version?: number }
export interface TensorProto {
  dims?: number[]; dataType?: number; segment?: Uint8Array; floatData?: number[]; int32Data?: number[];
  stringData?: Uint8Array[]; int64Data?: number[]; name?: string; docString?: string; rawData?: Uint8Array;
  externalData?: StringStringEntryProto[]; dataLocation?: number; doubleData?: number[]; uint64Data?: number[];
}
export interface DimensionProto { dimValue?: number; dimParam?: string; denotation?: string }
export interface TypeProto {
  tensorType?: { elemType?: number; shape?: { dim?: DimensionProto[] } };
  sequenceType?: Uint8Array; mapType?: Uint8Array; optionalType?: Uint8Array; sparseTensorType?: Uint8Array; denotation?: string;
}
export interface ValueInfoProto { name?: string; type?: TypeProto; docString?: string }
export interface AttributeProto {
  name?: string; refAttrName?: string; docString?: string; type?: number;
  f?: number; i?: number; s?: Uint8Array; t?: TensorProto; g?: GraphProto; sparseTensor?: Uint8Array; tp?: Uint8Array;
  floats?: number[]; ints?: number[]; strings?: Uint8Array[]; tensors?: TensorProto[]; graphs?: GraphProto[];
  sparseTensors?: Uint8Array[]; typeProtos?: Uint8Array[];
}
export interface NodeProto {
  input?: string[]; output?: string[]; name?: string; opType?: string; domain?: string; overload?: string;
  attribute?: AttributeProto[]; docString?: string;
}
export interface GraphProto {
  node?: NodeProto[]; name?: string; initializer?: TensorProto[]; sparseInitializer?: Uint8Array[]; docString?: string;
  input?: ValueInfoProto[]; output?: ValueInfoProto[]; valueInfo?: ValueInfoProto[]; quantizationAnnotation?: Uint8Array[];
}
export interface ModelProto {
  irVersion?: number; opsetImport?: OperatorSetIdProto[]; producerName?: string; producerVersion?: string; domain?: string;
  modelVersion?: number; docString?: string; graph?: GraphProto; metadataProps?: StringStringEntryProto[];
  trainingInfo?: Uint8Array[]; functions?: Uint8Array[];
}

export type Scalar = "int64" | "int32" | "uint64" | "float" | "double" | "string" | "bytes";
export type MessageName = "ModelProto" | "OperatorSetIdProto" | "StringStringEntryProto" | "GraphProto" | "NodeProto"
  | "AttributeProto" | "TensorProto" | "ValueInfoProto" | "TypeProto" | "TypeProtoTensor" | "TensorShapeProto" | "Dimension";

export interface FieldSpec {
  key: string;
  /** the name in onnx.proto */
  proto: string;
  type: Scalar | MessageName;
  repeated?: boolean;
  /** written packed (onnx.proto's [packed = true]); both forms are read */
  packed?: boolean;
}

const f = (key: string, proto: string, type: FieldSpec["type"], more: Partial<FieldSpec> = {}): FieldSpec => ({ key, proto, type, ...more });
const rep = { repeated: true };
const packed = { repeated: true, packed: true };

/** Field number -> spec, per message (onnx/onnx.proto). */
export const SCHEMA: Record<MessageName, Record<number, FieldSpec>> = {
  ModelProto: {
    1: f("irVersion", "ir_version", "int64"), 8: f("opsetImport", "opset_import", "OperatorSetIdProto", rep),
    2: f("producerName", "producer_name", "string"), 3: f("producerVersion", "producer_version", "string"),
    4: f("domain", "domain", "string"), 5: f("modelVersion", "model_version", "int64"), 6: f("docString", "doc_string", "string"),
    7: f("graph", "graph", "GraphProto"), 14: f("metadataProps", "metadata_props", "StringStringEntryProto", rep),
    20: f("trainingInfo", "training_info", "bytes", rep), 25: f("functions", "functions", "bytes", rep),
  },
  OperatorSetIdProto: { 1: f("domain", "domain", "string"), 2: f("version", "version", "int64") },
  StringStringEntryProto: { 1: f("key", "key", "string"), 2: f("value", "value", "string") },
  GraphProto: {
    1: f("node", "node", "NodeProto", rep), 2: f("name", "name", "string"), 5: f("initializer", "initializer", "TensorProto", rep),
    15: f("sparseInitializer", "sparse_initializer", "bytes", rep), 10: f("docString", "doc_string", "string"),
    11: f("input", "input", "ValueInfoProto", rep), 12: f("output", "output", "ValueInfoProto", rep),
    13: f("valueInfo", "value_info", "ValueInfoProto", rep), 14: f("quantizationAnnotation", "quantization_annotation", "bytes", rep),
  },
  NodeProto: {
    1: f("input", "input", "string", rep), 2: f("output", "output", "string", rep), 3: f("name", "name", "string"),
    4: f("opType", "op_type", "string"), 7: f("domain", "domain", "string"), 8: f("overload", "overload", "string"),
    5: f("attribute", "attribute", "AttributeProto", rep), 6: f("docString", "doc_string", "string"),
  },
  AttributeProto: {
    1: f("name", "name", "string"), 21: f("refAttrName", "ref_attr_name", "string"), 13: f("docString", "doc_string", "string"),
    20: f("type", "type", "int32"), 2: f("f", "f", "float"), 3: f("i", "i", "int64"), 4: f("s", "s", "bytes"),
    5: f("t", "t", "TensorProto"), 6: f("g", "g", "GraphProto"), 22: f("sparseTensor", "sparse_tensor", "bytes"),
    14: f("tp", "tp", "bytes"), 7: f("floats", "floats", "float", rep), 8: f("ints", "ints", "int64", rep),
    9: f("strings", "strings", "bytes", rep), 10: f("tensors", "tensors", "TensorProto", rep), 11: f("graphs", "graphs", "GraphProto", rep),
    23: f("sparseTensors", "sparse_tensors", "bytes", rep), 15: f("typeProtos", "type_protos", "bytes", rep),
  },
  TensorProto: {
    1: f("dims", "dims", "int64", rep), 2: f("dataType", "data_type", "int32"), 3: f("segment", "segment", "bytes"),
    4: f("floatData", "float_data", "float", packed), 5: f("int32Data", "int32_data", "int32", packed),
    6: f("stringData", "string_data", "bytes", rep), 7: f("int64Data", "int64_data", "int64", packed),
    8: f("name", "name", "string"), 12: f("docString", "doc_string", "string"), 9: f("rawData", "raw_data", "bytes"),
    13: f("externalData", "external_data", "StringStringEntryProto", rep), 14: f("dataLocation", "data_location", "int32"),
    10: f("doubleData", "double_data", "double", packed), 11: f("uint64Data", "uint64_data", "uint64", packed),
  },
  ValueInfoProto: { 1: f("name", "name", "string"), 2: f("type", "type", "TypeProto"), 3: f("docString", "doc_string", "string") },
  TypeProto: {
    1: f("tensorType", "tensor_type", "TypeProtoTensor"), 4: f("sequenceType", "sequence_type", "bytes"),
    5: f("mapType", "map_type", "bytes"), 9: f("optionalType", "optional_type", "bytes"),
    8: f("sparseTensorType", "sparse_tensor_type", "bytes"), 6: f("denotation", "denotation", "string"),
  },
  TypeProtoTensor: { 1: f("elemType", "elem_type", "int32"), 2: f("shape", "shape", "TensorShapeProto") },
  TensorShapeProto: { 1: f("dim", "dim", "Dimension", rep) },
  Dimension: { 1: f("dimValue", "dim_value", "int64"), 2: f("dimParam", "dim_param", "string"), 3: f("denotation", "denotation", "string") },
};
