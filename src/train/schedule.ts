// Learning-rate schedules as pure functions of the step (0-based): lr(step) = baseLr · factor(step).
import { checkInt, checkNumber, checkOneOf } from "../errors.ts";

export type Schedule = (step: number) => number;

export const constant = (): Schedule => () => 1;

/** × gamma every `every` steps (torch StepLR) */
export function stepDecay(every: number, gamma = 0.1): Schedule {
  checkInt("stepDecay", "every", every, 1); checkNumber("stepDecay", "gamma", gamma, 0);
  return (s) => gamma ** Math.floor(s / every);
}

/** cosine from 1 at step 0 to `floor` at step `total` (torch CosineAnnealingLR with eta_min = floor·lr) */
export function cosine(total: number, floor = 0): Schedule {
  checkInt("cosine", "total", total, 1); checkNumber("cosine", "floor", floor, 0);
  return (s) => floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(s, total) / total));
}

/** linear warm-up over `steps` steps ((s + 1) / steps), then `then` shifted by the warm-up */
export function warmup(steps: number, then: Schedule = constant()): Schedule {
  checkInt("warmup", "steps", steps, 1);
  return (s) => (s < steps ? (s + 1) / steps : then(s - steps));
}

export type ScheduleName = "constant" | "step" | "cosine" | "warmup-cosine";
/** A schedule by name for `total` steps (the CLI's --schedule). */
export function scheduleByName(name: string, total: number): Schedule {
  switch (checkOneOf("scheduleByName", "name", name, ["constant", "step", "cosine", "warmup-cosine"] as const)) {
    case "constant": return constant();
    case "step": return stepDecay(Math.max(1, Math.floor(total / 3)), 0.1);
    case "cosine": return cosine(total);
    case "warmup-cosine": { const w = Math.max(1, Math.floor(total / 20)); return warmup(w, cosine(Math.max(1, total - w))); }
  }
}
