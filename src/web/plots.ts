// The playground's plots: pure functions from plain numbers to SVG text (no DOM, no I/O), so the
// same code can render in the page and be checked in Node. Colours are SVG presentation
// attributes, never style="": the page's Content-Security-Policy forbids inline styles.

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const fmt = (v: number): string => (!Number.isFinite(v) ? String(v) : Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toPrecision(3));
const svgOpen = (w: number, h: number, label: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}">`;

/** Exponential moving average (bias-corrected, like TensorBoard's smoothing). */
export function smooth(values: readonly number[], beta = 0.9): number[] {
  const out: number[] = [];
  let m = 0;
  values.forEach((v, i) => { m = beta * m + (1 - beta) * v; out.push(m / (1 - beta ** (i + 1))); });
  return out;
}

/** Training loss per step (faint) and its moving average (bold), on a log scale when it spans > 10×. */
export function lossCurveSvg(losses: readonly number[], opts: { width?: number; height?: number; reference?: { value: number; label: string } } = {}): string {
  const W = opts.width ?? 560, H = opts.height ?? 220, L = 52, R = 10, T = 10, B = 26;
  let out = svgOpen(W, H, "training loss per step") + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  const finite = losses.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return out + `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888" font-size="12">no steps yet</text></svg>`;
  const ref = opts.reference;
  let lo = Math.min(...finite), hi = Math.max(...finite);
  if (ref && ref.value > 0) { lo = Math.min(lo, ref.value); hi = Math.max(hi, ref.value); }
  const log = hi / lo > 10;
  const f = (v: number) => (log ? Math.log10(v) : v);
  const y0 = f(lo), y1 = f(hi) === y0 ? y0 + 1 : f(hi);
  const n = losses.length;
  const x = (i: number) => L + ((W - L - R) * i) / Math.max(1, n - 1);
  const y = (v: number) => T + (H - T - B) * (1 - (f(Math.max(v, lo)) - y0) / (y1 - y0));
  const line = (vals: readonly number[]) => vals.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  out += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>`;
  for (const v of [lo, hi]) out += `<text x="${L - 4}" y="${y(v) + 4}" text-anchor="end" font-size="11" fill="#444">${fmt(v)}</text>`;
  out += `<text x="${L}" y="${H - 8}" font-size="11" fill="#444">step 1</text><text x="${W - R}" y="${H - 8}" text-anchor="end" font-size="11" fill="#444">step ${n}${log ? " · log scale" : ""}</text>`;
  if (ref && ref.value > 0) {
    out += `<line x1="${L}" y1="${y(ref.value)}" x2="${W - R}" y2="${y(ref.value)}" stroke="#c44" stroke-dasharray="4 3"/>` +
      `<text x="${W - R - 2}" y="${y(ref.value) < T + 14 ? y(ref.value) + 12 : y(ref.value) - 4}" text-anchor="end" font-size="10" fill="#c44">${esc(ref.label)}</text>`;
  }
  const clean = losses.map((v) => (Number.isFinite(v) ? v : hi));
  out += `<polyline fill="none" stroke="#9bb7d4" stroke-width="1" points="${line(clean)}"/>`;
  out += `<polyline class="loss-smooth" fill="none" stroke="#1f5fa8" stroke-width="2" points="${line(smooth(clean))}"/>`;
  return out + "</svg>";
}

/** Orange (low) → white → blue (high) for v in [lo, hi]: blue means "high" on both scales of the
 *  heatmap (a sigmoid gate near 1, a tanh value near +1), so one colour never means two things. */
export function diverging(v: number, lo: number, hi: number): string {
  const t = Math.min(1, Math.max(0, (v - lo) / (hi - lo))) * 2 - 1;   // −1 … 1
  if (t >= 0) return sequential(t);
  const a = -t;
  return `rgb(${Math.round(255 - 25 * a)},${Math.round(255 - 135 * a)},${Math.round(255 - 225 * a)})`;
}
/** White (0) → dark blue (1) for sigmoid gates. */
export function sequential(v: number): string {
  const t = Math.min(1, Math.max(0, v));
  return `rgb(${Math.round(255 - 225 * t)},${Math.round(255 - 175 * t)},${Math.round(255 - 95 * t)})`;
}

export interface HeatmapInput {
  /** per gate, in cell order: a short label, whether it is a tanh (−1…1) rather than a sigmoid (0…1), and units[u][t] */
  gates: { short: string; tanh: boolean; units: readonly (readonly number[])[] }[];
  hiddenSize: number;
  /** one label per step (the input at that step) */
  labels: string[];
  /** steps to mark under the map (e.g. the adding problem's two marked inputs) */
  marks?: number[];
}

/**
 * Gate activations over the input sequence: one column per time step, one row per (gate, unit).
 * Sigmoid gates (i, f, o, r, z) on 0…1 white→blue; tanh rows (LSTM g, GRU n, RNN h) on −1…1 blue→red.
 */
export function gateHeatmapSvg(m: HeatmapInput): string {
  const T = m.labels.length, U = Math.max(0, ...m.gates.map((g) => g.units.length));
  const cw = Math.max(8, Math.min(22, Math.floor(620 / Math.max(1, T)))), ch = 9, L = 34, Tp = 8, gap = 6;
  const rows = m.gates.length * U, W = Math.max(L + T * cw + 10, 380), Hh = Tp + rows * ch + gap * (m.gates.length - 1) + 40;
  // the geometry, for the page's hover read-out (one listener instead of a <title> per cell)
  let out = svgOpen(W, Hh, "gate activations over the input sequence").replace("<svg ",
    `<svg data-left="${L}" data-top="${Tp}" data-cw="${cw}" data-ch="${ch}" data-gap="${gap}" data-units="${U}" data-steps="${T}" `) +
    `<rect x="0" y="0" width="${W}" height="${Hh}" fill="#fff"/>`;
  m.gates.forEach((gate, gi) => {
    const y0 = Tp + gi * (U * ch + gap);
    out += `<text x="${L - 6}" y="${y0 + (U * ch) / 2 + 4}" text-anchor="end" font-size="12" font-weight="bold" fill="#333">${esc(gate.short)}</text>`;
    gate.units.forEach((values, u) => {
      values.forEach((v, t) => {
        // no <title> per cell: thousands of them slow every redraw
        out += `<rect class="cell" x="${L + t * cw}" y="${y0 + u * ch}" width="${cw - 1}" height="${ch - 1}" fill="${gate.tanh ? diverging(v, -1, 1) : sequential(v)}"/>`;
      });
    });
  });
  const yl = Hh - 26;
  const every = Math.ceil(T / Math.floor((T * cw) / 14));
  m.labels.forEach((lab, t) => {
    if (t % every === 0) out += `<text x="${L + t * cw + cw / 2}" y="${yl + 10}" text-anchor="middle" font-size="10" fill="#333">${esc(lab)}</text>`;
  });
  for (const t of m.marks ?? []) out += `<path d="M${L + t * cw + cw / 2} ${yl - 2}l-4 7h8z" fill="#c2410c"><title>marked input at step ${t}</title></path>`;
  return out + `<text x="${L}" y="${Hh - 4}" font-size="10" fill="#666">input at each step → (first ${U} of ${m.hiddenSize} units per gate)</text></svg>`;
}

/** Gradient flow through time: the size of ∂L/∂z_t at each step t, as bars. */
export function gradFlowSvg(values: readonly number[], opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 560, H = opts.height ?? 160, L = 52, R = 10, T = 10, B = 24, n = values.length;
  let out = svgOpen(W, H, "gradient norm reaching each time step") + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  if (n === 0) return out + "</svg>";
  const positive = values.filter((v) => v > 0);
  const hi = positive.length ? Math.max(...positive) : 1, lo = positive.length ? Math.max(Math.min(...positive), hi * 1e-8) : hi / 10;
  const log = hi / lo > 100;
  const f = (v: number) => (log ? Math.log10(Math.max(v, lo)) - Math.log10(lo) : v);
  const top = log ? Math.log10(hi) - Math.log10(lo) || 1 : hi || 1;
  const bw = (W - L - R) / n;
  values.forEach((v, t) => {
    const h = ((H - T - B) * f(v)) / top;
    out += `<rect class="bar" x="${(L + t * bw).toFixed(1)}" y="${(H - B - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#d9822b"><title>step ${t}: ${fmt(v)}</title></rect>`;
  });
  out += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/>`;
  out += `<text x="${L - 4}" y="${T + 8}" text-anchor="end" font-size="11" fill="#444">${fmt(hi)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="11" fill="#444">${log ? fmt(lo) : "0"}</text>`;
  return out + `<text x="${L}" y="${H - 6}" font-size="11" fill="#444">t = 0</text><text x="${W - R}" y="${H - 6}" text-anchor="end" font-size="11" fill="#444">t = ${n - 1}${log ? " · log scale" : ""}</text></svg>`;
}

/** Lines over time steps (sine forecasting: input, target, prediction). */
export function seriesSvg(series: { name: string; values: readonly number[]; color: string }[], opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 560, H = opts.height ?? 160, L = 40, R = 90, T = 10, B = 16;
  const all = series.flatMap((s) => s.values as number[]).filter(Number.isFinite);
  let out = svgOpen(W, H, "prediction over time") + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  if (all.length === 0) return out + "</svg>";
  const lo = Math.min(...all), hi = Math.max(...all) === lo ? lo + 1 : Math.max(...all);
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => L + ((W - L - R) * i) / Math.max(1, n - 1), y = (v: number) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  out += `<text x="${L - 4}" y="${y(hi) + 4}" text-anchor="end" font-size="10" fill="#444">${fmt(hi)}</text><text x="${L - 4}" y="${y(lo)}" text-anchor="end" font-size="10" fill="#444">${fmt(lo)}</text>`;
  series.forEach((s, k) => {
    out += `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ")}"/>`;
    out += `<text x="${W - R + 8}" y="${T + 12 + 16 * k}" font-size="11" fill="${s.color}">${esc(s.name)}</text>`;
  });
  return out + "</svg>";
}

/** A 28×28 digit (pixels 0…1, row-major), dark on white, with a caption. */
export function digitSvg(pixels: ArrayLike<number>, caption: string, scale = 3): string {
  const S = 28 * scale;
  let out = svgOpen(S, S + 16, caption) + `<rect x="0" y="0" width="${S}" height="${S}" fill="#fff" stroke="#ccc"/>`;
  // one path per grey level (16 levels) instead of one rect per pixel: ~16 elements per digit, not ~200
  const levels: string[] = Array(16).fill("");
  for (let r = 0; r < 28; r++) {
    for (let c = 0; c < 28; c++) {
      const level = Math.round(pixels[r * 28 + c] * 15);
      if (level > 0) levels[level] += `M${c * scale} ${r * scale}h${scale}v${scale}h-${scale}z`;
    }
  }
  levels.forEach((d, level) => {
    const g = Math.round(255 * (1 - level / 15));
    if (d) out += `<path d="${d}" fill="rgb(${g},${g},${g})"/>`;
  });
  return out + `<text x="${S / 2}" y="${S + 12}" text-anchor="middle" font-size="11" fill="#222">${esc(caption)}</text></svg>`;
}

/** The heatmap's colour legend: the sigmoid scale 0…1 and the tanh scale −1…1, as small swatches. */
export function heatmapLegendSvg(): string {
  const W = 600, H = 30, n = 11, sw = 14;
  let out = svgOpen(W, H, "colour legend: sigmoid rows white 0 to blue 1; tanh rows orange −1, white 0, blue +1") + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  const bar = (x0: number, label: string, lo: string, hi: string, color: (i: number) => string) => {
    out += `<text x="${x0}" y="19" font-size="11" fill="#333">${esc(label)}</text><text x="${x0 + 118}" y="19" text-anchor="end" font-size="11" fill="#333">${lo}</text>`;
    for (let i = 0; i < n; i++) out += `<rect x="${x0 + 122 + i * sw}" y="6" width="${sw}" height="16" fill="${color(i / (n - 1))}" stroke="#ddd" stroke-width="0.5"/>`;
    out += `<text x="${x0 + 126 + n * sw}" y="19" font-size="11" fill="#333">${hi}</text>`;
  };
  bar(0, "sigmoid rows", "0", "1", (t) => sequential(t));
  bar(305, "tanh rows", "−1", "+1", (t) => diverging(t, 0, 1));
  return out + "</svg>";
}

export interface RunCurves {
  /** a short name shown in the legend */
  label: string;
  color: string;
  losses: readonly number[];
  /** held-out metric at the steps a snapshot was taken */
  tests: readonly { step: number; value: number }[];
  /** the run in progress: its raw losses are drawn faintly under the moving average */
  current?: boolean;
}

/** Downsamples to at most `max` points (index, value), keeping the first and the last. */
function thin(values: readonly number[], max: number): [number, number][] {
  const n = values.length, stride = Math.max(1, Math.ceil(n / max)), out: [number, number][] = [];
  for (let i = 0; i < n; i += stride) out.push([i, values[i]]);
  if (n > 0 && out[out.length - 1][0] !== n - 1) out.push([n - 1, values[n - 1]]);
  return out;
}

/**
 * Several runs' training losses on one plot (moving averages; the current run's raw losses faint
 * under its own), with the "learned nothing" reference line. Log scale when the values span > 10×.
 */
export function runsLossSvg(runs: readonly RunCurves[], opts: { width?: number; height?: number; reference?: { value: number; label: string } | null } = {}): string {
  const W = opts.width ?? 560, H = opts.height ?? 220, L = 52, R = 10, T = 10, B = 26;
  let out = svgOpen(W, H, "training loss per step") + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  const all = runs.flatMap((r) => r.losses.filter((v) => Number.isFinite(v) && v > 0));
  if (all.length === 0) return out + `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888" font-size="12">no steps yet</text></svg>`;
  const ref = opts.reference;
  let lo = Infinity, hi = -Infinity;
  for (const v of all) { if (v < lo) lo = v; if (v > hi) hi = v; }
  if (ref && ref.value > 0) { lo = Math.min(lo, ref.value); hi = Math.max(hi, ref.value); }
  const log = hi / lo > 10, f = (v: number) => (log ? Math.log10(v) : v);
  const y0 = f(lo), y1 = f(hi) === y0 ? y0 + 1 : f(hi);
  const n = Math.max(...runs.map((r) => r.losses.length));
  const x = (i: number) => L + ((W - L - R) * i) / Math.max(1, n - 1);
  const y = (v: number) => T + (H - T - B) * (1 - (f(Math.min(hi, Math.max(v, lo))) - y0) / (y1 - y0));
  const line = (pts: [number, number][]) => pts.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
  out += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>`;
  out += `<text x="${L - 4}" y="${T + 8}" text-anchor="end" font-size="11" fill="#444">${fmt(hi)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="11" fill="#444">${fmt(lo)}</text>`;
  out += `<text x="${L}" y="${H - 8}" font-size="11" fill="#444">step 0</text><text x="${W - R}" y="${H - 8}" text-anchor="end" font-size="11" fill="#444">${n}${log ? " · log scale" : ""}</text>`;
  if (ref) {
    out += `<line x1="${L}" y1="${y(ref.value)}" x2="${W - R}" y2="${y(ref.value)}" stroke="#c44" stroke-dasharray="4 3"/>` +
      `<text x="${W - R - 2}" y="${y(ref.value) < T + 14 ? y(ref.value) + 12 : y(ref.value) - 4}" text-anchor="end" font-size="10" fill="#c44">${esc(ref.label)}</text>`;
  }
  runs.forEach((r, k) => {
    const clean = r.losses.map((v) => (Number.isFinite(v) ? v : hi));
    if (r.current) out += `<polyline fill="none" stroke="${r.color}" stroke-opacity="0.3" stroke-width="1" points="${line(thin(clean, 800))}"/>`;
    out += `<polyline class="${r.current ? "loss-smooth" : "loss-run"}" fill="none" stroke="${r.color}" stroke-width="2" points="${line(thin(smooth(clean), 800))}"/>`;
    if (runs.length > 1) out += `<text x="${W - R - 4}" y="${T + 12 + 13 * k}" text-anchor="end" font-size="11" fill="${r.color}">${esc(r.label)}</text>`;
  });
  return out + "</svg>";
}

/** The held-out metric of each run over its steps (one point per snapshot). */
export function testCurvesSvg(runs: readonly RunCurves[], metric: string, opts: { width?: number; height?: number } = {}): string {
  const W = opts.width ?? 560, H = opts.height ?? 160, L = 52, R = 10, T = 10, B = 26;
  let out = svgOpen(W, H, `${metric} over training steps`) + `<rect x="0" y="0" width="${W}" height="${H}" fill="#fff"/>`;
  const vals = runs.flatMap((r) => r.tests.map((p) => p.value)).filter(Number.isFinite);
  if (vals.length === 0) return out + `<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#888" font-size="12">no held-out measurement yet</text></svg>`;
  const lo = Math.min(...vals), hi = Math.max(...vals) === lo ? lo + 1e-3 : Math.max(...vals);
  const n = Math.max(1, ...runs.flatMap((r) => r.tests.map((p) => p.step)));
  const x = (s: number) => L + ((W - L - R) * s) / n, y = (v: number) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
  out += `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#999"/><line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#999"/>`;
  out += `<text x="${L - 4}" y="${T + 8}" text-anchor="end" font-size="11" fill="#444">${fmt(hi)}</text><text x="${L - 4}" y="${H - B}" text-anchor="end" font-size="11" fill="#444">${fmt(lo)}</text>`;
  out += `<text x="${L}" y="${H - 8}" font-size="11" fill="#444">step 0</text><text x="${W - R}" y="${H - 8}" text-anchor="end" font-size="11" fill="#444">${n}</text>`;
  for (const r of runs) {
    const pts = r.tests.filter((p) => Number.isFinite(p.value));
    if (pts.length === 0) continue;
    out += `<polyline class="test-run" fill="none" stroke="${r.color}" stroke-width="2" points="${pts.map((p) => `${x(p.step).toFixed(1)},${y(p.value).toFixed(1)}`).join(" ")}"/>`;
    for (const p of pts.slice(-1)) out += `<circle cx="${x(p.step).toFixed(1)}" cy="${y(p.value).toFixed(1)}" r="3" fill="${r.color}"/>`;
  }
  return out + "</svg>";
}
