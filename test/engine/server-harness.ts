// Starts one engine (either implementation) on a fresh http.Server on 127.0.0.1:0 and records what it emits,
// so tests can await "socket <sid> connected" / "socket <sid> closed with <reason>" instead of sleeping.
import { createServer, type Server as HttpServer } from "node:http";
import { afterEach, describe, it } from "vitest";
import { cleanup as sharedCleanup, onCleanup } from "../support/cleanup.js";
import { withTimeout } from "../support/wait.js";
import {
  impls,
  type ConnectionError,
  type EngineOptions,
  type EngineServer,
  type EngineSocket,
  type Impl,
} from "./impls.js";

// ---- cleanup registry and waiting: the shared test kit (test/support) ------------------------------------------

export { onCleanup } from "../support/cleanup.js";
export { waitFor } from "../support/wait.js";

/** Runs the registered cleanups, last first (the shared registry). */
export const cleanup = sharedCleanup.run;

/** Fails with `what` if `promise` has not settled within `ms` (a bound for a hang, never a speed requirement). */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return withTimeout(promise, ms, what);
}

/**
 * `describe.each(impls)` plus the shared `afterEach(cleanup)`. An implementation that is not built gets a
 * single failing test instead of its cases.
 */
export function describeEngines(
  title: string,
  body: (impl: Impl) => void,
  list: readonly Impl[] = impls,
): void {
  describe.each(list)(`${title} [$name]`, (impl) => {
    if (!impl.available) {
      // `npm test` builds every package first, so a missing build is a broken setup, not a skip.
      it(`${impl.name} is built`, () => {
        throw new Error(`${impl.name} is not built: run \`npm run build\``);
      });
      return;
    }
    afterEach(cleanup);
    body(impl);
  });
}

/** Keyed one-shot values: `get(k)` resolves once `set(k, v)` happened, before or after. */
class Keyed<T> {
  readonly values = new Map<string, T>();
  readonly #waiters = new Map<string, Array<(v: T) => void>>();

  set(key: string, value: T): void {
    this.values.set(key, value);
    const list = this.#waiters.get(key);
    this.#waiters.delete(key);
    for (const fn of list ?? []) fn(value);
  }

  get(key: string): Promise<T> {
    const known = this.values.get(key);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve) => {
      const list = this.#waiters.get(key) ?? [];
      list.push(resolve);
      this.#waiters.set(key, list);
    });
  }
}

// ---- the server -----------------------------------------------------------------------------------------------

export interface CloseInfo {
  reason: string;
  description: unknown;
}

export interface TestServer {
  readonly impl: Impl;
  readonly http: HttpServer;
  readonly engine: EngineServer;
  readonly port: number;
  /** Engine path with trailing slash, e.g. `/engine.io/`. */
  readonly path: string;
  readonly connectionErrors: ConnectionError[];
  /** `http://127.0.0.1:<port><path>?<query>` */
  url(query: string): string;
  /** `ws://127.0.0.1:<port><path>?<query>` */
  wsUrl(query: string): string;
  /** The server-side socket for `sid`, once `connection` was emitted for it. */
  socket(sid: string): Promise<EngineSocket>;
  /** Resolves with the `close` event arguments of socket `sid` (fails if none within 5 s). */
  closed(sid: string): Promise<CloseInfo>;
  /** Whether socket `sid` has emitted `close` yet. */
  isClosed(sid: string): boolean;
  /** Resolves with the next `connection_error` event. */
  nextConnectionError(): Promise<ConnectionError>;
  /** Closes engine and http server (also done by cleanup). */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Called with the bare http server before the engine attaches (to add pre-existing listeners). */
  beforeAttach?: (http: HttpServer) => void;
}

export async function startServer(
  impl: Impl,
  opts: EngineOptions = {},
  start: StartOptions = {},
): Promise<TestServer> {
  const http = createServer();
  start.beforeAttach?.(http);
  const engine = impl.create(http, opts);
  const sockets = new Keyed<EngineSocket>();
  const closes = new Keyed<CloseInfo>();
  const connectionErrors: ConnectionError[] = [];
  let errorWaiters: Array<(e: ConnectionError) => void> = [];

  engine.on("connection", (socket: EngineSocket) => {
    socket.on("close", (reason: string, description: unknown) =>
      closes.set(socket.id, { reason, description }),
    );
    // An `error` event without a listener would throw; record nothing, the close reason is what we assert.
    socket.on("error", () => undefined);
    sockets.set(socket.id, socket);
  });
  engine.on("connection_error", (err: ConnectionError) => {
    connectionErrors.push(err);
    const waiters = errorWaiters;
    errorWaiters = [];
    for (const fn of waiters) fn(err);
  });

  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const address = http.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  const port = address.port;
  const rawPath = typeof opts["path"] === "string" ? opts["path"] : "/engine.io";
  const path = rawPath.endsWith("/") ? rawPath : `${rawPath}/`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      engine.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    })();
    return closing;
  };
  onCleanup(close);

  return {
    impl,
    http,
    engine,
    port,
    path,
    connectionErrors,
    url: (query) => `http://127.0.0.1:${port}${path}?${query}`,
    wsUrl: (query) => `ws://127.0.0.1:${port}${path}?${query}`,
    socket: (sid) => sockets.get(sid),
    closed: (sid) => within(closes.get(sid), 5000, `"close" event of server socket ${sid}`),
    isClosed: (sid) => closes.values.has(sid),
    nextConnectionError: () => new Promise((resolve) => errorWaiters.push(resolve)),
    close,
  };
}
