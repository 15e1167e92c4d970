// The second thread of the wasm backend (started by threads.ts; plain JavaScript because a worker
// entry must be a .js/.mjs file). It instantiates the same compiled module on the same shared
// memory, then serves jobs posted in a small control block of that memory: spin briefly on the job
// counter (a job usually follows within microseconds, and waking a parked thread costs ~0.1 ms),
// then park in Atomics.wait. A job is an index into the op table that threads.ts sends, plus its
// arguments; the worker calls that export and bumps the done counter. It never allocates, never
// touches memory outside the pointers it is given, and reports an exception instead of dying.
import { workerData } from "node:worker_threads";

const { module, memory, ctl, ops, layout } = workerData;
const { SEQ, DONE, STATE, OP, ERR, ARGS, SLOTS, QUIT, SPINS } = layout;
const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
const ints = new Int32Array(memory.buffer, ctl, SLOTS);
const floats = new Float32Array(memory.buffer, ctl, SLOTS);
const table = ops.map(([name, kinds]) => ({ fn: exports[name], kinds }));

function run(op) {
  const { fn, kinds } = table[op];
  const args = new Array(kinds.length);
  for (let i = 0; i < kinds.length; i++) args[i] = kinds[i] === "f" ? floats[ARGS + i] : ints[ARGS + i];
  fn(...args);
}

Atomics.store(ints, STATE, 1);
Atomics.notify(ints, STATE);
let seen = Atomics.load(ints, SEQ);
for (;;) {
  let spins = 0;
  while (Atomics.load(ints, SEQ) === seen) {
    if (++spins > SPINS) { Atomics.wait(ints, SEQ, seen); spins = 0; }
  }
  seen = Atomics.load(ints, SEQ);
  const op = ints[OP];
  if (op === QUIT) break;
  try { run(op); } catch (err) { ints[ERR] = 1; console.error(`rnnlab worker: ${err?.stack ?? err}`); }
  Atomics.store(ints, DONE, seen);
  Atomics.notify(ints, DONE);
}
Atomics.store(ints, STATE, 2);
