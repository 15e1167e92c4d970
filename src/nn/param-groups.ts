// Training a TF-1 style structure with rnnlab's optimizers: the tape gives gradients by TF-1 name;
// an optimizer steps over flat buffers. paramGroups(cell, gradients) turns the first into the
// second: one group per single cell, its parameters (the cell's own flat buffer, updated in place)
// and the gradients put in the same layout.
//   const g = tape.backward({ outputs: dy });
//   optimizer.step(nn.paramGroups(cell, g.variables));
// For a bidirectional call pass each direction with its prefix: paramGroups(cellFw, g.variables, "fw/").
import type { Buf } from "../kernels/types.ts";
import type { ParamGroup } from "../train/optim.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { viewsOf } from "../params/layout.ts";
import { fail, RnnlabError } from "../errors.ts";
import type { RNNCellLike, SingleCell } from "./cells.ts";
import { namedLayers } from "./structure.ts";

const gradBuffers = new WeakMap<SingleCell, Buf>();   // one gradient buffer per cell, reused every step

export function paramGroups(cell: RNNCellLike, gradients: { name: string; tensor: Tensor }[], prefix = ""): ParamGroup[] {
  const fn = "paramGroups";
  if (!Array.isArray(gradients)) fail(fn, "gradients", "the variables of tape.backward(): [{ name, tensor }]", gradients);
  const byName = new Map(gradients.map((g) => [g.name, g.tensor]));
  return namedLayers(cell, prefix).map(({ prefix: p, layer }) => {
    const params = layer.params;
    let grads = gradBuffers.get(layer);
    if (!grads || grads.length !== params.flat.length || grads.constructor !== params.flat.constructor) {
      grads = layer.k.alloc(params.flat.length, params.flat instanceof Float64Array ? "float64" : "float32");
      gradBuffers.set(layer, grads);
    }
    grads.fill(0);
    const mine: Record<string, Tensor> = {};
    for (const v of layer.variables()) {
      const g = byName.get(p + v.name);
      if (!g) throw new RnnlabError(`${fn}: no gradient named "${p + v.name}"; pass the variables of this cell's tape.backward() (and its prefix, "fw/" or "bw/", for one direction of a bidirectional call)`);
      mine[v.name] = g;
    }
    layer.gradientsInto(viewsOf(grads, params.layout), mine);
    return { name: p || layer.className, params: params.flat, grads };
  });
}
