import createDebug from "debug";
import cluster from "node:cluster";
import type { Server as HttpServer } from "node:http";
import { hostname } from "node:os";
import { serveAdminNamespace } from "./admin-namespace.js";
import { installAuth, validateAuth, type BasicAuthentication } from "./auth.js";
import { serveDashboard } from "./dashboard/serve.js";
import { AdminError, AdminErrorCode } from "./errors.js";
import { DEFAULT_EVENT_LOG_RATE, isValidEventLogRate } from "./event-log.js";
import {
  metrics as createMetrics,
  type MetricsOptions,
  type ServerMetrics,
} from "./metrics/metrics.js";
import { STATS_INTERVAL_MS } from "./protocol.js";
import { LoginRateLimiter } from "./rate-limiter.js";
import { InMemoryStore, type Store } from "./stores.js";
import { acquireStream, type InstrumentationStream } from "./stream/index.js";
import type { AnyNamespace, AnyServer } from "./types.js";

const debug = createDebug("socket.io-admin");

/** Options of {@link instrument}: those of `@socket.io/admin-ui`, plus Switchboard's extras. */
export interface InstrumentOptions {
  /** The admin namespace. Default `/admin`. */
  namespaceName: string;
  /** `false` (no login, use with care) or basic auth with a bcrypt hash. Required, as in the official package. */
  auth?: false | BasicAuthentication;
  /** Refuse every action (emit, join, leave, disconnect) on the server. Default `false`. */
  readonly: boolean;
  /** This node's id in `server_stats`. Default the hostname (`hostname#pid` in a cluster worker). */
  serverId?: string;
  /** Where login sessions live (`RedisStore` for several nodes). Default an `InMemoryStore`. */
  store: Store;
  /** `development` adds the live socket list and event log; default `process.env.NODE_ENV || "development"`. */
  mode: "development" | "production";
  /** Extra: failed logins allowed per remote address and window before `too many attempts`. Default 5 per 60 s; `false` disables. */
  loginRateLimit: false | { max: number; windowMs: number };
  /** Extra: `server_stats` period, ms. Default 2000. */
  statsInterval: number;
  /**
   * Extra: serve Prometheus metrics on the io's HTTP server (`true` means `{ path: "/metrics" }`). Default `false`.
   * The endpoint follows `auth` (basic auth with the same user and hash) unless `metrics.auth` says
   * otherwise: `{ auth: false }` makes it public, `{ auth: { type: "basic", … } }` uses other credentials.
   */
  metrics: boolean | MetricsOptions;
  /** Extra: serve the built-in dashboard page at `path` on the io's HTTP server. Default `false`. */
  dashboard: false | { path?: string };
  /**
   * Extra: development mode's live event log forwards at most this many `event_received` /
   * `event_sent` entries per second from this node; the rest are counted (`server_stats`
   * `totals.eventLogDropped`). Default 100; `Infinity` logs every event (the official behaviour,
   * about doubling the server's CPU per message while an admin is connected); `0` turns the log off.
   */
  eventLogRate: number;
}

/** What {@link instrument} returns (the official one returns nothing; ignoring it is fine). */
export interface Instrumentation {
  /** The admin namespace. */
  readonly namespace: AnyNamespace;
  /** The typed instrumentation stream (held until `close()`). */
  readonly stream: InstrumentationStream;
  /** The metrics, when the `metrics` option is set. */
  readonly metrics: ServerMetrics | undefined;
  /** Stop: timers, hooks, routes. Admin sockets already connected stay connected. */
  close(): void;
}

/** The official default server id. */
function defaultServerId(): string {
  return cluster.isWorker ? `${hostname()}#${process.pid}` : hostname();
}

/**
 * Instrument a server for `@socket.io/admin-ui` (the official hosted UI works against it), for the
 * built-in dashboard and, optionally, for Prometheus.
 *
 * @example
 * ```ts
 * import { instrument } from "@switchboard/admin";
 * instrument(io, {
 *   auth: { type: "basic", username: "admin", password: "$2b$10$..." }, // bcrypt hash
 *   mode: "production",
 *   metrics: true,              // GET /metrics
 *   dashboard: { path: "/admin" },
 * });
 * ```
 */
export function instrument(io: AnyServer, opts: Partial<InstrumentOptions> = {}): Instrumentation {
  const options: InstrumentOptions = {
    namespaceName: "/admin",
    auth: undefined,
    readonly: false,
    serverId: undefined,
    store: new InMemoryStore(),
    mode: (process.env.NODE_ENV as InstrumentOptions["mode"] | undefined) || "development",
    loginRateLimit: { max: 5, windowMs: 60_000 },
    statsInterval: STATS_INTERVAL_MS,
    metrics: false,
    dashboard: false,
    eventLogRate: DEFAULT_EVENT_LOG_RATE,
    ...opts,
  };
  const auth = validateAuth(options.auth);
  if (typeof options.namespaceName !== "string" || !options.namespaceName.startsWith("/")) {
    throw new AdminError(AdminErrorCode.INVALID_OPTION, "`namespaceName` must start with '/'");
  }
  if (!(options.statsInterval > 0))
    throw new AdminError(
      AdminErrorCode.INVALID_OPTION,
      "`statsInterval` must be a positive number",
    );
  if (!isValidEventLogRate(options.eventLogRate)) {
    throw new AdminError(
      AdminErrorCode.INVALID_OPTION,
      "`eventLogRate` must be a number >= 0 (Infinity for no limit)",
    );
  }
  const limit = options.loginRateLimit;
  const limiter = new LoginRateLimiter(limit === false ? { max: 0, windowMs: 0 } : limit);
  debug("options: %j", { ...options, auth: auth === false ? false : "basic", store: undefined });

  const namespace = io.of(options.namespaceName);
  installAuth(namespace, auth, options.store, limiter);
  const { stream, release } = acquireStream(io);
  const stopAdmin = serveAdminNamespace(io, namespace, stream, {
    readonly: options.readonly === true,
    development: options.mode === "development",
    serverId: options.serverId ?? defaultServerId(),
    hostname: hostname(),
    statsIntervalMs: options.statsInterval,
    eventLogRate: options.eventLogRate,
  });

  let serverMetrics: ServerMetrics | undefined;
  let stopDashboard = (): void => {};
  try {
    if (options.metrics !== false) {
      const metricsOptions = options.metrics === true ? {} : options.metrics;
      // `/metrics` is behind the admin's login unless configured otherwise.
      serverMetrics = createMetrics(
        io,
        metricsOptions.auth === undefined ? { ...metricsOptions, auth } : metricsOptions,
      );
    }
    if (options.dashboard !== false) {
      const httpServer = io.httpServer as HttpServer | undefined;
      if (httpServer === undefined)
        throw new AdminError(
          AdminErrorCode.INVALID_OPTION,
          "`dashboard` needs a server attached to an HTTP server",
        );
      const serving = serveDashboard(httpServer, {
        path: options.dashboard.path ?? "/admin",
        namespaceName: options.namespaceName,
        socketPath: io.path(),
      });
      stopDashboard = () => serving.close();
    }
  } catch (err) {
    serverMetrics?.close();
    stopAdmin();
    release();
    throw err;
  }

  let closed = false;
  return {
    namespace,
    stream,
    metrics: serverMetrics,
    close: () => {
      if (closed) return;
      closed = true;
      stopDashboard();
      serverMetrics?.close();
      stopAdmin();
      release();
    },
  };
}
