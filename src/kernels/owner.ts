// Buffers with one owner: a planned structure (a layer's time-loop buffers, a model's scratch)
// allocates through an Owned and gives everything back at once with freeAll() when it is retired.
import type { Buf, Dtype, Kernels } from "./types.ts";

export class Owned {
  private bufs: Buf[] = [];
  constructor(readonly k: Kernels, readonly dtype: Dtype) {}

  alloc(length: number): Buf {
    const buf = this.k.alloc(length, this.dtype);
    this.bufs.push(buf);
    return buf;
  }

  /** Return every buffer to the backend; none of them may be used afterwards. */
  freeAll(): void {
    for (const b of this.bufs) this.k.free(b);
    this.bufs = [];
  }
}
