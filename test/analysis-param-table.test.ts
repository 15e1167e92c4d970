// Parameter counts, as the issue and the LSTM note state them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { paramTable } from "../src/analysis/param-table.ts";
import { paramTableText } from "../src/analysis/render/param-table-text.ts";
import { createCell } from "../src/cells/index.ts";
import { sizeOf } from "../src/params/layout.ts";

const note = { inputSize: 28, hiddenSize: 128 };

describe("parameter table", () => {
  it("LSTM(28, 128): 80,384 in TF-1 and Keras layouts (one bias), 80,896 in PyTorch's (two)", () => {
    assert.equal(paramTable("lstm", note, "tf1").total, 80384);
    assert.equal(paramTable("lstm", note, "keras").total, 80384);
    assert.equal(paramTable("lstm", note, "torch").total, 80896);
  });
  it("the note's model with its 10-way dense head: 81,674", () => {
    assert.equal(paramTable("lstm", { ...note, classes: 10 }, "tf1").total, 81674);
  });
  it("GRU(28, 128): 60,288 reset-before, 60,672 reset-after", () => {
    assert.equal(paramTable("gru", note, "tf1").total, 60288);
    assert.equal(paramTable("gru", { ...note, resetAfter: false }, "keras").total, 60288);
    assert.equal(paramTable("gru", { ...note, resetAfter: true }, "keras").total, 60672);
    assert.equal(paramTable("gru", note, "torch").total, 60672);
  });
  it("peepholes add 3N; a projection P adds N·P and makes the recurrent width P", () => {
    const base = paramTable("lstm", note, "tf1").total;
    assert.equal(paramTable("lstm", { ...note, usePeepholes: true }, "tf1").total - base, 3 * 128);
    const P = 64, withProj = paramTable("lstm", { ...note, projSize: P }, "tf1");
    assert.equal(withProj.total, 4 * 128 * (28 + P) + 4 * 128 + 128 * P);
    assert.deepEqual(withProj.rows[0].shape, [28 + P, 512]);
  });
  it("simple RNN: N·(D + N) + N", () => {
    assert.equal(paramTable("rnn", note, "tf1").total, 128 * (28 + 128) + 128);
  });
  it("agrees with the parameters the cells actually allocate", () => {
    for (const [kind, layout, biases, extra] of [
      ["lstm", "torch", 2, { projSize: 5 }], ["lstm", "tf1", 1, { usePeepholes: true, projSize: 5 }],
      ["gru", "torch", 2, {}], ["gru", "tf1", 1, { resetAfter: false }], ["rnn", "tf1", 1, {}],
    ] as const) {
      const cell = createCell(kind, { inputSize: 7, hiddenSize: 9, biases, ...extra });
      const allocated = cell.specs.reduce((s, p) => s + sizeOf(p.shape), 0);
      assert.equal(paramTable(kind, { inputSize: 7, hiddenSize: 9, ...extra }, layout).total, allocated, `${kind} ${layout}`);
    }
  });
  it("renders formulas and totals as text", () => {
    const text = paramTableText(paramTable("lstm", { ...note, classes: 10 }, "tf1"));
    assert.match(text, /lstm_cell\/kernel\s+\[156, 512\]\s+\(D \+ N\) · 4N = \(28 \+ 128\) · 4·128\s+79,872/);
    assert.match(text, /total\s+81,674/);
  });
  it("refuses what a layout cannot express", () => {
    assert.throws(() => paramTable("lstm", { ...note, usePeepholes: true }, "torch"), /paramTable: usePeepholes must be false in the torch layout/);
    assert.throws(() => paramTable("gru", { ...note, resetAfter: true }, "tf1"), /resetAfter must be false in the tf1 layout/);
    assert.throws(() => paramTable("lstm", note, "caffe" as never), /layout must be one of "torch", "tf1", "keras", got "caffe"/);
  });
});
