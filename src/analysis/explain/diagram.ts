// Two drawings of an explained cell (pure SVG strings, no I/O):
//  - explainCellSvg: the data flow of one step, laid out from the equations themselves (each line a
//    box in the column after everything it reads), so every option — peepholes (dashed from c),
//    forget bias, clips, projection, GRU reset before/after — appears because it is in the maths;
//    the full equations are printed under the drawing, parameter shapes beside each box.
//  - explainUnrolledSvg: the same cell unrolled over a few time steps, with the state carried
//    forward and the gradient of backpropagation through time flowing back.
import { esc } from "../render/svg.ts";
import type { CellExplanation, EquationLine } from "./equations.ts";
import { actSymbol } from "./expr.ts";

const FONT = `font-family="DejaVu Sans, Verdana, sans-serif"`;
const f = (v: number) => (Math.round(v * 10) / 10).toString();
const charW = (size: number) => size * 0.6;          // DejaVu Sans average advance, close enough for layout

function txt(x: number, y: number, s: string, o: { size?: number; anchor?: string; weight?: string; fill?: string; family?: string } = {}): string {
  return `<text x="${f(x)}" y="${f(y)}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? "middle"}"${o.weight ? ` font-weight="${o.weight}"` : ""} fill="${o.fill ?? "#222"}"${o.family ? ` font-family="${o.family}"` : ""}>${esc(s)}</text>`;
}

function doc(W: number, H: number, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${f(W)}" height="${f(H)}" viewBox="0 0 ${f(W)} ${f(H)}" ${FONT}>\n` +
    `<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>` +
    `<marker id="arrow-red" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#c0392b"/></marker></defs>\n` +
    `<rect width="${f(W)}" height="${f(H)}" fill="white"/>\n${body.join("\n")}\n</svg>\n`;
}

const LINE_COLORS: Record<string, string> = {
  i: "#1f77b4", f: "#d62728", g: "#2ca02c", o: "#ff7f0e", c: "#7f7f7f", m: "#8c564b", h: "#9467bd",
  r: "#1f77b4", z: "#d62728", n: "#2ca02c",
};

const NAMES: Record<string, string> = {
  i: "input gate", f: "forget gate", g: "candidate", o: "output gate", c: "new cell state", m: "gated output",
  h: "new hidden state", r: "reset gate", z: "update gate", n: "candidate",
};

/** "σ(·)", "clip(·)", "W_hr m_t", "f⊙c + i⊙g" — the operation of a line in a few characters. */
function shortForm(l: EquationLine): string {
  const e = l.expr;
  if (e.op === "act") return `${actSymbol(e.fn).text}(…)`;
  if (e.op === "clip") return `clip(…, ±${e.bound})`;
  if (l.text.length <= 28) return l.text.slice(l.text.indexOf("=") + 2);
  return "…";
}

interface Box { id: string; col: number; row: number; x: number; y: number; w: number; h: number; label: string[]; color: string; isInput: boolean }

/** The data flow of one step of the explained cell. */
export function explainCellSvg(e: CellExplanation): string {
  const inputs = e.config.kind === "lstm" ? ["x_t", "h_t−1", "c_t−1"] : ["x_t", "h_t−1"];
  const col = new Map<string, number>(inputs.map((n) => [n, 0]));
  for (const l of e.lines) col.set(l.target, 1 + Math.max(...l.uses.map((u) => col.get(u) ?? 0)));
  const byId = new Map(e.params.map((p) => [p.id, p]));
  const boxes: Box[] = [];
  const sizeOf = (n: string) => n === "x_t" ? e.config.inputSize : n === "h_t−1" ? e.config.outputSize : e.config.hiddenSize;
  for (const n of inputs) boxes.push({ id: n, col: 0, row: 0, x: 0, y: 0, w: 0, h: 38, label: [n, `${sizeOf(n)} values`], color: "#555", isInput: true });
  for (const l of e.lines) {
    const shapes = l.params.map((id) => `${byId.get(id)!.text} ${byId.get(id)!.shape.join("×")}`);
    const label = [`${l.symbol.text} = ${shortForm(l)}`, NAMES[l.target] ?? l.target, ...chunk(shapes, 2)];
    boxes.push({ id: l.target, col: col.get(l.target)!, row: 0, x: 0, y: 0, w: 0, h: 18 + 15 * label.length, label, color: LINE_COLORS[l.target] ?? "#444", isInput: false });
  }
  const cols = Math.max(...boxes.map((b) => b.col)) + 1;
  // an edge that skips a column runs in its own lane above the boxes instead of through them
  const longEdges = e.lines.reduce((n, l) => n + l.uses.filter((u) => col.get(l.target)! - (col.get(u) ?? 0) > 1).length, 0);
  const laneGap = 5, colW: number[] = [], gapX = 56, gapY = 18, top = 70 + longEdges * laneGap, left = 24;
  for (let c = 0; c < cols; c++) colW.push(Math.max(...boxes.filter((b) => b.col === c).map((b) => Math.max(...b.label.map((s, i) => s.length * charW(i === 0 ? 13 : 11))) + 20)));
  let x = left;
  let maxY = 0;
  for (let c = 0; c < cols; c++) {
    let y = top;
    for (const b of boxes.filter((bb) => bb.col === c)) { b.x = x; b.y = y; b.w = colW[c]; y += b.h + gapY; }
    maxY = Math.max(maxY, y);
    x += colW[c] + gapX;
  }
  const W = Math.max(x - gapX + left + 90, 640);
  const body: string[] = [txt(W / 2, 24, e.title.length > 110 ? `${e.config.kind.toUpperCase()} cell: one time step` : e.title, { size: 15, weight: "bold" })];
  body.push(txt(W / 2, 44, `${e.dims.map((d) => `${d.letter} = ${d.value}`).join(", ")}; each box is one equation, with the shapes of the parameters it uses${e.config.usePeepholes && e.config.kind === "lstm" ? "; dashed: peephole" : ""}`, { size: 11, fill: "#555" }));
  const find = (id: string) => boxes.find((b) => b.id === id)!;
  // edges first, so boxes draw over them
  let lane = 0;
  for (const l of e.lines) {
    const to = find(l.target);
    const uses = l.uses;
    uses.forEach((u, k) => {
      const from = find(u);
      const peep = u.startsWith("c") && l.params.some((p) => p.startsWith("w_c")) && (l.target === "i" || l.target === "f" || l.target === "o");
      const y2 = to.y + (to.h * (k + 1)) / (uses.length + 1);
      const x1 = from.x + from.w, y1 = from.y + from.h / 2, x2 = to.x;
      const mx = (x1 + x2) / 2;
      let d: string;
      if (to.col - from.col > 1) {                                     // up into a lane, across, down in the gap before the target
        const ly = 62 + lane * laneGap, xa = x1 + 10 + (lane % 6) * 5, xb = x2 - 12 - (lane % 6) * 5;
        lane++;
        d = `M${f(x1)},${f(y1)} H${f(xa)} V${f(ly)} H${f(xb)} V${f(y2)} H${f(x2 - 2)}`;
      } else d = `M${f(x1)},${f(y1)} C${f(mx)},${f(y1)} ${f(mx)},${f(y2)} ${f(x2 - 2)},${f(y2)}`;
      body.push(`<path d="${d}" fill="none" stroke="${peep ? "#888" : "#999"}" stroke-width="1.3"${peep ? ` stroke-dasharray="5 3"` : ""} marker-end="url(#arrow)"/>`);
    });
  }
  for (const b of boxes) {
    body.push(`<rect x="${f(b.x)}" y="${f(b.y)}" width="${f(b.w)}" height="${f(b.h)}" rx="${b.isInput ? 4 : 8}" fill="${b.isInput ? "#f4f4f4" : b.color}" fill-opacity="${b.isInput ? 1 : 0.13}" stroke="${b.color}"/>`);
    b.label.forEach((s, i) => body.push(txt(b.x + b.w / 2, b.y + 18 + i * 15, s, { size: i === 0 ? 13 : 11, weight: i === 0 ? "bold" : undefined, fill: i === 0 ? "#222" : "#444" })));
  }
  // the state leaving the step
  const outs = e.config.kind === "lstm" ? ["c", "h"] : ["h"];
  for (const o of outs) {
    const b = find(o);
    if (b.col === cols - 1) {                                          // the last column: leave to the right
      const x1 = b.x + b.w, y1 = b.y + b.h / 2;
      body.push(`<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x1 + 40)}" y2="${f(y1)}" stroke="#333" stroke-width="1.8" marker-end="url(#arrow)"/>`);
      body.push(txt(x1 + 44, y1 + 4, `${o}_t`, { anchor: "start", size: 12, weight: "bold" }));
    } else {                                                           // else downwards, clear of the edges
      const x1 = b.x + b.w / 2, y1 = b.y + b.h;
      body.push(`<line x1="${f(x1)}" y1="${f(y1)}" x2="${f(x1)}" y2="${f(y1 + 30)}" stroke="#333" stroke-width="1.8" marker-end="url(#arrow)"/>`);
      body.push(txt(x1 + 6, y1 + 28, `${o}_t (to the next step)`, { anchor: "start", size: 12, weight: "bold" }));
      maxY = Math.max(maxY, y1 + 44);
    }
  }
  // the equations in full
  let y = maxY + 16;
  body.push(`<line x1="${left}" y1="${f(y - 8)}" x2="${f(W - left)}" y2="${f(y - 8)}" stroke="#ddd"/>`);
  for (const l of e.lines) { body.push(txt(left, y + 8, l.text, { size: 12, anchor: "start", family: "DejaVu Sans Mono, monospace" })); y += 18; }
  for (const d of e.definitions) { body.push(txt(left, y + 8, d.text, { size: 11, anchor: "start", fill: "#555" })); y += 16; }
  const longest = Math.max(...e.lines.map((l) => l.text.length)) * 7.3 + 2 * left;
  return doc(Math.max(W, longest), y + 16, body);
}

function chunk(items: string[], n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n).join(", "));
  return out;
}

/** The cell unrolled over `steps` time steps (default 4): inputs below, outputs above, state carried right, gradients flowing left. */
export function explainUnrolledSvg(e: CellExplanation, opts: { steps?: number } = {}): string {
  const steps = Math.max(1, Math.min(12, Math.floor(opts.steps ?? 4)));
  const lstm = e.config.kind === "lstm", cw = 150, ch = 90, gap = 70, left = 110, top = 112;
  const W = left + steps * cw + (steps - 1) * gap + 110, H = top + ch + 150;
  const body: string[] = [txt(W / 2, 24, `${e.config.kind.toUpperCase()} unrolled in time: the same weights at every step`, { size: 15, weight: "bold" })];
  const stateText = lstm ? `state (c, h): c ${e.config.hiddenSize}, h ${e.config.outputSize}` : `state h: ${e.config.hiddenSize}`;
  body.push(txt(W / 2, 44, `${stateText}; black: forward, red dashed: backpropagation through time (∂L/∂state)`, { size: 11, fill: "#555" }));
  const tLabel = (k: number) => { const d = k - (steps - 1); return d === 0 ? "t" : `t${d < 0 ? "−" : "+"}${Math.abs(d)}`; };
  const state = lstm ? ["c", "h"] : ["h"];
  for (let k = 0; k < steps; k++) {
    const x = left + k * (cw + gap), t = tLabel(k);
    body.push(`<rect x="${x}" y="${top}" width="${cw}" height="${ch}" rx="10" fill="#1f77b4" fill-opacity="0.12" stroke="#1f77b4"/>`);
    body.push(txt(x + cw / 2, top + 36, `${e.config.kind.toUpperCase()} cell`, { size: 14, weight: "bold" }));
    body.push(txt(x + cw / 2, top + 56, `${e.lines.map((l) => l.target).join(", ")}`, { size: 11, fill: "#444" }));
    // input from below, output above
    body.push(`<line x1="${x + cw / 2}" y1="${top + ch + 46}" x2="${x + cw / 2}" y2="${top + ch + 2}" stroke="#333" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    body.push(txt(x + cw / 2, top + ch + 62, `x_${t}`, { size: 13 }));
    body.push(`<line x1="${x + cw / 2}" y1="${top - 2}" x2="${x + cw / 2}" y2="${top - 30}" stroke="#333" stroke-width="1.5" marker-end="url(#arrow)"/>`);
    body.push(txt(x + cw / 2, top - 36, `output h_${t}`, { size: 12 }));
    // state to the right
    state.forEach((s, j) => {
      const y = top + 26 + j * 34, x1 = x + cw, x2 = x + cw + gap;
      body.push(`<line x1="${x1}" y1="${y}" x2="${x2 - 2}" y2="${y}" stroke="#333" stroke-width="1.8" marker-end="url(#arrow)"/>`);
      body.push(txt((x1 + x2) / 2, y - 5, `${s}_${t}`, { size: 11 }));
      const yb = y + 12;                                               // the gradient, flowing back
      body.push(`<line x1="${x2}" y1="${yb}" x2="${x1 + 2}" y2="${yb}" stroke="#c0392b" stroke-width="1.3" stroke-dasharray="5 3" marker-end="url(#arrow-red)"/>`);
    });
    if (k === 0) state.forEach((s, j) => {
      const y = top + 26 + j * 34;
      body.push(`<line x1="${x - gap + 14}" y1="${y}" x2="${x - 2}" y2="${y}" stroke="#333" stroke-width="1.8" marker-end="url(#arrow)"/>`);
      body.push(txt(x - gap + 10, y + 4, `${s}_${tLabel(-1)}`, { size: 11, anchor: "end" }));
    });
  }
  const yNote = top + ch + 96;
  body.push(txt(left, yNote, "Every box is the step printed by rnnlab explain, with the same parameters. Full BPTT carries ∂L/∂state back through every step;", { size: 11, anchor: "start", fill: "#444" }));
  body.push(txt(left, yNote + 16, "truncated BPTT (k steps) stops the red arrows after k steps while the black ones (the state) keep going.", { size: 11, anchor: "start", fill: "#444" }));
  return doc(W, H, body);
}
