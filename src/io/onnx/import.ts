// importOnnx: an .onnx file as a model that runs in rnnlab. The graph is checked completely at
// import: every node is either a recurrent operator (recurrent-node.ts: every attribute mapped
// exactly or refused) or one of the operators exporters put around it (graph-ops.ts); nodes must
// come in an order where each input exists; the first unsupported node is named. run() then
// evaluates the nodes in order on the values fed in.
// Weights may be initializers or graph inputs (how the ONNX backend test cases are written):
// graph inputs are fed at run time, or once at import with `options.inputs` (they then act as
// initializers). An initializer of the same name as a graph input is the input's default value.
import { readFileSync } from "node:fs";
import { RnnlabError, checkKnownKeys, fmtShape } from "../../errors.ts";
import { Tensor } from "../../tensor/tensor.ts";
import { decodeModelProto } from "./codec.ts";
import { CompiledGraph, Scope } from "./graph.ts";
import type { RecurrentPlan } from "./recurrent-node.ts";
import type { ModelProto, ValueInfoProto } from "./schema.ts";
import { ELEM_OF_DATA_TYPE, valueOfTensor, type ElemType, type Value } from "./values.ts";

/** A value fed to a graph input: a Tensor (float32 / float64), int32 lengths, or a raw ONNX value. */
export type OnnxFeed = Tensor | Int32Array | number[] | Value;

export interface OnnxImportOptions {
  /** values for graph inputs fixed at import (e.g. weights given as inputs); they are not fed again */
  inputs?: Record<string, OnnxFeed>;
  /** load NaN / ±Infinity initializers instead of refusing them (to inspect a diverged model) */
  allowNonFinite?: boolean;
}

export interface OnnxInputInfo { name: string; type: ElemType | null; dims: (number | string | null)[] }

/** Read and decode, naming the file in every error. */
export function readOnnxModel(path: string): ModelProto {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); }
  catch (e) { throw new RnnlabError(`readOnnxModel: path must be a readable .onnx file, got "${path}" (${(e as NodeJS.ErrnoException).code ?? e})`); }
  return decodeOnnx(bytes, path);
}

/** Bytes -> ModelProto with a graph and an opset, or a RnnlabError naming `source` and the field. */
export function decodeOnnx(bytes: Uint8Array, source = "<bytes>"): ModelProto {
  const model = decodeModelProto(bytes, source);
  if (!model.graph) throw new RnnlabError(`${source}: field "graph" is missing (a ModelProto needs its graph; truncated file?)`);
  if (!model.opsetImport?.length) throw new RnnlabError(`${source}: field "opset_import" is missing (truncated file?)`);
  return model;
}

/** Feed -> value, checked against the graph input's declared type and fixed dims. */
function feedValue(feed: OnnxFeed, info: OnnxInputInfo, where: string): Value {
  let v: Value;
  if (feed instanceof Tensor) v = { type: feed.dtype === "float64" ? "double" : "float", dims: [...feed.shape], data: feed.data };
  else if (feed instanceof Int32Array || Array.isArray(feed)) v = { type: "int32", dims: [feed.length], data: Array.from(feed) };
  else if (feed && typeof feed === "object" && "type" in feed && "dims" in feed && "data" in feed) v = feed;
  else throw new RnnlabError(`${where}: input "${info.name}" must be a Tensor, an Int32Array or an ONNX value, got ${String(feed)}`);
  if (info.type && v.type !== info.type) throw new RnnlabError(`${where}: input "${info.name}" is ${v.type}, the graph declares ${info.type}`);
  if (info.dims.length && (v.dims.length !== info.dims.length || info.dims.some((d, i) => typeof d === "number" && d !== v.dims[i]))) {
    throw new RnnlabError(`${where}: input "${info.name}" has shape ${fmtShape(v.dims)}, the graph declares [${info.dims.map((d) => d ?? "?").join(",")}]`);
  }
  return v;
}

function inputInfo(vi: ValueInfoProto): OnnxInputInfo {
  const tt = vi.type?.tensorType;
  return {
    name: vi.name ?? "",
    type: tt?.elemType !== undefined ? ELEM_OF_DATA_TYPE[tt.elemType] ?? null : null,
    dims: (tt?.shape?.dim ?? []).map((d) => d.dimValue ?? d.dimParam ?? null),
  };
}

export class OnnxModel {
  /** graph inputs to feed at run time (those without an initializer or an import-time value) */
  readonly inputs: OnnxInputInfo[];
  readonly outputNames: string[];
  /** the recurrent nodes and what each was mapped to */
  readonly recurrent: RecurrentPlan[];
  private readonly graph: CompiledGraph;
  private readonly constants = new Map<string, Value>();
  private readonly defaults = new Map<string, Value>();

  constructor(readonly proto: ModelProto, readonly source: string, opts: OnnxImportOptions = {}) {
    checkKnownKeys("importOnnx", opts, ["inputs", "allowNonFinite"]);
    const g = proto.graph!, where = source;
    const opset = (proto.opsetImport ?? []).find((o) => !o.domain || o.domain === "ai.onnx")?.version;
    if (opset === undefined) throw new RnnlabError(`${where}: opset_import has no entry for the default ONNX domain`);
    if ((g.sparseInitializer?.length ?? 0) > 0) throw new RnnlabError(`${where}: graph.sparse_initializer is not supported`);
    for (const t of g.initializer ?? []) this.defaults.set(t.name ?? "", valueOfTensor(t, `${where}: graph.initializer`, opts.allowNonFinite === true));
    const declared = (g.input ?? []).map(inputInfo);
    const given = opts.inputs ?? {};
    for (const name of Object.keys(given)) {
      const info = declared.find((d) => d.name === name);
      if (!info) throw new RnnlabError(`importOnnx: options.inputs has "${name}", which is not a graph input of ${where} (inputs: ${declared.map((d) => d.name).join(", ")})`);
      this.constants.set(name, feedValue(given[name], info, `importOnnx ${where}`));
    }
    this.inputs = declared.filter((d) => !this.constants.has(d.name) && !this.defaults.has(d.name));
    const known = new Set<string>([...declared.map((d) => d.name), ...this.defaults.keys()]);
    this.graph = new CompiledGraph(g.node ?? [], known, opset, where);
    this.recurrent = this.graph.recurrent;
    this.outputNames = (g.output ?? []).map((o) => o.name ?? "");
    const absent = this.outputNames.find((o) => !known.has(o));
    if (absent) throw new RnnlabError(`${where}: graph.output "${absent}" is computed by no node`);
  }

  /** Run the graph; returns every graph output as a Tensor (integer outputs as float64 values). */
  run(feeds: Record<string, OnnxFeed> = {}): Record<string, Tensor> {
    const values = this.runValues(feeds), out: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(values)) {
      const data = v.data instanceof Float32Array || v.data instanceof Float64Array ? v.data : Float64Array.from(v.data);
      out[name] = new Tensor(v.dims, data);
    }
    return out;
  }

  /** Run the graph; the outputs as ONNX values (element type kept). */
  runValues(feeds: Record<string, OnnxFeed> = {}): Record<string, Value> {
    const where = `${this.source}: run`;
    if (typeof feeds !== "object" || feeds === null) throw new RnnlabError(`${where}: feeds must be an object { inputName: value }`);
    const env = new Scope();
    for (const [k, v] of [...this.defaults, ...this.constants]) env.set(k, v);
    const allowed = new Set([...this.inputs.map((i) => i.name), ...this.defaults.keys()]);
    for (const [name, feed] of Object.entries(feeds)) {
      if (!allowed.has(name)) throw new RnnlabError(`${where}: "${name}" is not an input to feed (inputs: ${this.inputs.map((i) => i.name).join(", ") || "none"})`);
      const declared = (this.proto.graph!.input ?? []).map(inputInfo).find((d) => d.name === name) ?? { name, type: null, dims: [] };
      env.set(name, feedValue(feed, declared, where));
    }
    const unfed = this.inputs.find((i) => !env.get(i.name));
    if (unfed) throw new RnnlabError(`${where}: input "${unfed.name}" is not fed (inputs: ${this.inputs.map((i) => i.name).join(", ")})`);
    this.graph.run(env);
    const out: Record<string, Value> = {};
    for (const name of this.outputNames) {
      const v = env.get(name);
      if (!v) throw new RnnlabError(`${where}: graph.output "${name}" was not produced`);
      out[name] = v;
    }
    return out;
  }
}

/** An .onnx file (path) or its bytes as a runnable model. */
export function importOnnx(file: string | Uint8Array, options: OnnxImportOptions = {}): OnnxModel {
  if (typeof file === "string") return new OnnxModel(readOnnxModel(file), file, options);
  if (file instanceof Uint8Array) return new OnnxModel(decodeOnnx(file, "<bytes>"), "<bytes>", options);
  throw new RnnlabError(`importOnnx: file must be a path or the bytes of an .onnx file, got ${typeof file}`);
}

