// Checking a state dict (name -> tensor) against the parameters a module expects: every expected
// key present with its exact shape, no extra keys, only finite values. One check for every module.
import { fmtShape, RnnlabError } from "../errors.ts";

export type TensorLikeInput = { shape: readonly number[]; data: ArrayLike<number> };

export function checkStateDict(fn: string, dict: Record<string, TensorLikeInput>, expected: { name: string; shape: readonly number[] }[]): void {
  if (typeof dict !== "object" || dict === null) throw new RnnlabError(`${fn}: dict must be an object of tensors, got ${String(dict)}`);
  const names = new Set(expected.map((e) => e.name));
  const extra = Object.keys(dict).filter((key) => !names.has(key));
  if (extra.length) throw new RnnlabError(`${fn}: unexpected key(s) ${extra.map((e) => `"${e}"`).join(", ")}; expected ${[...names].join(", ")}`);
  for (const { name, shape } of expected) {
    const t = dict[name];
    if (!t) throw new RnnlabError(`${fn}: missing key "${name}" (shape ${fmtShape(shape)})`);
    if (fmtShape(t.shape) !== fmtShape(shape)) throw new RnnlabError(`${fn}: "${name}" has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
    for (let i = 0; i < t.data.length; i++) {
      if (!Number.isFinite(t.data[i])) throw new RnnlabError(`${fn}: "${name}"[${i}] must be finite, got ${t.data[i]}`);
    }
  }
}
