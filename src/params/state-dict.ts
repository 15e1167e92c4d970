// Checking a state dict (name -> tensor) against the parameters a module expects: every expected
// key present with its exact shape, no extra keys, only finite values. One check for every module.
import { fail, fmtShape, RnnlabError, show } from "../errors.ts";

export type TensorLikeInput = { shape: readonly number[]; data: ArrayLike<number> };

export function checkStateDict(fn: string, dict: Record<string, TensorLikeInput>, expected: { name: string; shape: readonly number[] }[],
                               opts: { allowNonFinite?: boolean } = {}): void {
  if (typeof dict !== "object" || dict === null || Array.isArray(dict) || ArrayBuffer.isView(dict)) {
    throw new RnnlabError(`${fn}: dict must be an object of tensors by name, got ${show(dict)}`);
  }
  const names = new Set(expected.map((e) => e.name));
  const extra = Object.keys(dict).filter((key) => !names.has(key));
  if (extra.length) throw new RnnlabError(`${fn}: unexpected key(s) ${extra.map((e) => `"${e}"`).join(", ")}; expected ${[...names].join(", ")}`);
  for (const { name, shape } of expected) {
    const t = dict[name];
    if (!t) throw new RnnlabError(`${fn}: missing key "${name}" (shape ${fmtShape(shape)})`);
    if (typeof t !== "object" || !Array.isArray(t.shape)) fail(fn, `"${name}"`, "a tensor { shape, data }", t);
    if (fmtShape(t.shape) !== fmtShape(shape)) throw new RnnlabError(`${fn}: "${name}" has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(ArrayBuffer.isView(t.data) || Array.isArray(t.data)) || (t.data as ArrayLike<number>).length !== count) {
      fail(fn, `"${name}".data`, `${count} numbers (shape ${fmtShape(shape)})`, t.data);
    }
    for (let i = 0; i < t.data.length; i++) {
      const v = t.data[i];
      if (typeof v !== "number") fail(fn, `"${name}"[${i}]`, "a number", v);
      if (!Number.isFinite(v) && !opts.allowNonFinite) throw new RnnlabError(`${fn}: "${name}"[${i}] must be finite, got ${v}`);
    }
  }
}
