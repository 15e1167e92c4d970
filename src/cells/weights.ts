// Parameter specs shared by all cells (PyTorch names and layout, weights (G, in)), and the
// typed view object a cell computes with.
import type { ParamSpec, Views } from "../params/layout.ts";
import type { CellConfig } from "./config.ts";
import type { CellWeights } from "./cell.ts";

export function cellParamSpecs(cfg: CellConfig): ParamSpec[] {
  const { inputSize: D, hiddenSize: H, gateRows: G, outputSize: R, projSize: P } = cfg;
  const specs: ParamSpec[] = [{ name: "weightIh", shape: [G, D] }, { name: "weightHh", shape: [G, R] }];
  if (cfg.biases >= 1) specs.push({ name: "biasIh", shape: [G] });
  if (cfg.biases === 2) specs.push({ name: "biasHh", shape: [G] });
  if (cfg.kind === "lstm" && cfg.usePeepholes) specs.push({ name: "peep", shape: [3 * H] });
  if (cfg.kind === "lstm" && P > 0) specs.push({ name: "weightHr", shape: [P, H] });
  return specs;
}

export function cellWeights(cfg: CellConfig, v: Views): CellWeights {
  const H = cfg.hiddenSize, gru = cfg.kind === "gru";
  const biasHh = v.biasHh ?? null;
  return {
    weightIh: v.weightIh, weightHh: v.weightHh, biasIh: v.biasIh ?? null, biasHh,
    peep: v.peep ?? null, weightHr: v.weightHr ?? null,
    weightHhRZ: gru ? v.weightHh.subarray(0, 2 * H * H) : null,
    weightHhN: gru ? v.weightHh.subarray(2 * H * H) : null,
    biasHhRZ: gru && biasHh ? biasHh.subarray(0, 2 * H) : null,
    biasHhN: gru && biasHh ? biasHh.subarray(2 * H) : null,
  };
}
