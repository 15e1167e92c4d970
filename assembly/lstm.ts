// assembly/lstm.ts — mirrors src/kernels/ref/lstm-pointwise.ts (gate order i, f, g, o; PyTorch LSTM
// and TF-1 LSTMCell with peepholes, forget bias and cell clipping):
//   i = σ(z_i + w_i ⊙ c_{t−1})            f = σ(z_f + forgetBias + w_f ⊙ c_{t−1})
//   g = act(z_g)                           c_t = clip(f ⊙ c_{t−1} + i ⊙ g)
//   o = σ(z_o + w_o ⊙ c_t)                 m_t = o ⊙ act(c_t)
// σ = gateAct and act = cellAct (i32 codes, see activations.ts). The interface's `opts` object is
// flattened into its fields (forgetBias, cellClip, gateAct, cellAct) at the end of the argument
// list. peep = 0 means no peepholes (then dPeep is ignored); cellClip < 0 means no clipping.
// The common case (sigmoid gates, tanh cell) gets its own copy of the loop with constant codes.
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
@inline function lstmForwardImpl(gates: usize, c: usize, m: usize, z: usize, cPrev: usize, peep: usize, B: i32, H: i32,
                                 forgetBias: f64, cellClip: f64, gateAct: i32, cellAct: i32): void {
  const row = <usize>H << 2;                         // bytes per (H) slice
  const fb = <f32>forgetBias, fb4 = f32x4.splat(fb);
  const clip = cellClip >= 0, L = <f32>cellClip, L4 = f32x4.splat(L), nL4 = f32x4.splat(-L);
  const hasPeep = peep != 0;
  for (let b = 0; b < B; b++) {
    const zr = z + <usize>b * 4 * row, gr = gates + <usize>b * 4 * row; // row b of (B,4H)
    const sb = <usize>b * row;                                            // row b of (B,H)
    const cpr = cPrev + sb, cr = c + sb, mr = m + sb;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2;
      const cp = v128.load(cpr + o);
      let zi = v128.load(zr + o), zf = f32x4.add(v128.load(zr + row + o), fb4);
      if (hasPeep) {
        zi = f32x4.add(zi, f32x4.mul(v128.load(peep + o), cp));
        zf = f32x4.add(zf, f32x4.mul(v128.load(peep + row + o), cp));
      }
      const i = act4(zi, gateAct), f = act4(zf, gateAct), g = act4(v128.load(zr + 2 * row + o), cellAct);
      let ct = f32x4.add(f32x4.mul(f, cp), f32x4.mul(i, g));
      if (clip) ct = f32x4.min(L4, f32x4.max(nL4, ct));
      v128.store(cr + o, ct);
      let zo = v128.load(zr + 3 * row + o);
      if (hasPeep) zo = f32x4.add(zo, f32x4.mul(v128.load(peep + 2 * row + o), ct)); // o peeks at the clipped c_t
      const og = act4(zo, gateAct);
      v128.store(gr + o, i); v128.store(gr + row + o, f); v128.store(gr + 2 * row + o, g); v128.store(gr + 3 * row + o, og);
      v128.store(mr + o, f32x4.mul(og, act4(ct, cellAct)));
    }
    for (; j < H; j++) {                             // scalar tail: the same maths
      const o = <usize>j << 2;
      const cp = load<f32>(cpr + o);
      let zi = load<f32>(zr + o), zf = load<f32>(zr + row + o) + fb;
      if (hasPeep) {
        zi += load<f32>(peep + o) * cp;
        zf += load<f32>(peep + row + o) * cp;
      }
      const i = act1(zi, gateAct), f = act1(zf, gateAct), g = act1(load<f32>(zr + 2 * row + o), cellAct);
      let ct = f * cp + i * g;
      if (clip) ct = min<f32>(L, max<f32>(-L, ct));
      store<f32>(cr + o, ct);
      let zo = load<f32>(zr + 3 * row + o);
      if (hasPeep) zo += load<f32>(peep + 2 * row + o) * ct;
      const og = act1(zo, gateAct);
      store<f32>(gr + o, i); store<f32>(gr + row + o, f); store<f32>(gr + 2 * row + o, g); store<f32>(gr + 3 * row + o, og);
      store<f32>(mr + o, og * act1(ct, cellAct));
    }
  }
}

/** gates (B,4H), c (B,H), m (B,H)  <-  z (B,4H) pre-activations, cPrev (B,H), peep (3H) or 0 */
export function lstmForward(gates: usize, c: usize, m: usize, z: usize, cPrev: usize, peep: usize, B: i32, H: i32,
                            forgetBias: f64, cellClip: f64, gateAct: i32, cellAct: i32): void {
  if (gateAct == SIGMOID && cellAct == TANH) lstmForwardImpl(gates, c, m, z, cPrev, peep, B, H, forgetBias, cellClip, SIGMOID, TANH);
  else lstmForwardImpl(gates, c, m, z, cPrev, peep, B, H, forgetBias, cellClip, gateAct, cellAct);
}

/** Lanes where f·cPrev + i·g, evaluated in f64 exactly like the reference, lies outside
 *  [−clip, clip] (all-ones lanes), so the clip gradient decision is bit-identical to ref. */
// @ts-ignore: decorator
@inline function clippedLanes(f: v128, cp: v128, i: v128, g: v128, lo2: v128, hi2: v128): v128 {
  const rawLo = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(f), f64x2.promote_low_f32x4(cp)),
                          f64x2.mul(f64x2.promote_low_f32x4(i), f64x2.promote_low_f32x4(g)));
  const fH = v128.shuffle<f32>(f, f, 2, 3, 2, 3), cpH = v128.shuffle<f32>(cp, cp, 2, 3, 2, 3);
  const iH = v128.shuffle<f32>(i, i, 2, 3, 2, 3), gH = v128.shuffle<f32>(g, g, 2, 3, 2, 3);
  const rawHi = f64x2.add(f64x2.mul(f64x2.promote_low_f32x4(fH), f64x2.promote_low_f32x4(cpH)),
                          f64x2.mul(f64x2.promote_low_f32x4(iH), f64x2.promote_low_f32x4(gH)));
  const mLo = v128.or(f64x2.lt(rawLo, lo2), f64x2.gt(rawLo, hi2));
  const mHi = v128.or(f64x2.lt(rawHi, lo2), f64x2.gt(rawHi, hi2));
  return v128.shuffle<i32>(mLo, mHi, 0, 2, 4, 6);    // 64-bit masks -> 32-bit lanes
}

// @ts-ignore: decorator
@inline function lstmBackwardImpl(dz: usize, dcPrev: usize, dPeep: usize, dm: usize, dc: usize, gates: usize, c: usize,
                                  cPrev: usize, peep: usize, B: i32, H: i32, cellClip: f64, gateAct: i32, cellAct: i32): void {
  const row = <usize>H << 2;
  const clip = cellClip >= 0, hi2 = f64x2.splat(cellClip), lo2 = f64x2.splat(-cellClip);
  const hasPeep = peep != 0;
  for (let b = 0; b < B; b++) {
    const zr = dz + <usize>b * 4 * row, gr = gates + <usize>b * 4 * row;
    const sb = <usize>b * row;
    let j = 0;
    for (; j + 4 <= H; j += 4) {
      const o = <usize>j << 2, so = sb + o;
      const i = v128.load(gr + o), f = v128.load(gr + row + o), g = v128.load(gr + 2 * row + o), og = v128.load(gr + 3 * row + o);
      const ct = v128.load(c + so), cp = v128.load(cPrev + so), dmj = v128.load(dm + so);
      const ac = act4(ct, cellAct);                  // recomputed: cheaper than saving (B,H) per step
      const dzo = f32x4.mul(f32x4.mul(dmj, ac), actGrad4(og, gateAct));                      // output gate
      let dct = f32x4.add(v128.load(dc + so), f32x4.mul(f32x4.mul(dmj, og), actGrad4(ac, cellAct))); // total into c_t
      if (hasPeep) {                                 // o peeks at c_t
        dct = f32x4.add(dct, f32x4.mul(dzo, v128.load(peep + 2 * row + o)));
        addTo(dPeep + 2 * row + o, f32x4.mul(dzo, ct));
      }
      if (clip) dct = v128.andnot(dct, clippedLanes(f, cp, i, g, lo2, hi2)); // no gradient where clipped
      const dzi = f32x4.mul(f32x4.mul(dct, g), actGrad4(i, gateAct));       // input gate
      const dzf = f32x4.mul(f32x4.mul(dct, cp), actGrad4(f, gateAct));      // forget gate
      addTo(zr + o, dzi);
      addTo(zr + row + o, dzf);
      addTo(zr + 2 * row + o, f32x4.mul(f32x4.mul(dct, i), actGrad4(g, cellAct))); // candidate
      addTo(zr + 3 * row + o, dzo);
      let dcp = f32x4.mul(dct, f);                   // backprop into c_{t−1} through the forget gate
      if (hasPeep) {                                 // … and through the i, f peepholes
        dcp = f32x4.add(dcp, f32x4.add(f32x4.mul(dzi, v128.load(peep + o)), f32x4.mul(dzf, v128.load(peep + row + o))));
        addTo(dPeep + o, f32x4.mul(dzi, cp));
        addTo(dPeep + row + o, f32x4.mul(dzf, cp));
      }
      addTo(dcPrev + so, dcp);
    }
    for (; j < H; j++) {                             // scalar tail: the same maths
      const o = <usize>j << 2, so = sb + o;
      const i = load<f32>(gr + o), f = load<f32>(gr + row + o), g = load<f32>(gr + 2 * row + o), og = load<f32>(gr + 3 * row + o);
      const ct = load<f32>(c + so), cp = load<f32>(cPrev + so), dmj = load<f32>(dm + so);
      const ac = act1(ct, cellAct);
      const dzo = dmj * ac * actGrad1(og, gateAct);
      let dct = load<f32>(dc + so) + dmj * og * actGrad1(ac, cellAct);
      if (hasPeep) {
        dct += dzo * load<f32>(peep + 2 * row + o);
        addTo1(dPeep + 2 * row + o, dzo * ct);
      }
      if (clip) {
        const raw = <f64>f * <f64>cp + <f64>i * <f64>g;
        if (raw < -cellClip || raw > cellClip) dct = 0;
      }
      const dzi = dct * g * actGrad1(i, gateAct);
      const dzf = dct * cp * actGrad1(f, gateAct);
      addTo1(zr + o, dzi);
      addTo1(zr + row + o, dzf);
      addTo1(zr + 2 * row + o, dct * i * actGrad1(g, cellAct));
      addTo1(zr + 3 * row + o, dzo);
      let dcp = dct * f;
      if (hasPeep) {
        dcp += dzi * load<f32>(peep + o) + dzf * load<f32>(peep + row + o);
        addTo1(dPeep + o, dzi * cp);
        addTo1(dPeep + row + o, dzf * cp);
      }
      addTo1(dcPrev + so, dcp);
    }
  }
}

/** dz (B,4H), dcPrev (B,H), dPeep (3H) ACCUMULATE  <-  dm, dc (B,H); gates, c, cPrev saved by forward */
export function lstmBackward(dz: usize, dcPrev: usize, dPeep: usize, dm: usize, dc: usize, gates: usize, c: usize,
                             cPrev: usize, peep: usize, B: i32, H: i32,
                             forgetBias: f64, cellClip: f64, gateAct: i32, cellAct: i32): void {
  // forgetBias is unused (it only shifts the pre-activation) but kept so both directions take the same opts.
  if (gateAct == SIGMOID && cellAct == TANH) lstmBackwardImpl(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, cellClip, SIGMOID, TANH);
  else lstmBackwardImpl(dz, dcPrev, dPeep, dm, dc, gates, c, cPrev, peep, B, H, cellClip, gateAct, cellAct);
}
