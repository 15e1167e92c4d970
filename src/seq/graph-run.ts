// The time loop of a user-defined cell: its traced step graph (src/graph/) run over T steps of B
// rows, forward and in reverse, with the same contract as LayerRun for built-in cells (inputs X,
// outputs, final state, BPTT, sequence lengths with copy-through, dropout masks). The state
// travels as one flat row per batch row, its parts side by side (LayerState.h; c is unused).
//
// Forward:  fixed nodes once; hoisted nodes once over all T·B rows; for t: stepped nodes on B rows,
//           then output → Y_t and each new state part → S_{t+1} (rows with t ≥ len: state copied
//           through, output 0, as TF-1 rnn.py _rnn_step).
// Backward: for t = T−1 … 0: cotangents of y_t and s_{t+1} into the step's nodes, stepped nodes in
//           reverse order (gradients into stepped inputs and s_t only); then each stepped node's
//           gradients into hoisted inputs and variables over all T·B rows at once, then the hoisted
//           and fixed nodes in reverse. Every gradient buffer is planned here: the loops allocate nothing.
import type { Buf, Dtype, Kernels } from "../kernels/types.ts";
import { Owned } from "../kernels/owner.ts";
import type { Views } from "../params/layout.ts";
import type { GraphNode, NodeCall } from "../graph/graph.ts";
import type { TracedCell } from "../graph/traced-cell.ts";
import type { LayerMasks } from "./layer-run.ts";

interface NodeBufs { val: Buf; grad: Buf | null; aux: Buf; rows: number; width: number; auxW: number }

export class GraphRun {
  readonly X: Buf;              // (T·B, D)
  private readonly Y: Buf;      // (T·B, R) outputs
  private readonly dY: Buf;     // (T·B, R)
  private dXg: Buf | null = null; // (T·B, D) ∂L/∂(masked input), made by the first backward
  private readonly S: Buf[];    // per state part ((T+1)·B, w_p): S[p] rows t·B… = the state before step t
  private readonly dS: Buf[][]; // per part: ping-pong (B, w_p) cotangents of s_{t+1} / s_t
  private readonly hNBuf: Buf;  // (B, S) final state, parts side by side
  private readonly dh0Buf: Buf; // (B, S)
  private readonly bufs: (NodeBufs | null)[];
  private readonly calls: NodeCall[][]; // per node: its call at B rows [0] and at T·B rows [1]
  private lengths: Int32Array | null = null;
  private masks: LayerMasks = { input: null, output: null, state: null };
  private readonly dropWidth: number;
  private readonly owned: Owned;
  private w: Views = {};
  private dw: Views = {};
  private backwards = 0;
  // views made once (a subarray of a wasm-arena array is not free): per node, per step
  private readonly valAt: (Buf[] | null)[];
  private gradAt: (Buf[] | null)[] = [];
  private readonly auxAt: (Buf[] | null)[];
  private readonly Yt: Buf[]; private readonly dYt: Buf[]; private readonly St: Buf[][];

  constructor(readonly k: Kernels, readonly cell: TracedCell, readonly T: number, readonly B: number, readonly dtype: Dtype) {
    const { inputSize: D, outputSize: R, stateWidth } = cell.config, TB = T * B;
    const own = (this.owned = new Owned(k, dtype));
    this.X = own.alloc(TB * D); this.Y = own.alloc(TB * R); this.dY = own.alloc(TB * R);
    this.S = cell.stateWidths.map((w) => own.alloc((TB + B) * w));
    this.dS = cell.stateWidths.map((w) => [own.alloc(B * w), own.alloc(B * w)]);
    this.hNBuf = own.alloc(B * stateWidth); this.dh0Buf = own.alloc(B * stateWidth);
    this.dropWidth = cell.stateWidths.reduce((s, w, p) => s + (cell.droppable[p] ? w : 0), 0);
    const { plan } = cell;
    this.bufs = plan.nodes.map((n) => {
      if (!n.op) return null;
      const rows = n.shape.batch ? TB : n.shape.rows, width = n.shape.cols;
      const auxW = n.op.auxCols?.(n.attrs, n.inputs.map((i) => plan.nodes[i].shape)) ?? 0;
      return { val: own.alloc(rows * width), grad: null, aux: own.alloc(Math.max(1, rows * auxW)), rows, width, auxW };
    });
    const call = (n: GraphNode, batchRows: number): NodeCall => {
      const ins = n.inputs.map((i) => plan.nodes[i].shape);
      return { rows: n.shape.batch ? batchRows : n.shape.rows, inRows: ins.map((s) => (s.batch ? batchRows : s.rows)), ins, out: n.shape, attrs: n.attrs };
    };
    this.calls = plan.nodes.map((n) => [call(n, B), call(n, TB)]);
    const steps = (buf: Buf, width: number, count = T) => Array.from({ length: count }, (_, t) => buf.subarray(t * B * width, (t + 1) * B * width));
    this.valAt = plan.nodes.map((n) => {
      if (n.leaf === "input") return steps(this.X, D);
      if (n.leaf === "state") return steps(this.S[n.leafIndex], n.shape.cols);
      const b = this.bufs[n.id];
      return b && n.shape.batch ? steps(b.val, b.width) : null;
    });
    this.auxAt = plan.nodes.map((n) => {
      const b = this.bufs[n.id];
      return b && n.shape.batch && b.auxW > 0 ? steps(b.aux, b.auxW) : null;
    });
    this.Yt = steps(this.Y, R); this.dYt = steps(this.dY, R);
    this.St = cell.stateWidths.map((w, p) => steps(this.S[p], w, T + 1));
  }

  get outputs(): Buf { return this.Y; }
  get hN(): Buf { return this.hNBuf; }
  get cN(): Buf { return this.hNBuf.subarray(0, 0); }
  get dh0(): Buf { return this.dh0Buf; }
  get dc0(): Buf { return this.dh0Buf.subarray(0, 0); }
  /** width of the state dropout mask: the parts a DropoutWrapper drops */
  get stateDropWidth(): number { return this.dropWidth; }

  dispose(): void { this.owned.freeAll(); }
  setMasks(masks: LayerMasks): void { this.masks = masks; }

  // ---- where each node's value and gradient live ----
  /** value of node n as seen at step t (B rows), or over all steps (t = -1, T·B rows) */
  private val(n: GraphNode, t: number): Buf {
    if (n.leaf === "variable") return this.w[n.name];
    if (t >= 0 && this.valAt[n.id]) return this.valAt[n.id]![t];
    if (n.leaf === "input") return this.X;
    if (n.leaf === "state") return this.S[n.leafIndex].subarray(0, this.T * this.B * n.shape.cols);
    return this.bufs[n.id]!.val;
  }
  private aux(n: GraphNode, t: number): Buf {
    return t >= 0 && this.auxAt[n.id] ? this.auxAt[n.id]![t] : this.bufs[n.id]!.aux;
  }
  /** gradient buffer of node n for step t, or over all steps (t = -1); `cur` = the ping-pong index of s_t */
  private grad(n: GraphNode, t: number, cur: number): Buf {
    if (n.leaf === "variable") return this.dw[n.name];
    if (n.leaf === "state") return this.dS[n.leafIndex][cur];
    if (t >= 0 && this.gradAt[n.id]) return this.gradAt[n.id]![t];
    return n.leaf === "input" ? this.dXg! : this.bufs[n.id]!.grad!;
  }

  private run(n: GraphNode, t: number): void {
    const ins = n.inputs.map((i) => this.val(this.cell.plan.nodes[i], t));
    n.op!.forward(this.k, this.val(n, t), ins, this.aux(n, t), this.calls[n.id][t < 0 ? 1 : 0]);
  }

  /** h0 (B, S) flat state or null = zeros; X must hold the inputs. */
  forward(w: unknown, h0: Buf | null, _c0: Buf | null, lengths: Int32Array | null): void {
    const { T, B, cell, masks } = this, nodes = cell.plan.nodes, R = cell.config.outputSize;
    this.w = w as Views;
    this.lengths = lengths && lengths.some((len) => len < T) ? lengths : null;
    unpackParts(this.S, cell.stateWidths, h0, B, 0);
    if (masks.input) for (let i = 0; i < this.X.length; i++) this.X[i] *= masks.input[i];
    for (const n of cell.plan.fixed) this.run(n, -1);
    for (const n of cell.plan.hoisted) this.run(n, -1);
    const outNode = nodes[cell.outputNode], stateNodes = cell.stateNodes.map((i) => nodes[i]);
    for (let t = 0; t < T; t++) {
      for (const n of cell.plan.stepped) this.run(n, t);
      this.finishStep(t, this.val(outNode, t), stateNodes.map((n) => this.val(n, t)), R);
    }
    packParts(this.hNBuf, this.S, cell.stateWidths, B, T);
  }

  /** y_t and s_{t+1} from the step's values: dropout, and copy-through past a row's length. */
  private finishStep(t: number, out: Buf, newState: Buf[], R: number): void {
    const { B, lengths, masks, cell } = this, om = masks.output, sm = masks.state, base = t * B;
    const y = this.Yt[t];
    if (lengths === null && om === null) y.set(out.subarray(0, B * R));          // the common case: plain copies
    else for (let b = 0; b < B; b++) {
      const done = lengths !== null && t >= lengths[b];
      for (let j = 0; j < R; j++) y[b * R + j] = done ? 0 : om ? out[b * R + j] * om[(base + b) * R + j] : out[b * R + j];
    }
    let dropAt = 0;
    cell.stateWidths.forEach((w, p) => {
      const prev = this.St[p][t], next = this.St[p][t + 1], src = newState[p];
      const dropped = sm !== null && cell.droppable[p];
      if (lengths === null && !dropped) next.set(src.subarray(0, B * w));
      else for (let b = 0; b < B; b++) {
        const done = lengths !== null && t >= lengths[b];
        for (let j = 0; j < w; j++) {
          const i = b * w + j;
          next[i] = done ? prev[i] : dropped ? src[i] * sm![(base + b) * this.dropWidth + dropAt + j] : src[i];
        }
      }
      if (dropped) dropAt += w;
    });
  }

  /** BPTT; dY (T·B, R), dhN (B, S) or null; dX (T·B, D) ACCUMULATES (or null); variable gradients ACCUMULATE into dw. */
  backward(w: unknown, dw: unknown, dYIn: Buf | null, dhN: Buf | null, _dcN: Buf | null, dX: Buf | null): void {
    const { T, B, cell, masks, lengths } = this, nodes = cell.plan.nodes, phase = cell.plan.phase, R = cell.config.outputSize;
    this.w = w as Views; this.dw = dw as Views;
    if (this.backwards++ > 0) {                              // fresh buffers come zeroed: clear only on a repeat
      for (const b of this.bufs) b?.grad!.fill(0);
      this.dXg!.fill(0);
    } else this.planGradients();
    if (dYIn) this.dY.set(dYIn); else this.dY.fill(0);
    let cur = 0;                                              // dS[p][cur] = ∂L/∂s_{t+1}
    unpackParts(this.dS.map((pair) => pair[cur]), cell.stateWidths, dhN, B, -1);
    const outNode = nodes[cell.outputNode], stateNodes = cell.stateNodes.map((i) => nodes[i]);
    const om = masks.output, sm = masks.state;
    for (let t = T - 1; t >= 0; t--) {                       // backward in time
      const nxt = cur, prv = 1 - cur;
      this.dS.forEach((pair) => pair[prv].fill(0));
      // cotangents of y_t and s_{t+1}: into the step's values, or straight to s_t for finished rows
      const dOut = this.grad(outNode, t, prv), dYt = this.dYt[t], base = t * B;
      if (lengths === null && om === null) this.k.axpy(dOut, dYt, 1, B * R);
      else for (let b = 0; b < B; b++) {
        if (lengths !== null && t >= lengths[b]) continue;
        for (let j = 0; j < R; j++) dOut[b * R + j] += om ? dYt[b * R + j] * om[(base + b) * R + j] : dYt[b * R + j];
      }
      let dropAt = 0;
      cell.stateWidths.forEach((wp, p) => {
        const dNext = this.dS[p][nxt], dPrev = this.dS[p][prv], dNew = this.grad(stateNodes[p], t, prv);
        const dropped = sm !== null && cell.droppable[p];
        if (lengths === null && !dropped) { this.k.axpy(dNew, dNext, 1, B * wp); return; }
        for (let b = 0; b < B; b++) {
          const done = lengths !== null && t >= lengths[b];
          for (let j = 0; j < wp; j++) {
            const i = b * wp + j;
            if (done) dPrev[i] += dNext[i];                  // copied through: the gradient passes to s_t
            else dNew[i] += dropped ? dNext[i] * sm![(base + b) * this.dropWidth + dropAt + j] : dNext[i];
          }
        }
        if (dropped) dropAt += wp;
      });
      for (let i = cell.plan.stepped.length - 1; i >= 0; i--) {
        const n = cell.plan.stepped[i];
        const dIns = n.inputs.map((j) => (phase[j] === "stepped" ? this.grad(nodes[j], t, prv) : null));
        this.backwardNode(n, dIns, t);
      }
      cur = prv;
    }
    packParts(this.dh0Buf, this.dS.map((pair) => pair[cur]), cell.stateWidths, B, -1);
    // gradients into hoisted values and variables, every step at once
    for (const n of cell.plan.stepped) {
      const dIns = n.inputs.map((j) => (phase[j] !== "stepped" ? this.grad(nodes[j], -1, 0) : null));
      if (dIns.some((d) => d !== null)) this.backwardNode(n, dIns, -1);
    }
    for (const list of [cell.plan.hoisted, cell.plan.fixed]) {
      for (let i = list.length - 1; i >= 0; i--) this.backwardNode(list[i], list[i].inputs.map((j) => this.grad(nodes[j], -1, 0)), -1);
    }
    if (dX) {
      const mask = masks.input;
      const dXg = this.dXg!;
      for (let i = 0; i < dX.length; i++) dX[i] += mask ? dXg[i] * mask[i] : dXg[i];   // backprop through input dropout
    }
  }

  /** The gradient buffers and their per-step views (first backward only). */
  private planGradients(): void {
    const { T, B, cell } = this, own = this.owned;
    this.dXg = own.alloc(T * B * cell.config.inputSize);
    for (const b of this.bufs) if (b) b.grad = own.alloc(b.rows * b.width);
    const steps = (buf: Buf, width: number) => Array.from({ length: T }, (_, t) => buf.subarray(t * B * width, (t + 1) * B * width));
    this.gradAt = cell.plan.nodes.map((n) => {
      if (n.leaf === "input") return steps(this.dXg!, n.shape.cols);
      const b = this.bufs[n.id];
      return b && n.shape.batch ? steps(b.grad!, b.width) : null;
    });
  }

  private backwardNode(n: GraphNode, dIns: (Buf | null)[], t: number): void {
    const nodes = this.cell.plan.nodes;
    const ins = n.inputs.map((i) => this.val(nodes[i], t));
    n.op!.backward(this.k, dIns, this.grad(n, t, 0), this.val(n, t), ins, this.aux(n, t), this.calls[n.id][t < 0 ? 1 : 0]);
  }
}

/** parts[p] rows of step `t` (t = -1: the part buffers are (B, w_p) themselves) = flat (B, S) split, or zeros */
function unpackParts(parts: Buf[], widths: number[], flat: Buf | null, B: number, t: number): void {
  const S = widths.reduce((a, b) => a + b, 0);
  let at = 0;
  widths.forEach((w, p) => {
    const dst = t < 0 ? parts[p] : parts[p].subarray(t * B * w, (t + 1) * B * w);
    for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) dst[b * w + j] = flat ? flat[b * S + at + j] : 0;
    at += w;
  });
}

/** flat (B, S) = the parts side by side, from step t of each part (t = -1: (B, w_p) buffers) */
function packParts(flat: Buf, parts: Buf[], widths: number[], B: number, t: number): void {
  const S = widths.reduce((a, b) => a + b, 0);
  let at = 0;
  widths.forEach((w, p) => {
    const src = t < 0 ? parts[p] : parts[p].subarray(t * B * w, (t + 1) * B * w);
    for (let b = 0; b < B; b++) for (let j = 0; j < w; j++) flat[b * S + at + j] = src[b * w + j];
    at += w;
  });
}
