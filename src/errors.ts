// Every error a user can trigger names the function, the argument, what was expected and what
// was given, e.g. `LSTMCell: hiddenSize must be a positive integer, got -3`.

export class RnnlabError extends Error {
  override name = "RnnlabError";
}

export const fmtShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(",")}]`;
  if (value instanceof Float32Array) return `Float32Array(${value.length})`;
  if (value instanceof Float64Array) return `Float64Array(${value.length})`;
  return String(value);
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

/** Reject option keys the function does not know (a typo must not be silently ignored). */
export function checkKnownKeys(fn: string, opts: object, known: readonly string[]): void {
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
