// The built-in cells' steps written with the step operations, on their internal layout (weights
// (G, in) used as x · Wᵀ, gate order LSTM i, f, g, o and GRU r, z, n; src/cells/). A wrapper that
// is a user-defined cell (ResidualWrapper) runs a built-in cell this way, on the cell's own
// variables. Peepholes, projections and clipping have no step here and are refused by name.
import { RnnlabError } from "../../errors.ts";
import type { CellConfig } from "../../cells/config.ts";
import type { Views } from "../../params/layout.ts";
import type { Value } from "../../graph/graph.ts";
import * as op from "../../graph/ops.ts";
import type { VariableDeclaration } from "../custom-cell.ts";
import type { StateSize } from "../cells.ts";

export interface BuiltinStep {
  stateSize: StateSize;
  outputSize: number;
  /** the internal parameters, plus the GRU's split views of W_hh and b_hh */
  variables: VariableDeclaration[];
  step: (x: Value, state: any, v: Record<string, Value>) => { output: Value; state: any };
}

/** Views named as the step's variables: the cell's own views plus the GRU's splits (r, z rows and n rows). */
export function builtinViews(cfg: CellConfig, v: Views): Views {
  if (cfg.kind !== "gru") return v;
  const H = cfg.hiddenSize, out: Views = { ...v, weightHhRZ: v.weightHh.subarray(0, 2 * H * H), weightHhN: v.weightHh.subarray(2 * H * H) };
  if (v.biasHh) { out.biasHhRZ = v.biasHh.subarray(0, 2 * H); out.biasHhN = v.biasHh.subarray(2 * H); }
  return out;
}

export function builtinStep(fn: string, cfg: CellConfig): BuiltinStep {
  if (cfg.usePeepholes || cfg.projSize > 0 || cfg.cellClip !== null) {
    throw new RnnlabError(`${fn}: a cell with peepholes, a projection or cell clipping cannot be wrapped this way (its step is not written with the step operations)`);
  }
  const { inputSize: D, hiddenSize: H, gateRows: G, biases, kind } = cfg;
  const act = (x: Value) => op.activation(cfg.activation, x), gate = (x: Value) => op.activation(cfg.gateActivation, x);
  const variables: VariableDeclaration[] = [{ name: "weightIh", shape: [G, D] }, { name: "weightHh", shape: [G, H] }];
  if (biases >= 1) variables.push({ name: "biasIh", shape: [G] });
  if (biases === 2) variables.push({ name: "biasHh", shape: [G] });
  /** x · W_ihᵀ + b_ih (+ b_hh where it sits outside every nonlinearity) */
  const inputSide = (x: Value, v: Record<string, Value>, withHh: boolean) => {
    let z = op.matmul(x, v.weightIh, { transposeB: true });
    if (v.biasIh) z = op.add(z, v.biasIh);
    if (withHh && v.biasHh) z = op.add(z, v.biasHh);
    return z;
  };
  if (kind === "rnn") {
    return { stateSize: H, outputSize: H, variables, step: (x, h: Value, v) => {
      const hNew = act(op.add(inputSide(x, v, true), op.matmul(h, v.weightHh, { transposeB: true })));
      return { output: hNew, state: hNew };
    } };
  }
  if (kind === "lstm") {
    return { stateSize: { c: H, h: H }, outputSize: H, variables, step: (x, { c, h }: { c: Value; h: Value }, v) => {
      const [i, f, g, o] = op.split(op.add(inputSide(x, v, true), op.matmul(h, v.weightHh, { transposeB: true })), 4);
      const cNew = op.add(op.mul(gate(op.add(f, cfg.forgetBias)), c), op.mul(gate(i), act(g)));
      const hNew = op.mul(gate(o), act(cNew));
      return { output: hNew, state: { c: cNew, h: hNew } };
    } };
  }
  variables.push({ name: "weightHhRZ", shape: [2 * H, H] }, { name: "weightHhN", shape: [H, H] });
  if (biases === 2) variables.push({ name: "biasHhRZ", shape: [2 * H] }, { name: "biasHhN", shape: [H] });
  return { stateSize: H, outputSize: H, variables, step: (x, h: Value, v) => {
    const [xRZ, xN] = op.split(inputSide(x, v, false), [2 * H, H]);
    let hRZ = op.matmul(h, v.weightHhRZ, { transposeB: true });
    if (v.biasHhRZ) hRZ = op.add(hRZ, v.biasHhRZ);
    const [r, z] = op.split(gate(op.add(xRZ, hRZ)), 2);
    let hN = op.matmul(cfg.resetAfter ? h : op.mul(r, h), v.weightHhN, { transposeB: true });
    if (v.biasHhN) hN = op.add(hN, v.biasHhN);
    const n = act(op.add(xN, cfg.resetAfter ? op.mul(r, hN) : hN));
    const hNew = op.add(op.mul(op.sub(1, z), n), op.mul(z, h));
    return { output: hNew, state: hNew };
  } };
}
