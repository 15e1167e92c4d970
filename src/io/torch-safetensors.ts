// PyTorch state dicts as safetensors files, to and from the layer-style RNN / LSTM / GRU.
// Our internal layout IS PyTorch's (weights (G, in), gates i,f,g,o / r,z,n, two biases), so this
// is names only: the file `safetensors.torch.save_file(nn.LSTM(...).state_dict(), path)` writes
// loads as is, and the file we write loads with `model.load_state_dict(safetensors.torch.load_file(path))`.
// Writing is atomic (io/checkpoint.ts: temp file, fsync, rename).
import { Recurrent } from "../layers/recurrent.ts";
import { loadCheckpoint, saveCheckpoint } from "./checkpoint.ts";
import { RnnlabError, checkKnownKeys, fail } from "../errors.ts";

/** What safetensors.torch.save_file / save_model put in __metadata__. */
const TORCH_METADATA = { format: "pt" };

/** Write the layer's parameters with PyTorch keys (weight_ih_l0, weight_hh_l0_reverse, …) to `path`. */
export function saveTorchSafetensors(layer: Recurrent, path: string): void {
  if (!(layer instanceof Recurrent)) fail("saveTorchSafetensors", "layer", "an RNN, LSTM or GRU layer", layer);
  saveCheckpoint(path, layer.stateDict(), TORCH_METADATA);
}

/**
 * Load a PyTorch state-dict file into `layer`: every key the layer has must be present with its
 * exact shape and nothing else (torch's strict=True). F64 files load into F32 layers and back
 * (rounded to the layer's dtype), as torch's load_state_dict copies into the existing dtype.
 */
export function loadTorchSafetensors(layer: Recurrent, path: string, opts: { allowNonFinite?: boolean } = {}): void {
  if (!(layer instanceof Recurrent)) fail("loadTorchSafetensors", "layer", "an RNN, LSTM or GRU layer", layer);
  if (typeof opts !== "object" || opts === null) fail("loadTorchSafetensors", "options", "an object", opts);
  checkKnownKeys("loadTorchSafetensors", opts, ["allowNonFinite"]);
  const { tensors } = loadCheckpoint(path, opts);
  try {
    layer.loadStateDict(tensors, opts);
  } catch (e) {
    throw new RnnlabError(`loadTorchSafetensors: "${path}" does not fit this ${layer.name}: ${(e as Error).message}`, { cause: e });
  }
}
