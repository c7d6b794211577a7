// Builds the dashboard: Express for the page and the JSON API, @switchboard/server for the live part.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import express from "express";
import { Server } from "@switchboard/server";
import { PgStore } from "./pg-store.js";
import { SqliteStore } from "./sqlite-store.js";
import type { OrderStore } from "./store.js";
import { Broadcaster, VIEWERS } from "./broadcaster.js";
import { apiRouter, notFound } from "./api.js";
import { redisAdapter } from "./redis-adapter.js";
import { registerSocket } from "./socket-handlers.js";
import type { DashboardIO } from "./types.js";

export interface DashboardServerOptions {
  /** Port to listen on; `0` picks a free one. Default `PORT` or 3001. */
  port?: number;
  /** Interface to bind; default all interfaces (tests pass `127.0.0.1`). */
  host?: string;
  /** The orders store; default {@link storeFromEnv}. It is initialised and, on `close()`, closed by the dashboard. */
  store?: OrderStore;
  /** Share broadcasts through this Redis (several servers, a worker with the emitter: src/worker.ts). Default none. */
  redisUrl?: string | undefined;
  /** The Redis adapter's channel prefix. Default `"socket.io"`. */
  redisKey?: string;
}

export interface DashboardServer {
  app: express.Express;
  httpServer: HttpServer;
  io: DashboardIO;
  store: OrderStore;
  port: number;
  /** `http://localhost:<port>` */
  url: string;
  /** Disconnects every dashboard, closes the store and the HTTP server. */
  close(): Promise<void>;
}

/** The default store: PostgreSQL when `DATABASE_URL` is set, else SQLite at `DASHBOARD_DB` or `examples/dashboard/data/dashboard.db`. */
export function storeFromEnv(env: NodeJS.ProcessEnv = process.env): OrderStore {
  if (env["DATABASE_URL"]) return new PgStore({ connectionString: env["DATABASE_URL"] });
  return new SqliteStore(
    env["DASHBOARD_DB"] ?? fileURLToPath(new URL("../data/dashboard.db", import.meta.url)),
  );
}

/**
 * Starts a dashboard server and resolves once it listens.
 * @example
 * const dash = await createDashboardServer({ port: 0, store: new SqliteStore("/tmp/dash.db") });
 * console.log(dash.url);
 * await dash.close();
 */
export async function createDashboardServer(
  opts: DashboardServerOptions = {},
): Promise<DashboardServer> {
  const store = opts.store ?? storeFromEnv();
  try {
    await store.init();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }

  const app = express();
  app.disable("x-powered-by");
  app.use((_req, res, next) => {
    // The page needs nothing from elsewhere; a strict CSP is a second wall behind textContent.
    res.setHeader(
      "Content-Security-Policy",
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:",
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  app.use(express.static(fileURLToPath(new URL("../public/", import.meta.url))));
  const httpServer = createServer(app);
  // An order is under 200 bytes; 16 KiB per packet is plenty and matches the HTTP body limit.
  const redis = opts.redisUrl ? await redisAdapter(opts.redisUrl, opts.redisKey) : undefined;
  const io: DashboardIO = new Server(httpServer, {
    maxHttpBufferSize: 16 * 1024,
    ...(redis && { adapter: redis.adapter }),
  });
  const broadcaster = new Broadcaster(io, store);
  app.use("/api", apiRouter(store, broadcaster));
  app.use(notFound);

  io.on("connection", (socket) => {
    socket.on("error", (err) => console.warn(`dashboard: closing a connection: ${err.message}`));
    registerSocket(socket, store, broadcaster);
    void socket.join(VIEWERS);
    broadcaster.snapshot().then(
      (snap) => socket.emit("snapshot", snap),
      (err: unknown) => console.error("dashboard: cannot read the snapshot", err),
    );
  });

  try {
    // Rows written by other programs (PostgreSQL only) arrive here by id.
    if (store.watch) await store.watch((id) => broadcaster.announceId(id));
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(opts.port ?? Number(process.env["PORT"] ?? 3001), opts.host, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    broadcaster.stop();
    await io.close().catch(() => undefined);
    await redis?.close();
    await store.close().catch(() => undefined);
    throw err;
  }
  const port = (httpServer.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      broadcaster.stop();
      await io.close();
      await broadcaster.idle();
      await redis?.close();
      await store.close();
    })());
  return { app, httpServer, io, store, port, url: `http://localhost:${port}`, close };
}
