// Reference LSTM gate math, gate order i, f, g, o, covering PyTorch's LSTM and TF-1's LSTMCell:
//   i = σ(z_i + w_i ⊙ c_{t−1})            f = σ(z_f + forgetBias + w_f ⊙ c_{t−1})
//   g = act(z_g)                           c_t = clip(f ⊙ c_{t−1} + i ⊙ g)
//   o = σ(z_o + w_o ⊙ c_t)                 m_t = o ⊙ act(c_t)
// (TF-1 rnn_cell_impl.py LSTMCell.call; peepholes after Gers & Schmidhuber 2000: i and f look at
// the old cell, o at the new, clipped one.) σ is opts.gateAct, act is opts.cellAct.
import type { Buf, LstmPointwiseOpts } from "../types.ts";
import { act1, actFn, actGrad1 } from "./activations.ts";

/** gates (B,4H), c (B,H), m (B,H)  <-  z (B,4H) pre-activations, cPrev (B,H), peep (3H) or null */
export function lstmForward(gates: Buf, c: Buf, m: Buf, z: Buf, cPrev: Buf, peep: Buf | null,
                            B: number, H: number, opts: LstmPointwiseOpts): void {
  const { forgetBias, cellClip } = opts, gateAct = actFn(opts.gateAct), cellAct = actFn(opts.cellAct);
  for (let b = 0; b < B; b++) {
    const zb = b * 4 * H, sb = b * H;                  // row b of (B,4H) and of (B,H)
    for (let j = 0; j < H; j++) {
      const cp = cPrev[sb + j];
      const pi = peep ? peep[j] * cp : 0, pf = peep ? peep[H + j] * cp : 0;
      const i = gateAct(z[zb + j] + pi);
      const f = gateAct(z[zb + H + j] + forgetBias + pf);
      const g = cellAct(z[zb + 2 * H + j]);
      let ct = f * cp + i * g;
      if (cellClip >= 0) ct = Math.min(cellClip, Math.max(-cellClip, ct));
      c[sb + j] = ct;
      const ctStored = c[sb + j];                       // the rounded value the next step sees
      const o = gateAct(z[zb + 3 * H + j] + (peep ? peep[2 * H + j] * ctStored : 0));
      gates[zb + j] = i; gates[zb + H + j] = f; gates[zb + 2 * H + j] = g; gates[zb + 3 * H + j] = o;
      m[sb + j] = o * cellAct(ctStored);
    }
  }
}

/** dz (B,4H), dcPrev (B,H), dPeep (3H) ACCUMULATE  <-  dm, dc (B,H); gates, c, cPrev saved by forward */
export function lstmBackward(dz: Buf, dcPrev: Buf, dPeep: Buf | null, dm: Buf, dc: Buf, gates: Buf, c: Buf,
                             cPrev: Buf, peep: Buf | null, B: number, H: number, opts: LstmPointwiseOpts): void {
  const { cellClip, gateAct, cellAct } = opts;
  for (let b = 0; b < B; b++) {
    const zb = b * 4 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const i = gates[zb + j], f = gates[zb + H + j], g = gates[zb + 2 * H + j], o = gates[zb + 3 * H + j];
      const ct = c[sb + j], cp = cPrev[sb + j], dmj = dm[sb + j];
      const ac = act1(ct, cellAct);                     // recomputed: cheaper than saving (B,H) per step
      const dzo = dmj * ac * actGrad1(o, gateAct);      // output gate
      let dct = dc[sb + j] + dmj * o * actGrad1(ac, cellAct); // total gradient into c_t
      if (peep) { dct += dzo * peep[2 * H + j]; dPeep![2 * H + j] += dzo * ct; } // o peeks at c_t
      if (cellClip >= 0) {                               // clip_by_value passes the gradient inside [−clip, clip]
        const raw = f * cp + i * g;
        if (raw < -cellClip || raw > cellClip) dct = 0;
      }
      const dzi = dct * g * actGrad1(i, gateAct);       // input gate
      const dzf = dct * cp * actGrad1(f, gateAct);      // forget gate
      dz[zb + j] += dzi;
      dz[zb + H + j] += dzf;
      dz[zb + 2 * H + j] += dct * i * actGrad1(g, cellAct); // candidate
      dz[zb + 3 * H + j] += dzo;
      let dcp = dct * f;                                 // backprop into c_{t−1} through the forget gate
      if (peep) {
        dcp += dzi * peep[j] + dzf * peep[H + j];        // … and through the i, f peepholes
        dPeep![j] += dzi * cp; dPeep![H + j] += dzf * cp;
      }
      dcPrev[sb + j] += dcp;
    }
  }
}
