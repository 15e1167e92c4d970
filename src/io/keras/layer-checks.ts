// What every Keras layer checks while it is built and run: its weights found by name and of the
// expected shape, its config sizes positive integers, its input of the rank and width its weights
// were checked for. Each error names the file, the place in the topology and the layer.
import type { TfjsWeight } from "./model-json.ts";
import type { BuildContext, KValue } from "./layers.ts";
import { RnnlabError, fmtShape, show } from "../../errors.ts";

const lastSegment = (name: string) => name.split("/").pop()!.replace(/:\d+$/, "");

export function pick(ctx: BuildContext, layerName: string, ws: TfjsWeight[], names: string[]): TfjsWeight[] {
  return names.map((n) => {
    const w = ws.find((x) => lastSegment(x.name) === n);
    if (!w) throw new RnnlabError(`${ctx.source}: ${ctx.at} ("${layerName}") has no weight named ".../${n}" in weightsManifest`);
    return w;
  });
}

export function needWidth(ctx: BuildContext, name: string): number {
  if (ctx.inputWidth === null) throw new RnnlabError(`${ctx.source}: ${ctx.at} ("${name}"): the input's feature width is unknown (give the first layer batch_input_shape)`);
  return ctx.inputWidth;
}

/** A size from the config (units, input_dim, …): a positive integer, checked before anything is sized by it. */
export function configSize(ctx: BuildContext, layer: string, field: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RnnlabError(`${ctx.source}: ${ctx.at}.config.${field} ("${layer}") must be a positive integer, got ${show(value)}`);
  }
  return value;
}

/** The value reaching a layer must have the rank (and last-axis width) its weights were checked for. */
export function checkInput(layer: string, x: KValue | undefined, rank: number, width: number | null): KValue {
  if (!x) throw new RnnlabError(`Keras layer "${layer}": no input reaches it`);
  if (x.shape.length !== rank || (width !== null && x.shape[rank - 1] !== width)) {
    throw new RnnlabError(`Keras layer "${layer}": input must have shape [${rank === 3 ? "batch, time, " : "batch, "}${width ?? "features"}], got ${fmtShape(x.shape)}`);
  }
  return x;
}

export function checkShape(ctx: BuildContext, layer: string, w: TfjsWeight, shape: number[]): void {
  if (fmtShape(w.shape) !== fmtShape(shape)) {
    throw new RnnlabError(`${ctx.source}: weight "${w.name}" of ${ctx.at} ("${layer}") has shape ${fmtShape(w.shape)}, expected ${fmtShape(shape)}`);
  }
}
