// rnnlab serve: the browser playground (src/web/) on a local port. Builds dist/web/ first when
// it is missing (or with --build); serves only to this machine unless --host says otherwise.
// Runs until Ctrl-C.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { isCheckout, packageRoot } from "../../assets.ts";
import { DEFAULT_WEB_ROOT, servePlayground } from "../../web/server.ts";
import { UsageError, type CommandSpec } from "../command.ts";
import { int } from "../options.ts";

export const command: CommandSpec = {
  name: "serve",
  summary: "the browser playground: train a small RNN/LSTM/GRU in a web page, served on localhost",
  configure: (cmd) => cmd
    .option("--port <n>", "port to listen on (0: any free port)", int(0, 65535), 8008)
    .option("--host <address>", "address to bind (default: this machine only)", "127.0.0.1")
    .option("--build", "rebuild the playground (npm run build:web) before serving")
    .option("--root <dir>", "serve this directory instead of the built playground (e.g. your own page next to a copy of dist/web/)")
    .addHelpText("after", "\nExample: rnnlab serve --port 8008, then open http://127.0.0.1:8008/"),
  async run(o, ctx) {
    const root = o.root === undefined ? DEFAULT_WEB_ROOT : resolve(o.root as string);
    if (o.root !== undefined && !existsSync(join(root, "index.html"))) throw new UsageError(`serve: ${join(root, "index.html")} does not exist`);
    if (o.root === undefined && (o.build || !existsSync(join(root, "index.html")))) {
      // the installed package ships the built playground; only a repository checkout can rebuild it
      if (!isCheckout()) throw new UsageError(`serve: the playground is missing from ${root} (reinstall rnnlab)${o.build ? "; --build works only in a repository checkout" : ""}`);
      ctx.log("building the playground (npm run build:web)…");
      const ROOT = packageRoot();
      const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "scripts", "build-web.mjs")], { cwd: ROOT, stdio: "inherit" });
      if (r.status !== 0) throw new UsageError("serve: building the playground failed (see above)");
    }
    let server;
    try {
      server = await servePlayground({ port: o.port as number, host: o.host as string, root });
    } catch (err) {
      throw new UsageError(`serve: cannot listen on ${o.host as string}:${o.port as number}: ${(err as Error).message}`);
    }
    ctx.log(`rnnlab playground on ${server.url} (Ctrl-C to stop)`);
    while (!ctx.stopped()) await new Promise((r) => setTimeout(r, 200));
    await server.close();
    ctx.log("stopped");
  },
};
