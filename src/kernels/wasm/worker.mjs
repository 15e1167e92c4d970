// A helper thread of the wasm backend (threads.ts starts one per extra core; plain JavaScript because a worker
// entry must be a .js/.mjs file). It instantiates the same compiled module on the same shared
// memory and helps with the jobs posted in a small control block of that memory: a job is a kernel
// cut into chunks, and each thread claims chunks one at a time with a compare-and-swap, so the
// posting thread never waits for a worker that the OS has not scheduled (it takes the chunks
// itself). Between jobs: spin briefly (the next one usually follows within microseconds, and
// waking a parked thread costs ~0.1 ms), then park in Atomics.wait. The protocol is in threads.ts.
//
// The same file runs in Node (worker_threads: the job arrives as workerData) and in a browser Web
// Worker (the playground, when the page is cross-origin isolated: the job arrives as the first
// message). No static node: import, so a browser can load it.

function serve(workerData) {
  const { module, memory, ctl, ops, layout: L, work } = workerData;
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ints = new Int32Array(memory.buffer, ctl, L.SLOTS);
  const floats = new Float32Array(memory.buffer, ctl, L.SLOTS);
  const table = ops.map(([name, kinds]) => ({ fn: exports[name], kinds }));
  const args = new Array(16);

  /** Claims and runs chunks of job `seq` until none is left or the job is gone. */
  function help(seq) {
    const op = ints[L.OP], units = ints[L.UNITS], chunk = ints[L.CHUNK], countIdx = ints[L.COUNT_IDX];
    const { fn, kinds } = table[op];
    const n = kinds.length;
    for (let i = 0; i < n; i++) args[i] = kinds[i] === "f" ? floats[L.ARGS + i] : kinds[i] === "w" ? work : ints[L.ARGS + i];
    const deltas = ints.slice(L.DELTAS, L.DELTAS + n);
    const tag = (seq & L.SEQ_MASK) << 8;
    for (;;) {
      const claim = Atomics.load(ints, L.CLAIM);
      if ((claim & ~0xff) !== tag) return;             // a newer job replaced it: what was read is stale
      const c = claim & 0xff;
      if (c >= ints[L.NCHUNKS]) return;
      if (Atomics.compareExchange(ints, L.CLAIM, claim, claim + 1) !== claim) continue;
      const u0 = c * chunk, u1 = Math.min(units, u0 + chunk);
      const call = args.slice(0, n);
      for (let i = 0; i < n; i++) if (deltas[i] !== 0) call[i] += u0 * deltas[i];
      call[countIdx] = u1 - u0;
      try { fn(...call); } catch (err) { ints[L.ERR] = 1; console.error(`rnnlab worker: ${err?.stack ?? err}`); }
      if (Atomics.add(ints, L.FIN, 1) + 1 === ints[L.NCHUNKS]) Atomics.notify(ints, L.FIN);   // the poster may sleep on FIN
    }
  }

  Atomics.add(ints, L.STATE, 1);                       // STATE counts the workers that have booted
  Atomics.notify(ints, L.STATE);
  let seen = Atomics.load(ints, L.SEQ);
  for (;;) {
    let spins = 0, since = 0;
    while (Atomics.load(ints, L.SEQ) === seen) {
      if ((++spins & 1023) !== 0) continue;
      if (since === 0) since = performance.now();
      else if (performance.now() - since > L.SPIN_MS) { Atomics.wait(ints, L.SEQ, seen); since = 0; }
    }
    seen = Atomics.load(ints, L.SEQ);
    if (ints[L.OP] === L.QUIT) break;
    help(seen);
  }
  Atomics.sub(ints, L.STATE, 1);
}

const threads = globalThis.process?.getBuiltinModule?.("node:worker_threads");
if (threads?.workerData) serve(threads.workerData);
else globalThis.onmessage = (e) => { globalThis.onmessage = null; serve(e.data); };
