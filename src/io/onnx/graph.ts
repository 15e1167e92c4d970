// A list of ONNX nodes compiled once and run in order over a scope of named values. Used for the
// model's graph and for Scan bodies (which read the enclosing graph's values by name, as ONNX
// subgraphs may). Each node is a recurrent operator (recurrent-node.ts), a Scan (here: it runs a
// compiled body once per step), or one of graph-ops.ts; anything else is refused by name.
import { RnnlabError, fmtShape } from "../../errors.ts";
import { compileOp, type OpRun } from "./graph-ops.ts";
import { planRecurrent, runRecurrent, RECURRENT_OPS, type RecurrentPlan } from "./recurrent-node.ts";
import { NodeAttrs, nodeLabel } from "./attributes.ts";
import type { GraphProto, NodeProto } from "./schema.ts";
import { makeValue, sizeOfDims, valueOfTensor, type Value } from "./values.ts";

/** Named values, falling back to the enclosing scope. */
export class Scope {
  private readonly values = new Map<string, Value>();
  constructor(private readonly parent: Scope | null = null) {}
  get(name: string): Value | undefined { return this.values.get(name) ?? this.parent?.get(name); }
  set(name: string, v: Value): void { this.values.set(name, v); }
}

interface Step { inputs: string[]; outputs: string[]; run: OpRun }

export class CompiledGraph {
  private readonly steps: Step[] = [];
  /** every recurrent node, in order, with what it was mapped to (nested Scan bodies included) */
  readonly recurrent: RecurrentPlan[] = [];

  /** `known`: names readable before the first node (inputs, initializers, the enclosing scope's). */
  constructor(nodes: NodeProto[], known: Set<string>, readonly opset: number, readonly where: string, depth = 0) {
    for (const n of nodes) {
      const label = nodeLabel(n);
      if (n.domain && n.domain !== "ai.onnx") throw new RnnlabError(`${where}: ${label} is in domain "${n.domain}"; only the default ONNX domain is supported`);
      const ins = n.input ?? [], outs = n.output ?? [];
      const missing = ins.find((i) => i && !known.has(i));
      if (missing) throw new RnnlabError(`${where}: ${label} reads "${missing}", which no graph input, initializer or earlier node provides`);
      let run: OpRun;
      if (n.opType && n.opType in RECURRENT_OPS) {
        const plan = planRecurrent(n, opset, where);
        this.recurrent.push(plan);
        run = (vals) => runRecurrent(plan, vals, where);
      } else if (n.opType === "Scan") {
        run = this.compileScan(n, known, depth);
      } else {
        run = compileOp(n, opset, where);
      }
      outs.forEach((o) => o && known.add(o));
      this.steps.push({ inputs: ins, outputs: outs, run });
    }
  }

  run(scope: Scope): void {
    for (const s of this.steps) {
      const results = s.run(s.inputs.map((i) => (i ? scope.get(i)! : null)), scope);
      s.outputs.forEach((o, k) => { if (o && results[k]) scope.set(o, results[k]!); });
    }
  }

  /**
   * Scan (opset ≥ 9): N state variables then M scan inputs; the body maps (states, slices at t) to
   * (new states, K per-step outputs), which are stacked along axis 0. Directions 0 / 1 per scan input
   * and output; scan axes other than 0 are refused.
   */
  private compileScan(n: NodeProto, outer: Set<string>, depth: number): OpRun {
    const where = this.where, label = nodeLabel(n), fail = (why: string): never => { throw new RnnlabError(`${where}: ${label} ${why}`); };
    if (this.opset < 9) fail(`is from opset ${this.opset}; rnnlab runs Scan from opset 9`);
    if (depth >= 8) fail("is nested more than 8 Scans deep");
    const a = new NodeAttrs(n, where, { body: "graph", num_scan_inputs: "int", scan_input_directions: "ints", scan_output_directions: "ints",
      scan_input_axes: "ints", scan_output_axes: "ints" }, this.opset);
    const body: GraphProto = a.graph("body") ?? fail("has no body");
    const M = a.int("num_scan_inputs") ?? fail("has no num_scan_inputs"), ins = n.input ?? [], N = ins.length - M;
    if (!(M >= 1 && N >= 0)) a.refuse("num_scan_inputs", `does not fit ${ins.length} inputs`);
    for (const axes of ["scan_input_axes", "scan_output_axes"]) {
      if ((a.ints(axes) ?? []).some((x) => x !== 0)) a.refuse(axes, "is not supported (only axis 0)");
    }
    const inDirs = a.ints("scan_input_directions") ?? [], outDirs = a.ints("scan_output_directions") ?? [];
    if ([...inDirs, ...outDirs].some((d) => d !== 0 && d !== 1)) fail("scan directions must be 0 or 1");
    const bodyIns = (body.input ?? []).map((i) => i.name ?? ""), bodyOuts = (body.output ?? []).map((o) => o.name ?? "");
    if (bodyIns.length !== ins.length) fail(`body has ${bodyIns.length} inputs for ${ins.length} Scan inputs`);
    const K = bodyOuts.length - N;
    if (K < 0 || (n.output ?? []).length > bodyOuts.length) fail(`body has ${bodyOuts.length} outputs for ${N} state variables`);
    const inits = (body.initializer ?? []).map((t) => [t.name ?? "", valueOfTensor(t, `${where}: ${label} body initializer`)] as const);
    const known = new Set([...outer, ...bodyIns, ...inits.map(([k]) => k)]);
    const graph = new CompiledGraph(body.node ?? [], known, this.opset, `${where}: ${label} body`, depth + 1);
    this.recurrent.push(...graph.recurrent);
    const missing = bodyOuts.find((o) => !known.has(o));
    if (missing) fail(`body output "${missing}" is computed by no node`);
    return (vals, enclosing) => {
      const states = vals.slice(0, N) as Value[], scans = vals.slice(N) as Value[];
      const T = scans[0].dims[0];
      scans.forEach((s, i) => { if (s.dims[0] !== T) fail(`scan input ${i} has shape ${fmtShape(s.dims)}, expected ${T} steps`); });
      const collected: Value[][] = Array.from({ length: K }, () => []);
      for (let t = 0; t < T; t++) {
        const scope = new Scope(enclosing as Scope);
        inits.forEach(([k, v]) => scope.set(k, v));
        states.forEach((s, i) => scope.set(bodyIns[i], s));
        scans.forEach((s, i) => scope.set(bodyIns[N + i], stepOf(s, inDirs[i] === 1 ? T - 1 - t : t)));
        graph.run(scope);
        const outs = bodyOuts.map((o) => scope.get(o)!);
        for (let i = 0; i < N; i++) states[i] = outs[i];
        for (let k = 0; k < K; k++) collected[k].push(outs[N + k]);
      }
      return [...states, ...collected.map((steps, k) => stackSteps(outDirs[k] === 1 ? steps.reverse() : steps, fail))];
    };
  }
}

/** Step t of a value along axis 0. */
function stepOf(v: Value, t: number): Value {
  const dims = v.dims.slice(1), n = sizeOfDims(dims);
  return { type: v.type, dims, data: v.data.slice(t * n, (t + 1) * n) as Value["data"] };
}

function stackSteps(steps: Value[], fail: (w: string) => never): Value {
  if (steps.length === 0) fail("ran zero steps; empty scan outputs are not supported");
  const dims = steps[0].dims, n = sizeOfDims(dims), out = makeValue(steps[0].type, [steps.length, ...dims]);
  steps.forEach((s, t) => {
    if (fmtShape(s.dims) !== fmtShape(dims)) fail(`body gives ${fmtShape(s.dims)} at one step and ${fmtShape(dims)} at another`);
    for (let i = 0; i < n; i++) out.data[t * n + i] = s.data[i];
  });
  return out;
}
