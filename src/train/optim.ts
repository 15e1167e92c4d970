// Optimizers over flat parameter buffers: one loop per buffer per step, no per-tensor objects.
// The update rules are PyTorch 1.13's (torch.optim docs; g is the gradient, t the step from 1):
//   SGD      g += λθ; b = μb + g (b = g at t = 1); g = nesterov ? g + μb : b; θ −= lr·g
//   Adam     g += λθ; m = β1·m + (1−β1)g; v = β2·v + (1−β2)g²; θ −= (lr/(1−β1ᵗ))·m / (√v/√(1−β2ᵗ) + ε)
//   AdamW    θ *= 1 − lr·λ (decoupled, Loshchilov & Hutter 2019), then Adam without λ
//   RMSprop  g += λθ; v = α·v + (1−α)g²; θ −= lr·g / (√v + ε)
//   Adagrad  g += λθ; s += g²; θ −= lr/(1 + (t−1)·decay) · g / (√s + ε)
// Each rule is one kernel call per buffer (src/kernels/*/train.ts), on the backend that holds the
// parameters (kernelsFor): wasm for a model built on wasm, so a step never loops in JavaScript.
import type { Buf, Kernels } from "../kernels/types.ts";
import { kernelsFor } from "../kernels/index.ts";
import { markChanged } from "../params/versions.ts";
import { checkBool, checkKnownKeys, checkNumber, checkOneOf, fail, RnnlabError } from "../errors.ts";

/** One flat parameter buffer and its gradient (e.g. a layer's params.flat / grads.flat). */
export interface ParamGroup { name: string; params: Buf; grads: Buf }

export interface Optimizer {
  readonly name: OptimizerName;
  readonly hyper: Readonly<Record<string, number | boolean>>;
  /** the learning rate of the next step (schedules set it) */
  lr: number;
  /** steps taken so far */
  readonly t: number;
  step(groups: ParamGroup[]): void;
  /** slots by "<group>/<slot>" plus the step count, for checkpoints */
  state(): { t: number; slots: Record<string, Buf> };
  loadState(state: { t: number; slots: Record<string, ArrayLike<number>> }): void;
}

export type OptimizerName = "sgd" | "adam" | "adamw" | "rmsprop" | "adagrad";
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam", "adamw", "rmsprop", "adagrad"];

type Rule = (k: Kernels, p: Buf, g: Buf, slots: Buf[], lr: number, t: number) => void;

function makeOptimizer(name: OptimizerName, lr: number, hyper: Record<string, number | boolean>, slotNames: string[],
                       initial: number, rule: Rule): Optimizer {
  const slots = new Map<string, Buf[]>();
  let t = 0;
  const loaded = new Set<string>();                   // groups whose slots came from loadState as plain arrays
  const slotsFor = (k: Kernels, group: ParamGroup) => {
    let s = slots.get(group.name);
    const dtype = group.params instanceof Float64Array ? "float64" : "float32";
    const n = group.params.length;
    if (s && loaded.has(group.name) && s.length && s[0].length === n) {
      // loaded slots move to the parameters' backend and precision (exact resume)
      s = s.map((b) => { const c = k.alloc(n, dtype); c.set(b); return c; });
      slots.set(group.name, s);
      loaded.delete(group.name);
    }
    if (!s || s[0]?.length !== n) {
      s = slotNames.map(() => k.alloc(n, dtype).fill(initial));
      slots.set(group.name, s);
    }
    return s;
  };
  return {
    name, hyper, lr,
    get t() { return t; },
    step(groups) {
      t++;
      for (const g of groups) { const k = kernelsFor(g.params); rule(k, g.params, g.grads, slotsFor(k, g), this.lr, t); markChanged(g.params); }
    },
    state() {
      const out: Record<string, Buf> = {};
      for (const [group, bufs] of slots) bufs.forEach((b, i) => { out[`${group}/${slotNames[i]}`] = b; });
      return { t, slots: out };
    },
    loadState(state) {
      t = state.t;
      slots.clear();
      loaded.clear();
      for (const [key, values] of Object.entries(state.slots)) {
        const cut = key.lastIndexOf("/"), group = key.slice(0, cut), slot = slotNames.indexOf(key.slice(cut + 1));
        if (slot < 0) throw new RnnlabError(`${name}.loadState: unknown slot "${key}"; this optimizer has ${slotNames.join(", ") || "no slots"}`);
        const bufs = slots.get(group) ?? slotNames.map(() => new Float64Array(values.length) as Buf);
        bufs[slot] = Float64Array.from(values);
        slots.set(group, bufs);
        loaded.add(group);
      }
    },
  };
}

const prob = (fn: string, arg: string, v: number) => { if (!(v >= 0 && v < 1)) fail(fn, arg, "a number in [0, 1)", v); return v; };

export interface SgdOptions { lr?: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
export function sgd(opts: SgdOptions = {}): Optimizer {
  const fn = "sgd";
  checkKnownKeys(fn, opts, ["lr", "momentum", "nesterov", "weightDecay"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 0.01, 0), mu = checkNumber(fn, "momentum", opts.momentum ?? 0, 0);
  const nesterov = checkBool(fn, "nesterov", opts.nesterov ?? false), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? 0, 0);
  if (nesterov && mu === 0) fail(fn, "nesterov", "false unless momentum > 0", true);
  return makeOptimizer("sgd", lr, { momentum: mu, nesterov, weightDecay: wd }, mu > 0 ? ["momentum"] : [], 0, (k, p, g, s, lr, t) =>
    k.sgdStep(p, g, mu > 0 ? s[0]! : null, p.length, { lr, momentum: mu, nesterov, weightDecay: wd, first: t === 1 }));
}

export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
function adamLike(fn: "adam" | "adamw", opts: AdamOptions, decoupledDefault: number): Optimizer {
  checkKnownKeys(fn, opts, ["lr", "beta1", "beta2", "eps", "weightDecay"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 1e-3, 0);
  const b1 = prob(fn, "beta1", opts.beta1 ?? 0.9), b2 = prob(fn, "beta2", opts.beta2 ?? 0.999);
  const eps = checkNumber(fn, "eps", opts.eps ?? 1e-8, 0), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? decoupledDefault, 0);
  const decoupled = fn === "adamw";
  return makeOptimizer(fn, lr, { beta1: b1, beta2: b2, eps, weightDecay: wd }, ["m", "v"], 0, (k, p, g, [m, v], lr, t) =>
    k.adamStep(p, g, m!, v!, p.length, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled, t }));
}
export const adam = (opts: AdamOptions = {}) => adamLike("adam", opts, 0);
export const adamw = (opts: AdamOptions = {}) => adamLike("adamw", opts, 0.01);

export interface RmspropOptions { lr?: number; alpha?: number; eps?: number; weightDecay?: number }
export function rmsprop(opts: RmspropOptions = {}): Optimizer {
  const fn = "rmsprop";
  checkKnownKeys(fn, opts, ["lr", "alpha", "eps", "weightDecay"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 0.01, 0), alpha = prob(fn, "alpha", opts.alpha ?? 0.99);
  const eps = checkNumber(fn, "eps", opts.eps ?? 1e-8, 0), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? 0, 0);
  return makeOptimizer("rmsprop", lr, { alpha, eps, weightDecay: wd }, ["v"], 0, (k, p, g, [v], lr) =>
    k.rmspropStep(p, g, v!, p.length, { lr, alpha, eps, weightDecay: wd }));
}

export interface AdagradOptions { lr?: number; lrDecay?: number; eps?: number; weightDecay?: number; initialAccumulatorValue?: number }
export function adagrad(opts: AdagradOptions = {}): Optimizer {
  const fn = "adagrad";
  checkKnownKeys(fn, opts, ["lr", "lrDecay", "eps", "weightDecay", "initialAccumulatorValue"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 0.01, 0), decay = checkNumber(fn, "lrDecay", opts.lrDecay ?? 0, 0);
  const eps = checkNumber(fn, "eps", opts.eps ?? 1e-10, 0), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? 0, 0);
  const init = checkNumber(fn, "initialAccumulatorValue", opts.initialAccumulatorValue ?? 0, 0);
  return makeOptimizer("adagrad", lr, { lrDecay: decay, eps, weightDecay: wd, initialAccumulatorValue: init }, ["sum"], init, (k, p, g, [s], lr, t) =>
    k.adagradStep(p, g, s!, p.length, { clr: lr / (1 + (t - 1) * decay), eps, weightDecay: wd }));
}

export function optimizerByName(name: string, opts: Record<string, unknown> = {}): Optimizer {
  switch (checkOneOf("optimizerByName", "name", name, OPTIMIZERS)) {
    case "sgd": return sgd(opts);
    case "adam": return adam(opts);
    case "adamw": return adamw(opts);
    case "rmsprop": return rmsprop(opts);
    case "adagrad": return adagrad(opts);
  }
}

// ---- clipping: both report the global gradient norm BEFORE clipping (useful for plots)

/** √(Σ g²) over every group */
export function globalNorm(groups: ParamGroup[]): number {
  let sum = 0;
  for (const { grads } of groups) sum += kernelsFor(grads).sumSquares(grads, grads.length);
  return Math.sqrt(sum);
}

/** torch.nn.utils.clip_grad_norm_: scale every gradient by min(1, maxNorm / (norm + 1e-6)). */
export function clipGradNorm(groups: ParamGroup[], maxNorm: number): number {
  checkNumber("clipGradNorm", "maxNorm", maxNorm, 0);
  const norm = globalNorm(groups);
  const coef = Math.min(1, maxNorm / (norm + 1e-6));
  if (coef < 1) for (const { grads } of groups) kernelsFor(grads).scale(grads, coef, grads.length);
  return norm;
}

/** torch.nn.utils.clip_grad_value_: clamp every gradient to [−limit, limit]. */
export function clipGradValue(groups: ParamGroup[], limit: number): number {
  checkNumber("clipGradValue", "limit", limit, 0);
  const norm = globalNorm(groups);
  for (const { grads } of groups) kernelsFor(grads).clipForward(grads, grads, limit, grads.length);
  return norm;
}
