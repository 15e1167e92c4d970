// Every error a user can trigger names the function, the argument, what was expected and what
// was given, e.g. `LSTMCell: hiddenSize must be a positive integer, got -3`.

export class RnnlabError extends Error {
  override name = "RnnlabError";
}

export const fmtShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

/**
 * A value as an error message shows it: bounded in depth, length and width, and never throwing
 * itself (a hostile file's value can be 100,000 arrays deep, or an object without toString).
 */
export function show(value: unknown, depth = 0): string {
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (Array.isArray(value)) {
    if (depth >= 3) return value.length ? "[…]" : "[]";
    const items = value.slice(0, 8).map((v) => show(v, depth + 1));
    return `[${items.join(",")}${value.length > 8 ? `,… (${value.length} items)` : ""}]`;
  }
  if (ArrayBuffer.isView(value)) return `${value.constructor?.name ?? "TypedArray"}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  if (typeof value === "object" && value !== null) {
    const proto = Object.getPrototypeOf(value);
    if (proto === Object.prototype || proto === null) return "an object";
    try {
      const text = String(value);                                  // a class's own toString (e.g. Tensor)
      if (!text.startsWith("[object ")) return text.length > 120 ? `${text.slice(0, 120)}…` : text;
    } catch { /* a hostile toString */ }
    return `a ${proto?.constructor?.name ?? "object"}`;
  }
  try { return String(value); } catch { return typeof value; }
}

export function fail(fn: string, arg: string, expected: string, got: unknown): never {
  throw new RnnlabError(`${fn}: ${arg} must be ${expected}, got ${show(got)}`);
}

export function checkInt(fn: string, arg: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(fn, arg, min === 1 ? "a positive integer" : `an integer ≥ ${min}`, value);
  }
  return value;
}

export function checkNumber(fn: string, arg: string, value: unknown, min = -Infinity): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    fail(fn, arg, min === -Infinity ? "a finite number" : `a finite number ≥ ${min}`, value);
  }
  return value;
}

export function checkBool(fn: string, arg: string, value: unknown): boolean {
  if (typeof value !== "boolean") fail(fn, arg, "true or false", value);
  return value;
}

export function checkOneOf<T extends string | number>(fn: string, arg: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) fail(fn, arg, `one of ${allowed.map(show).join(", ")}`, value);
  return value as T;
}

/** Reject option keys the function does not know (a typo must not be silently ignored); `opts` must be an object. */
export function checkKnownKeys(fn: string, opts: object, known: readonly string[], arg = "options"): void {
  if (typeof opts !== "object" || opts === null || Array.isArray(opts)) fail(fn, arg, `an object (keys: ${known.join(", ")})`, opts);
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new RnnlabError(`${fn}: unknown option "${key}"; expected one of ${known.join(", ")}`);
    }
  }
}

/** A buffer of an exact length and dtype, e.g. `x must be Float64Array(15) (shape [3,5]), got Float64Array(14)`. */
export function checkBuf(fn: string, arg: string, buf: unknown, length: number, shape: readonly number[],
                         ctor: Float32ArrayConstructor | Float64ArrayConstructor): void {
  if (!(buf instanceof ctor) || buf.length !== length) {
    fail(fn, arg, `${ctor.name}(${length}) (shape ${fmtShape(shape)})`, buf);
  }
}

/** Every value finite, e.g. `weightIh[12] must be finite, got NaN`. */
export function checkFinite(fn: string, arg: string, buf: ArrayLike<number>): void {
  for (let i = 0; i < buf.length; i++) {
    if (!Number.isFinite(buf[i])) fail(fn, `${arg}[${i}]`, "finite", buf[i]);
  }
}
