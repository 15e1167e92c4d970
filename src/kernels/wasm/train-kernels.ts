// The wasm side of the training kernels (assembly/train.ts): the loss and the optimizer steps,
// with the same checks and marshalling as every other kernel (marshal.ts). The scalars that need
// double precision (1 − β, Adam's bias corrections) are computed here, in double, as ref does.
import { refKernels as ref } from "../ref/index.ts";
import type { Kernels } from "../types.ts";
import type { RawExports } from "./index.ts";
import { dim, is64, type Marshal } from "./marshal.ts";

type TrainKernels = Pick<Kernels, "softmaxXent" | "sumSquares" | "scale" | "sgdStep" | "adamStep" | "rmspropStep" | "adagradStep">;

/** labelsIn: copies N i32 labels into wasm memory and returns their pointer (a kept block). */
export function trainKernels(raw: RawExports, io: Marshal, labelsIn: (labels: Int32Array, N: number) => number): TrainKernels {
  return {
    softmaxXent(dLogits, logits, labels, N, C, scale) {
      if (is64(dLogits, logits)) return ref.softmaxXent(dLogits, logits, labels, N, C, scale);
      const fn = "softmaxXent", nc = dim(fn, "N", N) * dim(fn, "C", C);
      if (labels.length < N) throw new RangeError(`${fn}: labels has length ${labels.length}, needs ${N}`);
      io.begin();
      const pd = dLogits ? io.out(dLogits, nc, fn, "dLogits") : 0;
      const pz = io.in(logits, nc, fn, "logits");
      const pl = labelsIn(labels, N);                    // i32 labels: N values (not N·C) copied into a kept block
      try { return raw.softmaxXent(pd, pz, pl, N, C, scale); } finally { io.end(); }
    },

    sumSquares(x, n) {
      if (is64(x)) return ref.sumSquares(x, n);
      dim("sumSquares", "n", n);
      io.begin();
      const r = raw.sumSquares(io.in(x, n, "sumSquares", "x"), n);
      io.end();
      return r;
    },

    scale(x, a, n) {
      if (is64(x)) return ref.scale(x, a, n);
      dim("scale", "n", n);
      io.begin();
      raw.scale(io.out(x, n, "scale", "x"), a, n);
      io.end();
    },

    sgdStep(p, g, buf, n, o) {
      if (is64(p, g, buf)) return ref.sgdStep(p, g, buf, n, o);
      const fn = "sgdStep";
      dim(fn, "n", n);
      io.begin();
      const pp = io.out(p, n, fn, "p"), pb = buf ? io.out(buf, n, fn, "buf") : 0;
      raw.sgdStep(pp, io.in(g, n, fn, "g"), pb, n, o.lr, o.momentum, o.nesterov ? 1 : 0, o.weightDecay, o.first ? 1 : 0);
      io.end();
    },

    adamStep(p, g, m, v, n, o) {
      if (is64(p, g, m, v)) return ref.adamStep(p, g, m, v, n, o);
      const fn = "adamStep";
      dim(fn, "n", n);
      const stepSize = o.lr / (1 - o.beta1 ** o.t), bc2Sqrt = Math.sqrt(1 - o.beta2 ** o.t); // in double, as ref
      io.begin();
      const pp = io.out(p, n, fn, "p"), pm = io.out(m, n, fn, "m"), pv = io.out(v, n, fn, "v");
      raw.adamStep(pp, io.in(g, n, fn, "g"), pm, pv, n, o.beta1, 1 - o.beta1, o.beta2, 1 - o.beta2, o.eps, o.weightDecay,
        o.decoupled ? 1 : 0, 1 - o.lr * o.weightDecay, stepSize, bc2Sqrt);
      io.end();
    },

    rmspropStep(p, g, v, n, o) {
      if (is64(p, g, v)) return ref.rmspropStep(p, g, v, n, o);
      const fn = "rmspropStep";
      dim(fn, "n", n);
      io.begin();
      const pp = io.out(p, n, fn, "p"), pv = io.out(v, n, fn, "v");
      raw.rmspropStep(pp, io.in(g, n, fn, "g"), pv, n, o.lr, o.alpha, 1 - o.alpha, o.eps, o.weightDecay);
      io.end();
    },

    adagradStep(p, g, s, n, o) {
      if (is64(p, g, s)) return ref.adagradStep(p, g, s, n, o);
      const fn = "adagradStep";
      dim(fn, "n", n);
      io.begin();
      const pp = io.out(p, n, fn, "p"), ps = io.out(s, n, fn, "s");
      raw.adagradStep(pp, io.in(g, n, fn, "g"), ps, n, o.clr, o.eps, o.weightDecay);
      io.end();
    },
  };
}
