// rnnlab report: one self-contained HTML page gathering the lab's results. It reads the JSON the
// other commands wrote under --from (rnnlab-out/<command>/...), redraws every figure from those
// numbers, and says which command fills a missing section.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ReportSection, GradFlow, MemoryProbe, Ablation, GateStats, TrainLog } from "../../index.ts";
import { UsageError, type CommandSpec } from "../command.ts";
import { defaultOut, outDir, writeText } from "../output.ts";

function readJson<T>(path: string): T | null {
  if (!existsSync(path)) return null;
  try { return JSON.parse(readFileSync(path, "utf8")) as T; } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

const pct = (v: number | null | undefined) => (v === null || v === undefined ? "–" : `${(100 * v).toFixed(1)} %`);
const sci = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? "–" : v.toExponential(2));

export const command: CommandSpec = {
  name: "report",
  summary: "one self-contained HTML page gathering the plots and tables of the other commands",
  configure: (cmd) => cmd
    .option("--from <dir>", "where the other commands wrote (their default --out parent)", "rnnlab-out")
    .option("--out <dir>", "output directory", defaultOut("report"))
    .addHelpText("after", "\nExample: rnnlab gradflow && rnnlab memory && rnnlab ablate && rnnlab report\n" +
      "Reads <from>/{train,gradflow,gates,memory,ablate}/*.json; figures are inlined, so the page works offline."),
  async run(o, ctx) {
    const { paramTable, paramTableText, cellDiagramSvg, gradFlowSvg, learningCurveSvg, gateHistogramsSvg, gateHeatmapSvg, memorySvg, memoryBudgetSvg, ablationBarsSvg, ablationCurvesSvg, reportHtml, explainCell, explainCellSvg } = await import("../../index.ts");
    const from = o.from as string;
    if (!existsSync(from)) throw new UsageError(`--from ${from}: no such directory (run some rnnlab commands first, or pass --from)`);
    const sections: ReportSection[] = [];
    const missing = (title: string, cmd: string) => sections.push({ title, text: [`Not run yet: \`${cmd}\` fills this section.`] });
    // 1. parameters: the note's model, always computable
    const t = paramTable("lstm", { inputSize: 28, hiddenSize: 128, classes: 10, forgetBias: 1 }, "tf1");
    const eq = explainCell({ kind: "lstm", inputSize: 28, hiddenSize: 128, biases: 1, forgetBias: 1 });   // TF-1 BasicLSTMCell
    sections.push({ title: "The note's LSTM cell: its equations", pre: eq.text,
      text: ["TF-1 BasicLSTMCell(128, forget_bias=1.0) on 28 inputs, printed from the configuration the kernels run (rnnlab explain); the tests evaluate these equations and compare them with the cell."],
      figures: [{ caption: "One step, laid out from the equations (rnnlab explain)", svg: explainCellSvg(eq) }] });
    sections.push({ title: "What num_units means: the parameters of the note's LSTM", pre: paramTableText(t),
      text: [`An LSTM layer is four dense layers of N units over [x, h]: 4·N·(D + N) weights + 4N biases; with the dense head the note's model has ${t.total.toLocaleString("en-US")} parameters.`],
      figures: [{ caption: "The LSTM cell drawn as its four gate layers (rnnlab params)", svg: cellDiagramSvg(t) }] });
    // 2. training
    const train = readJson<TrainLog & { final?: { testLoss: number; testAccuracy: number | null }; paramCount?: number }>(join(from, "train", "train-log.json"));
    if (train) {
      sections.push({ title: `Training: ${train.cell.toUpperCase()} on ${train.task}`, figures: [{ caption: "Learning curve (rnnlab train)", svg: learningCurveSvg(train) }],
        tables: [{ head: ["epoch", "step", "train loss", "held-out loss", "held-out accuracy"],
          rows: train.epochs.map((e) => [e.epoch, e.step, e.trainLoss.toFixed(4), e.testLoss === null ? "–" : e.testLoss.toFixed(4), pct(e.testAccuracy)]) }] });
    } else missing("Training", "rnnlab train");
    // 3. gradient flow
    const g = readJson<GradFlow>(join(from, "gradflow", "gradflow.json"));
    if (g) {
      sections.push({ title: "The vanishing gradient", figures: [{ caption: "‖∂L/∂h_t‖ relative to the last step, log scale (rnnlab gradflow)", svg: gradFlowSvg(g) }],
        text: ["A tanh RNN multiplies the gradient by diag(1 − h²)·W_hh at every step back, so it shrinks geometrically; the LSTM's cell state passes it through diag(f_t), which stays near 1 when the forget gates are open."],
        tables: [{ caption: `ratio of the gradient norm ${g.ratios[0]?.at ?? 100} steps back to the norm at the loss`, head: ["cell", "phase", "‖∂L/∂h‖ ratio", "‖∂L/∂c‖ ratio"],
          rows: g.ratios.map((r) => [r.cell.toUpperCase(), r.phase, sci(r.dh), sci(r.dc)]) }] });
    } else missing("The vanishing gradient", "rnnlab gradflow");
    // 4. gates
    const gates = readJson<GateStats & { task: string }>(join(from, "gates", "gates.json"));
    if (gates) {
      sections.push({ title: "Gates: sigmoids that saturate", figures: [
        { caption: "Gate activation histograms (rnnlab gates)", svg: gateHistogramsSvg(gates) },
        { caption: "Gate values over one held-out sequence", svg: gateHeatmapSvg(gates) }],
        tables: [{ head: ["gate", "mean", "saturated low", "saturated high"], rows: gates.gates.map((x) => [x.name, x.mean.toFixed(3), pct(x.saturatedLow), pct(x.saturatedHigh)]) }] });
    } else missing("Gates", "rnnlab gates --checkpoint rnnlab-out/train/checkpoint.safetensors");
    // 5. memory
    const m = readJson<MemoryProbe>(join(from, "memory", "memory.json"));
    if (m) {
      const cells = [...new Set(m.results.map((r) => r.cell))], lags = [...new Set(m.results.map((r) => r.lag))], tasks = m.tasks ?? [m.task];
      const cellOf = (r: MemoryProbe["results"][number] | undefined) => (r ? `${pct(r.accuracy)}${r.accuracies && r.accuracies.length > 1 ? ` (${pct(r.min)}–${pct(r.max)})` : ""}` : "–");
      sections.push({ title: "How long can a cell remember?", figures: [{ caption: "Accuracy against lag on long-range tasks (rnnlab memory)", svg: memorySvg(m) },
        ...(m.runs ? [{ caption: "Held-out accuracy during training, every run: the budget evidence", svg: memoryBudgetSvg(m) }] : [])],
        tables: tasks.map((task) => {
          const rows = m.results.filter((r) => (r.task ?? m.task) === task);
          return { caption: `${task}: held-out accuracy at the checkpoint chosen on validation data, mean of ${m.seeds?.length ?? 1} seed(s) (min–max); chance ${pct(rows[0]?.chance ?? 1 / m.symbols)}`, head: ["lag", ...cells.map((c) => c.toUpperCase())],
            rows: lags.map((l) => [l, ...cells.map((c) => cellOf(rows.find((r) => r.cell === c && r.lag === l)))]) };
        }) });
    } else missing("How long can a cell remember?", "rnnlab memory");
    // 6. ablation
    const a = readJson<Ablation>(join(from, "ablate", "ablate.json"));
    if (a) {
      sections.push({ title: "Can sigmoid and tanh be swapped?", figures: [
        { caption: "Held-out MSE per LSTM variant (rnnlab ablate)", svg: ablationBarsSvg(a) },
        { caption: "Training curves per variant", svg: ablationCurvesSvg(a) }],
        tables: [{ caption: `adding problem T = ${a.T}; predicting the mean scores ${a.baselineMse.toFixed(3)}`, head: ["variant", "change", "held-out MSE", "final train MSE"],
          rows: a.rows.map((r) => [r.name, r.change, r.diverged ? "diverged" : sci(r.testMse), sci(r.finalTrainLoss)]) }] });
    } else missing("Can sigmoid and tanh be swapped?", "rnnlab ablate");
    const dir = outDir(o.out as string);
    const html = reportHtml("rnnlab lab report", `Results read from ${from} on ${new Date().toISOString().slice(0, 10)}. Every figure is redrawn from the JSON numbers next to it.`, sections);
    const path = writeText(dir, "report.html", html);
    const filled = sections.filter((s) => !s.text?.[0]?.startsWith("Not run yet")).length;
    ctx.log(`wrote ${path} (${filled} of ${sections.length} sections filled, ${(html.length / 1024).toFixed(0)} KiB, self-contained)`);
  },
};
