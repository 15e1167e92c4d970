// The GRU step (Cho et al. 2014), gate order r, z, n, both formulas:
//   resetAfter (PyTorch, cuDNN, Keras reset_after=True):  n = act(xz_n + r ⊙ (h_{t−1} W_hnᵀ + b_hn))
//   reset before (TF-1 GRUCell, Keras reset_after=False):  n = act(xz_n + (r ⊙ h_{t−1}) W_hnᵀ + b_hn)
//   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}   (TF-1 writes u ⊙ h + (1 − u) ⊙ c: the same with u = z)
// The r/z recurrent projection is one GEMM; the n projection is a second one because, reset
// before, its input r ⊙ h_{t−1} exists only after the gates.
import type { Kernels } from "../kernels/types.ts";
import type { CellConfig } from "./config.ts";
import type { Cell, CellWeights, StepGrads, StepSaved } from "./cell.ts";
import { cellCommon } from "./input-side.ts";

export function gruCell(cfg: CellConfig): Cell {
  const { hiddenSize: H, resetAfter, act, gateAct } = cfg;
  return {
    ...cellCommon(cfg),

    forward(k: Kernels, w: CellWeights, s: StepSaved, B: number) {
      if (w.biasHhRZ) { k.fillRows(s.hRZ, w.biasHhRZ, B, 2 * H); k.fillRows(s.hN, w.biasHhN!, B, H); }
      else { s.hRZ.fill(0); s.hN.fill(0); }
      k.gemmNT(s.hRZ, s.hPrev, w.weightHhRZ!, B, 2 * H, H);
      k.gruGatesForward(s.gates, s.rh, s.xz, s.hRZ, s.hPrev, B, H, gateAct);
      k.gemmNT(s.hN, resetAfter ? s.hPrev : s.rh, w.weightHhN!, B, H, H);
      k.gruCandidateForward(s.gates, s.h, s.xz, s.hN, s.hPrev, B, H, resetAfter, act);
    },

    backward(k: Kernels, w: CellWeights, _dw: CellWeights, s: StepSaved, d: StepGrads, B: number) {
      d.dxz.fill(0); d.dhRZ.fill(0); d.dhN.fill(0);
      k.gruCandidateBackward(d.dxz, d.dhRZ, d.dhN, d.dhPrev, d.dh, s.gates, s.hN, s.hPrev, B, H, resetAfter, gateAct, act);
      if (resetAfter) {
        k.gemmNN(d.dhPrev, d.dhN, w.weightHhN!, B, H, H);  // backprop into h_{t−1} through W_hn
      } else {
        d.dRh.fill(0);
        k.gemmNN(d.dRh, d.dhN, w.weightHhN!, B, H, H);     // backprop into r ⊙ h_{t−1}
        k.gruResetBackward(d.dxz, d.dhRZ, d.dhPrev, d.dRh, s.gates, s.hPrev, B, H, gateAct);
      }
      k.gemmNN(d.dhPrev, d.dhRZ, w.weightHhRZ!, B, H, 2 * H); // backprop into h_{t−1} through W_hr, W_hz
    },

    weightBackward(k: Kernels, dw: CellWeights, s: StepSaved, d: StepGrads, rows: number) {
      k.gemmTN(dw.weightHhRZ!, d.dhRZ, s.hPrev, 2 * H, H, rows);
      k.gemmTN(dw.weightHhN!, d.dhN, resetAfter ? s.hPrev : s.rh, H, H, rows);
      if (dw.biasHhRZ) { k.sumRows(dw.biasHhRZ, d.dhRZ, rows, 2 * H); k.sumRows(dw.biasHhN!, d.dhN, rows, H); }
    },
  };
}
