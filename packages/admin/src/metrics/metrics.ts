import bcrypt from "bcryptjs";
import createDebug from "debug";
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import { validateAuth, type BasicAuthentication } from "../auth.js";
import { AdminError, AdminErrorCode } from "../errors.js";
import { LoginRateLimiter } from "../rate-limiter.js";
import { acquireStream } from "../stream/index.js";
import type { AnyServer } from "../types.js";
import { collectServerMetrics } from "./collector.js";
import { collectFlowMetrics } from "./flow.js";
import { collectForwardingMetrics } from "./forwarding.js";
import { collectRecoveryMetrics } from "./recovery.js";
import { Registry } from "./registry.js";

const debug = createDebug("socket.io-admin:metrics");

/** Options of {@link metrics}. */
export interface MetricsOptions {
  /** URL path served on the io's HTTP server; `false` to serve nothing (use `handler`). Default `/metrics`. */
  path?: string | false;
  /** Basic auth for the endpoint (the password is a bcrypt hash), or `false`. Default `false`; through `instrument()`, its `auth`. */
  auth?: false | BasicAuthentication;
  /** Metric name prefix. Default `switchboard_`. */
  prefix?: string;
  /** Register into this registry (to add your own metrics). Default: a new one. */
  registry?: Registry;
}

/** What {@link metrics} returns. */
export interface ServerMetrics {
  readonly registry: Registry;
  /** A request handler answering with the metrics (Express: `app.get("/metrics", m.handler)`). */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Remove the metrics, the HTTP route and the hooks. */
  close(): void;
}

/**
 * Prometheus metrics of a server: sockets per namespace, handshakes, disconnects by reason, packets
 * and bytes by direction and transport, events, broadcast fan-out, ack timeouts, event-loop lag.
 *
 * @example
 * ```ts
 * const m = metrics(io);                       // GET /metrics on io's HTTP server
 * app.get("/metrics", metrics(io, { path: false }).handler); // or through Express
 * ```
 */
export function metrics(io: AnyServer, opts: MetricsOptions = {}): ServerMetrics {
  const auth = opts.auth === undefined ? false : validateAuth(opts.auth);
  const path = opts.path === undefined ? "/metrics" : opts.path;
  if (path !== false && (typeof path !== "string" || !path.startsWith("/"))) {
    throw new AdminError(
      AdminErrorCode.INVALID_OPTION,
      "`path` must be an absolute URL path or false",
    );
  }
  const registry = opts.registry ?? new Registry();
  const { stream, release } = acquireStream(io);
  const uncollect = collectServerMetrics(io, stream, registry, opts.prefix ?? "switchboard_");
  const uncollectRecovery = collectRecoveryMetrics(io, registry, opts.prefix ?? "switchboard_");
  const uncollectFlow = collectFlowMetrics(io, registry, opts.prefix ?? "switchboard_");
  const uncollectForwarding = collectForwardingMetrics(io, registry, opts.prefix ?? "switchboard_");
  const authorized = auth === false ? () => Promise.resolve(true) : basicAuthChecker(auth);
  // bcrypt is slow on purpose: bound the guesses per address, as for the admin namespace.
  const limiter = new LoginRateLimiter({ max: 5, windowMs: 60_000 });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const address = req.socket.remoteAddress ?? "";
    if (auth !== false && !limiter.allowed(address)) {
      res.writeHead(429, { "Content-Type": "text/plain", "Retry-After": "60" });
      res.end("too many attempts\n");
      return;
    }
    authorized(req.headers.authorization).then(
      (ok) => {
        if (!ok) {
          if (req.headers.authorization !== undefined) limiter.fail(address);
          res.writeHead(401, {
            "WWW-Authenticate": 'Basic realm="metrics"',
            "Content-Type": "text/plain",
          });
          res.end("unauthorized\n");
          return;
        }
        const body = registry.metrics();
        res.writeHead(200, { "Content-Type": Registry.contentType, "Cache-Control": "no-store" });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (err: unknown) => {
        debug("metrics failed: %s", (err as Error).message);
        res.writeHead(500).end();
      },
    );
  };

  let unserve = (): void => {};
  if (path !== false) {
    const httpServer = io.httpServer as HttpServer | undefined;
    if (httpServer === undefined) debug("WARN: no HTTP server attached, use the handler");
    else unserve = serveOn(httpServer, path, handler);
  }
  let closed = false;
  return {
    registry,
    handler,
    close: () => {
      if (closed) return;
      closed = true;
      unserve();
      uncollect();
      uncollectRecovery();
      uncollectFlow();
      uncollectForwarding();
      release();
    },
  };
}

/** Answer `GET|HEAD path` before the server's other request listeners, which get everything else. */
function serveOn(
  httpServer: HttpServer,
  path: string,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): () => void {
  let active = true;
  const previous = httpServer.listeners("request").slice(0) as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (active && (req.method === "GET" || req.method === "HEAD")) {
      const url = req.url ?? "/";
      const q = url.indexOf("?");
      if ((q === -1 ? url : url.slice(0, q)) === path) return handler(req, res);
    }
    for (const l of previous) l.call(httpServer, req, res);
  };
  httpServer.removeAllListeners("request");
  httpServer.on("request", listener);
  return () => {
    active = false;
  };
}

/**
 * Checks `Authorization: Basic …` against a bcrypt hash. bcrypt is slow on purpose, so the digest of
 * the last accepted header is remembered: a scraper sending the same header every 15 s costs one hash.
 */
function basicAuthChecker(
  auth: BasicAuthentication,
): (header: string | undefined) => Promise<boolean> {
  let accepted: Buffer | undefined;
  const digest = (s: string): Buffer => createHash("sha256").update(s).digest();
  return async (header) => {
    if (header === undefined || !header.startsWith("Basic ") || header.length > 2048) return false;
    const d = digest(header);
    if (accepted !== undefined && timingSafeEqual(accepted, d)) return true;
    const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon === -1 || decoded.slice(0, colon) !== auth.username) return false;
    const ok = await bcrypt.compare(decoded.slice(colon + 1), auth.password);
    if (ok) accepted = d;
    return ok;
  };
}
