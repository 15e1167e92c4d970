// A static file server for the playground (dist/web/, made by `npm run build:web`), node:http
// only. Used by `rnnlab serve` and by the browser tests.
//   - Binds to 127.0.0.1 by default: the playground is for this machine.
//   - Serves only files under its root (paths are normalised, ".." cannot escape it).
//   - Every response carries a Content-Security-Policy that allows nothing but this origin
//     ('wasm-unsafe-eval' lets the page compile WebAssembly), so the page cannot fetch anything
//     from outside even by mistake, plus COOP/COEP, which make the page cross-origin isolated
//     (what shared WebAssembly memory across threads will need; harmless for one thread).
import { createServer, type Server } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { packageFile } from "../assets.ts";

export const DEFAULT_WEB_ROOT = packageFile("dist", "web");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm", ".map": "application/json",
  ".bin": "application/octet-stream", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
};

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
  "X-Content-Type-Options": "nosniff",
};

export interface ServeOptions {
  /** default 0: any free port */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** the built playground (default dist/web/ of this package) */
  root?: string;
}

export interface PlaygroundServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function servePlayground(opts: ServeOptions = {}): Promise<PlaygroundServer> {
  const root = resolve(opts.root ?? DEFAULT_WEB_ROOT), host = opts.host ?? "127.0.0.1";
  if (!existsSync(join(root, "index.html"))) {
    throw new Error(`servePlayground: ${join(root, "index.html")} does not exist; build the playground with \`npm run build:web\``);
  }
  const server: Server = createServer(async (req, res) => {
    const send = (status: number, body: string | Uint8Array, type = "text/plain; charset=utf-8") => {
      res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-cache", ...SECURITY_HEADERS });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let path: string;
    try { path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname); } catch { return send(400, "bad path\n"); }
    if (path.endsWith("/")) path += "index.html";
    const file = normalize(join(root, path));
    if (file !== root && !file.startsWith(root + sep)) return send(403, "forbidden\n");
    try {
      if (!(await stat(file)).isFile()) return send(404, "not found\n");
      send(200, await readFile(file), TYPES[extname(file)] ?? "application/octet-stream");
    } catch {
      send(404, "not found\n");
    }
  });
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(opts.port ?? 0, host, () => { server.off("error", fail); ok(); });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
