// assembly/gru.ts — mirrors src/kernels/ref/gru-pointwise.ts, gate order r, z, n:
//   r = σ(xz_r + hRZ_r)   z = σ(xz_z + hRZ_z)
//   n = act(xz_n + r ⊙ hN)   resetAfter = 1 (PyTorch, cuDNN, Keras reset_after=True)
//   n = act(xz_n + hN)       resetAfter = 0 (TF-1 GRUCell: hN already saw r ⊙ h)
//   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
// σ = gateAct, act = cellAct (i32 codes, activations.ts); resetAfter is an i32 0/1. The common case
// (sigmoid gates, tanh candidate) gets its own copy of each loop with constant codes.
import { act4, actGrad4, act1, actGrad1, SIGMOID, TANH } from "./activations";

// @ts-ignore: decorator
@inline function addTo(p: usize, v: v128): void {
  v128.store(p, f32x4.add(v128.load(p), v));
}

// @ts-ignore: decorator
@inline function addTo1(p: usize, v: f32): void {
  store<f32>(p, load<f32>(p) + v);
}

// @ts-ignore: decorator
@inline function gruGatesForwardImpl(gates: usize, rh: usize, xz: usize, hRZ: usize, hPrev: usize, B: i32, H: i32, gateAct: i32): void {
  const row = <usize>H << 2, H2 = 2 * H;
  for (let b = 0; b < B; b++) {
    const gb = <usize>b * 3 * row, rb = <usize>b * 2 * row, sb = <usize>b * row;
    let j = 0;
    for (; j + 4 <= H2; j += 4) {                    // r and z: one pass over the first 2H columns
      const o = <usize>j << 2;
      v128.store(gates + gb + o, act4(f32x4.add(v128.load(xz + gb + o), v128.load(hRZ + rb + o)), gateAct));
    }
    for (; j < H2; j++) {
      const o = <usize>j << 2;
      store<f32>(gates + gb + o, act1(load<f32>(xz + gb + o) + load<f32>(hRZ + rb + o), gateAct));
    }
    j = 0;
    for (; j + 4 <= H; j += 4) {                     // rh = r ⊙ hPrev
      const o = <usize>j << 2;
      v128.store(rh + sb + o, f32x4.mul(v128.load(gates + gb + o), v128.load(hPrev + sb + o)));
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      store<f32>(rh + sb + o, load<f32>(gates + gb + o) * load<f32>(hPrev + sb + o));
    }
  }
}

/** gates[:, 0:2H] = gateAct(xz_rz + hRZ), rh (B,H) = r ⊙ hPrev */
export function gruGatesForward(gates: usize, rh: usize, xz: usize, hRZ: usize, hPrev: usize, B: i32, H: i32, gateAct: i32): void {
  if (gateAct == SIGMOID) gruGatesForwardImpl(gates, rh, xz, hRZ, hPrev, B, H, SIGMOID);
  else gruGatesForwardImpl(gates, rh, xz, hRZ, hPrev, B, H, gateAct);
}

// @ts-ignore: decorator
@inline function gruCandidateForwardImpl(gates: usize, h: usize, xz: usize, hN: usize, hPrev: usize, B: i32, H: i32,
                                         resetAfter: i32, cellAct: i32): void {
  const row = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const gb = <usize>b * 3 * row, sb = <usize>b * row;
    const gr = gates + gb, xr = xz + gb;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2;
      const r = v128.load(gr + o), zg = v128.load(gr + row + o), hn = v128.load(hN + sb + o);
      const pre = f32x4.add(v128.load(xr + 2 * row + o), resetAfter ? f32x4.mul(r, hn) : hn);
      const n = act4(pre, cellAct);
      v128.store(gr + 2 * row + o, n);
      v128.store(h + sb + o, f32x4.add(f32x4.mul(f32x4.sub(one, zg), n), f32x4.mul(zg, v128.load(hPrev + sb + o))));
    }
    for (; j < H; j++) {
      const o = <usize>j << 2;
      const r = load<f32>(gr + o), zg = load<f32>(gr + row + o), hn = load<f32>(hN + sb + o);
      const n = act1(load<f32>(xr + 2 * row + o) + (resetAfter ? r * hn : hn), cellAct);
      store<f32>(gr + 2 * row + o, n);
      store<f32>(h + sb + o, (<f32>1 - zg) * n + zg * load<f32>(hPrev + sb + o));
    }
  }
}

/** gates[:, 2H:3H] = n, h (B,H) = (1 − z) ⊙ n + z ⊙ hPrev */
export function gruCandidateForward(gates: usize, h: usize, xz: usize, hN: usize, hPrev: usize, B: i32, H: i32,
                                    resetAfter: i32, cellAct: i32): void {
  if (cellAct == TANH) gruCandidateForwardImpl(gates, h, xz, hN, hPrev, B, H, resetAfter, TANH);
  else gruCandidateForwardImpl(gates, h, xz, hN, hPrev, B, H, resetAfter, cellAct);
}

// @ts-ignore: decorator
@inline function gruCandidateBackwardImpl(dxz: usize, dhRZ: usize, dhN: usize, dhPrev: usize, dh: usize, gates: usize,
                                          hN: usize, hPrev: usize, B: i32, H: i32, resetAfter: i32, gateAct: i32, cellAct: i32): void {
  const row = <usize>H << 2;
  const one = f32x4.splat(1);
  for (let b = 0; b < B; b++) {
    const gb = <usize>b * 3 * row, rb = <usize>b * 2 * row, sb = <usize>b * row;
    const gr = gates + gb, dxr = dxz + gb, drz = dhRZ + rb;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2, so = sb + o;
      const r = v128.load(gr + o), zg = v128.load(gr + row + o), n = v128.load(gr + 2 * row + o);
      const d = v128.load(dh + so), hp = v128.load(hPrev + so);
      const dn = f32x4.mul(f32x4.mul(d, f32x4.sub(one, zg)), actGrad4(n, cellAct));  // into the candidate's pre-activation
      const dzz = f32x4.mul(f32x4.mul(d, f32x4.sub(hp, n)), actGrad4(zg, gateAct));  // into the update gate's pre-activation
      addTo(dxr + 2 * row + o, dn);
      addTo(dxr + row + o, dzz); addTo(drz + row + o, dzz);
      if (resetAfter) {
        addTo(dhN + so, f32x4.mul(dn, r));
        const dr = f32x4.mul(f32x4.mul(dn, v128.load(hN + so)), actGrad4(r, gateAct)); // r scales W_hn h + b_hn
        addTo(dxr + o, dr); addTo(drz + o, dr);
      } else {
        addTo(dhN + so, dn);                         // r is reached through dRh instead
      }
      addTo(dhPrev + so, f32x4.mul(d, zg));          // the z ⊙ h_{t−1} shortcut
    }
    for (; j < H; j++) {
      const o = <usize>j << 2, so = sb + o;
      const r = load<f32>(gr + o), zg = load<f32>(gr + row + o), n = load<f32>(gr + 2 * row + o);
      const d = load<f32>(dh + so), hp = load<f32>(hPrev + so);
      const dn = d * (<f32>1 - zg) * actGrad1(n, cellAct);
      const dzz = d * (hp - n) * actGrad1(zg, gateAct);
      addTo1(dxr + 2 * row + o, dn);
      addTo1(dxr + row + o, dzz); addTo1(drz + row + o, dzz);
      if (resetAfter) {
        addTo1(dhN + so, dn * r);
        const dr = dn * load<f32>(hN + so) * actGrad1(r, gateAct);
        addTo1(dxr + o, dr); addTo1(drz + o, dr);
      } else {
        addTo1(dhN + so, dn);
      }
      addTo1(dhPrev + so, d * zg);
    }
  }
}

/** dxz (B,3H), dhRZ (B,2H), dhN (B,H), dhPrev (B,H) ACCUMULATE  <-  dh; gates, hN, hPrev saved */
export function gruCandidateBackward(dxz: usize, dhRZ: usize, dhN: usize, dhPrev: usize, dh: usize, gates: usize, hN: usize,
                                     hPrev: usize, B: i32, H: i32, resetAfter: i32, gateAct: i32, cellAct: i32): void {
  if (gateAct == SIGMOID && cellAct == TANH) {
    gruCandidateBackwardImpl(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, SIGMOID, TANH);
  } else {
    gruCandidateBackwardImpl(dxz, dhRZ, dhN, dhPrev, dh, gates, hN, hPrev, B, H, resetAfter, gateAct, cellAct);
  }
}

// @ts-ignore: decorator
@inline function gruResetBackwardImpl(dxz: usize, dhRZ: usize, dhPrev: usize, dRh: usize, gates: usize, hPrev: usize,
                                      B: i32, H: i32, gateAct: i32): void {
  const row = <usize>H << 2;
  for (let b = 0; b < B; b++) {
    const gb = <usize>b * 3 * row, rb = <usize>b * 2 * row, sb = <usize>b * row;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2, so = sb + o;
      const r = v128.load(gates + gb + o), d = v128.load(dRh + so);
      const dr = f32x4.mul(f32x4.mul(d, v128.load(hPrev + so)), actGrad4(r, gateAct));
      addTo(dxz + gb + o, dr); addTo(dhRZ + rb + o, dr);
      addTo(dhPrev + so, f32x4.mul(d, r));
    }
    for (; j < H; j++) {
      const o = <usize>j << 2, so = sb + o;
      const r = load<f32>(gates + gb + o), d = load<f32>(dRh + so);
      const dr = d * load<f32>(hPrev + so) * actGrad1(r, gateAct);
      addTo1(dxz + gb + o, dr); addTo1(dhRZ + rb + o, dr);
      addTo1(dhPrev + so, d * r);
    }
  }
}

/** reset-before only: dxz_r, dhRZ_r, dhPrev ACCUMULATE  <-  dRh = ∂L/∂(r ⊙ hPrev) */
export function gruResetBackward(dxz: usize, dhRZ: usize, dhPrev: usize, dRh: usize, gates: usize, hPrev: usize,
                                 B: i32, H: i32, gateAct: i32): void {
  if (gateAct == SIGMOID) gruResetBackwardImpl(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, SIGMOID);
  else gruResetBackwardImpl(dxz, dhRZ, dhPrev, dRh, gates, hPrev, B, H, gateAct);
}
