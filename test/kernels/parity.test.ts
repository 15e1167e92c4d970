// Parity of the fast backends — wasm, and native when it is built — (f32) with the reference kernels (f32 storage, double arithmetic) for
// every kernel of the Kernels interface: property tests over random shapes (sizes not multiples of
// 4 included), extreme values (±30, ±300), every activation code, peepholes on/off, cell clip
// none/0/positive, both GRU variants; wasm buffers in the arena, at unaligned offsets inside it,
// plain (copied) and mixed. Tolerances: see harness.ts. Outputs start non-zero, so accumulation is
// checked; inputs are checked bit for bit to be unchanged.
import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { refKernels } from "../../src/kernels/ref/index.ts";
import { Act, type LstmPointwiseOpts } from "../../src/kernels/types.ts";
import { fastBackends } from "../helpers/backends.ts";
import {
  act1, actTwin, anyAct, type Bufs, type Case, checkParity, gradTwin, placements, range, vec, worst,
} from "./harness.ts";

const backends = await fastBackends();
const SEED = Number(process.env.FC_SEED ?? 7);
const RUNS = Number(process.env.FC_RUNS_X ?? 1);               // run-count multiplier for exploration
const dimOf = (lo: number, hi: number) => fc.integer({ min: lo, max: hi });
const abs64 = (v: Float32Array) => Float64Array.from(v, Math.abs);


after(() => {
  const line = [...worst].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ");
  console.log(`worst |fast − ref| in units of 2^-24·(|ref| + twin): ${line}`);
});

// Every suite below runs once per fast backend (`wasm` names the backend under test).
for (const wasm of backends) describe(wasm.name, () => {
function property(name: string, cases: fc.Arbitrary<Case>, numRuns: number) {
  it(`${name} matches ref`, () => {
    fc.assert(fc.property(cases, placements, (c, how) => { checkParity(wasm, `${wasm.name} ${name}`, c, how); }), { seed: SEED, numRuns: numRuns * RUNS });
  });
}

// ---------------------------------------------------------------- GEMM

describe("gemm", () => {
  for (const which of ["gemmNN", "gemmNT", "gemmTN"] as const) {
    const cases = fc.record({ M: dimOf(1, 19), N: dimOf(1, 19), K: dimOf(0, 19), R: fc.constantFrom(1, 30) })
      .chain(({ M, N, K, R }) => fc.record({ C: vec(M * N, R), A: vec(M * K, R), B: vec(K * N, R) }).map((b): Case => ({
        what: `M=${M} N=${N} K=${K}`,
        bufs: b, outs: ["C"],
        call: (k, x) => k[which](x.C!, x.A!, x.B!, M, N, K),
        twin: (b0) => {                              // |C0| + |A|·|B|: the magnitude of every summed term
          const t = abs64(b0.C!);
          refKernels[which](t, abs64(b0.A!), abs64(b0.B!), M, N, K);
          return { C: t };
        },
      })));
    property(which, cases, 150);
  }
});

// ---------------------------------------------------------------- rows and vectors

describe("rows", () => {
  property("fillRows", fc.record({ M: dimOf(1, 19), N: dimOf(1, 19), R: range })
    .chain(({ M, N, R }) => fc.record({ out: vec(M * N, R), row: vec(N, R) }).map((b): Case => ({
      what: `M=${M} N=${N}`, bufs: b, outs: ["out"],
      call: (k, x) => k.fillRows(x.out!, x.row!, M, N),  // exact: a copy
    }))), 150);

  property("sumRows", fc.record({ M: dimOf(1, 19), N: dimOf(1, 37), R: range })
    .chain(({ M, N, R }) => fc.record({ dRow: vec(N, R), A: vec(M * N, R) }).map((b): Case => ({
      what: `M=${M} N=${N}`, bufs: b, outs: ["dRow"],
      call: (k, x) => k.sumRows(x.dRow!, x.A!, M, N),
      twin: (b0) => { const t = abs64(b0.dRow!); refKernels.sumRows(t, abs64(b0.A!), M, N); return { dRow: t }; },
    }))), 200);

  property("axpy", fc.record({ n: dimOf(0, 41), R: range, a: fc.double({ min: -30, max: 30, noNaN: true }) })
    .chain(({ n, R, a }) => fc.record({ y: vec(n, R), x: vec(n, R) }).map((b): Case => ({
      what: `n=${n} a=${a}`, bufs: b, outs: ["y"],
      call: (k, v) => k.axpy(v.y!, v.x!, a, n),
      twin: (b0) => ({ y: Float64Array.from(b0.y!, (y, i) => Math.abs(y) + Math.abs(a * b0.x![i]!)) }),
    }))), 200);

  property("mulAdd", fc.record({ n: dimOf(0, 41), R: range })
    .chain(({ n, R }) => fc.record({ y: vec(n, R), a: vec(n, R), b: vec(n, R) }).map((v): Case => ({
      what: `n=${n}`, bufs: v, outs: ["y"],
      call: (k, x) => k.mulAdd(x.y!, x.a!, x.b!, n),
      twin: (b0) => ({ y: Float64Array.from(b0.y!, (y, i) => Math.abs(y) + Math.abs(b0.a![i]! * b0.b![i]!)) }),
    }))), 200);

  // limits: ordinary doubles, f32-unrepresentable ones (0.1), 0, negative, and exact element values
  const limitOf = (x: Float32Array) => fc.oneof(
    fc.double({ min: -1, max: 40, noNaN: true }), fc.constantFrom(0, 0.1, 1 / 3, 1e-3),
    fc.nat({ max: Math.max(0, x.length - 1) }).map((i) => Math.abs(x[i] ?? 0)));

  property("clipForward", fc.record({ n: dimOf(0, 41), R: range })
    .chain(({ n, R }) => fc.record({ out: vec(n, R), x: vec(n, R) }))
    .chain((b) => limitOf(b.x).map((limit): Case => ({
      what: `n=${b.x.length} limit=${limit}`, bufs: b, outs: ["out"],
      call: (k, v) => k.clipForward(v.out!, v.x!, limit, b.x.length),  // exact (see assembly/rows.ts)
    }))), 200);

  property("clipBackward", fc.record({ n: dimOf(0, 41), R: range })
    .chain(({ n, R }) => fc.record({ dx: vec(n, R), dy: vec(n, R), x: vec(n, R) }))
    .chain((b) => limitOf(b.x).map((limit): Case => ({
      what: `n=${b.x.length} limit=${limit}`, bufs: b, outs: ["dx"],
      call: (k, v) => k.clipBackward(v.dx!, v.dy!, v.x!, limit, b.x.length),  // exact, bounds included
    }))), 200);

  it("clipBackward uses the exact double bound (limit 0.1 excludes f32(0.1) > 0.1)", () => {
    const x = wasm.alloc(4) as Float32Array, dy = wasm.alloc(4) as Float32Array, dx = wasm.alloc(4) as Float32Array;
    x.set([Math.fround(0.1), -Math.fround(0.1), 0.09999999, -0.0999999]); dy.fill(1);
    const r = new Float32Array(4);
    refKernels.clipBackward(r, dy, x, 0.1, 4);
    wasm.clipBackward(dx, dy, x, 0.1, 4);
    assert.deepEqual([...dx], [...r]);
    assert.deepEqual([...dx], [0, 0, 1, 1]);
  });
});

// ---------------------------------------------------------------- activations

describe("activations", () => {
  property("actForward", fc.record({ n: dimOf(0, 41), R: range, act: anyAct })
    .chain(({ n, R, act }) => fc.record({ y: vec(n, R), x: vec(n, R) }).map((b): Case => ({
      what: `n=${n} act=${Act[act]}`, bufs: b, outs: ["y"],
      call: (k, v) => k.actForward(v.y!, v.x!, n, act),
      twin: (_b0, r) => ({ y: Float64Array.from(r.y!, (y) => actTwin(y, 0, act)) }),
    }))), 300);

  // y is a saved activation output: act(x) rounded to f32, as a forward pass would store it
  property("actBackward", fc.record({ n: dimOf(0, 41), R: range, act: anyAct })
    .chain(({ n, R, act }) => fc.record({ dx: vec(n, R), dy: vec(n, R), x: vec(n, R) }).map(({ dx, dy, x }): Case => {
      const y = Float32Array.from(x, (v) => act1(v, act));
      return {
        what: `n=${n} act=${Act[act]}`, bufs: { dx, dy, y }, outs: ["dx"],
        call: (k, v) => k.actBackward(v.dx!, v.dy!, v.y!, n, act),
        twin: (b0) => ({ dx: Float64Array.from(b0.dx!, (d, i) => Math.abs(d) + Math.abs(b0.dy![i]!) * gradTwin(b0.y![i]!, act)) }),
      };
    })), 300);
});

// ---------------------------------------------------------------- LSTM

const lstmOpts: fc.Arbitrary<LstmPointwiseOpts> = fc.record({
  forgetBias: fc.oneof(fc.constantFrom(0, 1), fc.double({ min: -3, max: 3, noNaN: true })),
  cellClip: fc.oneof(fc.constant(-1), fc.constant(0), fc.double({ min: 0.01, max: 20, noNaN: true })),
  gateAct: anyAct, cellAct: anyAct,
});
const lstmShape = fc.record({ B: dimOf(1, 3), H: dimOf(1, 17), R: range, peephole: fc.boolean(), o: lstmOpts });
const optsText = (o: LstmPointwiseOpts, peep: boolean) =>
  `peep=${peep} forgetBias=${o.forgetBias} cellClip=${o.cellClip} gate=${Act[o.gateAct]} cell=${Act[o.cellAct]}`;

describe("lstm", () => {
  property("lstmForward", lstmShape.chain(({ B, H, R, peephole, o }) => fc.record({
    gates: vec(4 * B * H, 1), c: vec(B * H, 1), m: vec(B * H, 1),
    z: vec(4 * B * H, R), cPrev: vec(B * H, R), peep: vec(3 * H, 2),
  }).map((b): Case => {
    const bufs: Bufs = { ...b };
    if (!peephole) delete bufs.peep;
    return {
      what: `B=${B} H=${H} R=${R} ${optsText(o, peephole)}`, bufs, outs: ["gates", "c", "m"],
      call: (k, x) => k.lstmForward(x.gates!, x.c!, x.m!, x.z!, x.cPrev!, x.peep ?? null, B, H, o),
      twin: (b0, r) => {
        const tg = new Float64Array(4 * B * H), tc = new Float64Array(B * H), tm = new Float64Array(B * H);
        const w = b0.peep, { gateAct: ga, cellAct: ca } = o;
        for (let bb = 0; bb < B; bb++) for (let j = 0; j < H; j++) {
          const zb = bb * 4 * H, s = bb * H + j, cp = b0.cPrev![s]!;
          const [i, f, g, og] = [0, 1, 2, 3].map((q) => r.gates![zb + q * H + j]!);
          const Ti = actTwin(i!, Math.abs(b0.z![zb + j]!) + (w ? Math.abs(w[j]! * cp) : 0), ga);
          const Tf = actTwin(f!, Math.abs(b0.z![zb + H + j]!) + Math.abs(o.forgetBias) + (w ? Math.abs(w[H + j]! * cp) : 0), ga);
          const Tg = actTwin(g!, Math.abs(b0.z![zb + 2 * H + j]!), ca);
          const Tc = Tf * Math.abs(cp) + Ti * Tg;      // f·c_{t−1} + i·g, each factor with its error scale
          const To = actTwin(og!, Math.abs(b0.z![zb + 3 * H + j]!) + (w ? Math.abs(w[2 * H + j]!) * Tc : 0), ga);
          const ac = act1(r.c![s]!, ca);
          tg[zb + j] = Ti; tg[zb + H + j] = Tf; tg[zb + 2 * H + j] = Tg; tg[zb + 3 * H + j] = To;
          tc[s] = Tc; tm[s] = To * actTwin(ac, Tc, ca);
        }
        return { gates: tg, c: tc, m: tm };
      },
    };
  })), 300);

  // saved values come from a ref forward pass on random pre-activations, as in a real step
  property("lstmBackward", lstmShape.chain(({ B, H, R, peephole, o }) => fc.record({
    dz: vec(4 * B * H, R), dcPrev: vec(B * H, R), dPeep: vec(3 * H, R), dm: vec(B * H, R), dc: vec(B * H, R),
    z: vec(4 * B * H, R), cPrev: vec(B * H, R), peep: vec(3 * H, 2),
  }).map(({ z, ...b }): Case => {
    const gates = new Float32Array(4 * B * H), c = new Float32Array(B * H);
    refKernels.lstmForward(gates, c, new Float32Array(B * H), z, b.cPrev, peephole ? b.peep : null, B, H, o);
    const bufs: Bufs = { ...b, gates, c };
    if (!peephole) { delete bufs.peep; delete bufs.dPeep; }
    return {
      what: `B=${B} H=${H} R=${R} ${optsText(o, peephole)}`, bufs,
      outs: peephole ? ["dz", "dcPrev", "dPeep"] : ["dz", "dcPrev"],
      call: (k, x) => k.lstmBackward(x.dz!, x.dcPrev!, x.dPeep ?? null, x.dm!, x.dc!, x.gates!, x.c!, x.cPrev!, x.peep ?? null, B, H, o),
      twin: (b0) => {
        const tz = abs64(b0.dz!), tcp = abs64(b0.dcPrev!), tp = b0.dPeep ? abs64(b0.dPeep) : new Float64Array(0);
        const w = b0.peep, { gateAct: ga, cellAct: ca, cellClip } = o;
        for (let bb = 0; bb < B; bb++) for (let j = 0; j < H; j++) {
          const zb = bb * 4 * H, s = bb * H + j;
          const [i, f, g, og] = [0, 1, 2, 3].map((q) => b0.gates![zb + q * H + j]!) as [number, number, number, number];
          const ct = b0.c![s]!, cp = b0.cPrev![s]!, dm = Math.abs(b0.dm![s]!);
          const Tac = actTwin(act1(ct, ca), 0, ca);
          const Tdzo = dm * Tac * gradTwin(og, ga);
          let Tdct = Math.abs(b0.dc![s]!) + dm * Math.abs(og) * gradTwin(act1(ct, ca), ca);
          if (w) Tdct += Tdzo * Math.abs(w[2 * H + j]!);
          const raw = f * cp + i * g;
          if (cellClip >= 0 && (raw < -cellClip || raw > cellClip)) Tdct = 0; // both sides give exactly 0 here
          const Tdzi = Tdct * Math.abs(g) * gradTwin(i, ga), Tdzf = Tdct * Math.abs(cp) * gradTwin(f, ga);
          tz[zb + j] += Tdzi; tz[zb + H + j] += Tdzf; tz[zb + 2 * H + j] += Tdct * Math.abs(i) * gradTwin(g, ca); tz[zb + 3 * H + j] += Tdzo;
          tcp[s] += Tdct * Math.abs(f) + (w ? Tdzi * Math.abs(w[j]!) + Tdzf * Math.abs(w[H + j]!) : 0);
          if (w) { tp[j] += Tdzi * Math.abs(cp); tp[H + j] += Tdzf * Math.abs(cp); tp[2 * H + j] += Tdzo * Math.abs(ct); }
        }
        return { dz: tz, dcPrev: tcp, dPeep: tp };
      },
    };
  })), 300);

  it("lstmBackward decides the clip gradient in double, like ref (f·c + i·g = 1 + 2^-30 > clip = 1)", () => {
    const o = { forgetBias: 0, cellClip: 1, gateAct: Act.Sigmoid, cellAct: Act.Tanh };
    const mk = (v: number[]) => { const a = wasm.alloc(v.length) as Float32Array; a.set(v); return a; };
    // i, f, g, o = 2^-30, 0.5, 1, 0.5 ; c_{t−1} = 2: f32 rounds the sum to exactly 1, double does not
    const gates = mk([2 ** -30, 0.5, 1, 0.5]), c = mk([1]), cPrev = mk([2]), dm = mk([0]), dc = mk([1]);
    const dzW = wasm.alloc(4) as Float32Array, dcpW = wasm.alloc(1) as Float32Array;
    const dzR = new Float32Array(4), dcpR = new Float32Array(1);
    refKernels.lstmBackward(dzR, dcpR, null, dm, dc, gates, c, cPrev, null, 1, 1, o);
    wasm.lstmBackward(dzW, dcpW, null, dm, dc, gates, c, cPrev, null, 1, 1, o);
    assert.deepEqual([...dzW], [...dzR]);
    assert.deepEqual([...dcpW], [...dcpR]);
    assert.equal(dcpR[0], 0);                        // clipped: no gradient flows
  });
});

// ---------------------------------------------------------------- GRU

const gruShape = fc.record({ B: dimOf(1, 3), H: dimOf(1, 17), R: range, resetAfter: fc.boolean(), ga: anyAct, ca: anyAct });

describe("gru", () => {
  property("gruGatesForward", gruShape.chain(({ B, H, R, ga }) => fc.record({
    gates: vec(3 * B * H, 1), rh: vec(B * H, 1), xz: vec(3 * B * H, R), hRZ: vec(2 * B * H, R), hPrev: vec(B * H, R),
  }).map((b): Case => ({
    what: `B=${B} H=${H} R=${R} gate=${Act[ga]}`, bufs: b, outs: ["gates", "rh"],
    call: (k, x) => k.gruGatesForward(x.gates!, x.rh!, x.xz!, x.hRZ!, x.hPrev!, B, H, ga),
    twin: (b0, r) => {
      const tg = new Float64Array(3 * B * H), trh = new Float64Array(B * H); // n columns: untouched (twin 0)
      for (let bb = 0; bb < B; bb++) {
        for (let j = 0; j < 2 * H; j++) {
          const gi = bb * 3 * H + j;
          tg[gi] = actTwin(r.gates![gi]!, Math.abs(b0.xz![gi]!) + Math.abs(b0.hRZ![bb * 2 * H + j]!), ga);
        }
        for (let j = 0; j < H; j++) trh[bb * H + j] = tg[bb * 3 * H + j]! * Math.abs(b0.hPrev![bb * H + j]!);
      }
      return { gates: tg, rh: trh };
    },
  }))), 300);

  property("gruCandidateForward", gruShape.chain(({ B, H, R, resetAfter, ca }) => fc.record({
    gates: vec(3 * B * H, 1), h: vec(B * H, 1), xz: vec(3 * B * H, R), hN: vec(B * H, R), hPrev: vec(B * H, R),
  }).map((b): Case => ({
    what: `B=${B} H=${H} R=${R} resetAfter=${resetAfter} cell=${Act[ca]}`, bufs: b, outs: ["gates", "h"],
    call: (k, x) => k.gruCandidateForward(x.gates!, x.h!, x.xz!, x.hN!, x.hPrev!, B, H, resetAfter, ca),
    twin: (b0, r) => {
      const tg = new Float64Array(3 * B * H), th = new Float64Array(B * H); // r, z columns: untouched
      for (let bb = 0; bb < B; bb++) for (let j = 0; j < H; j++) {
        const gb = bb * 3 * H, s = bb * H + j;
        const rr = b0.gates![gb + j]!, z = b0.gates![gb + H + j]!, hn = b0.hN![s]!;
        const Tn = actTwin(r.gates![gb + 2 * H + j]!, Math.abs(b0.xz![gb + 2 * H + j]!) + Math.abs(resetAfter ? rr * hn : hn), ca);
        tg[gb + 2 * H + j] = Tn;
        th[s] = (1 + Math.abs(z)) * Tn + Math.abs(z * b0.hPrev![s]!);
      }
      return { gates: tg, h: th };
    },
  }))), 300);

  property("gruCandidateBackward", gruShape.chain(({ B, H, R, resetAfter, ga, ca }) => fc.record({
    dxz: vec(3 * B * H, R), dhRZ: vec(2 * B * H, R), dhN: vec(B * H, R), dhPrev: vec(B * H, R),
    dh: vec(B * H, R), gates: vec(3 * B * H, 1), hN: vec(B * H, R), hPrev: vec(B * H, R),
  }).map((b): Case => ({
    what: `B=${B} H=${H} R=${R} resetAfter=${resetAfter} gate=${Act[ga]} cell=${Act[ca]}`, bufs: b,
    outs: ["dxz", "dhRZ", "dhN", "dhPrev"],
    call: (k, x) => k.gruCandidateBackward(x.dxz!, x.dhRZ!, x.dhN!, x.dhPrev!, x.dh!, x.gates!, x.hN!, x.hPrev!, B, H, resetAfter, ga, ca),
    twin: (b0) => {
      const txz = abs64(b0.dxz!), trz = abs64(b0.dhRZ!), tn = abs64(b0.dhN!), thp = abs64(b0.dhPrev!);
      for (let bb = 0; bb < B; bb++) for (let j = 0; j < H; j++) {
        const gb = bb * 3 * H, rb = bb * 2 * H, s = bb * H + j;
        const r = b0.gates![gb + j]!, z = b0.gates![gb + H + j]!, n = b0.gates![gb + 2 * H + j]!;
        const d = Math.abs(b0.dh![s]!), hp = Math.abs(b0.hPrev![s]!);
        const Tdn = d * (1 + Math.abs(z)) * gradTwin(n, ca), Tdz = d * (hp + Math.abs(n)) * gradTwin(z, ga);
        txz[gb + 2 * H + j] += Tdn; txz[gb + H + j] += Tdz; trz[rb + H + j] += Tdz;
        if (resetAfter) {
          tn[s] += Tdn * Math.abs(r);
          const Tdr = Tdn * Math.abs(b0.hN![s]!) * gradTwin(r, ga);
          txz[gb + j] += Tdr; trz[rb + j] += Tdr;
        } else tn[s] += Tdn;
        thp[s] += d * Math.abs(z);
      }
      return { dxz: txz, dhRZ: trz, dhN: tn, dhPrev: thp };
    },
  }))), 300);

  property("gruResetBackward", gruShape.chain(({ B, H, R, ga }) => fc.record({
    dxz: vec(3 * B * H, R), dhRZ: vec(2 * B * H, R), dhPrev: vec(B * H, R),
    dRh: vec(B * H, R), gates: vec(3 * B * H, 1), hPrev: vec(B * H, R),
  }).map((b): Case => ({
    what: `B=${B} H=${H} R=${R} gate=${Act[ga]}`, bufs: b, outs: ["dxz", "dhRZ", "dhPrev"],
    call: (k, x) => k.gruResetBackward(x.dxz!, x.dhRZ!, x.dhPrev!, x.dRh!, x.gates!, x.hPrev!, B, H, ga),
    twin: (b0) => {
      const txz = abs64(b0.dxz!), trz = abs64(b0.dhRZ!), thp = abs64(b0.dhPrev!);
      for (let bb = 0; bb < B; bb++) for (let j = 0; j < H; j++) {
        const gb = bb * 3 * H, rb = bb * 2 * H, s = bb * H + j;
        const r = b0.gates![gb + j]!, d = Math.abs(b0.dRh![s]!);
        const Tdr = d * Math.abs(b0.hPrev![s]!) * gradTwin(r, ga);
        txz[gb + j] += Tdr; trz[rb + j] += Tdr; thp[s] += d * Math.abs(r);
      }
      return { dxz: txz, dhRZ: trz, dhPrev: thp };
    },
  }))), 300);
});
});
