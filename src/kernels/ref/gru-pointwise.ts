// Reference GRU gate math, gate order r, z, n (Cho et al. 2014; PyTorch GRU docs):
//   r = σ(xz_r + hRZ_r)   z = σ(xz_z + hRZ_z)
//   n = act(xz_n + r ⊙ hN)      resetAfter  (PyTorch, cuDNN, Keras reset_after=True; hN = W_hn h + b_hn)
//   n = act(xz_n + hN)          reset before (TF-1 GRUCell, Keras reset_after=False; hN = W_hn (r ⊙ h) + b_hn)
//   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
import type { Act, Buf } from "../types.ts";
import { actFn, actGrad1 } from "./activations.ts";

/** gates[:, 0:2H] = σ(xz_rz + hRZ), rh (B,H) = r ⊙ hPrev */
export function gruGatesForward(gates: Buf, rh: Buf, xz: Buf, hRZ: Buf, hPrev: Buf, B: number, H: number, gateAct: Act): void {
  const gate = actFn(gateAct);
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H, rb = b * 2 * H, sb = b * H;
    for (let j = 0; j < 2 * H; j++) gates[gb + j] = gate(xz[gb + j] + hRZ[rb + j]);
    for (let j = 0; j < H; j++) rh[sb + j] = gates[gb + j] * hPrev[sb + j];
  }
}

/** gates[:, 2H:3H] = n, h (B,H) = (1 − z) ⊙ n + z ⊙ hPrev */
export function gruCandidateForward(gates: Buf, h: Buf, xz: Buf, hN: Buf, hPrev: Buf, B: number, H: number,
                                    resetAfter: boolean, cellAct: Act): void {
  const act = actFn(cellAct);
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gb + j], z = gates[gb + H + j];
      const n = act(xz[gb + 2 * H + j] + (resetAfter ? r * hN[sb + j] : hN[sb + j]));
      gates[gb + 2 * H + j] = n;
      h[sb + j] = (1 - z) * n + z * hPrev[sb + j];
    }
  }
}

/** dxz (B,3H), dhRZ (B,2H), dhN (B,H), dhPrev (B,H) ACCUMULATE  <-  dh; gates, hN, hPrev saved */
export function gruCandidateBackward(dxz: Buf, dhRZ: Buf, dhN: Buf, dhPrev: Buf, dh: Buf, gates: Buf, hN: Buf,
                                     hPrev: Buf, B: number, H: number, resetAfter: boolean, gateAct: Act, cellAct: Act): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H, rb = b * 2 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gb + j], z = gates[gb + H + j], n = gates[gb + 2 * H + j];
      const d = dh[sb + j], hp = hPrev[sb + j];
      const dn = d * (1 - z) * actGrad1(n, cellAct);    // into the candidate's pre-activation
      const dzz = d * (hp - n) * actGrad1(z, gateAct);  // into the update gate's pre-activation
      dxz[gb + 2 * H + j] += dn;
      dxz[gb + H + j] += dzz; dhRZ[rb + H + j] += dzz;
      if (resetAfter) {
        dhN[sb + j] += dn * r;
        const dr = dn * hN[sb + j] * actGrad1(r, gateAct); // r scales W_hn h + b_hn
        dxz[gb + j] += dr; dhRZ[rb + j] += dr;
      } else {
        dhN[sb + j] += dn;                              // r is reached through dRh instead
      }
      dhPrev[sb + j] += d * z;                           // the z ⊙ h_{t−1} shortcut
    }
  }
}

/** reset-before only: dxz_r, dhRZ_r, dhPrev ACCUMULATE  <-  dRh = ∂L/∂(r ⊙ hPrev) */
export function gruResetBackward(dxz: Buf, dhRZ: Buf, dhPrev: Buf, dRh: Buf, gates: Buf, hPrev: Buf,
                                 B: number, H: number, gateAct: Act): void {
  for (let b = 0; b < B; b++) {
    const gb = b * 3 * H, rb = b * 2 * H, sb = b * H;
    for (let j = 0; j < H; j++) {
      const r = gates[gb + j], d = dRh[sb + j];
      const dr = d * hPrev[sb + j] * actGrad1(r, gateAct);
      dxz[gb + j] += dr; dhRZ[rb + j] += dr;
      dhPrev[sb + j] += d * r;
    }
  }
}
