// PyTorch's parameter names for a recurrent layer's tensors (torch.nn.RNNBase._flat_weights_names):
// weight_ih_l{k}{_reverse}, weight_hh_…, bias_ih_…, bias_hh_…, weight_hr_… (projection).
// Our internal layout IS PyTorch's, so the tensors move unchanged; only the names differ.
import { RnnlabError } from "../errors.ts";

export const TORCH_NAME: Record<string, string> = {
  weightIh: "weight_ih",
  weightHh: "weight_hh",
  biasIh: "bias_ih",
  biasHh: "bias_hh",
  weightHr: "weight_hr",
};

/** e.g. torchKey("weightHh", 1, true) === "weight_hh_l1_reverse" */
export function torchKey(name: string, layer: number, reverse: boolean): string {
  const base = TORCH_NAME[name];
  if (!base) throw new RnnlabError(`torchKey: "${name}" has no PyTorch name (peepholes exist only in TF-1 layouts)`);
  return `${base}_l${layer}${reverse ? "_reverse" : ""}`;
}
