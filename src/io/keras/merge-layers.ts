// Keras layers that combine or reshape values, with their backward: Concatenate (last axis),
// Add, Multiply, Average, Dot (batched, any axes of rank-2/3 inputs; Keras's Dot without
// normalize), Activation, Flatten, RepeatVector, and TimeDistributed around a Dense (a Dense on
// [B, T, D] is already applied per step). Masks follow Keras: a merge keeps a step only where
// every input's mask keeps it; Dot, Flatten and RepeatVector drop the mask.
import { num, str } from "./model-json.ts";
import { applyActivation } from "./activations.ts";
import { activationBackward } from "./train-ops.ts";
import type { BuildContext, KerasLayer, KValue } from "./layers.ts";
import { RnnlabError, fmtShape, show } from "../../errors.ts";

const andMasks = (xs: KValue[]): Uint8Array | null => {
  const ms = xs.map((x) => x.mask).filter((m): m is Uint8Array => m !== null);
  if (!ms.length) return null;
  return ms[0].map((_, i) => (ms.every((m) => m[i]) ? 1 : 0));
};

function need(layer: string, xs: KValue[], n: number | "2+"): void {
  if (n === "2+" ? xs.length < 2 : xs.length !== n) throw new RnnlabError(`Keras layer "${layer}": takes ${n === "2+" ? "two or more" : n} input(s), got ${xs.length}`);
  xs.forEach((x, i) => { if (!x) throw new RnnlabError(`Keras layer "${layer}": input ${i} is not computed`); });
}

/** A layer without weights from its forward and backward. */
function weightless(className: string, name: string, config: Record<string, unknown>,
                    forward: (xs: KValue[]) => KValue, backward: (d: Float32Array, xs: KValue[], y: KValue) => (Float32Array | null)[]): KerasLayer {
  return {
    className, name, config, weights: () => [],
    apply: (xs) => [forward(xs)],
    trainForward: (xs) => {
      const y = forward(xs);
      return { outputs: [y], backward: ([d]) => (d ? backward(d, xs, y) : xs.map(() => null)) };
    },
  };
}

function concatenate(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const axis = config.axis === undefined ? -1 : num(config.axis);
  const check = (xs: KValue[]) => {
    need(name, xs, "2+");
    const rank = xs[0].shape.length;
    if (axis !== -1 && axis !== rank - 1) throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.axis ("${name}") is ${axis}; Concatenate joins the last axis here`);
    const lead = fmtShape(xs[0].shape.slice(0, -1));
    xs.forEach((x, i) => { if (fmtShape(x.shape.slice(0, -1)) !== lead) throw new RnnlabError(`Keras layer "${name}": input ${i} has shape ${fmtShape(x.shape)}, the first ${fmtShape(xs[0].shape)} (all but the last axis must agree)`); });
    return xs.map((x) => x.shape[rank - 1]);
  };
  return weightless("Concatenate", name, config, (xs) => {
    const widths = check(xs), W = widths.reduce((a, b) => a + b, 0), rows = xs[0].data.length / widths[0], y = new Float32Array(rows * W);
    for (let r = 0; r < rows; r++) {
      let at = r * W;
      xs.forEach((x, i) => { y.set(x.data.subarray(r * widths[i], (r + 1) * widths[i]), at); at += widths[i]; });
    }
    return { shape: [...xs[0].shape.slice(0, -1), W], data: y, mask: andMasks(xs) };
  }, (d, xs) => {
    const widths = xs.map((x) => x.shape[x.shape.length - 1]), W = widths.reduce((a, b) => a + b, 0), rows = d.length / W;
    return xs.map((x, i) => {
      const off = widths.slice(0, i).reduce((a, b) => a + b, 0), g = new Float32Array(x.data.length);
      for (let r = 0; r < rows; r++) g.set(d.subarray(r * W + off, r * W + off + widths[i]), r * widths[i]);
      return g;
    });
  });
}

function elementwise(className: "Add" | "Multiply" | "Average" | "Subtract", name: string, config: Record<string, unknown>): KerasLayer {
  const same = (xs: KValue[]) => {
    need(name, xs, className === "Subtract" ? 2 : "2+");
    xs.forEach((x, i) => { if (fmtShape(x.shape) !== fmtShape(xs[0].shape)) throw new RnnlabError(`Keras layer "${name}": input ${i} has shape ${fmtShape(x.shape)}, input 0 ${fmtShape(xs[0].shape)}`); });
  };
  return weightless(className, name, config, (xs) => {
    same(xs);
    const y = Float32Array.from(xs[0].data);
    for (const x of xs.slice(1)) for (let i = 0; i < y.length; i++) {
      y[i] = className === "Multiply" ? y[i] * x.data[i] : className === "Subtract" ? y[i] - x.data[i] : y[i] + x.data[i];
    }
    if (className === "Average") for (let i = 0; i < y.length; i++) y[i] /= xs.length;
    return { shape: [...xs[0].shape], data: y, mask: andMasks(xs) };
  }, (d, xs) => xs.map((x, j) => {
    if (className === "Add") return Float32Array.from(d);
    if (className === "Average") return d.map((v) => v / xs.length);
    if (className === "Subtract") return j === 0 ? Float32Array.from(d) : d.map((v) => -v);
    return d.map((v, i) => { let p = v; xs.forEach((o, k) => { if (k !== j) p *= o.data[i]; }); return p; });   // Multiply
  }));
}

/**
 * Keras Dot: per batch row, contract axis a of x (shape [B, …]) with axis b of y, giving x's other
 * axes then y's (a rank-2 pair gives [B, 1]). Written as C = op(X) · op(Y) on each row's matrices.
 */
function dot(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  if (config.normalize === true) throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.normalize ("${name}") is true; Dot without normalize only`);
  const axesOf = (xs: KValue[]): [number, number] => {
    const raw = config.axes, ax = Array.isArray(raw) ? raw.map(num) : [num(raw), num(raw)];
    return ax.map((a, i) => (a < 0 ? xs[i].shape.length + a : a)) as [number, number];
  };
  /** each input as per-row matrices [rows, cols] with the contracted axis as `k`: x → [m, k], y → [k, n] (transposes noted) */
  const plan = (xs: KValue[]) => {
    need(name, xs, 2);
    const [a, b] = axesOf(xs), [x, y] = xs;
    for (const [v, ax, i] of [[x, a, 0], [y, b, 1]] as const) {
      if (v.shape.length < 2 || v.shape.length > 3 || ax < 1 || ax >= v.shape.length) throw new RnnlabError(`Keras layer "${name}": input ${i} of shape ${fmtShape(v.shape)} with axes ${show(config.axes)}; rank-2 or rank-3 inputs, axes past the batch`);
    }
    const B = x.shape[0], K = x.shape[a];
    if (y.shape[0] !== B || y.shape[b] !== K) throw new RnnlabError(`Keras layer "${name}": axis ${a} of ${fmtShape(x.shape)} and axis ${b} of ${fmtShape(y.shape)} must have the same size`);
    const m = x.shape.length === 3 ? x.shape[a === 1 ? 2 : 1] : 1, n = y.shape.length === 3 ? y.shape[b === 1 ? 2 : 1] : 1;
    // element (i, k) of x's row matrix, (k, j) of y's
    const xi = (row: number, i: number, k: number) => row * m * K + (x.shape.length === 2 ? k : a === 2 ? i * K + k : k * m + i);
    const yi = (row: number, k: number, j: number) => row * K * n + (y.shape.length === 2 ? k : b === 1 ? k * n + j : j * K + k);
    const shape = [B, ...(x.shape.length === 3 ? [m] : []), ...(y.shape.length === 3 ? [n] : [])];
    return { B, K, m, n, xi, yi, shape: shape.length === 1 ? [B, 1] : shape };
  };
  return weightless("Dot", name, config, (xs) => {
    const { B, K, m, n, xi, yi, shape } = plan(xs), out = new Float32Array(B * m * n);
    for (let r = 0; r < B; r++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += xs[0].data[xi(r, i, k)] * xs[1].data[yi(r, k, j)];
      out[(r * m + i) * n + j] = s;
    }
    return { shape, data: out, mask: null };
  }, (d, xs) => {
    const { B, K, m, n, xi, yi } = plan(xs), dx = new Float32Array(xs[0].data.length), dy = new Float32Array(xs[1].data.length);
    for (let r = 0; r < B; r++) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      const g = d[(r * m + i) * n + j];
      for (let k = 0; k < K; k++) { dx[xi(r, i, k)] += g * xs[1].data[yi(r, k, j)]; dy[yi(r, k, j)] += g * xs[0].data[xi(r, i, k)]; }
    }
    return [dx, dy];
  });
}

function activation(name: string, config: Record<string, unknown>, ctx: BuildContext): KerasLayer {
  const where = `${ctx.source}: ${ctx.at}.config.activation`;
  applyActivation(config.activation, new Float32Array(0), 1, ctx.hard, where);
  return weightless("Activation", name, config, ([x]) => {
    const y = Float32Array.from(x.data);
    applyActivation(config.activation, y, x.shape[x.shape.length - 1], ctx.hard, where);
    return { shape: [...x.shape], data: y, mask: x.mask };
  }, (d, [x], y) => {
    const g = Float32Array.from(d);
    activationBackward(config.activation, g, y.data, x.shape[x.shape.length - 1], ctx.hard, where);
    return [g];
  });
}

export const MERGE_LAYERS = ["Concatenate", "Add", "Multiply", "Average", "Subtract", "Dot", "Activation", "Flatten", "RepeatVector", "TimeDistributed"];

/** The layer, or null when `className` is not one of these. `dense` builds the Dense a TimeDistributed wraps. */
export function buildMergeLayer(className: string, name: string, config: Record<string, unknown>, ctx: BuildContext,
                                dense: (name: string, config: Record<string, unknown>, ctx: BuildContext) => KerasLayer): KerasLayer | null {
  switch (className) {
    case "Concatenate": return concatenate(name, config, ctx);
    case "Add": case "Multiply": case "Average": case "Subtract": return elementwise(className, name, config);
    case "Dot": return dot(name, config, ctx);
    case "Activation": return activation(name, config, ctx);
    case "Flatten":
      return weightless("Flatten", name, config, ([x]) => ({ shape: [x.shape[0], x.data.length / x.shape[0]], data: x.data, mask: null }), (d) => [d]);
    case "RepeatVector": {
      const n = num(config.n);
      return weightless("RepeatVector", name, config, ([x]) => {
        const [B, W] = x.shape, y = new Float32Array(B * n * W);
        for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) y.set(x.data.subarray(b * W, (b + 1) * W), (b * n + t) * W);
        return { shape: [B, n, W], data: y, mask: null };
      }, (d, [x]) => {
        const [B, W] = x.shape, g = new Float32Array(B * W);
        for (let b = 0; b < B; b++) for (let t = 0; t < n; t++) for (let w = 0; w < W; w++) g[b * W + w] += d[(b * n + t) * W + w];
        return [g];
      });
    }
    case "TimeDistributed": {
      const inner = config.layer as { class_name?: string; config?: Record<string, unknown> } | undefined;
      if (str(inner?.class_name) !== "Dense" || !inner?.config) {
        throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.layer.class_name is "${str(inner?.class_name)}"; TimeDistributed wraps a Dense here`);
      }
      // the weights are stored under the wrapper's name; a Dense on [B, T, D] is applied per step
      const layer = dense(name, { ...inner.config, name }, { ...ctx, at: `${ctx.at}.config.layer` });
      return { ...layer, className: "TimeDistributed", config };
    }
  }
  return null;
}
