import { createCors, type CorsOptions } from "@switchboard/engine/internal";
import createDebug from "debug";
import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";

const debug = createDebug("socket.io:server");

/** Files served under `<path>/` (docs/protocol.md §3, `serveClient`). */
const FILES = [
  "socket.io.js",
  "socket.io.js.map",
  "socket.io.min.js",
  "socket.io.min.js.map",
  "socket.io.esm.min.js",
  "socket.io.esm.min.js.map",
  "socket.io.msgpack.min.js",
  "socket.io.msgpack.min.js.map",
];

/** @internal Where the bundle files are and the ETag they are served with. */
export interface Bundle {
  dir: string;
  etag: string;
}

let cached: Bundle | null | undefined;

/** Where a bundle may live inside the client package (socket.io uses `client-dist/`). */
const BUNDLE_DIRS = ["client-dist", "dist/bundle", "bundle", "dist"];

/** Where `@switchboard/client` keeps its browser bundles, or null when it is not installed/built. */
function findBundle(): Bundle | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    // The client's `exports` hide its package.json: resolve its entry and walk up to the package root.
    let dir = dirname(createRequire(import.meta.url).resolve("@switchboard/client"));
    while (!isClientRoot(dir)) {
      const parent = dirname(dir);
      if (parent === dir) return cached;
      dir = parent;
    }
    for (const sub of BUNDLE_DIRS) {
      const candidate = join(dir, sub);
      if (
        existsSync(join(candidate, "socket.io.js")) ||
        existsSync(join(candidate, "socket.io.min.js"))
      ) {
        const own = JSON.parse(
          readFileSync(new URL("../package.json", import.meta.url), "utf8"),
        ) as { version?: string };
        cached = { dir: candidate, etag: `"${own.version ?? "0"}"` };
        break;
      }
    }
  } catch {
    debug("@switchboard/client not found: the client is not served");
  }
  if (cached === null) debug("no @switchboard/client bundle: the client is not served");
  return cached;
}

function isClientRoot(dir: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string };
    return pkg.name === "@switchboard/client";
  } catch {
    return false;
  }
}

/**
 * Serve the browser client bundles under `<path>/socket.io(.min|.esm.min|.msgpack.min).js(.map)`
 * with ETag `"<version>"`, 304 on If-None-Match, and br/gzip/deflate. With the `cors` option, its headers
 * go on these files too (a preflight is answered by CORS alone), as socket.io does. Does nothing while the
 * `@switchboard/client` bundle does not exist.
 * @internal
 */
export function attachClientServing(
  server: HttpServer,
  path: string,
  cors?: boolean | CorsOptions,
  bundle: Bundle | null = findBundle(),
): void {
  if (bundle === null) return;
  const corsMiddleware =
    cors === undefined || cors === false ? undefined : createCors(cors === true ? {} : cors);
  const cache = new Map<string, Buffer | null>();
  const prefix = path + "/";
  const previous = server.listeners("request").slice(0) as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (pathname.startsWith(prefix) && FILES.includes(pathname.slice(prefix.length))) {
      const file = pathname.slice(prefix.length);
      if (corsMiddleware === undefined) serve(bundle, cache, file, req, res);
      else corsMiddleware(req, res, () => serve(bundle, cache, file, req, res));
      return;
    }
    for (const listener of previous) listener.call(server, req, res);
  });
}

/** Read once, compress once per encoding: bodies are cached per attached server. */
function body(
  bundle: Bundle,
  cache: Map<string, Buffer | null>,
  key: string,
  file: string,
  encode?: (b: Buffer) => Buffer,
): Buffer | null {
  let value = cache.get(key);
  if (value !== undefined) return value;
  const full = join(bundle.dir, file);
  const raw = existsSync(full) ? readFileSync(full) : null;
  value = raw !== null && encode !== undefined ? encode(raw) : raw;
  cache.set(key, value);
  return value;
}

function serve(
  bundle: Bundle,
  cache: Map<string, Buffer | null>,
  file: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const raw = body(bundle, cache, file, file);
  if (raw === null) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.setHeader("Cache-Control", "public, max-age=0");
  res.setHeader(
    "Content-Type",
    `application/${file.endsWith(".map") ? "json" : "javascript"}; charset=utf-8`,
  );
  res.setHeader("ETag", bundle.etag);
  res.setHeader("Vary", "Accept-Encoding");
  // A cache may revalidate with the weak form of our ETag; both mean the same bytes (as socket.io).
  const ifNoneMatch = req.headers["if-none-match"];
  if (ifNoneMatch === bundle.etag || ifNoneMatch === `W/${bundle.etag}`) {
    res.writeHead(304);
    res.end();
    return;
  }
  const encoding = preferredEncoding(req.headers["accept-encoding"]);
  if (encoding === "br")
    return send(
      res,
      "br",
      body(bundle, cache, file + ".br", file, (b) => brotliCompressSync(b)),
    );
  if (encoding === "gzip")
    return send(
      res,
      "gzip",
      body(bundle, cache, file + ".gz", file, (b) => gzipSync(b)),
    );
  if (encoding === "deflate")
    return send(
      res,
      "deflate",
      body(bundle, cache, file + ".zz", file, (b) => deflateSync(b)),
    );
  res.writeHead(200, { "Content-Length": raw.length });
  res.end(raw);
}

const ENCODINGS = ["br", "gzip", "deflate"] as const;
type Encoding = (typeof ENCODINGS)[number];

/**
 * The client's preferred encoding among ours: highest q first, then the client's order (what socket.io's
 * `accepts` gives, so `gzip, br` gets gzip); `*` stands for any we have; q=0 refuses one.
 * @internal
 */
export function preferredEncoding(header: string | undefined): Encoding | undefined {
  if (header === undefined) return undefined;
  let best: Encoding | undefined;
  let bestQ = 0;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > bestQ)) continue;
    const match = name === "*" ? ENCODINGS[0] : ENCODINGS.find((e) => e === name);
    if (match === undefined) continue;
    best = match;
    bestQ = q;
  }
  return best;
}

function send(res: ServerResponse, encoding: string, data: Buffer | null): void {
  if (data === null) {
    res.writeHead(404);
    res.end();
    return;
  }
  res.writeHead(200, { "Content-Encoding": encoding, "Content-Length": data.length });
  res.end(data);
}
