// The playground's network: [Embedding] → one recurrent layer → Dense head, like SequenceModel
// (src/train/model.ts) but built from the parts one level down (a Cell, its LayerRun time loop,
// a single-step StepSaved) so that the page can show what SequenceModel keeps inside:
//   - any cell the library has, including LSTM peepholes (SequenceModel's PyTorch-style LSTM has none);
//   - the gate activations of one sequence, step by step (traceGates);
//   - the gradient that reaches each time step in the last training step (gradFlow).
// Time-major throughout: row t·B + b is step t of batch row b.
import type { Buf, Kernels } from "../kernels/types.ts";
import { Owned } from "../kernels/owner.ts";
import { allocStep, createCell, type Cell, type CellKind, type CellWeights, type StepSaved } from "../cells/index.ts";
import { allocFlat, planLayout, type FlatParams } from "../params/layout.ts";
import { initCellParams } from "../params/init-schemes.ts";
import { LayerRun } from "../seq/layer-run.ts";
import { Dense } from "../layers/dense.ts";
import { Embedding } from "../layers/embedding.ts";
import { meanSquaredError, softmaxCrossEntropy } from "../train/losses.ts";
import type { ParamGroup } from "../train/optim.ts";
import type { Batch } from "../train/batch.ts";

export interface NetConfig {
  cell: CellKind;
  peepholes: boolean;
  /** LSTM / GRU gates (default sigmoid) */
  gateActivation?: "sigmoid" | "tanh";
  hiddenSize: number;
  inputKind: "features" | "tokens";
  /** features per step, or the vocabulary size */
  inputSize: number;
  /** token inputs: embedding width */
  embeddingDim: number;
  outputSize: number;
  head: "last" | "every";
  loss: "class" | "value";
  seed: number;
}

/** The buffers of one batch shape (T, B), planned once. */
interface Plan { run: LayerRun; owned: Owned; headIn: Buf; preds: Buf; dPreds: Buf; dHead: Buf; dY: Buf; dX: Buf | null }

export interface GateTrace {
  /** gate names in row order: LSTM i, f, g, o; GRU r, z, n; RNN h (the state itself: it has no gates) */
  names: string[];
  hiddenSize: number;
  /** per step t, the activated gates (G values, gate-major) */
  steps: Float32Array[];
}

export class PlaygroundNet {
  readonly cell: Cell;
  readonly params: FlatParams;
  readonly grads: FlatParams;
  readonly embedding: Embedding | null;
  readonly fc: Dense;
  private readonly w: CellWeights;
  private readonly dw: CellWeights;
  private readonly plans = new Map<string, Plan>();
  private last: { plan: Plan; batch: Batch } | null = null;
  /** gradient flow of the last *training* backward, kept apart from `last`: evaluation and sample
   *  forwards replace `last` (and their plans' dXZ hold nothing), so it is computed when it exists */
  private trainedFlow: Float64Array = new Float64Array(0);
  private one: { saved: StepSaved; bufs: Buf[]; owned: Owned; logits: Buf } | null = null;

  constructor(readonly config: NetConfig, readonly k: Kernels) {
    const c = config, D = c.inputKind === "tokens" ? c.embeddingDim : c.inputSize;
    this.cell = createCell(c.cell, { inputSize: D, hiddenSize: c.hiddenSize, ...(c.cell === "lstm" ? { usePeepholes: c.peepholes } : {}),
      ...(c.cell !== "rnn" && c.gateActivation === "tanh" ? { gateActivation: "tanh" as const } : {}) });
    const layout = planLayout(this.cell.specs);
    this.params = allocFlat(k, layout, "float32");
    this.grads = allocFlat(k, layout, "float32");
    initCellParams(this.cell.config, this.params.views, "torch", c.seed);   // U(−1/√H, 1/√H), peepholes too
    this.w = this.cell.weights(this.params.views);
    this.dw = this.cell.weights(this.grads.views);
    this.embedding = c.inputKind === "tokens" ? new Embedding({ numEmbeddings: c.inputSize, embeddingDim: c.embeddingDim, seed: c.seed + 1, kernels: k }) : null;
    this.fc = new Dense({ inputSize: c.hiddenSize, outputSize: c.outputSize, seed: c.seed + 2, kernels: k });
  }

  /** the cell's typed weights (for analysis functions that run the cell themselves, e.g. gateStats) */
  get weights(): CellWeights { return this.w; }

  /** The inputs the cell sees for one sequence (T, 1, D): features as they are, tokens embedded. */
  cellInput(input: ArrayLike<number>, T: number): Float32Array {
    const D = this.cell.config.inputSize, x = new Float32Array(T * D);
    if (this.embedding) this.embedding.forward(x, Int32Array.from({ length: T }, (_, t) => input[t]));
    else for (let i = 0; i < T * D; i++) x[i] = input[i];
    return x;
  }

  groups(): ParamGroup[] {
    const g: ParamGroup[] = [{ name: "rnn", params: this.params.flat, grads: this.grads.flat }];
    if (this.embedding) g.push({ name: "emb", params: this.embedding.params.flat, grads: this.embedding.grads.flat });
    g.push({ name: "fc", params: this.fc.params.flat, grads: this.fc.grads.flat });
    return g;
  }

  paramCount(): number { return this.groups().reduce((n, g) => n + g.params.length, 0); }

  /** Every tensor with its values and last gradients, named like SequenceModel's state dict. */
  tensors(): { name: string; shape: number[]; values: Buf; grads: Buf }[] {
    const out: { name: string; shape: number[]; values: Buf; grads: Buf }[] = [];
    const add = (prefix: string, p: FlatParams, g: FlatParams) => {
      for (const s of p.layout.specs) out.push({ name: `${prefix}.${s.name}`, shape: [...s.shape], values: p.views[s.name], grads: g.views[s.name] });
    };
    if (this.embedding) add("emb", this.embedding.params, this.embedding.grads);
    add("rnn", this.params, this.grads);
    add("fc", this.fc.params, this.fc.grads);
    return out;
  }

  private planFor(T: number, B: number): Plan {
    const key = `${T}x${B}`;
    let plan = this.plans.get(key);
    if (plan) { this.plans.delete(key); this.plans.set(key, plan); return plan; }
    const c = this.config, H = c.hiddenSize, O = c.outputSize, owned = new Owned(this.k, "float32");
    const rows = c.head === "every" ? T * B : B;
    plan = {
      run: new LayerRun(this.k, this.cell, T, B, "float32"), owned,
      headIn: owned.alloc(rows * H), preds: owned.alloc(rows * O), dPreds: owned.alloc(rows * O),
      dHead: owned.alloc(rows * H), dY: owned.alloc(T * B * H), dX: this.embedding ? owned.alloc(T * B * c.embeddingDim) : null,
    };
    this.plans.set(key, plan);
    if (this.plans.size > 20) {                           // names batches come in ~16 lengths; give the oldest back
      const [oldKey, old] = this.plans.entries().next().value!;
      old.run.dispose(); old.owned.freeAll(); this.plans.delete(oldKey);
    }
    return plan;
  }

  /** Forward one batch; the head's outputs (rows, outputSize), rows = B ("last") or T·B ("every"). */
  forward(batch: Batch): { preds: Buf; rows: number } {
    const c = this.config, H = c.hiddenSize, { T, B } = batch.input;
    const plan = this.planFor(T, B), { run } = plan;
    if (batch.input.kind === "tokens") this.embedding!.forward(run.X, batch.input.ids);
    else run.X.set(batch.input.x);
    run.forward(this.w, null, null, batch.lengths);
    const outputs = run.outputs;                          // (T·B, H), 0 past each row's length
    let rows = T * B;
    if (c.head === "every") plan.headIn.set(outputs.subarray(0, T * B * H));
    else {
      rows = B;
      for (let b = 0; b < B; b++) {                       // each row's last valid output
        const t = (batch.lengths ? batch.lengths[b] : T) - 1;
        plan.headIn.set(outputs.subarray((t * B + b) * H, (t * B + b + 1) * H), b * H);
      }
    }
    this.fc.forward(plan.preds, plan.headIn, rows);
    this.last = { plan, batch };
    return { preds: plan.preds, rows };
  }

  /** Loss of the last forward (dPreds written when `backward`), then BPTT into every gradient. */
  backward(backward = true): number {
    if (!this.last) throw new Error("PlaygroundNet.backward: call forward first");
    const { plan, batch } = this.last, c = this.config, H = c.hiddenSize, O = c.outputSize, { T, B } = batch.input;
    const rows = c.head === "every" ? T * B : B, t = batch.target;
    const dPreds = backward ? plan.dPreds : null;
    let loss: number;
    if (t.kind === "class" || t.kind === "classPerStep") loss = softmaxCrossEntropy(dPreds, plan.preds, t.labels, rows, O).loss;
    else {
      let mask: Uint8Array | undefined;
      if (c.head === "every" && batch.lengths) {          // steps past a row's length are not scored
        mask = new Uint8Array(rows * O);
        for (let i = 0; i < rows * O; i++) mask[i] = Math.floor(i / O / B) < batch.lengths[Math.floor(i / O) % B] ? 1 : 0;
      }
      loss = meanSquaredError(dPreds, plan.preds, t.values, rows * O, mask).loss;
    }
    if (!backward) return loss;
    plan.dHead.fill(0);                                   // Dense.backward accumulates into dx
    this.fc.backward(plan.dHead, plan.dPreds, plan.headIn, rows);
    if (c.head === "every") plan.dY.set(plan.dHead.subarray(0, T * B * H));
    else {
      plan.dY.fill(0);                                    // only each row's last valid step gets a gradient
      for (let b = 0; b < B; b++) {
        const tt = (batch.lengths ? batch.lengths[b] : T) - 1;
        plan.dY.set(plan.dHead.subarray(b * H, (b + 1) * H), (tt * B + b) * H);
      }
    }
    if (plan.dX) plan.dX.fill(0);                         // LayerRun.backward accumulates into dX
    plan.run.backward(this.w, this.dw, plan.dY, null, null, plan.dX);
    if (this.embedding && batch.input.kind === "tokens") this.embedding.backward(plan.dX!, batch.input.ids);
    this.trainedFlow = this.flowOf(plan, batch);
    return loss;
  }

  zeroGrad(): void { for (const g of this.groups()) g.grads.fill(0); }

  /**
   * Gradient flow through time of the last backward: for each step t, the mean over the batch
   * rows of ‖∂L/∂z_t‖, z_t being the cell's pre-activations (LayerRun.dXZ). With the loss on the
   * last step only (adding, MNIST) it shows how much of the error signal reaches early steps.
   * Only a backward with gradients counts: forwards for the test metric or a sample do not change it.
   */
  gradFlow(): Float64Array { return this.trainedFlow.slice(); }

  private flowOf(plan: Plan, batch: Batch): Float64Array {
    const { T, B } = batch.input, G = this.cell.config.gateRows, dXZ = plan.run.dXZ;
    const out = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      let sum = 0;
      for (let b = 0; b < B; b++) {
        let sq = 0;
        for (let g = 0, i = (t * B + b) * G; g < G; g++, i++) sq += dXZ[i] * dXZ[i];
        sum += Math.sqrt(sq);
      }
      out[t] = sum / B;
    }
    return out;
  }

  // ---- one step at a time (gate traces, sampling) ----

  private single() {
    if (!this.one) {
      const owned = new Owned(this.k, "float32"), { saved, grads } = allocStep(this.k, this.cell.config, 1, "float32");
      const bufs = [...new Set([...Object.values(saved), ...Object.values(grads)])];   // (m may alias h)
      this.one = { saved, bufs, owned, logits: owned.alloc(this.config.outputSize) };
    }
    return this.one;
  }

  /**
   * One step for one sequence: x (D) features or a token id, from state (h, c) (zeros when null).
   * Returns the head's output for this step and the new state (copies) and the activated gates (a view).
   */
  step(x: ArrayLike<number> | number, state: { h: Float32Array; c: Float32Array } | null) {
    const { saved: s, logits } = this.single(), cfg = this.cell.config;
    if (typeof x === "number") this.embedding!.forward(s.x, Int32Array.of(x));
    else s.x.set(x);
    if (state) { s.hPrev.set(state.h); if (cfg.kind === "lstm") s.cPrev.set(state.c); } else { s.hPrev.fill(0); s.cPrev.fill(0); }
    this.cell.projectInput(this.k, this.w, s.xz, s.x, 1);
    this.cell.forward(this.k, this.w, s, 1);
    this.fc.forward(logits, s.h, 1);
    return { out: Float32Array.from(logits), state: { h: Float32Array.from(s.h), c: Float32Array.from(s.c) }, gates: s.gates, h: s.h };
  }

  /** The activated gates at every step of one sequence (T steps of D features, or T token ids). */
  traceGates(input: ArrayLike<number>, T: number): GateTrace & { outputs: Float32Array[] } {
    const kind = this.cell.config.kind, D = this.config.inputSize, tokens = this.config.inputKind === "tokens";
    const steps: Float32Array[] = [], outputs: Float32Array[] = [];
    let state: { h: Float32Array; c: Float32Array } | null = null;
    for (let t = 0; t < T; t++) {
      const r = this.step(tokens ? input[t] : Array.prototype.slice.call(input, t * D, (t + 1) * D) as number[], state);
      steps.push(Float32Array.from(kind === "rnn" ? r.h : r.gates));
      outputs.push(r.out);
      state = r.state;
    }
    const names = kind === "lstm" ? ["i", "f", "g", "o"] : kind === "gru" ? ["r", "z", "n"] : ["h"];
    return { names, hiddenSize: this.config.hiddenSize, steps, outputs };
  }

  dispose(): void {
    for (const p of this.plans.values()) { p.run.dispose(); p.owned.freeAll(); }
    this.plans.clear();
    if (this.one) { this.one.owned.freeAll(); for (const b of this.one.bufs) this.k.free(b); this.one = null; }
    for (const g of this.groups()) { this.k.free(g.params); this.k.free(g.grads); }
  }
}
