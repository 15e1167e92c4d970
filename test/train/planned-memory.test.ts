// "Memory planned once per shape": after the first step of a shape, a training step (forward, loss,
// BPTT, clipping, optimizer) on the wasm backend takes no new block from the arena and copies no
// buffer across the JS/WASM boundary, for every cell and for both heads.
import { it } from "node:test";
import assert from "node:assert/strict";
import { SequenceModel, adam, clipGradNorm } from "../../src/index.ts";
import { createWasmKernelsSync } from "../../src/kernels/wasm/index.ts";
import type { Batch } from "../../src/train/batch.ts";

for (const cell of ["lstm", "gru", "rnn"] as const) for (const head of ["every", "last"] as const) {
  it(`${cell}, head ${head}: no arena allocation and no boundary copy in a steady training step`, () => {
    const k = createWasmKernelsSync({ threads: 1 });
    const T = 7, B = 5, D = 6, H = 12, V = 9;
    const model = new SequenceModel({ cell, inputKind: "features", inputSize: D, hiddenSize: H, outputSize: V, head, loss: "class", seed: 2 }, k);
    const x = k.alloc(T * B * D) as Float32Array;
    x.forEach((_, i) => { x[i] = Math.sin(i); });
    const labels = Int32Array.from({ length: head === "every" ? T * B : B }, (_, i) => i % V);
    const batch: Batch = { input: { kind: "features", x, T, B, D }, target: head === "every" ? { kind: "classPerStep", labels } : { kind: "class", labels }, lengths: null };
    const opt = adam({ lr: 1e-2 }), groups = model.groups();
    const step = () => { model.zeroGrad(); model.forward(batch); const r = model.lossAndBackward(); clipGradNorm(groups, 1); opt.step(groups); return r.loss; };
    const first = step();
    const allocs = k.arena.allocations, copies = k.boundaryCopies();
    let last = first;
    for (let i = 0; i < 3; i++) last = step();
    assert.equal(k.arena.allocations - allocs, 0, "arena blocks taken during steady steps");
    assert.equal(k.boundaryCopies() - copies, 0, "buffers copied across the boundary during steady steps");
    assert.ok(last < first, `the steps trained (${first} → ${last})`);
  });
}
