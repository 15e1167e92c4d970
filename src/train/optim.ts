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
  /**
   * Restore state() output. Checked before anything changes: t a non-negative integer, every slot
   * "<group>/<slot>" known, finite (unless `allowNonFinite`), non-negative where it is a sum of
   * squares, all slots of a group present and of one length; with `groups`, every group known with
   * its parameters' length and the next update finite (a diverged or corrupted state is refused
   * here, not discovered as NaN weights after the first step).
   */
  loadState(state: { t: number; slots: Record<string, ArrayLike<number>> }, opts?: LoadStateOptions): void;
}

export interface LoadStateOptions { groups?: ParamGroup[]; allowNonFinite?: boolean }

export type OptimizerName = "sgd" | "adam" | "adamw" | "rmsprop" | "adagrad";
export const OPTIMIZERS: readonly OptimizerName[] = ["sgd", "adam", "adamw", "rmsprop", "adagrad"];

type Rule = (k: Kernels, p: Buf, g: Buf, slots: Buf[], lr: number, t: number) => void;
/**
 * A bound on |θ| after the next step (step t) of parameter θ with the loaded slots, whatever the
 * gradient where the rule bounds it (Adam, RMSprop, Adagrad normalise it); to refuse a state whose
 * next step cannot stay finite. Weight decay λθ overflows the parameters' float type on its own
 * when λ is absurd (1e308), so it is part of the bound.
 */
type DryUpdate = (slots: ArrayLike<number>[], i: number, lr: number, t: number, theta: number, limit: number) => number;
/** λθ must itself be representable (it is added to the gradient in the parameters' precision). */
const decayFits = (wd: number, theta: number, limit: number) => Math.abs(wd * theta) <= limit;

/** Slots that accumulate squares: never negative (√ of them is taken). */
const SQUARE_SLOTS = new Set(["v", "sum"]);
const F32_MAX = 3.4028234663852886e38;

function makeOptimizer(name: OptimizerName, lr: number, hyper: Record<string, number | boolean>, slotNames: string[],
                       initial: number, rule: Rule, dry: DryUpdate = (_s, _i, _lr, _t, theta) => Math.abs(theta)): Optimizer {
  const slots = new Map<string, Buf[]>();
  let t = 0;
  const loaded = new Set<string>();                   // groups whose slots came from loadState as plain arrays
  const slotsFor = (k: Kernels, group: ParamGroup) => {
    let s = slots.get(group.name);
    const dtype = group.params instanceof Float64Array ? "float64" : "float32";
    const n = group.params.length;
    if (s && loaded.has(group.name) && s[0]?.length !== n) {
      throw new RnnlabError(`${name}.step: the loaded state of group "${group.name}" has ${s[0]?.length} values per slot, its parameters ${n}`);
    }
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
    loadState(state, opts = {}) {
      const checked = checkState(`${name}.loadState`, state, opts, slotNames, this.lr, dry);
      t = state.t;
      slots.clear();
      loaded.clear();
      for (const [group, bufs] of checked) { slots.set(group, bufs); loaded.add(group); }
    },
  };
}

/** Everything loadState promises to check, before any state changes; the slots by group as Float64Arrays. */
function checkState(fn: string, state: unknown, opts: LoadStateOptions, slotNames: string[], lr: number, dry: DryUpdate): Map<string, Buf[]> {
  if (typeof opts !== "object" || opts === null) fail(fn, "options", "an object", opts);
  checkKnownKeys(fn, opts, ["groups", "allowNonFinite"]);
  if (typeof state !== "object" || state === null) fail(fn, "state", "an object { t, slots }", state);
  const { t, slots } = state as { t: unknown; slots: unknown };
  if (typeof t !== "number" || !Number.isSafeInteger(t) || t < 0) fail(fn, "state.t", "a non-negative integer (steps taken)", t);
  if (typeof slots !== "object" || slots === null || Array.isArray(slots)) fail(fn, "state.slots", "an object of arrays by \"<group>/<slot>\"", slots);
  const byGroup = new Map<string, Buf[]>();
  for (const [key, values] of Object.entries(slots)) {
    const cut = key.lastIndexOf("/"), group = key.slice(0, cut), slot = slotNames.indexOf(key.slice(cut + 1));
    if (cut < 1 || slot < 0) throw new RnnlabError(`${fn}: unknown slot "${key}"; this optimizer has ${slotNames.map((s) => `<group>/${s}`).join(", ") || "no slots"}`);
    if (!ArrayBuffer.isView(values) && !Array.isArray(values)) fail(fn, `state.slots["${key}"]`, "an array of numbers", values);
    const data = Float64Array.from(values as ArrayLike<number>);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (typeof (values as ArrayLike<unknown>)[i] !== "number" && !ArrayBuffer.isView(values)) fail(fn, `state.slots["${key}"][${i}]`, "a number", (values as ArrayLike<unknown>)[i]);
      if (!Number.isFinite(v) && !opts.allowNonFinite) fail(fn, `state.slots["${key}"][${i}]`, "finite (pass { allowNonFinite: true } to load it anyway)", v);
      if (v < 0 && SQUARE_SLOTS.has(slotNames[slot])) fail(fn, `state.slots["${key}"][${i}]`, "≥ 0 (a sum of squares)", v);
    }
    const bufs = byGroup.get(group) ?? slotNames.map(() => null as unknown as Buf);
    if (bufs.some((b) => b && b.length !== data.length)) fail(fn, `state.slots["${key}"]`, `as long as the group's other slots (${bufs.find((b) => b)!.length})`, `length ${data.length}`);
    bufs[slot] = data;
    byGroup.set(group, bufs);
  }
  for (const [group, bufs] of byGroup) {
    const missing = slotNames.filter((_, i) => !bufs[i]);
    if (missing.length) throw new RnnlabError(`${fn}: group "${group}" lacks slot(s) ${missing.map((m) => `"${group}/${m}"`).join(", ")}`);
  }
  if (opts.groups) {
    const known = new Map(opts.groups.map((g) => [g.name, g]));
    for (const [group, bufs] of byGroup) {
      const g = known.get(group);
      if (!g) throw new RnnlabError(`${fn}: state for group "${group}", which the model does not have (it has ${[...known.keys()].join(", ")})`);
      if (bufs[0].length !== g.params.length) fail(fn, `state.slots["${group}/${slotNames[0]}"]`, `${g.params.length} values (the group's parameters)`, `${bufs[0].length}`);
      if (opts.allowNonFinite) continue;
      const limit = g.params instanceof Float32Array ? F32_MAX : Number.MAX_VALUE;
      for (let i = 0; i < g.params.length; i++) {
        const next = dry(bufs, i, lr, t + 1, g.params[i], limit);        // the largest |θ| the next step can give
        if (!(Math.abs(next) <= limit)) {
          throw new RnnlabError(`${fn}: the state of group "${group}" would let parameter ${i} reach ${next} at the next step (slots ${slotNames.map((s, j) => `${s}=${bufs[j][i]}`).join(", ")}); refused as diverged or corrupt`);
        }
      }
    }
  }
  return byGroup;
}

const prob = (fn: string, arg: string, v: number) => { if (typeof v !== "number" || !(v >= 0 && v < 1)) fail(fn, arg, "a number in [0, 1)", v); return v; };

export interface SgdOptions { lr?: number; momentum?: number; nesterov?: boolean; weightDecay?: number }
export function sgd(opts: SgdOptions = {}): Optimizer {
  const fn = "sgd";
  checkKnownKeys(fn, opts, ["lr", "momentum", "nesterov", "weightDecay"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 0.01, 0), mu = checkNumber(fn, "momentum", opts.momentum ?? 0, 0);
  const nesterov = checkBool(fn, "nesterov", opts.nesterov ?? false), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? 0, 0);
  if (nesterov && mu === 0) fail(fn, "nesterov", "false unless momentum > 0", true);
  return makeOptimizer("sgd", lr, { momentum: mu, nesterov, weightDecay: wd }, mu > 0 ? ["momentum"] : [], 0, (k, p, g, s, lr, t) =>
    k.sgdStep(p, g, mu > 0 ? s[0]! : null, p.length, { lr, momentum: mu, nesterov, weightDecay: wd, first: t === 1 }),
  // the gradient's own part is unbounded for SGD: only what the state adds is checked
  (s, i, lr, _t, theta, limit) => (decayFits(wd, theta, limit) ? Math.abs(theta) + (mu > 0 ? Math.abs(lr * mu * s[0][i] * (nesterov ? 1 + mu : 1)) : 0) : Infinity));
}

export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; eps?: number; weightDecay?: number }
function adamLike(fn: "adam" | "adamw", opts: AdamOptions, decoupledDefault: number): Optimizer {
  checkKnownKeys(fn, opts, ["lr", "beta1", "beta2", "eps", "weightDecay"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 1e-3, 0);
  const b1 = prob(fn, "beta1", opts.beta1 ?? 0.9), b2 = prob(fn, "beta2", opts.beta2 ?? 0.999);
  const eps = checkNumber(fn, "eps", opts.eps ?? 1e-8, 0), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? decoupledDefault, 0);
  const decoupled = fn === "adamw";
  return makeOptimizer(fn, lr, { beta1: b1, beta2: b2, eps, weightDecay: wd }, ["m", "v"], 0, (k, p, g, [m, v], lr, t) =>
    k.adamStep(p, g, m!, v!, p.length, { lr, beta1: b1, beta2: b2, eps, weightDecay: wd, decoupled, t }),
  // the header's rule with g = 0 (m = β1·m, v = β2·v), plus the most a gradient can add: its own
  // term m̂/√v̂ is at most (1−β1)/(1−β1ᵗ) · √(1−β2ᵗ)/√(1−β2) whatever its size (Kingma & Ba 2015, §2.1)
  ([m, v], i, lr, t, theta, limit) => {
    if (!decoupled && !decayFits(wd, theta, limit)) return Infinity;
    const kept = decoupled ? Math.abs(theta * (1 - lr * wd)) : Math.abs(theta);
    return kept + Math.abs((lr / (1 - b1 ** t)) * (b1 * m[i]) / (Math.sqrt(b2 * v[i]) / Math.sqrt(1 - b2 ** t) + eps))
      + lr * ((1 - b1) / (1 - b1 ** t)) * Math.sqrt(1 - b2 ** t) / Math.sqrt(1 - b2);
  });
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
    k.rmspropStep(p, g, v!, p.length, { lr, alpha, eps, weightDecay: wd }),
  // |g| / √(α v + (1−α) g²) ≤ 1 / √(1−α): the update is at most lr / √(1−α)
  (_s, _i, lr, _t, theta, limit) => (decayFits(wd, theta, limit) ? Math.abs(theta) + lr / Math.sqrt(1 - alpha) : Infinity));
}

export interface AdagradOptions { lr?: number; lrDecay?: number; eps?: number; weightDecay?: number; initialAccumulatorValue?: number }
export function adagrad(opts: AdagradOptions = {}): Optimizer {
  const fn = "adagrad";
  checkKnownKeys(fn, opts, ["lr", "lrDecay", "eps", "weightDecay", "initialAccumulatorValue"]);
  const lr = checkNumber(fn, "lr", opts.lr ?? 0.01, 0), decay = checkNumber(fn, "lrDecay", opts.lrDecay ?? 0, 0);
  const eps = checkNumber(fn, "eps", opts.eps ?? 1e-10, 0), wd = checkNumber(fn, "weightDecay", opts.weightDecay ?? 0, 0);
  const init = checkNumber(fn, "initialAccumulatorValue", opts.initialAccumulatorValue ?? 0, 0);
  return makeOptimizer("adagrad", lr, { lrDecay: decay, eps, weightDecay: wd, initialAccumulatorValue: init }, ["sum"], init, (k, p, g, [s], lr, t) =>
    k.adagradStep(p, g, s!, p.length, { clr: lr / (1 + (t - 1) * decay), eps, weightDecay: wd }),
  // |g| / √(s + g²) ≤ 1: the update is at most the step's learning rate
  (_s, _i, lr, t, theta, limit) => (decayFits(wd, theta, limit) ? Math.abs(theta) + lr / (1 + (t - 1) * decay) : Infinity));
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
