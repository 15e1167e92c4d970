// The lab's figures: each function turns one analysis result (plain data) into an SVG string.
// Pure: no I/O. The CLI writes them to files (and PNG); the browser playground can inline them.
import type { GradFlow } from "../gradflow.ts";
import type { GateStats } from "../gates.ts";
import type { GateTraining } from "../gates-training.ts";
import type { LongResult } from "../long.ts";
import type { MemoryProbe } from "../memory.ts";
import type { Ablation } from "../ablate.ts";
import type { ParamTable } from "../param-table.ts";
import { barChartSvg, CELL_COLORS, esc, fmtValue, heatmapSvg, histogramsSvg, linePlotSvg, panelGridSvg, PALETTE, type Series } from "./svg.ts";

const fmt = (n: number) => n.toLocaleString("en-US");

/** ‖∂L/∂h_t‖ (and ‖∂L/∂c_t‖) relative to distance 0, log scale, every cell and phase on one plot. */
export function gradFlowSvg(g: GradFlow): string {
  const series: Series[] = [];
  for (const c of g.curves) {
    const color = CELL_COLORS[c.cell] ?? PALETTE[0], phase = c.phase === "init" ? "at init" : `after ${g.trainSteps} steps`;
    const band = c.dhRelativeMin && c.dhRelativeMax && (c.seeds ?? 1) > 1 ? { lo: c.dhRelativeMin, hi: c.dhRelativeMax } : undefined;
    series.push({ name: `${c.cell.toUpperCase()} ‖∂L/∂h_t‖, ${phase}`, x: c.distance, y: c.dhRelative, color, dash: c.phase === "trained", band });
    if (c.dcRelative) series.push({ name: `${c.cell.toUpperCase()} ‖∂L/∂c_t‖, ${phase}`, x: c.distance, y: c.dcRelative, color: "#7fb3e0", dash: c.phase === "trained", width: 1.5 });
  }
  return linePlotSvg({
    title: "Vanishing gradients: how much of ∂L reaches k steps back",
    subtitle: (g.seeds?.length ?? 1) > 1
      ? `adding problem, T = ${g.T}, ${g.hiddenSize} units, ${g.batchSize} sequences, forget bias ${g.forgetBias}; ${g.seeds!.length} seeds: geometric mean, band min … max`
      : `adding problem, T = ${g.T}, ${g.hiddenSize} units, mean over ${g.batchSize} sequences; LSTM forget bias ${g.forgetBias}`,
    xLabel: "distance from the loss k = T − 1 − t (time steps)",
    yLabel: "gradient norm relative to k = 0 (log scale)",
    yScale: "log", series, height: 480, legend: "bottom-left",
  });
}

/** Training curves as loss against step. */
export function lossCurveSvg(title: string, subtitle: string, curves: { name: string; steps: number[]; loss: number[]; color?: string; dash?: boolean }[],
                             o: { yLabel?: string; log?: boolean; baseline?: { y: number; label: string } } = {}): string {
  return linePlotSvg({
    title, subtitle, xLabel: "training step (batches)", yLabel: o.yLabel ?? "loss", yScale: o.log ? "log" : "linear",
    series: curves.map((c, i) => ({ name: c.name, x: c.steps, y: c.loss, color: c.color ?? PALETTE[i % PALETTE.length], dash: c.dash })),
    hlines: o.baseline ? [o.baseline] : [],
  });
}

export interface TrainLog {
  task: string; cell: string; lossKind: "class" | "value";
  steps: { step: number; loss: number; accuracy: number | null }[];
  epochs: { epoch: number; step: number; trainLoss: number; testLoss: number | null; testAccuracy: number | null }[];
}

/** The learning curve of a `train` run: per-step loss (smoothed), and held-out loss per epoch. */
export function learningCurveSvg(log: TrainLog): string {
  const w = Math.max(1, Math.floor(log.steps.length / 100)), sm: { x: number[]; y: number[] } = { x: [], y: [] };
  for (let i = 0; i + w <= log.steps.length; i += w) {
    const part = log.steps.slice(i, i + w);
    sm.x.push(part[part.length - 1].step); sm.y.push(part.reduce((a, s) => a + s.loss, 0) / w);
  }
  const series: Series[] = [{ name: `training loss (mean of ${w} step${w > 1 ? "s" : ""})`, x: sm.x, y: sm.y, color: PALETTE[0] }];
  const te = log.epochs.filter((e) => e.testLoss !== null);
  if (te.length) series.push({ name: "held-out loss (per epoch)", x: te.map((e) => e.step), y: te.map((e) => e.testLoss!), color: PALETTE[1], dash: true });
  const withAcc = log.epochs.filter((e) => e.testAccuracy !== null).slice(-6);
  const acc = withAcc.map((e) => `${(100 * e.testAccuracy!).toFixed(1)} %`);
  return linePlotSvg({
    title: `Learning curve: ${log.cell.toUpperCase()} on ${log.task}`,
    subtitle: acc.length ? `held-out accuracy after epoch${acc.length > 1 ? `s ${withAcc[0].epoch}–${withAcc[withAcc.length - 1].epoch}` : ` ${withAcc[0].epoch}`}: ${acc.join(", ")}` : undefined,
    xLabel: "training step (batches)", yLabel: log.lossKind === "class" ? "cross-entropy (nats per prediction)" : "mean squared error",
    series, yScale: "linear",
  });
}

/** Per-gate histograms with their saturation fractions. */
export function gateHistogramsSvg(s: GateStats): string {
  return histogramsSvg({
    title: `${s.cell.toUpperCase()} gate activations (${s.hiddenSize} units, ${s.B} sequences × ${s.T} steps)`,
    subtitle: "saturated = within 5 % of the range's ends: the gate acts as a switch",
    xLabel: "activation value",
    panels: s.gates.map((g, i) => ({
      title: g.name, edges: g.edges, counts: g.counts, color: PALETTE[i % PALETTE.length],
      note: `mean ${g.mean.toFixed(2)}; saturated ${(100 * g.saturatedLow).toFixed(0)} % low, ${(100 * g.saturatedHigh).toFixed(0)} % high`,
    })),
  });
}

/** Gate saturation and gate means against training steps (gatesDuringTraining). */
export function gateTrainingSvg(g: GateTraining, title = ""): string {
  const steps = g.points.map((p) => p.step), names = g.points[0]?.gates.map((x) => x.name) ?? [];
  const color = (i: number) => PALETTE[i % PALETTE.length];
  const sat = linePlotSvg({
    title: "Saturated gate values", subtitle: "within 0.05 of 0 or 1 (|v| > 0.95 for tanh); dashed: near 0 only",
    xLabel: "training step", yLabel: "share of the gate's values (%)", width: 560, height: 400, yMin: 0, legend: "top-left",
    series: names.flatMap((n, i) => [
      { name: n, x: steps, y: g.points.map((p) => 100 * (p.gates[i].saturatedLow + p.gates[i].saturatedHigh)), color: color(i) },
      { name: "", x: steps, y: g.points.map((p) => 100 * p.gates[i].saturatedLow), color: color(i), dash: true, width: 1.2 },
    ]),
  });
  const means = linePlotSvg({
    title: "Gate means", subtitle: "mean activation over the probe batch (all units and steps)",
    xLabel: "training step", yLabel: "mean value", width: 560, height: 400, legend: "bottom-left",
    series: names.map((n, i) => ({ name: n, x: steps, y: g.points.map((p) => p.gates[i].mean), color: color(i) })),
  });
  return panelGridSvg(title || `${g.cell.toUpperCase()} gates during training (${g.hiddenSize} units)`,
    `measured every ${g.every} steps on the same ${g.B} held-out sequences of ${g.T} steps`, [sat, means], 2);
}

/** Truncated vs full BPTT on a long sequence: accuracy against chunk length, learning curves, and the gradient reaching back. */
export function longSvg(r: LongResult): string {
  const plain = r.runs.filter((q) => q.k1 === q.k2);
  const chunkPlot = linePlotSvg({
    title: "Held-out accuracy against chunk length", subtitle: `recall at lag ${r.lag}; the same ${r.batches} × ${r.batchSize} training sequences of ${r.T.toLocaleString("en-US")} steps each`,
    xLabel: "truncation length k (steps; k = T is full BPTT; log scale)", yLabel: "held-out accuracy (%)", xScale: "log", yMin: 0, yMax: 100, width: 620, height: 420,
    xTicks: plain.map((q) => Math.min(q.k1, r.T)), legend: "bottom-right",
    series: [
      { name: `${r.cell.toUpperCase()}, TBPTT(k, k)`, x: plain.map((q) => Math.min(q.k1, r.T)), y: plain.map((q) => 100 * q.accuracy), color: CELL_COLORS[r.cell] ?? PALETTE[0], markers: true },
      ...r.runs.filter((q) => q.k1 !== q.k2).map((q, i) => ({ name: q.label, x: [q.k2], y: [100 * q.accuracy], color: PALETTE[(i + 3) % PALETTE.length], markers: true, radius: 6 })),
    ],
    hlines: [{ y: 100 * r.chance, label: `chance ${(100 * r.chance).toFixed(0)} %` }],
    vlines: [{ x: r.lag, label: `lag ${r.lag}`, color: "#c0392b" }],
  });
  const curves = linePlotSvg({
    title: "Learning curves against training time", subtitle: "held-out accuracy while training; each configuration's own wall-clock seconds",
    xLabel: "training time (s)", yLabel: "held-out accuracy (%)", yMin: 0, yMax: 100, width: 620, height: 420, legend: "middle-right",
    series: r.runs.map((q, i) => ({ name: `${q.label}: ${q.updates.toLocaleString("en-US")} updates, ${(q.activationBytes / 1e6).toFixed(q.activationBytes < 1e7 ? 2 : 0)} MB`, x: q.curve.map((p) => p.seconds), y: q.curve.map((p) => 100 * p.accuracy),
      color: q.full ? "#222" : PALETTE[i % PALETTE.length], dash: q.full, width: q.full ? 2.5 : 2 })),
    hlines: [{ y: 100 * r.chance, label: "chance" }],
  });
  const panels = [chunkPlot, curves];
  if (r.gradient) {
    const ks = [...new Set(r.runs.filter((q) => !q.full).map((q) => q.k2))].filter((k) => k <= r.gradient!.distance.length - 1);
    panels.push(linePlotSvg({
      title: "How far back the gradient reaches", subtitle: `‖∂L_T/∂h_(T−1−j)‖ / ‖∂L_T/∂h_(T−1)‖ for a loss on the last step, trained model (${r.gradient.from})`,
      xLabel: "steps back j", yLabel: "relative gradient norm (log scale)", yScale: "log", width: 620, height: 420, legend: "top-right",
      series: [{ name: "gradient of the last step's loss", x: r.gradient.distance, y: r.gradient.relative, color: "#222" }],
      vlines: [{ x: r.lag, label: `lag ${r.lag}`, color: "#c0392b" }, ...ks.map((k) => ({ x: k, label: `k = ${k}` }))],
    }));
  }
  return panelGridSvg(`Sequences too long for full BPTT: ${r.cell.toUpperCase()} on ${r.T.toLocaleString("en-US")}-step sequences`,
    `${r.hiddenSize} units; every ${2 * r.lag} steps one of ${r.symbols} symbols is marked and must be named ${r.lag} steps later; truncated BPTT carries the state across chunks but not the gradient`, panels, panels.length === 3 ? 3 : 2);
}

/** Gate values of the first units of sequence 0 over time. */
export function gateHeatmapSvg(s: GateStats): string {
  const units = s.trace.filter((t) => t.gate === s.gates[0].name).length;
  const short = (g: string) => g.split(" ").slice(0, 2).join(" ");
  const tanh = s.gates.some((g) => g.range[0] < 0);
  return heatmapSvg({
    title: `${s.cell.toUpperCase()} gates over one sequence (first ${units} units of each)`,
    subtitle: tanh ? "sigmoid gates 0 … 1; tanh values mapped from −1 … 1 to the same colours" : "each cell: the gate's value for one unit at one step",
    xLabel: "time step t",
    rows: s.trace.map((t) => {
      const g = s.gates.find((gg) => gg.name === t.gate)!;
      return { label: `${short(t.gate)} #${t.unit}`, values: g.range[0] < 0 ? t.values.map((v) => (v + 1) / 2) : t.values };
    }),
    colorLabel: "gate value",
    columnLabels: s.traceText ? [...s.traceText].slice(0, s.T) : undefined,
  });
}

const TASK_TITLES: Record<string, string> = {
  adding: "adding problem (sum of two marked values)",
  recall: "delayed recall with distractors",
  copy: "copy task",
};

function memoryYLabel(task: string): string {
  return task === "adding" ? "held-out sequences with |error| < 0.04 (%)" : task === "copy" ? "held-out accuracy per copied symbol (%)" : "held-out accuracy (%)";
}

/** Accuracy against lag: one panel per task, per cell the mean over seeds, the min … max band and each seed's point. */
export function memorySvg(m: MemoryProbe): string {
  const tasks = m.tasks ?? [m.task];
  const panels = tasks.map((task) => {
    const rows = m.results.filter((r) => (r.task ?? m.task) === task);
    const cells = [...new Set(rows.map((r) => r.cell))];
    const series: Series[] = [];
    for (const c of cells) {
      const rs = rows.filter((r) => r.cell === c).sort((a, b) => a.lag - b.lag);
      const units = [...new Set(rs.map((r) => r.hiddenSize))];
      series.push({ name: `${c.toUpperCase()} (${units.join("/")} units, ${fmt(rs[0]?.params ?? 0)} params)`, x: rs.map((r) => r.lag), y: rs.map((r) => 100 * r.accuracy),
        color: CELL_COLORS[c], markers: true, band: rs[0]?.accuracies && rs[0].accuracies.length > 1 ? { lo: rs.map((r) => 100 * r.min), hi: rs.map((r) => 100 * r.max) } : undefined });
      const pts = rs.flatMap((r) => (r.accuracies ?? []).map((a) => [r.lag, 100 * a] as const));
      if (pts.length > rs.length) series.push({ name: "", x: pts.map((p) => p[0]), y: pts.map((p) => p[1]), color: CELL_COLORS[c], pointsOnly: true });
    }
    const chance = rows[0]?.chance ?? 1 / m.symbols;
    return linePlotSvg({
      title: TASK_TITLES[task] ?? task,
      subtitle: task === "recall" ? `${m.symbols} symbols, ${m.noise === "blank" ? "blank" : "distractor"} steps in the lag` : task === "copy" ? `${m.copyLength} symbols, ${m.symbols} in the alphabet` : "T = lag steps; the first marker in the first half",
      xLabel: task === "adding" ? "sequence length T (log scale)" : "lag between the symbol and the answer (log scale)",
      yLabel: memoryYLabel(task), series, yMin: 0, yMax: 100, xScale: "log", width: 620, height: 440, legend: "below",
      hlines: [{ y: 100 * chance, label: `chance ${(100 * chance).toFixed(1)} %` }],
    });
  });
  const seeds = m.seeds?.length ?? 1;
  return panelGridSvg("Memory against lag: RNN, LSTM and GRU trained from scratch at each lag",
    `line: mean of ${seeds} seed${seeds > 1 ? "s" : ""}; band and dots: each seed (min … max); budget ${fmt(m.stepsPerRun)} steps of ${m.batchSize} per run (stopped once ≥ ${Math.round(100 * (m.solvedAt ?? 1))} %), Adam ${m.lr}, LSTM forget bias ${m.forgetBias ?? 0}`,
    panels, 2);
}

/** The budget evidence: held-out accuracy against training steps for every run, one panel per (task, lag). */
export function memoryBudgetSvg(m: MemoryProbe): string {
  const runs = m.runs ?? [];
  const tasks = m.tasks ?? [m.task], lags = [...new Set(runs.map((r) => r.lag))].sort((a, b) => a - b);
  const panels: string[] = [];
  for (const task of tasks) for (const lag of lags) {
    const rs = runs.filter((r) => r.task === task && r.lag === lag);
    if (!rs.length) continue;
    const cellsSeen = new Set<string>();
    const series: Series[] = rs.flatMap((r) => {
      const first = !cellsSeen.has(r.cell);
      cellsSeen.add(r.cell);
      const x = r.curve.map((p) => p.step);
      // the kept accuracy (early stopping on validation, as reported) solid; the test accuracy at each step dashed
      const out: Series[] = [{ name: first ? r.cell.toUpperCase() : "", x, y: keptCurve(r.curve).map((a) => 100 * a), color: CELL_COLORS[r.cell], width: 1.6, markers: r.solvedAtStep !== null }];
      if (r.curve.some((p) => p.validation !== undefined)) out.push({ name: "", x, y: r.curve.map((p) => 100 * p.accuracy), color: CELL_COLORS[r.cell], width: 0.8, dash: true });
      return out;
    });
    panels.push(linePlotSvg({
      title: `${task}, lag ${lag}`, xLabel: "training step", yLabel: "held-out accuracy (%)", series, yMin: 0, yMax: 100,
      xMin: 0, xMax: m.stepsPerRun, width: 420, height: 280, legend: "bottom-right",
      hlines: [{ y: 100 * rs[0].chance, label: "chance" }],
    }));
  }
  return panelGridSvg("Is the budget enough? Held-out accuracy during training, every run",
    `per seed: solid = the accuracy early stopping keeps (test accuracy at the best validation score so far), dashed = test accuracy at that step; a line ending early with a dot was solved (validation ≥ ${Math.round(100 * (m.solvedAt ?? 1))} %); flat solid ends mean more steps would not change the answer`,
    panels, Math.max(1, lags.length));
}

/** At each point of a run's curve, the test accuracy early stopping would have kept so far (files
 *  written before validation scores existed: the test accuracy itself). */
function keptCurve(curve: { accuracy: number; validation?: number }[]): number[] {
  let best = -1, kept = 0;
  return curve.map((p) => {
    if (p.validation === undefined) return p.accuracy;
    if (p.validation > best) { best = p.validation; kept = p.accuracy; }
    return kept;
  });
}

/** Final test MSE per ablation variant (log scale), the mean predictor's MSE as reference. */
export function ablationBarsSvg(a: Ablation): string {
  return barChartSvg({
    title: "Can sigmoid and tanh be swapped? LSTM variants on the adding problem",
    subtitle: `T = ${a.T}, ${a.hiddenSize} units, ${a.steps} steps of ${a.batchSize}, Adam lr ${a.lr}; lower is better` +
      ((a.seeds?.length ?? 1) > 1 ? `; bar: mean of ${a.seeds.length} seeds, whisker min … max, dots: each seed` : ""),
    valueLabel: "held-out mean squared error (log scale)",
    bars: a.rows.map((r, i) => ({
      label: r.name, value: r.testMse, color: r.name === "baseline" ? "#444" : PALETTE[i % PALETTE.length],
      note: r.diverged ? "diverged" : (a.seeds?.length ?? 1) > 1 && r.runs ? `${fmtValue(r.testMse)} (learned: ${r.learned} of ${r.runs.length})` : undefined,
      ...((a.seeds?.length ?? 1) > 1 && r.runs ? { lo: r.testMseMin, hi: r.testMseMax, points: r.runs.map((q) => q.testMse) } : {}),
    })),
    reference: { value: a.baselineMse, label: `predict the mean: ${a.baselineMse.toFixed(3)}` },
    log: true,
  });
}

export function ablationCurvesSvg(a: Ablation): string {
  return lossCurveSvg("Training loss of each LSTM variant (adding problem)", `T = ${a.T}, ${a.hiddenSize} units; each point the mean of ${a.curveEvery} step${a.curveEvery > 1 ? "s" : ""}` +
      ((a.seeds?.length ?? 1) > 1 ? ` and of ${a.seeds.length} seeds` : ""),
    a.rows.map((r, i) => ({ name: r.name, steps: r.curve.map((_, j) => (j + 1) * a.curveEvery), loss: r.curve, color: r.name === "baseline" ? "#222" : PALETTE[i % PALETTE.length] })),
    { yLabel: "training MSE (log scale)", log: true, baseline: { y: a.baselineMse, label: "predict the mean" } });
}

/**
 * The cell drawn as its gate layers: each gate is one dense layer of N units over [x, h], which is
 * why "num_units" is the size of h and c, and why the weight count is gates · N · (D + N).
 */
export function cellDiagramSvg(t: ParamTable): string {
  const c = t.config, N = c.hiddenSize, D = c.inputSize, R = c.outputSize;
  const ga = c.gateActivation === "sigmoid" ? "σ" : c.gateActivation, ca = c.activation;
  const gates = c.kind === "lstm" ? [["i", "input gate", ga], ["f", "forget gate", ga], ["g", "candidate", ca], ["o", "output gate", ga]]
    : c.kind === "gru" ? [["r", "reset gate", ga], ["z", "update gate", ga], ["n", "candidate", ca]] : [["h", "new state", ca]];
  const peep = c.kind === "lstm" && c.usePeepholes;
  /** what is added inside gate `letter`'s activation besides W [x, h] + b */
  const extra = (letter: string) => (letter === "f" && c.kind === "lstm" && c.forgetBias !== 0 ? ` + ${c.forgetBias}` : "") +
    (peep && (letter === "i" || letter === "f") ? " + w⊙c_t−1" : peep && letter === "o" ? " + w⊙c_t" : "");
  const W = 760, top = 80, gh = 64, gap = 16, Hh = top + gates.length * (gh + gap) + 140;
  const body: string[] = [];
  const txt = (x: number, y: number, s: string, size = 12, anchor = "middle", weight = "normal", fill = "#222") =>
    `<text x="${x}" y="${y}" font-size="${size}" text-anchor="${anchor}" font-weight="${weight}" fill="${fill}">${esc(s)}</text>`;
  body.push(txt(W / 2, 24, `${c.kind.toUpperCase()} cell = ${gates.length} dense layer${gates.length > 1 ? "s" : ""} of N = ${N} units over [x, h]`, 16, "middle", "bold"));
  body.push(txt(W / 2, 46, `${t.layout} layout: ${fmt(t.total)} parameters${t.classes ? ` including the dense head (${t.classes} classes)` : ""}`, 12, "middle", "normal", "#555"));
  // the input vector [x_t, h_{t-1}]
  const inX = 40, inW = 110, inTop = top, inH = gates.length * (gh + gap) - gap;
  const xH = (inH * D) / (D + R);
  body.push(`<rect x="${inX}" y="${inTop}" width="${inW}" height="${xH}" fill="#dbe9f6" stroke="#333"/>`);
  body.push(`<rect x="${inX}" y="${inTop + xH}" width="${inW}" height="${inH - xH}" fill="#fde2cf" stroke="#333"/>`);
  body.push(txt(inX + inW / 2, inTop + xH / 2 + 4, `x_t: D = ${D}`), txt(inX + inW / 2, inTop + xH + (inH - xH) / 2 + 4, `h_t−1: ${R}`));
  body.push(txt(inX + inW / 2, inTop + inH + 20, `input [x, h]: ${D + R} values`, 11));
  gates.forEach(([letter, name, act], i) => {
    const y = top + i * (gh + gap), gx = 250, gw = 290;
    body.push(`<line x1="${inX + inW}" y1="${inTop + inH / 2}" x2="${gx}" y2="${y + gh / 2}" stroke="#999"/>`);
    body.push(`<rect x="${gx}" y="${y}" width="${gw}" height="${gh}" rx="8" fill="${PALETTE[i % PALETTE.length]}" fill-opacity="0.15" stroke="${PALETTE[i % PALETTE.length]}"/>`);
    const over = c.kind === "gru" && letter === "n" ? "[x, r⊙h]" : "[x, h]";   // the GRU candidate sees the reset state
    body.push(txt(gx + gw / 2, y + 22, `${letter} = ${act}(W_${letter} ${over} + b_${letter}${extra(letter)})`, extra(letter).length > 8 ? 12 : 13, "middle", "bold"));
    const notes = [letter === "f" && c.kind === "lstm" && c.forgetBias !== 0 ? `+${c.forgetBias} at run time` : "",
      peep && letter !== "g" ? `peephole ${N}` : ""].filter(Boolean);
    body.push(txt(gx + gw / 2, y + 40, `${name}: ${N} units${notes.length ? `; ${notes.join("; ")}` : ""}`, notes.length ? 11 : 12));
    body.push(txt(gx + gw / 2, y + 56, `W_${letter}: (${D} + ${R}) × ${N} = ${fmt((D + R) * N)}, b_${letter}: ${N}`, 11, "middle", "normal", "#444"));
    body.push(`<line x1="${gx + gw}" y1="${y + gh / 2}" x2="${590}" y2="${top + inH / 2}" stroke="#999"/>`);
  });
  const ox = 590, oy = top + inH / 2 - 40;
  body.push(`<rect x="${ox}" y="${oy}" width="${150}" height="80" rx="8" fill="#f3f3f3" stroke="#333"/>`);
  const clip = (s: string, v: number | null) => (v === null ? s : `clip(${s}, ±${v})`);
  const combine = c.kind === "lstm"
    ? [clip("c_t = f⊙c_t−1 + i⊙g", c.cellClip), c.projSize > 0 ? `h_t = ${clip(`W_p·(o⊙${ca}(c_t))`, c.projClip)}` : `h_t = o⊙${ca}(c_t)`]
    : c.kind === "gru" ? ["h_t = (1−z)⊙n", "       + z⊙h_t−1"] : ["h_t = new state", ""];
  body.push(txt(ox + 75, oy + 30, combine[0], 10), txt(ox + 75, oy + 50, combine[1], 10));
  body.push(txt(ox + 75, oy + 70, c.kind === "lstm" ? `c: ${N}, h: ${R} values` : `h: ${N} values`, 11, "middle", "normal", "#555"));
  const fy = top + inH + 56;
  body.push(txt(W / 2, fy, `weights: ${gates.length} · N · (D + ${c.projSize > 0 ? "P" : "N"}) = ${gates.length} · ${N} · (${D} + ${R}) = ${fmt(gates.length * N * (D + R))};  ` +
    `biases: ${gates.length} · N = ${fmt(gates.length * N)} per bias vector`, 13));
  body.push(txt(W / 2, fy + 22, c.kind === "lstm"
    ? `num_units (N) is the width of every gate layer, and so the size of c${c.projSize > 0 ? ` (h is projected to P = ${c.projSize}: W_p ${c.projSize} × ${N})` : " and h"}`
    : "num_units (N) is the width of every gate layer, and so the size of h", 12, "middle", "normal", "#555"));
  if (peep) body.push(txt(W / 2, fy + 40, `peepholes: three diagonal weight vectors w_i, w_f, w_o (3 · ${N} = ${fmt(3 * N)} parameters) let i, f look at c_t−1 and o at c_t`, 11, "middle", "normal", "#555"));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${Hh}" viewBox="0 0 ${W} ${Hh}" font-family="DejaVu Sans, Verdana, sans-serif">\n<rect width="${W}" height="${Hh}" fill="white"/>\n${body.join("\n")}\n</svg>\n`;
}
