// The playground's panels of one snapshot from the worker: the test metric, the gate heatmap (with
// the highlighted gate's rows outlined and a hover read-out), the gate key, the gradient flow, the
// parameter table and the sample. Pure drawing: the page (app.ts) decides when.
import { digitSvg, esc, gateHeatmapSvg, gradFlowSvg, seriesSvg } from "./plots.ts";
import type { Snapshot } from "./protocol.ts";
import { $ } from "./dom.ts";

export const formatMetric = (name: string, v: number) => (name.includes("accuracy") ? `${(100 * v).toFixed(1)} %` : v.toFixed(4));

const GATE_NAMES: Record<string, string> = { i: "input gate", f: "forget gate", g: "candidate", o: "output gate", r: "reset gate", z: "update gate", n: "candidate", h: "state" };
let highlighted: string | null = null;

/** The gate whose rows are outlined in the heatmap (null: none). */
export const highlightedGate = (): string | null => highlighted;

/** Choosing a gate again clears the outline. */
export function toggleHighlight(gate: string, s: Snapshot | null): void {
  highlighted = highlighted === gate ? null : gate;
  markHighlight(s);
}

export function drawSnapshot(s: Snapshot): void {
  $("testMetric").textContent = `After ${s.step} steps: ${s.test.name} ${formatMetric(s.test.name, s.test.value)}.`;
  $("heatmap").innerHTML = gateHeatmapSvg(s.gates);
  markHighlight(s);
  const sat = "Over this sequence: " + s.gates.gates.map((g) =>
    `${g.short} mean ${g.mean.toFixed(2)}, ${(100 * g.low).toFixed(0)} % near ${g.tanh ? "−1" : "0"} / ${(100 * g.high).toFixed(0)} % near 1`).join(" · ") + ".";
  $("saturation").textContent = sat;
  $("heatmap").setAttribute("aria-label", `Gate activations of the first ${s.gates.gates[0]?.units.length ?? 0} units over a held-out sequence of ${s.gates.labels.length} steps. ` +
    s.gates.gates.map((g) => `${g.short} (${GATE_NAMES[g.short] ?? g.name}, ${g.tanh ? "tanh, −1 to 1" : "sigmoid, 0 to 1"}): mean ${g.mean.toFixed(2)}`).join("; ") + ".");
  drawGateKey(s);
  $("gradFlow").innerHTML = gradFlowSvg(s.gradFlow);
  const f = s.gradFlow;
  $("gradFlow").setAttribute("aria-label", f.length
    ? `Gradient norm reaching each of ${f.length} steps of the last training batch: ${f[0].toExponential(2)} at t = 0, ${f[f.length - 1].toExponential(2)} at t = ${f.length - 1}${f[f.length - 1] > 0 ? ` (ratio ${(f[0] / f[f.length - 1]).toExponential(1)})` : ""}.`
    : "gradient flow: not trained yet");
  $("paramTotal").textContent = `${s.paramTotal.toLocaleString("en")} in all`;
  $("params").querySelector("tbody")!.innerHTML = s.params.map((p) =>
    `<tr><td>${esc(p.name)}</td><td>[${p.shape.join(", ")}]</td><td class="num">${p.count.toLocaleString("en")}</td><td>${esc(p.formula)}</td>` +
    `<td class="num">${p.rms.toFixed(4)}</td><td class="num">${p.gradRms.toExponential(2)}</td></tr>`).join("");
  const v = s.sample;
  let html = `<p class="note">${esc(v.title)}</p>`;
  if (v.kind === "text") html += `<pre id="sampleText">${esc(v.lines.join("\n"))}</pre>`;
  else if (v.kind === "series") {
    html += seriesSvg([{ name: "input", values: v.input, color: "#9aa5b5" }, { name: "next value", values: v.target, color: "#2a8c4a" }, { name: "model", values: v.prediction, color: "#c2410c" }]);
  } else {
    html += `<div class="digits">${v.items.map((d) => digitSvg(d.pixels, `${d.label} → ${d.predicted}${d.label === d.predicted ? " ✓" : " ✗"}`)).join("")}</div>`;
  }
  $("sample").innerHTML = html;
}

/** The gates of the cell as buttons: choosing one outlines its rows in the heatmap (the cell
 *  diagram's gates link here too). */
function drawGateKey(s: Snapshot): void {
  const key = s.gates.gates.map((g) => g.short).join(",");
  const box = $("gateKey");
  if (box.dataset.key === key) return;
  box.dataset.key = key;
  box.innerHTML = s.gates.gates.map((g) => `<button type="button" class="gate" data-gate="${g.short}" aria-pressed="${highlighted === g.short}">` +
    `${g.short}: ${esc(GATE_NAMES[g.short] ?? g.name)} <small>${g.tanh ? "tanh −1…1" : "sigmoid 0…1"}</small></button>`).join("");
}

/** Buttons pressed, diagram boxes linked and heatmap rows outlined for the highlighted gate. */
export function markHighlight(snapshot: Snapshot | null): void {
  const svg = $("heatmap").querySelector("svg");
  for (const b of document.querySelectorAll<HTMLButtonElement>("#gateKey button.gate, #equations button")) b.setAttribute("aria-pressed", String(b.dataset.gate === highlighted));
  for (const el of document.querySelectorAll<SVGElement>("[data-diagram-gate]")) el.classList.toggle("linked", el.getAttribute("data-diagram-gate") === highlighted);
  if (!svg || !snapshot) return;
  svg.querySelector(".highlight")?.remove();
  const gi = snapshot.gates.gates.findIndex((g) => g.short === highlighted);
  if (gi < 0) return;
  const d = svg.dataset, L = Number(d.left), top = Number(d.top), cw = Number(d.cw), ch = Number(d.ch), gap = Number(d.gap), U = Number(d.units), T = Number(d.steps);
  const r = document.createElementNS("http://www.w3.org/2000/svg", "rect");
  r.setAttribute("class", "highlight");
  for (const [k, v] of Object.entries({ x: L - 2, y: top + gi * (U * ch + gap) - 2, width: T * cw + 3, height: U * ch + 3, fill: "none", stroke: "#111", "stroke-width": 2 })) r.setAttribute(k, String(v));
  svg.appendChild(r);
}

/** Hover read-out of the heatmap: the cell under the pointer, from the svg's geometry attributes. */
export function onHeatHover(e: PointerEvent, s: Snapshot | null): void {
  const svg = $("heatmap").querySelector("svg");
  if (!svg || !s) return;
  const box = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal, d = svg.dataset;
  const x = ((e.clientX - box.left) * vb.width) / box.width, y = ((e.clientY - box.top) * vb.height) / box.height;
  const L = Number(d.left), top = Number(d.top), cw = Number(d.cw), ch = Number(d.ch), gap = Number(d.gap), U = Number(d.units);
  const t = Math.floor((x - L) / cw), band = U * ch + gap, gi = Math.floor((y - top) / band), u = Math.floor(((y - top) % band) / ch);
  const g = s.gates.gates[gi];
  if (!g || t < 0 || t >= s.gates.labels.length || u < 0 || u >= U) return;
  const v = g.units[u]?.[t];
  if (v === undefined) return;
  const input = s.gates.labels[t];
  $("heatHover").textContent = `${g.short} (${GATE_NAMES[g.short] ?? g.name}), unit ${u}, step ${t}${input ? ` (input ${input})` : ""}: ${v.toFixed(3)} on a ${g.tanh ? "tanh scale −1…1" : "sigmoid scale 0…1"}`;
}
