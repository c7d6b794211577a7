// Serves the self-hosted admin dashboard (one HTML page, one script, one stylesheet, an icon) from memory on the
// application's own HTTP server. Like the client serving of @switchboard/server, it wraps the `request`
// listeners present when it attaches: requests for its few exact URLs are answered here, every other request
// goes to those listeners untouched.
import createDebug from "debug";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Server as HttpsServer } from "node:https";
import { buildAssets, type Asset } from "./assets.js";
import { DashboardOptionsError } from "./errors.js";

const debug = createDebug("socket.io-admin:dashboard");

/** Options of {@link serveDashboard} and {@link createDashboardHandler}. */
export interface DashboardOptions {
  /** URL path of the page. Default `"/admin"`. */
  path?: string;
  /** The admin namespace the page connects to (`instrument()`'s `namespaceName`). Default `"/admin"`. */
  namespaceName?: string;
  /** The Socket.IO server's `path` option, where the page loads the client bundle from. Default `"/socket.io"`. */
  socketPath?: string;
}

/** Answers a request when it is for a dashboard file and returns true; returns false (untouched) otherwise. */
export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/** What {@link serveDashboard} returns. */
export interface DashboardServing {
  /** The normalised URL path of the page (`"/admin"`). */
  readonly path: string;
  /** Stop answering: every request goes to the other listeners again. */
  close(): void;
}

/**
 * Content-Security-Policy of every response: only this origin's scripts and styles (no inline code), network
 * access only back to this origin (the admin namespace), no framing.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function normalisePath(value: unknown, name: string): string {
  if (
    typeof value !== "string" ||
    !value.startsWith("/") ||
    /[?#%\\\s]|\/\.\.?(\/|$)/.test(value)
  ) {
    throw new DashboardOptionsError(
      `\`${name}\` must be an absolute URL path such as "/admin", got ${JSON.stringify(value)}`,
    );
  }
  return value.replace(/\/+$/, "");
}

/**
 * Create a request handler for the dashboard, for use with a framework (Express, Connect) or your own server.
 * @example
 * ```ts
 * const dashboard = createDashboardHandler({ path: "/admin" });
 * app.use((req, res, next) => dashboard(req, res) || next());
 * ```
 */
export function createDashboardHandler(options: DashboardOptions = {}): DashboardHandler {
  const base = normalisePath(options.path ?? "/admin", "path");
  const namespaceName = options.namespaceName ?? "/admin";
  if (typeof namespaceName !== "string" || !namespaceName.startsWith("/")) {
    throw new DashboardOptionsError(
      `\`namespaceName\` must start with "/", got ${JSON.stringify(namespaceName)}`,
    );
  }
  const socketPath = normalisePath(options.socketPath ?? "/socket.io", "socketPath");
  const assets = buildAssets({ base, namespaceName, socketPath });
  return (req, res) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const pathname = q === -1 ? url : url.slice(0, q);
    if (!pathname.startsWith(base)) return false;
    const file = assets.get(pathname.slice(base.length));
    if (file === undefined) return false;
    respond(file, req, res);
    return true;
  };
}

/**
 * Serve the dashboard page at `path` on `httpServer` (the server your Socket.IO server is attached to). Other
 * requests, including `path`'s neighbours, go to the server's other `request` listeners.
 * `instrument(io, { dashboard: { path } })` calls this for you.
 * @example
 * ```ts
 * const httpServer = createServer();
 * const io = new Server(httpServer);
 * instrument(io, { auth: { type: "basic", username: "admin", password: hash } });
 * serveDashboard(httpServer, { path: "/admin", namespaceName: "/admin" });
 * ```
 */
export function serveDashboard(
  httpServer: HttpServer | HttpsServer,
  options: DashboardOptions = {},
): DashboardServing {
  const handler = createDashboardHandler(options);
  const path = normalisePath(options.path ?? "/admin", "path") || "/";
  let active = true;
  const previous = httpServer.listeners("request").slice(0) as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  httpServer.removeAllListeners("request");
  httpServer.on("request", (req: IncomingMessage, res: ServerResponse) => {
    if (active && handler(req, res)) return;
    for (const listener of previous) listener.call(httpServer, req, res);
  });
  debug("dashboard served at %s", path);
  return {
    path,
    close() {
      active = false;
    },
  };
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  // RFC 9110 §13.1.2: weak comparison, a list of tags, or "*".
  return ifNoneMatch.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t === etag || t === `W/${etag}`;
  });
}

/** The best encoding the client accepts (q=0 refuses one). */
function pickEncoding(accept: string | undefined): "br" | "gzip" | null {
  if (accept === undefined) return null;
  const accepted = new Set<string>();
  for (const part of accept.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (q !== undefined && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return null;
}

function respond(file: Asset, req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "no-referrer");
  res.setHeader("X-Frame-Options", "DENY");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
    res.end("Method Not Allowed");
    return;
  }
  // Revalidate on every load (a cheap 304), so an upgraded server never runs with a stale page.
  res.setHeader("Cache-Control", "no-cache");
  res.setHeader("ETag", file.etag);
  res.setHeader("Vary", "Accept-Encoding");
  res.setHeader("Content-Type", file.type);
  if (matches(req.headers["if-none-match"], file.etag)) {
    res.writeHead(304);
    res.end();
    return;
  }
  const encoding = pickEncoding(req.headers["accept-encoding"]);
  const encoded = encoding === null ? null : file.encoded(encoding);
  const body = encoded ?? file.body;
  if (encoded !== null && encoding !== null) res.setHeader("Content-Encoding", encoding);
  res.writeHead(200, { "Content-Length": body.length });
  res.end(req.method === "HEAD" ? undefined : body);
}
