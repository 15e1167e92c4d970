// Option parsers shared by the commands. Each throws commander's InvalidArgumentError, which
// main.ts prints as one line ("option '--units <n>' argument '-3' is invalid. ...") with exit 2.
import { InvalidArgumentError } from "commander";

export function int(min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (v: string): number => {
    const n = Number(v);
    if (!/^[-+]?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer${max < Number.MAX_SAFE_INTEGER ? ` from ${min} to ${max}` : ` ≥ ${min}`}.`);
    }
    return n;
  };
}

export function num(min = -Infinity, max = Infinity, exclusiveMin = false) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === "" || !Number.isFinite(n) || n < min || (exclusiveMin && n === min) || n > max) {
      throw new InvalidArgumentError(`expected a number ${exclusiveMin ? ">" : "≥"} ${min}${max < Infinity ? ` and ≤ ${max}` : ""}.`);
    }
    return n;
  };
}

export function oneOf<T extends string>(values: readonly T[]) {
  return (v: string): T => {
    if (!(values as readonly string[]).includes(v)) throw new InvalidArgumentError(`expected one of ${values.join(", ")}.`);
    return v as T;
  };
}

/** "rnn,lstm" → ["rnn", "lstm"], each checked */
export function listOf<T extends string>(values: readonly T[]) {
  return (v: string): T[] => {
    const items = v.split(",").map((s) => s.trim()).filter(Boolean);
    const bad = items.filter((s) => !(values as readonly string[]).includes(s));
    if (items.length === 0 || bad.length) throw new InvalidArgumentError(`expected a comma-separated list of ${values.join(", ")}${bad.length ? ` (unknown: ${bad.join(", ")})` : ""}.`);
    return [...new Set(items)] as T[];
  };
}

/** "10,25,50" → [10, 25, 50], each an integer ≥ min */
export function intList(min = 1) {
  return (v: string): number[] => {
    const items = v.split(",").map((s) => s.trim()).filter(Boolean);
    const ok = items.length > 0 && items.every((s) => /^\d+$/.test(s) && Number(s) >= min);
    if (!ok) throw new InvalidArgumentError(`expected a comma-separated list of integers ≥ ${min}.`);
    return [...new Set(items.map(Number))];
  };
}

export const CELLS = ["rnn", "lstm", "gru"] as const;
