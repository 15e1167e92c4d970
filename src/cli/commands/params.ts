// rnnlab params: the parameter table of a cell, variable by variable, and the cell drawn as its gate layers.
import { UsageError, type CommandSpec } from "../command.ts";
import { CELLS, int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot } from "../output.ts";

export const command: CommandSpec = {
  name: "params",
  summary: "parameter table of a cell (formulas and totals) and a drawing of its gate layers",
  configure: (cmd) => cmd
    .option("--cell <kind>", "rnn, lstm or gru", oneOf(CELLS), "lstm")
    .option("--input <D>", "features per step (D)", int(1), 28)
    .option("--units <N>", "num_units: width of h (and c)", int(1), 128)
    .option("--peepholes", "LSTM peephole connections (tf1 layout only)", false)
    .option("--forget-bias <b>", "LSTM forget bias (drawn in the diagram; not a parameter). Default: 1 in the tf1 layout, else 0", num())
    .option("--proj <P>", "LSTM projection of h to P features (0 = none)", int(0), 0)
    .option("--classes <C>", "add a dense head with C outputs on the last h (0 = none)", int(0), 0)
    .option("--layout <name>", "variable names and shapes of tf1, torch or keras", oneOf(["tf1", "torch", "keras"] as const), "tf1")
    .option("--out <dir>", "output directory", defaultOut("params"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab params --cell lstm --input 28 --units 128 --classes 10   (the note's model: 81,674)"),
  async run(o, ctx) {
    const { paramTable, paramTableText, cellDiagramSvg, RnnlabError } = await import("../../index.ts");
    let table;
    try {
      table = paramTable(o.cell as "lstm", {
        inputSize: o.input as number, hiddenSize: o.units as number, classes: o.classes as number,
        ...(o.cell === "lstm" ? { usePeepholes: o.peepholes as boolean, projSize: o.proj as number, forgetBias: (o.forgetBias as number | undefined) ?? (o.layout === "tf1" ? 1 : 0) } : {}),
      }, o.layout as "tf1");
    } catch (e) {
      if (e instanceof RnnlabError) throw new UsageError(e.message);
      throw e;
    }
    if (o.cell !== "lstm" && (o.peepholes || (o.proj as number) > 0 || o.forgetBias !== undefined)) throw new UsageError(`--peepholes, --proj and --forget-bias apply only to --cell lstm`);
    const dir = outDir(o.out as string);
    ctx.log(paramTableText(table));
    writeJson(dir, "params", { layout: table.layout, cell: table.config.kind, inputSize: table.config.inputSize, units: table.config.hiddenSize,
      projSize: table.config.projSize, peepholes: table.config.usePeepholes, classes: table.classes, rows: table.rows, total: table.total });
    const files = writePlot(dir, "cell", cellDiagramSvg(table), o.png as boolean);
    ctx.log(`\nwrote ${dir}/params.json, ${files.map((f) => f.slice(dir.length + 1)).join(", ")}`);
  },
};
