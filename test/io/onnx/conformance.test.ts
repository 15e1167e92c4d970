// The ONNX specification's own backend test cases for LSTM, GRU and RNN (../shared/onnx-conformance:
// onnx/backend/test/data/node/test_{lstm,gru,simple_rnn,rnn}_*), run through importOnnx exactly as
// the files are: weights W, R, B (P) are graph inputs fed from input_N.pb like every other input.
// Every output the case gives is compared at rtol 1e-5 / atol 1e-6 (numpy.testing.assert_allclose).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importOnnx } from "../../../src/io/onnx/import.ts";
import { decodeTensorProto } from "../../../src/io/onnx/codec.ts";
import { valueOfTensor, type Value } from "../../../src/io/onnx/values.ts";

const DATA = join(dirname(fileURLToPath(import.meta.url)), "../../../../shared/onnx-conformance/data");
const RTOL = 1e-5, ATOL = 1e-6;

const readPb = (path: string): Value => valueOfTensor(decodeTensorProto(readFileSync(path), path), path);

describe("ONNX backend test cases (LSTM, GRU, RNN) through importOnnx", () => {
  if (!existsSync(DATA)) {
    it("skipped", (t) => t.skip(`${DATA} is not here (a checkout without ../shared): the ONNX conformance cases are not run`));
    return;
  }
  const cases = readdirSync(DATA).filter((d) => d.startsWith("test_")).sort();
  it("finds the twelve cases", () => assert.equal(cases.length, 12, cases.join(", ")));
  for (const name of cases) {
    it(name, (t) => {
      const dir = join(DATA, name), model = importOnnx(join(dir, "model.onnx"));
      const set = join(dir, "test_data_set_0"), files = readdirSync(set);
      const count = (prefix: string) => files.filter((f) => f.startsWith(prefix)).length;
      const feeds: Record<string, Value> = {};
      for (let i = 0; i < count("input_"); i++) {
        const v = readPb(join(set, `input_${i}.pb`)), pb = decodeTensorProto(readFileSync(join(set, `input_${i}.pb`)), "pb");
        feeds[pb.name || model.inputs[i].name] = v;
      }
      const got = model.runValues(feeds);
      for (let i = 0; i < count("output_"); i++) {
        const path = join(set, `output_${i}.pb`), want = readPb(path), outName = decodeTensorProto(readFileSync(path), path).name || model.outputNames[i];
        const have = got[outName];
        assert.ok(have, `output ${outName} missing`);
        assert.deepEqual(have.dims, want.dims, `${outName} shape`);
        let worst = 0;
        for (let j = 0; j < want.data.length; j++) {
          const err = Math.abs(have.data[j] - want.data[j]), bound = ATOL + RTOL * Math.abs(want.data[j]);
          worst = Math.max(worst, err / bound);
        }
        t.diagnostic(`${outName}: max |err| / (atol + rtol·|want|) = ${worst.toFixed(4)}`);
        assert.ok(worst <= 1, `${outName}: outside rtol ${RTOL} / atol ${ATOL} (ratio ${worst})`);
      }
    });
  }
});
