// Which nodes of a step graph run when. Nodes are already in topological order (a node is
// recorded after its inputs). Three phases:
//   fixed   — computed from variables only: once per call
//   hoisted — batch values that do not depend on the state (x · W_x, a bias added to it, …):
//             once over all T·B rows before the time loop, the way the built-in cells hoist the
//             input projection; their backward runs once over all T·B rows after the reverse loop
//   stepped — everything that depends on the state: once per step (B rows)
// A stepped node's gradient into a hoisted or fixed input (dW = aᵀ·dC for a kernel) is likewise
// deferred and taken over all T·B rows at once: one GEMM instead of T.
import type { Graph, GraphNode } from "./graph.ts";

export type Phase = "fixed" | "hoisted" | "stepped";

export interface GraphPlan {
  nodes: GraphNode[];
  phase: Phase[];
  fixed: GraphNode[];
  hoisted: GraphNode[];
  stepped: GraphNode[];
}

export function planGraph(g: Graph): GraphPlan {
  const phase: Phase[] = [];
  for (const n of g.nodes) {
    if (n.leaf === "variable") phase.push("fixed");
    else if (n.leaf === "input") phase.push("hoisted");
    else if (n.leaf === "state") phase.push("stepped");
    else if (n.inputs.some((i) => phase[i] === "stepped")) phase.push("stepped");
    else if (n.inputs.some((i) => phase[i] === "hoisted")) phase.push("hoisted");
    else phase.push("fixed");
  }
  const ops = (p: Phase) => g.nodes.filter((n) => n.op && phase[n.id] === p);
  return { nodes: g.nodes, phase, fixed: ops("fixed"), hoisted: ops("hoisted"), stepped: ops("stepped") };
}
