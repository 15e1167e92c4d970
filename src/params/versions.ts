// Which parameter buffers have changed since they were last checked. Code that writes parameters
// (the optimizers' step, loading, assigning) calls markChanged(buf); a checked consumer (CellStep)
// compares versionOf(buf) with the version it validated, so a per-call check of every weight for
// NaN/Inf becomes a check only when the weights changed. Keyed by the buffer's ArrayBuffer, so a
// write through any subarray of a flat parameter buffer counts for all its views.
const versions = new WeakMap<ArrayBufferLike, number>();

/** Record that values in `buf` (or anything sharing its memory) were written. */
export function markChanged(buf: ArrayBufferView): void {
  versions.set(buf.buffer, (versions.get(buf.buffer) ?? 0) + 1);
}

/** A number that changes whenever markChanged() is called on a view of the same memory. */
export function versionOf(buf: ArrayBufferView): number {
  return versions.get(buf.buffer) ?? 0;
}
