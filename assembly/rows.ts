// assembly/rows.ts — mirrors src/kernels/ref/rows.ts: bias broadcast, bias gradient, axpy, value
// clipping. Scalars arrive as f64 (a JavaScript number, as in the reference) and are rounded to
// f32 here, except where the reference compares in double: clipBackward turns `limit` into the
// exact f32 bound with the same inclusion test.

/** out (M,N) = row (N) in every row */
export function fillRows(out: usize, row: usize, M: i32, N: i32): void {
  const bytes = <usize>N << 2;
  for (let m = 0; m < M; m++) memory.copy(out + <usize>m * bytes, row, bytes);
}

/** dRow (N) += Σ_m A (M,N); each column is summed in registers and added once, as in the reference */
export function sumRows(dRow: usize, A: usize, M: i32, N: i32): void {
  const ld = <usize>N << 2;
  let j = 0;
  for (; j + 16 <= N; j += 16) {                     // 16 columns per sweep over the rows
    let s0 = f32x4.splat(0), s1 = s0, s2 = s0, s3 = s0;
    let p = A + (<usize>j << 2);
    for (let m = 0; m < M; m++, p += ld) {
      s0 = f32x4.add(s0, v128.load(p));
      s1 = f32x4.add(s1, v128.load(p, 16));
      s2 = f32x4.add(s2, v128.load(p, 32));
      s3 = f32x4.add(s3, v128.load(p, 48));
    }
    const d = dRow + (<usize>j << 2);
    v128.store(d, f32x4.add(v128.load(d), s0));
    v128.store(d, f32x4.add(v128.load(d, 16), s1), 16);
    v128.store(d, f32x4.add(v128.load(d, 32), s2), 32);
    v128.store(d, f32x4.add(v128.load(d, 48), s3), 48);
  }
  for (; j + 4 <= N; j += 4) {
    let s = f32x4.splat(0);
    let p = A + (<usize>j << 2);
    for (let m = 0; m < M; m++, p += ld) s = f32x4.add(s, v128.load(p));
    const d = dRow + (<usize>j << 2);
    v128.store(d, f32x4.add(v128.load(d), s));
  }
  for (; j < N; j++) {
    let s: f32 = 0;
    let p = A + (<usize>j << 2);
    for (let m = 0; m < M; m++, p += ld) s += load<f32>(p);
    const d = dRow + (<usize>j << 2);
    store<f32>(d, load<f32>(d) + s);
  }
}

/** y (n) += a · x (n) */
export function axpy(y: usize, x: usize, a: f64, n: i32): void {
  const a1 = <f32>a, a4 = f32x4.splat(a1);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(a4, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a1 * load<f32>(x + o));
  }
}

/** y (n) += a (n) ⊙ b (n): the elementwise product of user-defined cells' steps, forward (into a
 *  zeroed y) and backward (∂(a⊙b)/∂a = b). Mirrors src/kernels/ref/rows.ts mulAdd. */
export function mulAdd(y: usize, a: usize, b: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(v128.load(a + o), v128.load(b + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + load<f32>(a + o) * load<f32>(b + o));
  }
}

/** out (n) = clip(x, −limit, limit). With L = f32(limit), min(L, max(−L, x)) on f32 x equals the
 *  reference's double result rounded to f32 (rounding is monotonic). */
export function clipForward(out: usize, x: usize, limit: f64, n: i32): void {
  const hi = <f32>limit, lo = -hi;
  const hi4 = f32x4.splat(hi), lo4 = f32x4.splat(lo);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(hi4, f32x4.max(lo4, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, min<f32>(hi, max<f32>(lo, load<f32>(x + o))));
  }
}

/** The largest f32 ≤ v (v not NaN). */
// @ts-ignore: decorator
@inline export function f32AtMost(v: f64): f32 {
  const r = <f32>v;
  if (<f64>r <= v) return r;
  const bits = reinterpret<i32>(r);
  if (r > 0) return reinterpret<f32>(bits - 1);
  if (r == 0) return reinterpret<f32>(0x80000001);  // −(smallest denormal)
  return reinterpret<f32>(bits + 1);                 // negative: one step away from zero
}

/** dx (n) += dy where −limit ≤ x ≤ limit (TF's _ClipByValueGrad keeps the bounds themselves).
 *  hi = the largest f32 ≤ limit, so `x ≤ hi` ⟺ `x ≤ limit` for every f32 x: bit-exact with the
 *  reference's comparison in double. */
export function clipBackward(dx: usize, dy: usize, x: usize, limit: f64, n: i32): void {
  const hi = f32AtMost(limit), lo = -hi;             // −limit ≤ x ⟺ x ≥ −(largest f32 ≤ limit)
  const hi4 = f32x4.splat(hi), lo4 = f32x4.splat(lo);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xv = v128.load(x + o);
    const keep = v128.and(f32x4.ge(xv, lo4), f32x4.le(xv, hi4));
    const d = v128.load(dx + o);                     // select, not add 0: keeps a −0 untouched, like the reference
    v128.store(dx + o, v128.bitselect(f32x4.add(d, v128.load(dy + o)), d, keep));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const xv = load<f32>(x + o);
    if (xv >= lo && xv <= hi) store<f32>(dx + o, load<f32>(dx + o) + load<f32>(dy + o));
  }
}
