// rnnlab long: a 2,000-step task trained with truncated BPTT (state carried across chunks) at several
// chunk lengths and with full BPTT, on the same data: accuracy against chunk length, learning curves
// against time, activation memory and process memory, and the gradient that reaches back across chunks.
import { UsageError, type CommandSpec } from "../command.ts";
import { CELLS, int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";

/** "10,20,50" or "25:50" items: k, or k1:k2 */
function chunkList(v: string): [number, number][] {
  const items = v.split(",").map((s) => s.trim()).filter(Boolean);
  const out = items.map((s) => {
    const m = /^(\d+)(?::(\d+))?$/.exec(s);
    if (!m) throw new UsageError(`--chunks: expected k or k1:k2 items separated by commas, got "${s}"`);
    const k1 = Number(m[1]), k2 = m[2] === undefined ? k1 : Number(m[2]);
    if (k1 < 1 || k2 < k1 || k2 % k1 !== 0) throw new UsageError(`--chunks: in "${s}" k2 must be a multiple of k1 ≥ 1`);
    return [k1, k2] as [number, number];
  });
  if (!out.length) throw new UsageError("--chunks: give at least one chunk length");
  return out;
}

export const command: CommandSpec = {
  name: "long",
  summary: "a 2,000-step task: truncated BPTT at several chunk lengths vs full BPTT (accuracy, time, memory, gradient across chunks)",
  worker: true,
  configure: (cmd) => cmd
    .option("--seq-len <T>", "sequence length", int(2), 2000)
    .option("--lag <n>", "steps between a marked symbol and its recall", int(1), 20)
    .option("--chunks <list>", "truncation lengths k (or k1:k2 pairs); 'full' is always added", "10,20,50,100,250,25:50")
    .option("--no-full", "leave out full BPTT")
    .option("--cell <kind>", "rnn, lstm or gru (the GRU learns this task in the fewest updates)", oneOf(CELLS), "gru")
    .option("--units <N>", "hidden units", int(1), 32)
    .option("--symbols <n>", "distinct symbols (chance = 1/n)", int(2), 4)
    .option("--batches <n>", "training batches per configuration (the same sequences for each)", int(1), 100)
    .option("--batch-size <B>", "sequences per batch", int(1), 16)
    .option("--lr <rate>", "Adam learning rate", num(0, Infinity, true), 0.01)
    .option("--seed <n>", "seed", int(0), 1)
    .option("--out <dir>", "output directory", defaultOut("long"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab long --chunks 10,50,250 --batches 60"),
  async run(o, ctx) {
    const { longRange, longSvg } = await import("../../index.ts");
    const T = o.seqLen as number, lag = o.lag as number;
    if (lag >= T) throw new UsageError(`--lag ${lag} must be smaller than --seq-len ${T}`);
    const chunks = chunkList(o.chunks as string).map(([k1, k2]) => [Math.min(k1, T), Math.min(k2, T)] as [number, number]);
    if (o.full !== false && !chunks.some(([k1]) => k1 >= T)) chunks.push([T, T]);
    const dir = outDir(o.out as string);
    const memory: Record<string, { rssMB: number; arrayBuffersMB: number }> = {};
    const mb = (v: number) => Math.round(v / 1e5) / 10;
    const rss0 = process.memoryUsage().rss;
    let started = false;
    const r = longRange({
      T, lag, chunks, cell: o.cell as "lstm", hiddenSize: o.units as number, symbols: o.symbols as number, batches: o.batches as number,
      batchSize: o.batchSize as number, lr: o.lr as number, seed: o.seed as number, shouldStop: () => ctx.stopped(),
      onProgress: (done, total, label) => { if (!started) { ctx.progress.start(total, "long"); started = true; } ctx.progress.update(done, "", label); },
      onConfigDone: (label) => { const m = process.memoryUsage(); memory[label] = { rssMB: mb(m.rss), arrayBuffersMB: mb(m.arrayBuffers) }; },
    });
    ctx.progress.stop();
    writeJson(dir, "long", { ...r, processMemory: { startRssMB: mb(rss0), afterEach: memory } });
    if (r.runs.length) writePlot(dir, "long", longSvg(r), o.png as boolean);
    ctx.log(`${r.cell.toUpperCase()} ${r.hiddenSize} units, marked recall at lag ${lag} over T = ${T.toLocaleString("en-US")} steps; ${r.batches} batches of ${r.batchSize} sequences per configuration (chance ${(100 * r.chance).toFixed(0)} %)`);
    ctx.log(`configuration        held-out acc   updates   train time   activations (longest backward)   process RSS after`);
    for (const q of r.runs) {
      ctx.log(`${q.label.padEnd(20)} ${`${(100 * q.accuracy).toFixed(1)} %`.padStart(12)} ${String(q.updates).padStart(9)} ${`${q.seconds.toFixed(1)} s`.padStart(12)} ${`${(q.activationBytes / 1e6).toFixed(2)} MB`.padStart(32)} ${`${memory[q.label]?.rssMB ?? "?"} MB`.padStart(19)}`);
    }
    if (r.gradient) {
      const at = (j: number) => (j < r.gradient!.relative.length ? r.gradient!.relative[j].toExponential(1) : "–");
      ctx.log(`gradient of the last step's loss, relative, j steps back (${r.gradient.from}): j = ${lag}: ${at(lag)}, 2·lag: ${at(2 * lag)}, 100: ${at(100)}, 250: ${at(250)}`);
    }
    ctx.log(`${r.stopped ? "stopped early; partial results in" : "wrote"} ${dir}/long.json, long.svg`);
    return r.stopped ? 130 : 0;
  },
};
