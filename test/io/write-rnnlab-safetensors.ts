// Writes fixtures/rnnlab_written.safetensors for the Python-side check in fixtures/gen_safetensors.py:
// the fixture LSTM's weights, loaded from torch_lstm.safetensors into our LSTM and saved back from
// its stateDict() with saveCheckpoint. Not committed; regenerate it with
//   node --import tsx test/io/write-rnnlab-safetensors.ts && /usr/bin/python3 fixtures/gen_safetensors.py
import { fileURLToPath } from "node:url";
import { loadCheckpoint, saveCheckpoint } from "../../src/io/checkpoint.ts";
import { LSTM } from "../../src/layers/recurrent.ts";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
const config = { inputSize: 4, hiddenSize: 3, numLayers: 2, bidirectional: true, projSize: 2 };
const layer = new LSTM(config);
layer.loadStateDict(loadCheckpoint(fixture("torch_lstm.safetensors")).tensors);
saveCheckpoint(fixture("rnnlab_written.safetensors"), layer.stateDict(), { format: "pt", producer: "rnnlab", config: JSON.stringify(config) });
console.log(`wrote ${fixture("rnnlab_written.safetensors")}`);
