// Hand-written SVG charts for the lab: line plots (linear or log y), bar charts, histogram panels
// and heatmaps. Pure functions from plain data to an SVG string: no I/O, no DOM, so the same code
// draws the CLI's files and the browser playground's figures. Every chart has a title, labelled
// axes with units, ticks and (when there is more than one series) a legend.

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
/** One colour per cell kind, the same in every plot. */
export const CELL_COLORS: Record<string, string> = { rnn: "#d62728", lstm: "#1f77b4", gru: "#2ca02c" };
const FONT = `font-family="DejaVu Sans, Verdana, sans-serif"`;

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const f = (v: number) => (Math.round(v * 100) / 100).toString();

function text(x: number, y: number, s: string, o: { size?: number; anchor?: "start" | "middle" | "end"; weight?: string; rotate?: number; fill?: string; halo?: boolean } = {}): string {
  const tr = o.rotate ? ` transform="rotate(${o.rotate} ${f(x)} ${f(y)})"` : "";
  const halo = o.halo ? ` stroke="white" stroke-width="3" paint-order="stroke"` : "";   // readable over lines
  return `<text x="${f(x)}" y="${f(y)}" font-size="${o.size ?? 12}" text-anchor="${o.anchor ?? "start"}"${o.weight ? ` font-weight="${o.weight}"` : ""} fill="${o.fill ?? "#222"}"${halo}${tr}>${esc(s)}</text>`;
}

function svgDoc(width: number, height: number, body: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>\n` +
    `<rect width="${width}" height="${height}" fill="white"/>\n${body.join("\n")}\n</svg>\n`;
}

/** "Nice" ticks covering [lo, hi]: steps of 1, 2 or 5 × 10^k (Heckbert, Graphics Gems 1990). */
export function niceTicks(lo: number, hi: number, count = 6): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) { const d = Math.abs(lo) || 1; lo -= d / 2; hi += d / 2; }
  const raw = (hi - lo) / Math.max(1, count - 1), mag = 10 ** Math.floor(Math.log10(raw)), r = raw / mag;
  const step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  if (ticks[ticks.length - 1] < hi - step * 1e-9) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

export function fmtTick(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace("e+", "e");
  return Number(v.toPrecision(6)).toLocaleString("en-US", { maximumFractionDigits: 6 });
}

/** a value to read (3 significant digits): 0.00165, 4.56e-4, 12.3 */
export function fmtValue(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/** 10^k written with a superscript-like exponent that any font can draw */
function pow10(k: number): string { return k === 0 ? "1" : k === 1 ? "10" : k === -1 ? "0.1" : `1e${k}`; }

export interface Series {
  name: string; x: number[]; y: number[]; color?: string; dash?: boolean; width?: number; markers?: boolean;
  /** a shaded band around the line (e.g. min … max over seeds), same x as the series */
  band?: { lo: number[]; hi: number[] };
  /** markers only, no line (e.g. one point per seed); not listed in the legend when `name` is empty */
  pointsOnly?: boolean;
  /** marker radius (default 3.5) */
  radius?: number;
}

export interface LinePlotSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  yScale?: "linear" | "log";
  /** fixed y range (data units; for log, the values themselves) */
  yMin?: number;
  yMax?: number;
  xMin?: number;
  xMax?: number;
  width?: number;
  height?: number;
  /** dashed horizontal reference lines, e.g. a baseline */
  hlines?: { y: number; label: string }[];
  /** dotted vertical reference lines, e.g. a lag or a chunk length */
  vlines?: { x: number; label: string; color?: string }[];
  /** where the legend goes (default top-right): put it where the lines are not, or below the
   *  axes when the lines can be anywhere (the plot grows by the legend's height) */
  legend?: "top-right" | "bottom-left" | "bottom-right" | "top-left" | "middle-right" | "below";
  /** log x axis (e.g. lags 10 … 400); ticks then default to the x values of the data */
  xScale?: "linear" | "log";
  xTicks?: number[];
}

/** A line plot with axes, ticks, grid, units in the labels and a legend. Non-finite / non-positive (log) points break the line. */
export function linePlotSvg(p: LinePlotSpec): string {
  const W = p.width ?? 720, Hh = p.height ?? 440, log = p.yScale === "log";
  const m = { l: 78, r: 20, t: p.subtitle ? 58 : 42, b: 54 };
  const pw = W - m.l - m.r, ph = Hh - m.t - m.b;
  const ok = (y: number) => Number.isFinite(y) && (!log || y > 0);
  const xs = p.series.flatMap((s) => s.x), ys = p.series.flatMap((s) => [...s.y, ...(s.band ? [...s.band.lo, ...s.band.hi] : [])].filter(ok));
  const x0 = p.xMin ?? Math.min(...xs), x1 = p.xMax ?? Math.max(...xs);
  let y0 = p.yMin ?? (ys.length ? Math.min(...ys) : 0), y1 = p.yMax ?? (ys.length ? Math.max(...ys) : 1);
  for (const h of p.hlines ?? []) if (ok(h.y)) { y0 = Math.min(y0, h.y); y1 = Math.max(y1, h.y); }
  let yTicks: number[], ty: (v: number) => number;
  if (log) {
    const k0 = Math.floor(Math.log10(y0)), k1 = Math.ceil(Math.log10(y1));
    // decades at multiples of a round step (1, 2, 5, 10, 20, 25, 50, …): 10^0 = 1 is always one of them
    const span = Math.max(1, k1 - k0), every = [1, 2, 5, 10, 20, 25, 50, 100, 200].find((e) => span / e <= 9) ?? 500;
    const top = k1, bottom = k0;
    yTicks = [];
    for (let k = Math.floor(top / every) * every; k >= bottom; k -= every) yTicks.push(k);
    ty = (v) => m.t + ph - ((Math.log10(v) - bottom) / Math.max(1e-9, top - bottom)) * ph;
    yTicks = yTicks.map((k) => 10 ** k);
  } else {
    yTicks = niceTicks(y0, y1);
    const lo = yTicks[0], hi = yTicks[yTicks.length - 1];
    ty = (v) => m.t + ph - ((v - lo) / (hi - lo || 1)) * ph;
  }
  const xlog = p.xScale === "log" && x0 > 0;
  const xTicks = p.xTicks ?? (xlog ? [...new Set(xs)].sort((a, b) => a - b) : niceTicks(x0, x1, 8).filter((v) => v >= x0 - 1e-9 && v <= x1 + 1e-9));
  const tx = xlog ? (v: number) => m.l + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0) || 1)) * pw
    : (v: number) => m.l + ((v - x0) / (x1 - x0 || 1)) * pw;
  const body: string[] = [text(W / 2, 22, p.title, { size: 16, anchor: "middle", weight: "bold" })];
  if (p.subtitle) body.push(text(W / 2, 42, p.subtitle, { size: 12, anchor: "middle", fill: "#555" }));
  for (const v of yTicks) {
    const y = ty(v);
    body.push(`<line x1="${m.l}" y1="${f(y)}" x2="${m.l + pw}" y2="${f(y)}" stroke="#e3e3e3"/>`);
    body.push(text(m.l - 6, y + 4, log ? pow10(Math.round(Math.log10(v))) : fmtTick(v), { size: 11, anchor: "end" }));
  }
  for (const v of xTicks) {
    const x = tx(v);
    body.push(`<line x1="${f(x)}" y1="${m.t}" x2="${f(x)}" y2="${m.t + ph}" stroke="#f0f0f0"/>`);
    body.push(`<line x1="${f(x)}" y1="${m.t + ph}" x2="${f(x)}" y2="${m.t + ph + 5}" stroke="#444"/>`);
    body.push(text(x, m.t + ph + 18, fmtTick(v), { size: 11, anchor: "middle" }));
  }
  body.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  body.push(text(m.l + pw / 2, Hh - 12, p.xLabel, { size: 13, anchor: "middle" }));
  body.push(text(18, m.t + ph / 2, p.yLabel, { size: 13, anchor: "middle", rotate: -90 }));
  for (const h of p.hlines ?? []) {
    if (!ok(h.y)) continue;
    const y = ty(h.y);
    body.push(`<line x1="${m.l}" y1="${f(y)}" x2="${m.l + pw}" y2="${f(y)}" stroke="#888" stroke-dasharray="6 4"/>`);
    body.push(text(m.l + 6, y - 5, h.label, { size: 11, fill: "#555", halo: true }));
  }
  (p.vlines ?? []).forEach((v, i) => {
    if (!Number.isFinite(v.x) || (xlog && v.x <= 0)) return;
    const x = tx(v.x);
    if (x < m.l - 1 || x > m.l + pw + 1) return;
    body.push(`<line x1="${f(x)}" y1="${m.t}" x2="${f(x)}" y2="${m.t + ph}" stroke="${v.color ?? "#888"}" stroke-dasharray="2 3" stroke-width="1.3"/>`);
    body.push(text(x + 4, m.t + 14 + 14 * (i % 3), v.label, { size: 10, fill: v.color ?? "#555", halo: true }));
  });
  body.push(`<clipPath id="plot"><rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}"/></clipPath>`);
  p.series.forEach((s, i) => {                                   // bands first, under every line
    if (!s.band) return;
    const pts = s.x.map((xv, j) => [xv, s.band!.lo[j], s.band!.hi[j]] as const).filter(([, lo, hi]) => ok(lo) && ok(hi));
    if (pts.length < 2) return;
    const d = pts.map(([xv, , hi], j) => `${j ? "L" : "M"}${f(tx(xv))},${f(ty(hi))}`).join("") + pts.slice().reverse().map(([xv, lo]) => `L${f(tx(xv))},${f(ty(lo))}`).join("") + "Z";
    body.push(`<path d="${d}" fill="${s.color ?? PALETTE[i % PALETTE.length]}" fill-opacity="0.16" stroke="none" clip-path="url(#plot)"/>`);
  });
  p.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    if (s.pointsOnly) {
      s.x.forEach((xv, j) => { if (ok(s.y[j])) body.push(`<circle cx="${f(tx(xv))}" cy="${f(ty(s.y[j]))}" r="${s.radius ?? 2.5}" fill="${color}" fill-opacity="0.55"/>`); });
      return;
    }
    let d = "", pen = false;
    s.x.forEach((xv, j) => {
      const yv = s.y[j];
      if (!ok(yv)) { pen = false; return; }
      d += `${pen ? "L" : "M"}${f(tx(xv))},${f(ty(yv))}`;
      pen = true;
    });
    body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="${s.width ?? 2}"${s.dash ? ` stroke-dasharray="7 4"` : ""} clip-path="url(#plot)"/>`);
    if (s.markers || s.x.length === 1) s.x.forEach((xv, j) => { if (ok(s.y[j])) body.push(`<circle cx="${f(tx(xv))}" cy="${f(ty(s.y[j]))}" r="${s.radius ?? 3.5}" fill="${color}"/>`); });
  });
  const listed = p.series.map((s, i) => ({ s, i })).filter(({ s }) => s.name !== "");
  if (listed.length > 1 || listed[0]?.s.name) {
    const items = listed.map(({ s, i }) => ({ name: s.name, color: s.color ?? PALETTE[i % PALETTE.length], dash: s.dash }));
    const { w, h } = legendSize(items), pos = p.legend ?? "top-right";
    if (pos === "below") {
      body.push(legend(items, m.l + w, Hh));
      return svgDoc(W, Hh + h + 10, body);
    }
    const x = pos.endsWith("right") ? m.l + pw - 8 : m.l + 8 + w, y = pos.startsWith("top") ? m.t + 8 : pos.startsWith("middle") ? m.t + (ph - h) / 2 : m.t + ph - 8 - h;
    body.push(legend(items, x, y));
  }
  return svgDoc(W, Hh, body);
}

function legendSize(items: { name: string }[]): { w: number; h: number } {
  return { w: Math.max(...items.map((it) => it.name.length)) * 7 + 44, h: items.length * 18 + 8 };
}

function legend(items: { name: string; color: string; dash?: boolean }[], right: number, top: number): string {
  const { w, h } = legendSize(items), x = right - w;
  const rows = items.map((it, i) => {
    const y = top + 14 + i * 18;
    return `<line x1="${x + 8}" y1="${y - 4}" x2="${x + 32}" y2="${y - 4}" stroke="${it.color}" stroke-width="2.5"${it.dash ? ` stroke-dasharray="6 3"` : ""}/>` +
      text(x + 38, y, it.name, { size: 12 });
  });
  return `<g><rect x="${x}" y="${top}" width="${w}" height="${h}" fill="white" fill-opacity="0.9" stroke="#bbb"/>${rows.join("")}</g>`;
}

export interface BarChartSpec {
  title: string;
  subtitle?: string;
  /** label of the value axis, with its unit */
  valueLabel: string;
  bars: { label: string; value: number; color?: string; note?: string; lo?: number; hi?: number; points?: number[] }[];
  /** dashed reference line across the bars, e.g. predicting the mean */
  reference?: { value: number; label: string };
  log?: boolean;
  width?: number;
}

/** Horizontal bars (long labels read well), value axis at the bottom. */
export function barChartSvg(p: BarChartSpec): string {
  const W = p.width ?? 760, rowH = 26, labelW = Math.min(300, Math.max(...p.bars.map((b) => b.label.length)) * 7 + 16);
  const noteW = Math.max(0, ...p.bars.map((b) => (b.note ?? "").length)) * 6.6 + 12;
  const m = { l: labelW, r: Math.max(90, noteW), t: (p.subtitle ? 58 : 42) + (p.reference ? 16 : 0), b: 50 }, ph = p.bars.length * rowH, Hh = m.t + ph + m.b, pw = W - m.l - m.r;
  const vals = p.bars.flatMap((b) => [b.value, b.lo ?? NaN, b.hi ?? NaN, ...(b.points ?? [])]).filter((v) => Number.isFinite(v) && (!p.log || v > 0));
  if (p.reference) vals.push(p.reference.value);
  let tv: (v: number) => number, ticks: number[];
  if (p.log) {
    const k0 = Math.floor(Math.log10(Math.min(...vals))), k1 = Math.ceil(Math.log10(Math.max(...vals)));
    ticks = []; for (let k = k0; k <= Math.max(k1, k0 + 1); k++) ticks.push(10 ** k);
    const top = Math.log10(ticks[ticks.length - 1]);
    tv = (v) => m.l + ((Math.log10(Math.max(v, ticks[0])) - k0) / (top - k0)) * pw;
  } else {
    ticks = niceTicks(0, Math.max(...vals, 0), 6);
    const hi = ticks[ticks.length - 1];
    tv = (v) => m.l + (Math.max(0, v) / (hi || 1)) * pw;
  }
  const body: string[] = [text(W / 2, 22, p.title, { size: 16, anchor: "middle", weight: "bold" })];
  if (p.subtitle) body.push(text(W / 2, 42, p.subtitle, { size: 12, anchor: "middle", fill: "#555" }));
  for (const v of ticks) {
    const x = tv(v);
    body.push(`<line x1="${f(x)}" y1="${m.t}" x2="${f(x)}" y2="${m.t + ph}" stroke="#e6e6e6"/>`);
    body.push(text(x, m.t + ph + 16, p.log ? pow10(Math.round(Math.log10(v))) : fmtTick(v), { size: 11, anchor: "middle" }));
  }
  if (p.reference) {
    const x = tv(p.reference.value);
    body.push(`<line x1="${f(x)}" y1="${m.t - 4}" x2="${f(x)}" y2="${m.t + ph}" stroke="#555" stroke-dasharray="6 4"/>`);
    body.push(text(x + 4, m.t - 6, p.reference.label, { size: 11, fill: "#555" }));
  }
  p.bars.forEach((b, i) => {
    const y = m.t + i * rowH, x0 = p.log ? m.l : tv(0);
    const ok = Number.isFinite(b.value) && (!p.log || b.value > 0);
    body.push(text(m.l - 8, y + rowH / 2 + 4, b.label, { size: 12, anchor: "end" }));
    if (ok) body.push(`<rect x="${f(x0)}" y="${f(y + 4)}" width="${f(Math.max(1, tv(b.value) - x0))}" height="${rowH - 8}" fill="${b.color ?? PALETTE[0]}"/>`);
    const okv = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v) && (!p.log || v > 0);
    if (okv(b.lo) && okv(b.hi)) {                                      // the spread, e.g. min … max over seeds
      const yc = y + rowH / 2;
      body.push(`<line x1="${f(tv(b.lo))}" y1="${f(yc)}" x2="${f(tv(b.hi))}" y2="${f(yc)}" stroke="#222" stroke-width="1.5"/>`);
      for (const v of [b.lo, b.hi]) body.push(`<line x1="${f(tv(v))}" y1="${f(yc - 6)}" x2="${f(tv(v))}" y2="${f(yc + 6)}" stroke="#222" stroke-width="1.5"/>`);
    }
    for (const v of b.points ?? []) if (okv(v)) body.push(`<circle cx="${f(tv(v))}" cy="${f(y + rowH / 2)}" r="2.5" fill="#222" fill-opacity="0.6"/>`);
    const right = Math.max(ok ? tv(b.value) : x0, okv(b.hi) ? tv(b.hi) : 0);
    body.push(text(right + 6, y + rowH / 2 + 4, b.note ?? (ok ? fmtValue(b.value) : "diverged"), { size: 11, fill: "#333", halo: true }));
  });
  body.push(`<line x1="${m.l}" y1="${m.t + ph}" x2="${m.l + pw}" y2="${m.t + ph}" stroke="#444"/>`);
  body.push(`<line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + ph}" stroke="#444"/>`);
  body.push(text(m.l + pw / 2, Hh - 12, p.valueLabel, { size: 13, anchor: "middle" }));
  return svgDoc(W, Hh, body);
}

export interface HistogramPanel { title: string; edges: number[]; counts: number[]; note?: string; color?: string }

/** Small multiples of histograms sharing an x range, laid out in a grid; y = fraction of values. */
export function histogramsSvg(p: { title: string; subtitle?: string; xLabel: string; panels: HistogramPanel[]; columns?: number }): string {
  const cols = p.columns ?? Math.min(4, p.panels.length), rows = Math.ceil(p.panels.length / cols);
  const cw = 230, chh = 190, top = p.subtitle ? 62 : 46, W = cols * cw + 40, Hh = top + rows * chh + 20;
  const body: string[] = [text(W / 2, 22, p.title, { size: 16, anchor: "middle", weight: "bold" })];
  if (p.subtitle) body.push(text(W / 2, 42, p.subtitle, { size: 12, anchor: "middle", fill: "#555" }));
  p.panels.forEach((panel, i) => {
    const ox = 20 + (i % cols) * cw, oy = top + Math.floor(i / cols) * chh;
    const m = { l: 44, r: 10, t: 20, b: 40 }, pw = cw - m.l - m.r, ph = chh - m.t - m.b;
    const total = panel.counts.reduce((a, b) => a + b, 0) || 1, fr = panel.counts.map((c) => c / total);
    const yt = niceTicks(0, Math.max(...fr, 0.01), 4), yhi = yt[yt.length - 1];
    const lo = panel.edges[0], hi = panel.edges[panel.edges.length - 1];
    const tx = (v: number) => ox + m.l + ((v - lo) / (hi - lo || 1)) * pw, ty = (v: number) => oy + m.t + ph - (v / yhi) * ph;
    body.push(text(ox + m.l + pw / 2, oy + 12, panel.title, { size: 12, anchor: "middle", weight: "bold" }));
    for (const v of yt) {
      body.push(`<line x1="${f(ox + m.l)}" y1="${f(ty(v))}" x2="${f(ox + m.l + pw)}" y2="${f(ty(v))}" stroke="#eee"/>`);
      body.push(text(ox + m.l - 4, ty(v) + 4, `${Math.round(v * 100)}%`, { size: 10, anchor: "end" }));
    }
    fr.forEach((v, j) => {
      const x0 = tx(panel.edges[j]), x1 = tx(panel.edges[j + 1]);
      body.push(`<rect x="${f(x0)}" y="${f(ty(v))}" width="${f(Math.max(0.5, x1 - x0 - 0.5))}" height="${f(ty(0) - ty(v))}" fill="${panel.color ?? PALETTE[0]}"/>`);
    });
    body.push(`<rect x="${f(ox + m.l)}" y="${f(oy + m.t)}" width="${f(pw)}" height="${f(ph)}" fill="none" stroke="#444"/>`);
    for (const v of niceTicks(lo, hi, 3)) if (v >= lo - 1e-9 && v <= hi + 1e-9) body.push(text(tx(v), oy + m.t + ph + 14, fmtTick(v), { size: 10, anchor: "middle" }));
    body.push(text(ox + m.l + pw / 2, oy + m.t + ph + 28, p.xLabel, { size: 11, anchor: "middle" }));
    if (panel.note) body.push(text(ox + m.l + pw / 2, oy + m.t + ph + 40, panel.note, { size: 10, anchor: "middle", fill: "#555" }));
  });
  return svgDoc(W, Hh + 10, body);
}

/** Colour for v in [0, 1]: white → blue (sequential, readable in grey). */
export function heatColor(v: number): string {
  const t = Math.min(1, Math.max(0, Number.isFinite(v) ? v : 0));
  const c = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${c(247, 8)},${c(251, 48)},${c(255, 107)})`;
}

export interface HeatmapSpec {
  title: string;
  subtitle?: string;
  xLabel: string;
  /** one row per group of values, e.g. "forget gate, unit 3" */
  rows: { label: string; values: number[] }[];
  /** the value range the colours span (default 0 … 1) */
  range?: [number, number];
  colorLabel: string;
  /** optional labels under each column (e.g. the characters of the input) */
  columnLabels?: string[];
}

export function heatmapSvg(p: HeatmapSpec): string {
  const cols = Math.max(...p.rows.map((r) => r.values.length)), labelW = Math.max(...p.rows.map((r) => r.label.length)) * 6.6 + 14;
  const cell = Math.max(4, Math.min(18, Math.floor(760 / cols))), rh = 12;
  const m = { l: labelW, r: 90, t: p.subtitle ? 60 : 44, b: p.columnLabels ? 58 : 46 };
  const pw = cols * cell, ph = p.rows.length * rh, W = Math.max(m.l + pw + m.r, 520), Hh = m.t + ph + m.b;
  const [lo, hi] = p.range ?? [0, 1];
  const body: string[] = [text(W / 2, 22, p.title, { size: 16, anchor: "middle", weight: "bold" })];
  if (p.subtitle) body.push(text(W / 2, 42, p.subtitle, { size: 12, anchor: "middle", fill: "#555" }));
  p.rows.forEach((r, i) => {
    const y = m.t + i * rh;
    body.push(text(m.l - 6, y + rh - 2, r.label, { size: 10, anchor: "end" }));
    r.values.forEach((v, j) => body.push(`<rect x="${m.l + j * cell}" y="${y}" width="${cell}" height="${rh}" fill="${heatColor((v - lo) / (hi - lo))}"/>`));
  });
  body.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#444"/>`);
  const every = Math.ceil(cols / 12);
  for (let j = 0; j < cols; j += every) body.push(text(m.l + j * cell + cell / 2, m.t + ph + 14, String(j), { size: 10, anchor: "middle" }));
  if (p.columnLabels) p.columnLabels.forEach((s, j) => { if (cell >= 8) body.push(text(m.l + j * cell + cell / 2, m.t + ph + 28, s === " " ? "␣" : s, { size: 10, anchor: "middle", fill: "#555" })); });
  body.push(text(m.l + pw / 2, Hh - 10, p.xLabel, { size: 12, anchor: "middle" }));
  // colour bar
  const bx = m.l + pw + 24, steps = 20;
  for (let s = 0; s < steps; s++) body.push(`<rect x="${bx}" y="${f(m.t + (ph * s) / steps)}" width="14" height="${f(ph / steps + 0.5)}" fill="${heatColor(1 - s / steps)}"/>`);
  body.push(`<rect x="${bx}" y="${m.t}" width="14" height="${ph}" fill="none" stroke="#444"/>`);
  body.push(text(bx + 18, m.t + 9, fmtTick(hi), { size: 10 }), text(bx + 18, m.t + ph, fmtTick(lo), { size: 10 }));
  body.push(text(bx + 7, m.t + ph + 16, p.colorLabel, { size: 10, anchor: "middle" }));
  return svgDoc(W, Hh, body);
}

/** Several finished SVG figures side by side in a grid, under one title (small multiples). */
export function panelGridSvg(title: string, subtitle: string | undefined, panels: string[], columns = 2): string {
  const sizes = panels.map((svg) => ({ w: Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? 400), h: Number(/height="([\d.]+)"/.exec(svg)?.[1] ?? 300) }));
  const cols = Math.min(columns, panels.length), cw = Math.max(...sizes.map((s) => s.w)), ch = Math.max(...sizes.map((s) => s.h));
  const top = subtitle ? 56 : 36, W = cols * cw, Hh = top + Math.ceil(panels.length / cols) * ch;
  const body: string[] = [text(W / 2, 22, title, { size: 17, anchor: "middle", weight: "bold" })];
  if (subtitle) body.push(text(W / 2, 42, subtitle, { size: 12, anchor: "middle", fill: "#555" }));
  panels.forEach((svg, i) => {
    const inner = svg.replace(/^<svg[^>]*>\n?/, "").replace(/<\/svg>\s*$/, "").replace(/id="plot"/g, `id="plot${i}"`).replace(/url\(#plot\)/g, `url(#plot${i})`);
    body.push(`<g transform="translate(${(i % cols) * cw},${top + Math.floor(i / cols) * ch})">${inner}</g>`);
  });
  return svgDoc(W, Hh, body);
}
