// The progress bar: cli-progress on stderr when it is a terminal, silent otherwise (logs and
// tests stay clean; the command's own summary lines go to stdout either way).
import cliProgress from "cli-progress";
import type { Progress } from "./command.ts";

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  let bar: cliProgress.SingleBar | null = null;
  return {
    start(total, label) {
      bar?.stop();
      if (!stream.isTTY) return;
      bar = new cliProgress.SingleBar({
        stream, format: "{label} |{bar}| {percentage}% {value}/{total} {info} | ETA {eta_formatted}",
        barsize: 28, hideCursor: true, clearOnComplete: false, etaBuffer: 50, fps: 8,
      }, cliProgress.Presets.shades_classic);
      bar.start(total, 0, { label, info: "" });
    },
    update(value, info, label) { bar?.update(value, { info: info ? `| ${info}` : "", ...(label ? { label } : {}) }); },
    stop() { bar?.stop(); bar = null; },
  };
}
