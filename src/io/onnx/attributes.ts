// Strict reading of a node's attributes: every attribute the node carries must be one the
// operator defines (for the model's opset) with the declared type, given once; anything else is a
// RnnlabError naming the node, the attribute and its value. So no attribute is ever read past.
import { RnnlabError } from "../../errors.ts";
import { AttributeType, type AttributeProto, type NodeProto, type TensorProto, type GraphProto } from "./schema.ts";

export type AttrKind = "int" | "float" | "string" | "ints" | "floats" | "strings" | "tensor" | "graph";
const TYPE_OF: Record<AttrKind, number> = {
  int: AttributeType.INT, float: AttributeType.FLOAT, string: AttributeType.STRING, ints: AttributeType.INTS,
  floats: AttributeType.FLOATS, strings: AttributeType.STRINGS, tensor: AttributeType.TENSOR, graph: AttributeType.GRAPH,
};
const KIND_OF_TYPE = Object.fromEntries(Object.entries(TYPE_OF).map(([k, v]) => [v, k])) as Record<number, AttrKind>;
const text = new TextDecoder();

/** `node "LSTM_0" (LSTM)` */
export const nodeLabel = (n: NodeProto): string => `node "${n.name ?? ""}" (${n.opType ?? "?"})`;

/** An attribute's value for messages: 0.5, "reverse", [Sigmoid,Tanh], <tensor>. */
export function showAttr(a: AttributeProto): string {
  switch (a.type) {
    case AttributeType.INT: return String(a.i ?? 0);
    case AttributeType.FLOAT: return String(a.f ?? 0);
    case AttributeType.STRING: return JSON.stringify(text.decode(a.s ?? new Uint8Array()));
    case AttributeType.INTS: return `[${(a.ints ?? []).join(",")}]`;
    case AttributeType.FLOATS: return `[${(a.floats ?? []).join(",")}]`;
    case AttributeType.STRINGS: return `[${(a.strings ?? []).map((s) => JSON.stringify(text.decode(s))).join(",")}]`;
    default: return `<${KIND_OF_TYPE[a.type ?? 0] ?? `type ${a.type ?? 0}`}>`;
  }
}

export class NodeAttrs {
  private readonly byName = new Map<string, AttributeProto>();

  /** `known`: the attributes this operator defines here, with their types. */
  constructor(readonly node: NodeProto, readonly where: string, known: Record<string, AttrKind>, readonly opset?: number) {
    for (const a of node.attribute ?? []) {
      const name = a.name ?? "";
      const bad = (why: string): never => { throw new RnnlabError(`${where}: ${nodeLabel(node)} attribute ${name} = ${showAttr(a)} ${why}`); };
      if (a.refAttrName) bad(`refers to a function attribute ("${a.refAttrName}"); only plain values are supported`);
      if (!(name in known)) {
        throw new RnnlabError(`${where}: ${nodeLabel(node)} attribute ${name} = ${showAttr(a)} is not supported `
          + `(${node.opType}${opset !== undefined ? ` in opset ${opset}` : ""} has: ${Object.keys(known).join(", ") || "no attributes"})`);
      }
      if (this.byName.has(name)) bad("is given twice");
      if (a.type !== TYPE_OF[known[name]]) {
        bad(`has type ${KIND_OF_TYPE[a.type ?? 0] ?? a.type ?? "UNDEFINED"}, expected ${known[name]}`);
      }
      this.byName.set(name, a);
    }
  }

  has(name: string): boolean { return this.byName.has(name); }

  refuse(name: string, why: string): never {
    const a = this.byName.get(name);
    throw new RnnlabError(`${this.where}: ${nodeLabel(this.node)} attribute ${name}${a ? ` = ${showAttr(a)}` : ""} ${why}`);
  }

  int(name: string): number | undefined { return this.byName.get(name)?.i ?? (this.has(name) ? 0 : undefined); }
  float(name: string): number | undefined { return this.byName.get(name)?.f ?? (this.has(name) ? 0 : undefined); }
  string(name: string): string | undefined {
    const a = this.byName.get(name);
    return a ? text.decode(a.s ?? new Uint8Array()) : undefined;
  }
  ints(name: string): number[] | undefined { return this.has(name) ? [...(this.byName.get(name)!.ints ?? [])] : undefined; }
  floats(name: string): number[] | undefined { return this.has(name) ? [...(this.byName.get(name)!.floats ?? [])] : undefined; }
  strings(name: string): string[] | undefined {
    return this.has(name) ? (this.byName.get(name)!.strings ?? []).map((s) => text.decode(s)) : undefined;
  }
  tensor(name: string): TensorProto | undefined { return this.byName.get(name)?.t; }
  graph(name: string): GraphProto | undefined { return this.byName.get(name)?.g; }
}
