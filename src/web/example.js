// The smallest use of the browser build: load the kernels, run an LSTM forward and backward.
// Copied as is into dist/web/ (not bundled): this is what a page of yours would contain.
import { init, LSTM, tensor } from "./rnnlab.js";

const { backend, reason } = await init();                  // "wasm" where SIMD works, else "ref" (reason says why)
const lstm = new LSTM({ inputSize: 3, hiddenSize: 4, seed: 1 });
const x = tensor(Float32Array.from({ length: 5 * 2 * 3 }, (_, i) => Math.sin(i)), [5, 2, 3]);   // [T, B, D]
const { output, hN } = lstm.forward(x);
const { dx } = lstm.backward({ output: tensor(new Float32Array(output.data.length).fill(1), output.shape) });
document.getElementById("out").textContent = [
  `kernels: ${backend}${reason ? ` (${reason})` : ""}`,
  `output shape [${output.shape}], hN[0,0,:] = ${Array.from(hN.data.subarray(0, 4), (v) => v.toFixed(5)).join(" ")}`,
  `dx shape [${dx.shape}], parameters: ${lstm.paramCount()}`,
].join("\n");
document.body.dataset.done = "1";
