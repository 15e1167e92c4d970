// Keras's model.summary() for a loaded model: one row per layer with its class and parameter
// count, each of its weights indented below it with its shape and count, then the total. Output
// shapes are not shown: working them out would mean running the model, which moves the carried
// state of stateful layers.
import type { KerasLayer } from "./layers.ts";

const product = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
/** A weight's name inside its layer ("forward_gru/kernel" of a Bidirectional, "kernel" of an LSTM). */
const shortName = (name: string, layer: string) => (name.startsWith(`${layer}/`) ? name.slice(layer.length + 1) : name);

/** The summary table as lines (a header, the layers with their weights, the total). */
export function summaryLines(layers: KerasLayer[]): string[] {
  const rows: [string, number][] = [];
  let total = 0;
  for (const layer of layers) {
    const weights = layer.weights(), count = weights.reduce((n, w) => n + product(w.shape), 0);
    rows.push([`${layer.name} (${layer.className})`, count]);
    for (const w of weights) rows.push([`  ${shortName(w.name, layer.name)} [${w.shape.join(", ")}]`, product(w.shape)]);
    total += count;
  }
  const fmt = (n: number) => n.toLocaleString("en-US");
  const wName = Math.max("Layer (type)".length, ...rows.map(([name]) => name.length));
  const wCount = Math.max("Param #".length, fmt(total).length);
  const line = (name: string, count: string) => `${name.padEnd(wName)}  ${count.padStart(wCount)}`;
  const rule = "-".repeat(wName + wCount + 2);
  return [line("Layer (type)", "Param #"), rule, ...rows.map(([name, n]) => line(name, fmt(n))), rule, `Total params: ${fmt(total)}`];
}
