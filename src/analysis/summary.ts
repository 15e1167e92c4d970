// summary(model): a Keras-like table of a model's layers, output shapes and parameter counts.
import type { Recurrent } from "../layers/recurrent.ts";
import type { SequenceModel } from "../train/model.ts";
import { CellStack } from "../train/cell-stack.ts";

interface Row { layer: string; output: string; params: number }
const fmt = (n: number) => n.toLocaleString("en-US");

function recurrentRow(r: Recurrent, name: string): Row {
  const what = `${r.kind.toUpperCase()}(${r.inputSize} → ${r.hiddenSize}${r.projSize ? `, proj ${r.projSize}` : ""}` +
    `${r.numLayers > 1 ? `, ${r.numLayers} layers` : ""}${r.bidirectional ? ", bidirectional" : ""})`;
  return { layer: `${name} ${what}`, output: `[T, B, ${r.numDirections * r.outputSize}]`, params: r.paramCount() };
}

function cellStackRow(s: CellStack): Row {
  const layers = s.named().filter((n) => !n.prefix.startsWith("bw/")).map((n) => `${n.layer.className}(${n.layer.outputSize})`).join(" → ");
  return { layer: `rnn ${layers}${s.numDirections === 2 ? ", bidirectional" : ""}`, output: `[T, B, ${s.numDirections * s.outputSize}]`, params: s.paramCount() };
}

function rowsOf(model: SequenceModel | Recurrent): Row[] {
  if ("rnn" in model) {
    const m = model as SequenceModel, c = m.config, rows: Row[] = [];
    if (m.embedding) rows.push({ layer: `emb Embedding(${m.embedding.numEmbeddings} → ${m.embedding.embeddingDim})`, output: `[T, B, ${m.embedding.embeddingDim}]`, params: m.embedding.paramCount() });
    rows.push(m.rnn instanceof CellStack ? cellStackRow(m.rnn) : recurrentRow(m.rnn, "rnn"));
    rows.push({ layer: `fc Dense(${m.fc.inputSize} → ${m.fc.outputSize})${c.head === "last" ? " on the last valid step" : " on every step"}`,
      output: c.head === "last" ? `[B, ${c.outputSize}]` : `[T, B, ${c.outputSize}]`, params: m.fc.paramCount() });
    return rows;
  }
  return [recurrentRow(model as Recurrent, "")];
}

/** The table as text; the total equals the sum of the parameters the model allocates. */
export function summary(model: SequenceModel | Recurrent): string {
  const rows = rowsOf(model), total = rows.reduce((s, r) => s + r.params, 0);
  const head = ["layer", "output shape", "parameters"];
  const body = rows.map((r) => [r.layer.trim(), r.output, fmt(r.params)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((s, i) => (i === 2 ? s.padStart(w[i]) : s.padEnd(w[i]))).join("   ");
  const rule = "─".repeat(w.reduce((a, b) => a + b + 3, -3));
  return [line(head), rule, ...body.map(line), rule, `total parameters: ${fmt(total)}`].join("\n");
}
