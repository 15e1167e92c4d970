// rnnlab explain: the exact equations of one configured cell (Unicode text and LaTeX), the shape of
// every parameter next to the term that uses it, a drawing of one step and of the cell unrolled in time.
import { UsageError, type CommandSpec } from "../command.ts";
import { CELLS, int, num, oneOf } from "../options.ts";
import { defaultOut, outDir, writeJson, writePlot, writeText } from "../output.ts";

const ACTS = ["tanh", "sigmoid", "relu", "linear", "softsign", "hardSigmoid", "hardSigmoidV3", "elu"] as const;
const STYLES = ["torch", "tf1", "keras"] as const;

export const command: CommandSpec = {
  name: "explain",
  summary: "the equations of a configured cell (text, LaTeX, SVG) with parameter shapes, and the cell unrolled in time",
  configure: (cmd) => cmd
    .option("--cell <kind>", "rnn, lstm or gru", oneOf(CELLS), "lstm")
    .option("--input <D>", "features per step (D)", int(1), 28)
    .option("--units <H>", "num_units / hidden_size (H)", int(1), 128)
    .option("--style <name>", "defaults of torch (two biases, GRU reset after), tf1 (one bias, forget bias 1, GRU reset before) or keras (one bias, GRU reset after with two)", oneOf(STYLES), "torch")
    .option("--biases <n>", "bias vectors per gate: 0, 1 (TF-1, Keras) or 2 (PyTorch); default from --style", int(0, 2))
    .option("--activation <name>", `candidate / cell activation (RNN: its nonlinearity): ${ACTS.join(", ")}`, oneOf(ACTS), "tanh")
    .option("--gate-activation <name>", "LSTM / GRU gates", oneOf(ACTS), "sigmoid")
    .option("--forget-bias <b>", "LSTM: added inside the forget sigmoid at run time (TF-1 forget_bias); default 1 with --style tf1, else 0", num())
    .option("--peepholes", "LSTM: diagonal peephole connections", false)
    .option("--cell-clip <v>", "LSTM: clip c_t to [−v, v]", num(0))
    .option("--proj <P>", "LSTM: project h to P features (TF-1 num_proj, PyTorch proj_size)", int(0), 0)
    .option("--proj-clip <v>", "LSTM: clip the projected h to [−v, v]", num(0))
    .option("--reset-after", "GRU: reset after the recurrent matmul (PyTorch, cuDNN); default from --style")
    .option("--reset-before", "GRU: reset before the recurrent matmul (TF-1 GRUCell)")
    .option("--steps <n>", "time steps in the unrolled drawing", int(1, 12), 4)
    .option("--out <dir>", "output directory", defaultOut("explain"))
    .option("--no-png", "write SVG only")
    .addHelpText("after", "\nExample: rnnlab explain --cell lstm --style tf1 --peepholes --forget-bias 1 --proj 64 --proj-clip 3"),
  async run(o, ctx) {
    const { explainCell, explainCellSvg, explainUnrolledSvg, RnnlabError } = await import("../../index.ts");
    const kind = o.cell as "lstm" | "gru" | "rnn", style = o.style as (typeof STYLES)[number];
    const lstmOnly = { "--peepholes": o.peepholes, "--cell-clip": o.cellClip, "--proj": (o.proj as number) > 0 ? o.proj : undefined,
      "--proj-clip": o.projClip, "--forget-bias": o.forgetBias };
    if (kind !== "lstm") for (const [flag, v] of Object.entries(lstmOnly)) if (v !== undefined && v !== false) throw new UsageError(`${flag} applies only to --cell lstm`);
    if (kind !== "gru" && (o.resetAfter || o.resetBefore)) throw new UsageError("--reset-after / --reset-before apply only to --cell gru");
    if (o.resetAfter && o.resetBefore) throw new UsageError("give --reset-after or --reset-before, not both");
    if (kind === "rnn" && o.gateActivation !== "sigmoid") throw new UsageError("--gate-activation applies only to lstm and gru (an RNN has no gates)");
    const resetAfter = o.resetAfter ? true : o.resetBefore ? false : style !== "tf1";
    const biases = (o.biases as 0 | 1 | 2 | undefined) ?? (style === "torch" || (style === "keras" && kind === "gru" && resetAfter) ? 2 : 1);
    let e;
    try {
      e = explainCell({
        kind, inputSize: o.input as number, hiddenSize: o.units as number, biases, activation: o.activation as "tanh",
        ...(kind !== "rnn" ? { gateActivation: o.gateActivation as "sigmoid" } : {}),
        ...(kind === "lstm" ? {
          forgetBias: (o.forgetBias as number | undefined) ?? (style === "tf1" ? 1 : 0), usePeepholes: o.peepholes as boolean,
          cellClip: (o.cellClip as number | undefined) ?? null, projSize: o.proj as number, projClip: (o.projClip as number | undefined) ?? null,
        } : {}),
        ...(kind === "gru" ? { resetAfter } : {}),
      });
    } catch (err) {
      if (err instanceof RnnlabError) throw new UsageError(err.message.replace(/^explainCell: /, ""));
      throw err;
    }
    const dir = outDir(o.out as string);
    ctx.log(e.text);
    const files = [
      writeText(dir, "equations.txt", e.text),
      writeText(dir, "equations.tex", `% ${e.title}\n${e.latex}\n`),
      writeJson(dir, "equations", { title: e.title, config: e.config, dims: e.dims, lines: e.lines, params: e.params, latex: e.latex }),
      ...writePlot(dir, "cell", explainCellSvg(e), o.png as boolean),
      ...writePlot(dir, "unrolled", explainUnrolledSvg(e, { steps: o.steps as number }), o.png as boolean),
    ];
    ctx.log(`wrote ${dir}/: ${files.map((f) => f.slice(dir.length + 1)).join(", ")}`);
  },
};
