// The worker side: takes the connections the primary passes, puts back the bytes the primary already read,
// and hands them to the worker's HTTP server as if it had accepted them itself. It also reports each
// Engine.IO session it creates and closes, so the primary can route that session's next requests here.
import cluster from "node:cluster";
import type { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import createDebug from "debug";
import { sidPrefix } from "./balancer.js";
import { StickyError } from "./errors.js";
import {
  isConnectionMessage,
  READY,
  SESSION,
  SESSION_CLOSED,
  type ReadyMessage,
  type SessionMessage,
} from "./messages.js";

const debug = createDebug("socket.io-sticky:worker");

/** An Engine.IO session as far as routing cares: its id (and, at run time, a "close" event). */
export interface StickyEngineSocket {
  readonly id: string;
}

type ClosingSocket = StickyEngineSocket & {
  once?: (event: "close", listener: () => void) => unknown;
};

/**
 * What `setupWorker` needs from a Socket.IO server: its HTTP server and its Engine.IO server.
 * `@switchboard/server`'s `Server` (and `socket.io`'s) fit.
 */
export interface StickyIO {
  /** The `http.Server` it is attached to (typed loosely: Socket.IO's own type also allows https/http2). */
  readonly httpServer?: EventEmitter | undefined;
  readonly engine: {
    on(event: "connection", listener: (socket: StickyEngineSocket) => void): unknown;
    generateId?: ((req: IncomingMessage) => string | Promise<string>) | undefined;
  };
}

/** What `setupWorker` returns. */
export interface StickyWorker {
  /** Stops taking connections from the primary (listeners removed). Open connections stay. */
  close(): void;
}

/**
 * Makes this cluster worker serve the connections its primary routes to it (see `setupPrimary`).
 * The worker's HTTP server must not listen itself. Responses get `Connection: close`: the primary routes
 * per connection, so a kept-alive connection could otherwise bring another session's request here.
 * @example
 * import { createServer } from "node:http";
 * import { Server } from "@switchboard/server";
 * import { setupWorker } from "@switchboard/sticky";
 *
 * const httpServer = createServer();
 * const io = new Server(httpServer);
 * setupWorker(io); // no httpServer.listen(): the primary owns the port
 */
export function setupWorker(io: StickyIO): StickyWorker {
  if (!cluster.isWorker || typeof process.send !== "function") {
    throw new StickyError("ERR_SB_STICKY_NOT_WORKER", "setupWorker() must run in a cluster worker");
  }
  const httpServer = io.httpServer;
  if (!httpServer) {
    throw new StickyError(
      "ERR_SB_STICKY_NO_HTTP_SERVER",
      "setupWorker() needs a Server attached to an http.Server",
    );
  }

  // Session ids start with this worker's id, so the primary can route a session's second request here
  // even before the IPC message announcing the session has reached it.
  const engine = io.engine;
  const generateId = engine.generateId;
  if (typeof generateId === "function") {
    const prefix = sidPrefix(cluster.worker?.id ?? 0);
    engine.generateId = (req) => {
      const id = generateId.call(engine, req);
      return typeof id === "string" ? prefix + id : id.then((v) => prefix + v);
    };
  }

  const onRequest = (
    _req: unknown,
    res: { setHeader(name: string, value: string): unknown },
  ): void => {
    res.setHeader("Connection", "close");
  };
  httpServer.prependListener("request", onRequest);

  const onMessage = (msg: unknown, handle: unknown): void => {
    if (!isConnectionMessage(msg)) return;
    const socket = handle as Socket | undefined;
    // The client may have hung up while the handle was in flight; Node then delivers no handle.
    if (!socket) {
      debug("connection closed before it arrived");
      return;
    }
    // Put the routed request's first bytes back in front of whatever the socket reads next.
    try {
      socket.unshift(Buffer.from(msg.head, "base64"));
      httpServer.emit("connection", socket);
    } catch (err) {
      debug("cannot take a connection: %s", (err as Error).message);
      socket.destroy();
    }
  };
  process.on("message", onMessage);

  const tell = (message: SessionMessage | ReadyMessage): void => {
    // The primary may be gone (shutdown): routing then no longer matters, so a failed send is ignored.
    if (process.connected) process.send?.(message, undefined, {}, () => undefined);
  };
  const onSession = (socket: StickyEngineSocket): void => {
    debug("session %s opened", socket.id);
    tell({ type: SESSION, sid: socket.id });
    (socket as ClosingSocket).once?.("close", () => {
      debug("session %s closed", socket.id);
      tell({ type: SESSION_CLOSED, sid: socket.id });
    });
  };
  io.engine.on("connection", onSession);
  let active = true;
  tell({ type: READY });

  return {
    close() {
      if (!active) return;
      active = false;
      process.off("message", onMessage);
      httpServer.off("request", onRequest);
      if (generateId !== undefined) engine.generateId = generateId;
      const events = io.engine as {
        off?: (event: string, listener: (socket: StickyEngineSocket) => void) => unknown;
      };
      events.off?.("connection", onSession);
    },
  };
}
