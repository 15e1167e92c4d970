// The progress bar: cli-progress on stderr when it is a terminal, silent otherwise (logs and
// tests stay clean; the command's own summary lines go to stdout either way).
import cliProgress from "cli-progress";
import type { Progress } from "./command.ts";

/** The bar, plus `around(print)`: print a line above the bar and redraw the bar below it. */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress & { around(print: () => void): void } {
  let bar: cliProgress.SingleBar | null = null;
  let state: { total: number; value: number; label: string; info: string } | null = null;
  return {
    around(print) {
      if (!bar || !state) { print(); return; }
      bar.stop(); bar = null;
      const s = state;
      print();
      this.start(s.total, s.label);
      this.update(s.value, s.info.replace(/^\| /, ""), s.label);
    },
    start(total, label) {
      bar?.stop();
      state = { total, value: 0, label, info: "" };
      if (!stream.isTTY) return;
      bar = new cliProgress.SingleBar({
        stream, format: "{label} |{bar}| {percentage}% {value}/{total} {info} | ETA {eta_formatted}",
        barsize: 28, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 8,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, 0, { label, info: "" });
    },
    update(value, info, label) {
      if (state) state = { ...state, value, info: info ? `| ${info}` : "", label: label ?? state.label };
      bar?.update(value, { info: info ? `| ${info}` : "", ...(label ? { label } : {}) });
    },
    stop() { bar?.stop(); bar = null; state = null; },
  };
}
