// One-step forecasting: windows, chronological split, normalisation; US births and CO2.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { co2, timeSeries, usBirths } from "../../src/train/data/series.ts";
import type { Batch } from "../../src/train/batch.ts";
import { allBatches, batchArrays, checkBatch, checkBatchArgErrors } from "./check-batch.ts";

/** per row: the raw window and the raw target, un-normalised */
function examples(batch: Batch, denorm: (v: number) => number) {
  assert.ok(batch.input.kind === "features" && batch.target.kind === "value");
  const { x, T, B } = batch.input, values = batch.target.values;
  return Array.from({ length: B }, (_, b) => ({
    input: Array.from({ length: T }, (_, t) => Math.round(denorm(x[t * B + b]) * 1e3) / 1e3),
    target: Math.round(denorm(values[b]) * 1e3) / 1e3,
  }));
}

describe("timeSeries", () => {
  const values = Array.from({ length: 20 }, (_, i) => i * i);      // 0, 1, 4, …, 361
  const ds = timeSeries("toy", values, { window: 3 });

  it("last 20% are test targets, predicted from the values before them", () => {
    assert.equal(ds.testStart, 16);
    assert.equal(ds.size("test"), 4); assert.equal(ds.size("train"), 13);   // targets 3 … 15
    const test = allBatches(ds, "test", 10, 0).flatMap((b) => examples(b, ds.denormalize));
    assert.deepEqual(test.map((e) => e.target), [256, 289, 324, 361]);
    assert.deepEqual(test[0].input, [169, 196, 225]);
    const train = allBatches(ds, "train", 5, 3).flatMap((b) => examples(b, ds.denormalize));
    assert.deepEqual(train.map((e) => e.target).sort((a, b) => a - b), values.slice(3, 16));
    for (const e of train) assert.equal(Math.round(Math.sqrt(e.target)) - 1, Math.round(Math.sqrt(e.input[2])));
  });

  it("normalised with the train period's mean and std", () => {
    const train = values.slice(0, 16), mean = train.reduce((a, b) => a + b) / 16;
    const std = Math.sqrt(train.reduce((a, v) => a + (v - mean) ** 2, 0) / 16);
    assert.ok(Math.abs(ds.normalization.mean - mean) < 1e-9 && Math.abs(ds.normalization.std - std) < 1e-9);
    const [batch] = allBatches(ds, "test", 1, 0);
    assert.ok(Math.abs((batch.target as { values: Float32Array }).values[0] - (256 - mean) / std) < 1e-5);
    assert.equal(ds.denormalize(0), mean);
  });

  it("named errors", () => {
    checkBatchArgErrors(ds);
    assert.throws(() => timeSeries("toy", values, { window: 16 }), /timeSeries: window must be at most 15 \(the train period has 16 values\), got 16/);
    assert.throws(() => timeSeries("toy", values, { window: -2 }), /timeSeries: window must be a positive integer, got -2/);
    assert.throws(() => timeSeries("toy", [1, 2, NaN, 4, 5, 6]), /timeSeries: values\[2\] must be finite, got NaN/);
    assert.throws(() => timeSeries("toy", values, { times: ["a"] }), /timeSeries: times must hold one label per value \(20\), got 1/);
  });
});

describe("usBirths and co2", () => {
  it("births: 5,479 days 2000–2014, test from 2012-01-01, window 28", () => {
    const ds = usBirths();
    assert.equal(ds.raw.length, 5479);
    assert.equal(ds.times[0], "2000-01-01"); assert.equal(ds.times.at(-1), "2014-12-31");
    assert.equal(ds.raw[0], 9083);
    assert.equal(ds.times[ds.testStart], "2012-01-01");
    assert.equal(ds.size("test"), 1096); assert.equal(ds.size("train"), 4383 - 28);
    assert.ok(Math.abs(ds.normalization.mean - 11453.86) < 0.01 && Math.abs(ds.normalization.std - 2346.27) < 0.01);
    const batches = allBatches(ds, "test", 500, 0);
    for (const b of batches) assert.deepEqual(checkBatch(ds, b).slice(0, 1), [28]);
    const first = examples(batches[0], ds.denormalize)[0];
    assert.equal(first.target, ds.raw[ds.testStart]);
    assert.deepEqual(first.input, Array.from(ds.raw.subarray(ds.testStart - 28, ds.testStart)));
  });

  it("co2: 746 months 1958-03 … 2020-04 with 5 interpolated, test from 2007-12", () => {
    const ds = co2({ window: 12 });
    assert.equal(ds.raw.length, 746);
    assert.equal(ds.times[0], "1958-03"); assert.equal(ds.times.at(-1), "2020-04");
    assert.deepEqual(ds.filled, ["1958-06", "1958-10", "1964-02", "1964-03", "1964-04"]);
    assert.equal(ds.raw[ds.times.indexOf("1958-06")], (317.51 + 315.86) / 2);
    assert.equal(ds.times[ds.testStart], "2007-12");
    assert.equal(ds.size("test"), 149); assert.equal(ds.size("train"), 597 - 12);
    for (const b of allBatches(ds, "train", 128, 4)) checkBatch(ds, b);
  });

  it("seeded train order; test in time order", () => {
    const ds = co2();
    assert.deepEqual(allBatches(ds, "train", 64, 1).map(batchArrays), allBatches(ds, "train", 64, 1).map(batchArrays));
    assert.notDeepEqual(allBatches(ds, "train", 64, 1).map(batchArrays), allBatches(ds, "train", 64, 2).map(batchArrays));
    assert.deepEqual(allBatches(ds, "test", 64, 1).map(batchArrays), allBatches(ds, "test", 64, 2).map(batchArrays));
    const targets = allBatches(ds, "test", 1000, 0).flatMap((b) => examples(b, ds.denormalize)).map((e) => e.target);
    assert.deepEqual(targets, Array.from(ds.raw.subarray(ds.testStart), (v) => Math.round(v * 1e3) / 1e3));
    assert.throws(() => co2({ window: 0 }), /co2: window must be a positive integer, got 0/);
    assert.throws(() => usBirths({ lag: 3 } as never), /usBirths: unknown option "lag"/);
  });
});
