// The playground's cell panel: the equations and the one-step diagram of the configured cell (the
// lab's `explain`); a gate's equation and its diagram box are linked to its rows in the heatmap.
import { explainCell, explainCellSvg } from "../analysis/explain/index.ts";
import { esc } from "./plots.ts";
import type { RunConfig, Snapshot, TaskName } from "./protocol.ts";
import { $ } from "./dom.ts";
import { highlightedGate, markHighlight } from "./snapshot-view.ts";

/** Features the cell sees per step for each task (names: the embedding). */
const CELL_INPUT: Record<TaskName, number> = { names: 16, sine: 1, adding: 2, mnist: 28 };
const HEATMAP_ROWS: Record<string, string[]> = { lstm: ["i", "f", "g", "o"], gru: ["r", "z", "n"], rnn: ["h"] };

export interface CellChoice { cell: RunConfig["cell"]; task: TaskName; hiddenSize: number; peepholes: boolean; tanhGates: boolean }

export function drawCellPanel(c: CellChoice, snapshot: Snapshot | null): void {
  const e = explainCell({ kind: c.cell, inputSize: CELL_INPUT[c.task], hiddenSize: c.hiddenSize,
    ...(c.cell === "lstm" ? { usePeepholes: c.peepholes } : {}),
    ...(c.cell !== "rnn" && c.tanhGates ? { gateActivation: "tanh" as const } : {}) });
  $("cellTitle").textContent = e.title;
  const box = $("cellDiagram");
  box.innerHTML = explainCellSvg(e);
  box.setAttribute("aria-label", `Diagram of one step of the ${e.title}: ${e.lines.map((l) => l.text).join("; ")}.`);
  // each box of the diagram is a <rect> followed by its label, whose first line is "i_t = …"
  for (const t of box.querySelectorAll("text")) {
    const m = /^([a-z])_t =/.exec(t.textContent ?? "");
    const rect = t.previousElementSibling;
    if (m && rect?.tagName === "rect") rect.setAttribute("data-diagram-gate", m[1]);
  }
  const rows = HEATMAP_ROWS[c.cell];
  $("equations").innerHTML = e.lines.map((l) => rows.includes(l.target)
    ? `<li><button type="button" data-gate="${l.target}" aria-pressed="${highlightedGate() === l.target}">${esc(l.text)}${l.note ? `<small>${esc(l.note)}</small>` : ""}</button></li>`
    : `<li><span class="eq">${esc(l.text)}${l.note ? `<small>${esc(l.note)}</small>` : ""}</span></li>`).join("");
  markHighlight(snapshot);
}
