// The simple (Elman) RNN step: h_t = act(x_t W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh)
// (PyTorch nn.RNNCell; TF-1 BasicRNNCell with one bias).
import type { Kernels } from "../kernels/types.ts";
import type { CellConfig } from "./config.ts";
import type { Cell, CellWeights, StepGrads, StepSaved } from "./cell.ts";
import { cellCommon } from "./input-side.ts";

export function rnnCell(cfg: CellConfig): Cell {
  const H = cfg.hiddenSize, act = cfg.act;
  return {
    ...cellCommon(cfg),

    forward(k: Kernels, w: CellWeights, s: StepSaved, B: number) {
      k.gemmNT(s.xz, s.hPrev, w.weightHh, B, H, H);      // z = xz + h_{t−1} W_hhᵀ
      k.actForward(s.h, s.xz, B * H, act);
    },

    backward(k: Kernels, w: CellWeights, dw: CellWeights, s: StepSaved, d: StepGrads, B: number) {
      d.dxz.fill(0);
      k.actBackward(d.dxz, d.dh, s.h, B * H, act);       // dz = dh ⊙ act′(z)
      k.gemmNN(d.dhPrev, d.dxz, w.weightHh, B, H, H);    // backprop into h_{t−1}
    },

    weightBackward(k: Kernels, dw: CellWeights, s: StepSaved, d: StepGrads, rows: number) {
      k.gemmTN(dw.weightHh, d.dxz, s.hPrev, H, H, rows); // dW_hh += dzᵀ h_{t−1}
    },
  };
}
