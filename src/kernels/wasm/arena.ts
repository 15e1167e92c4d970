// The wasm backend's allocator: one shared WebAssembly.Memory, carved into 16-byte aligned blocks
// with a first-fit free list that coalesces on free. Blocks start at `base` ≥ the module's
// heapBase(): AssemblyScript's static data lives below it, and an arena starting lower would
// silently overwrite it.
//
// Lifetime: f32(n) returns a zeroed Float32Array view whose block is freed by a
// FinalizationRegistry once the view is garbage-collected. A subarray() of such a view keeps the
// original alive (ArenaFloat32Array overrides subarray to hold a reference to its root), so slicing
// a flat buffer into named views and dropping the flat one is safe. A view built by hand over
// `memory.buffer` does NOT keep its block alive.
//
// Growth: when no free block fits, the memory grows (in steps of at least a quarter of its size).
// The memory is shared, so growing never detaches earlier views; `memory.buffer` becomes a new
// SharedArrayBuffer object, and `owns()` recognises views of every buffer object the memory has had.
//
// Not here: the kernels (index.ts), loading the module (load.ts), threads.

const PAGE = 65536;
const ALIGN = 16;
export const MAX_PAGES = 32768;                      // 2 GiB: must match --maximumMemory in scripts/build-wasm.mjs

const alignUp = (n: number) => Math.ceil(n / ALIGN) * ALIGN;

/** A Float32Array inside the arena. Its subarrays keep the root view (and so its block) alive. */
export class ArenaFloat32Array extends Float32Array {
  /** the view returned by Arena.f32, whose finalisation frees the block (undefined on the root itself) */
  root: ArenaFloat32Array | undefined;
  /** the arena it lives in (undefined for arrays made by slice(), map() … which copy out of it) */
  owner: Arena | undefined;
  override subarray(begin?: number, end?: number): ArenaFloat32Array {
    const v = super.subarray(begin, end) as ArenaFloat32Array; // Symbol.species: an ArenaFloat32Array
    v.root = this.root ?? this;
    v.owner = this.owner;
    return v;
  }
}

export interface ArenaStats {
  /** first byte the arena may hand out */
  base: number;
  /** bytes of memory (base included) */
  capacity: number;
  /** bytes in live blocks */
  used: number;
  /** live blocks */
  blocks: number;
  /** free blocks (after coalescing) and the largest one in bytes */
  freeBlocks: number;
  largestFree: number;
}

export class Arena {
  readonly memory: WebAssembly.Memory;
  readonly base: number;
  /** the backend that owns this arena (set by it), so code holding only a buffer can find its kernels */
  kernels: unknown = undefined;
  private starts: number[] = [];                     // free blocks, sorted by start, never adjacent
  private sizes: number[] = [];
  private live = new Map<number, number>();          // block start -> size (bytes)
  private buffers = new Set<ArrayBufferLike>();      // every buffer object the memory has had
  private current: ArrayBufferLike;
  private registry = new FinalizationRegistry<number>((ptr) => this.freeBytes(ptr));

  /** maxPages: how far the memory may grow (an unshared memory: not at all, see index.ts) */
  constructor(memory: WebAssembly.Memory, heapBase: number, private readonly maxPages = MAX_PAGES) {
    this.memory = memory;
    this.base = Math.max(ALIGN, alignUp(heapBase));  // never 0: pointer 0 means "none" (e.g. no peepholes)
    this.current = memory.buffer;
    this.buffers.add(this.current);
    const end = this.current.byteLength;
    if (end > this.base) { this.starts.push(this.base); this.sizes.push(end - this.base); }
  }

  /** Whether v lies in this arena (zero-copy for the kernels). Views from f32() and their
   *  subarrays carry their arena (fast: reading .buffer of a shared-memory view costs ~25 ns);
   *  other views of the memory are recognised by their buffer. */
  owns(v: ArrayBufferView): boolean {
    if (v instanceof ArenaFloat32Array && v.owner !== undefined) return v.owner === this;
    return (v.buffer === this.current || this.buffers.has(v.buffer)) && v.byteOffset >= this.base;
  }

  /** Blocks handed out so far (tests check that a planned training step takes none). */
  allocations = 0;

  /** A 16-byte aligned block of at least `bytes` bytes, NOT zeroed. Grows the memory if needed. */
  allocBytes(bytes: number): number {
    this.allocations++;
    const need = Math.max(ALIGN, alignUp(bytes));
    let k = this.findFit(need);
    if (k < 0) { this.grow(need); k = this.findFit(need); }
    const ptr = this.starts[k];
    if (this.sizes[k] === need) { this.starts.splice(k, 1); this.sizes.splice(k, 1); }
    else { this.starts[k] = ptr + need; this.sizes[k] -= need; }
    this.live.set(ptr, need);
    return ptr;
  }

  /** Returns a block from allocBytes to the free list, merging it with free neighbours. */
  freeBytes(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`wasm arena: free of unknown block ${ptr}`);
    this.live.delete(ptr);
    const { starts, sizes } = this;
    let lo = 0, hi = starts.length;                  // first free block starting after ptr
    while (lo < hi) { const mid = (lo + hi) >> 1; if (starts[mid] < ptr) lo = mid + 1; else hi = mid; }
    const prev = lo - 1;
    const joinPrev = prev >= 0 && starts[prev] + sizes[prev] === ptr;
    const joinNext = lo < starts.length && ptr + size === starts[lo];
    if (joinPrev && joinNext) { sizes[prev] += size + sizes[lo]; starts.splice(lo, 1); sizes.splice(lo, 1); }
    else if (joinPrev) sizes[prev] += size;
    else if (joinNext) { starts[lo] = ptr; sizes[lo] += size; }
    else { starts.splice(lo, 0, ptr); sizes.splice(lo, 0, size); }
  }

  /** A zeroed Float32Array of n elements in the arena, freed when it (and its subarrays) are collected. */
  f32(n: number): ArenaFloat32Array {
    const ptr = this.allocBytes(n * 4);
    const v = new ArenaFloat32Array(this.current as ArrayBuffer, ptr, n); // (a SharedArrayBuffer; lib typing wants ArrayBuffer)
    v.fill(0);                                       // a reused block holds old data
    v.owner = this;
    this.registry.register(v, ptr, v);
    return v;
  }

  /** Frees the block of a view from f32() now instead of at garbage collection. The view (and every
   *  subarray of it) must not be used afterwards. */
  release(v: ArenaFloat32Array): void {
    const root = v.root ?? v;
    if (this.registry.unregister(root)) this.freeBytes(root.byteOffset);
  }

  /** A Float32Array over [ptr, ptr + 4n) of the current buffer (for copies; not tracked). */
  viewF32(ptr: number, n: number): Float32Array {
    return new Float32Array(this.current, ptr, n);
  }

  stats(): ArenaStats {
    let used = 0;
    for (const s of this.live.values()) used += s;
    return {
      base: this.base, capacity: this.current.byteLength, used, blocks: this.live.size,
      freeBlocks: this.starts.length, largestFree: Math.max(0, ...this.sizes),
    };
  }

  private findFit(need: number): number {
    const { sizes } = this;
    for (let k = 0; k < sizes.length; k++) if (sizes[k] >= need) return k;
    return -1;
  }

  private grow(need: number): void {
    const end = this.current.byteLength, n = this.starts.length;
    const tail = n > 0 && this.starts[n - 1] + this.sizes[n - 1] === end ? this.sizes[n - 1] : 0;
    const pages = end / PAGE;
    const minPages = Math.ceil((need - tail) / PAGE);
    const add = Math.min(Math.max(minPages, Math.ceil(pages / 4)), this.maxPages - pages);
    if (add < minPages) {
      throw new RangeError(`wasm arena: out of memory: need ${need} more bytes, ` +
        `${end} of ${this.maxPages * PAGE} bytes already in use${this.maxPages < MAX_PAGES ? " (an unshared memory cannot grow: this engine has no shared WebAssembly memory)" : ""}`);
    }
    this.memory.grow(add);
    this.current = this.memory.buffer;               // a new SharedArrayBuffer object; old views stay valid
    this.buffers.add(this.current);
    const newEnd = this.current.byteLength;
    if (tail > 0) this.sizes[n - 1] += newEnd - end;
    else { this.starts.push(end); this.sizes.push(newEnd - end); }
  }
}
