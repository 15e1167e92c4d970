// The LSTM step (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), gate
// order i, f, g, o. One implementation covers PyTorch's LSTM (two biases, projSize) and TF-1's
// BasicLSTMCell / LSTMCell (forgetBias added at run time, peepholes, cellClip, numProj, projClip):
//   z = x W_ihᵀ + b_ih + h_{t−1} W_hhᵀ + b_hh      (the pointwise part: src/kernels/*/lstm-pointwise)
//   m_t = o ⊙ act(c_t);   h_t = clip(m_t W_hrᵀ) with a projection, else h_t = m_t
import type { Kernels, LstmPointwiseOpts } from "../kernels/types.ts";
import type { CellConfig } from "./config.ts";
import type { Cell, CellWeights, StepGrads, StepSaved } from "./cell.ts";
import { cellCommon } from "./input-side.ts";

export function lstmCell(cfg: CellConfig): Cell {
  const { hiddenSize: H, gateRows: G, outputSize: R, projSize: P, projClip } = cfg;
  const opts: LstmPointwiseOpts = {
    forgetBias: cfg.forgetBias, cellClip: cfg.cellClip ?? -1, gateAct: cfg.gateAct, cellAct: cfg.act,
  };
  return {
    ...cellCommon(cfg),

    forward(k: Kernels, w: CellWeights, s: StepSaved, B: number) {
      k.gemmNT(s.xz, s.hPrev, w.weightHh, B, G, R);      // z = xz + h_{t−1} W_hhᵀ, in place
      k.lstmForward(s.gates, s.c, s.m, s.xz, s.cPrev, w.peep, B, H, opts);
      if (P === 0) return;                                // m is h
      const proj = projClip === null ? s.h : s.hRaw;
      proj.fill(0);
      k.gemmNT(proj, s.m, w.weightHr!, B, P, H);          // h = m W_hrᵀ
      if (projClip !== null) k.clipForward(s.h, s.hRaw, projClip, B * P);
    },

    backward(k: Kernels, w: CellWeights, dw: CellWeights, s: StepSaved, d: StepGrads, B: number) {
      let dm = d.dh;
      if (P > 0) {
        if (projClip !== null) {                          // clip_by_value passes inside the bounds
          d.dhRaw.fill(0);
          k.clipBackward(d.dhRaw, d.dh, s.hRaw, projClip, B * P);
        } else {
          d.dhRaw.set(d.dh);                              // kept for weightBackward's dW_hr
        }
        d.dm.fill(0);
        k.gemmNN(d.dm, d.dhRaw, w.weightHr!, B, H, P);    // backprop into m through W_hr
        dm = d.dm;
      }
      d.dxz.fill(0);
      k.lstmBackward(d.dxz, d.dcPrev, dw.peep, dm, d.dc, s.gates, s.c, s.cPrev, w.peep, B, H, opts);
      k.gemmNN(d.dhPrev, d.dxz, w.weightHh, B, R, G);    // backprop into h_{t−1}
    },

    weightBackward(k: Kernels, dw: CellWeights, s: StepSaved, d: StepGrads, rows: number) {
      k.gemmTN(dw.weightHh, d.dxz, s.hPrev, G, R, rows); // dW_hh += dzᵀ h_{t−1}
      if (P > 0) k.gemmTN(dw.weightHr!, d.dhRaw, s.m, P, H, rows); // dW_hr += dhᵀ m
    },
  };
}
