// The primary side: owns the listening socket, reads the head of the first request on each connection,
// and passes the connection (the OS handle) plus the bytes it read to the worker holding that request's
// Engine.IO session. Workers answer with `Connection: close` (see worker.ts), so one routed connection
// carries exactly one request and a keep-alive connection can never carry two sessions to one worker.
import cluster, { type Worker } from "node:cluster";
import type { Server as NetServer, Socket } from "node:net";
import { Server as TlsServer } from "node:tls";
import createDebug from "debug";
import { Balancer, LoadBalancingMethods, type LoadBalancingMethod } from "./balancer.js";
import { StickyError } from "./errors.js";
import {
  CONNECTION,
  isReadyMessage,
  isSessionMessage,
  SESSION,
  type ConnectionMessage,
} from "./messages.js";
import { HeadReader, type RequestHead } from "./request-head.js";
import { refuse } from "./refuse.js";

const debug = createDebug("socket.io-sticky:primary");

export interface PrimaryOptions {
  /** How new sessions are spread over the workers. Default `"least-connection"`. */
  loadBalancingMethod?: LoadBalancingMethod;
  /** Largest request head read by the primary, in bytes; larger ones get `431`. Default 16 KiB (Node's). */
  maxHeaderSize?: number;
  /** Milliseconds a connection may take to send its request head; slower ones get `408`. Default 10 000. */
  headersTimeout?: number;
}

/** What `setupPrimary` returns: a view of the routing table, and a way to stop routing. */
export interface StickyPrimary {
  readonly loadBalancingMethod: LoadBalancingMethod;
  /** Live sessions the primary knows on worker `workerId` (by `cluster.workers` id). */
  sessions(workerId: number): number;
  /** Ids of the workers that ran `setupWorker` and get connections. */
  readyWorkers(): number[];
  /** Stops routing: removes the listeners added to the server and to `cluster`. */
  close(): void;
}

/**
 * Makes `server` (an `http.Server` or `net.Server` in the cluster primary, listening or about to) route
 * each connection to a worker: requests naming a known `sid` go to the worker that created that session,
 * the others by `loadBalancingMethod`. Call it before forking; each worker calls `setupWorker(io)`.
 * @example
 * import cluster from "node:cluster";
 * import { createServer } from "node:http";
 * import { setupPrimary } from "@switchboard/sticky";
 *
 * if (cluster.isPrimary) {
 *   const httpServer = createServer();
 *   setupPrimary(httpServer, { loadBalancingMethod: "least-connection" });
 *   httpServer.listen(3000);
 *   for (let i = 0; i < 4; i++) cluster.fork();
 * }
 */
export function setupPrimary(server: NetServer, opts: PrimaryOptions = {}): StickyPrimary {
  if (!cluster.isPrimary)
    throw new StickyError(
      "ERR_SB_STICKY_NOT_PRIMARY",
      "setupPrimary() must run in the cluster primary",
    );
  if (server instanceof TlsServer) {
    throw new StickyError(
      "ERR_SB_STICKY_TLS_UNSUPPORTED",
      "setupPrimary() needs a plain HTTP server: the primary must read the request to route it (terminate TLS in front)",
    );
  }
  const method = opts.loadBalancingMethod ?? "least-connection";
  if (!LoadBalancingMethods.includes(method)) {
    throw new StickyError(
      "ERR_SB_STICKY_INVALID_OPTION",
      `loadBalancingMethod must be one of ${LoadBalancingMethods.join(", ")}`,
    );
  }
  const maxHeaderSize = positive(opts.maxHeaderSize, 16 * 1024, "maxHeaderSize");
  const headersTimeout = positive(opts.headersTimeout, 10_000, "headersTimeout");
  debug("primary routing by %s", method);

  const balancer = new Balancer(method);
  const ready = new Set<number>();

  // An http.Server parses every connection itself; the primary must not, so its parser is detached
  // (any listener the application added stays).
  for (const listener of server.listeners("connection")) {
    if (listener.name === "connectionListener")
      server.off("connection", listener as (socket: Socket) => void);
  }

  const onConnection = (socket: Socket): void => {
    const reader = new HeadReader(maxHeaderSize);
    // A reset or a write after the peer left must never become an uncaught "error".
    socket.on("error", (err) => debug("connection error: %s", err.message));
    const timer = setTimeout(() => {
      stop();
      debug("no complete request head within %d ms", headersTimeout);
      refuse(socket, 408);
    }, headersTimeout);
    const stop = (): void => {
      clearTimeout(timer);
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("close", stop);
    };
    // The client finished sending before its head was complete (http.Server allows half-open sockets,
    // so nobody else would close it): there is nothing to answer.
    const onEnd = (): void => {
      stop();
      socket.destroy();
    };
    const onData = (chunk: Buffer): void => {
      const result = reader.push(chunk);
      if (result.state === "partial") return;
      stop();
      if (result.state === "error") {
        debug("refusing a request: %s", result.problem);
        refuse(socket, result.problem === "too-large" ? 431 : 400);
        return;
      }
      handOver(socket, result.head, result.bytes);
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
    socket.once("close", stop);
  };

  const handOver = (socket: Socket, head: RequestHead, bytes: Buffer): void => {
    // A worker that is shutting down may still be in `ready` until its exit event: skip it.
    const live = [...ready].filter((id) => cluster.workers?.[id]?.isConnected() === true);
    const workerId = balancer.route(head.sid, live);
    const worker = workerId === undefined ? undefined : cluster.workers?.[workerId];
    if (worker === undefined || !worker.isConnected()) {
      debug("no worker available for %s %s", head.method, head.target);
      refuse(socket, 503);
      return;
    }
    const data = Buffer.concat([bytes, ...stopReading(socket)]);
    debug("%s %s (sid %s) -> worker %d", head.method, head.target, head.sid ?? "-", worker.id);
    const message: ConnectionMessage = { type: CONNECTION, head: data.toString("base64") };
    try {
      worker.send(message, socket, { keepOpen: false }, (err: Error | null) => {
        if (err) {
          debug("could not pass a connection to worker %d: %s", worker.id, err.message);
          socket.destroy();
        }
      });
    } catch (err) {
      debug("could not pass a connection to worker %d: %s", worker.id, (err as Error).message);
      socket.destroy();
    }
  };

  const onMessage = (worker: Worker, msg: unknown): void => {
    if (isReadyMessage(msg)) {
      debug("worker %d ready", worker.id);
      ready.add(worker.id);
    } else if (isSessionMessage(msg)) {
      if (msg.type === SESSION) balancer.bind(msg.sid, worker.id);
      else balancer.unbind(msg.sid, worker.id);
    }
  };
  const onExit = (worker: Worker): void => {
    debug("worker %d gone, forgetting its sessions", worker.id);
    ready.delete(worker.id);
    balancer.dropWorker(worker.id);
  };

  server.on("connection", onConnection);
  cluster.on("message", onMessage);
  cluster.on("exit", onExit);
  cluster.on("disconnect", onExit);

  return {
    loadBalancingMethod: method,
    sessions: (workerId) => balancer.sessions(workerId),
    readyWorkers: () => [...ready],
    close() {
      server.off("connection", onConnection);
      cluster.off("message", onMessage);
      cluster.off("exit", onExit);
      cluster.off("disconnect", onExit);
    },
  };
}

/**
 * Stops reading from `socket` at the OS level and returns what the stream had buffered. `pause()` alone is
 * not enough: the handle keeps reading into the stream's buffer until its high-water mark, and once the
 * handle is sent those bytes would be lost. Stopped, unread bytes (a POST body, say) stay in the kernel
 * and the worker reads them from its copy of the descriptor.
 */
function stopReading(socket: Socket): Buffer[] {
  socket.pause();
  // Drain first: read() may restart the handle (Readable asks for more), so the stop comes after it,
  // with nothing asynchronous in between.
  const rest: Buffer[] = [];
  for (let chunk: unknown = socket.read(); chunk !== null; chunk = socket.read()) {
    if (Buffer.isBuffer(chunk)) rest.push(chunk);
  }
  const handle = (
    socket as unknown as { _handle?: { reading?: boolean; readStop?: () => number } | null }
  )._handle;
  if (handle && typeof handle.readStop === "function") {
    handle.reading = false;
    handle.readStop();
  }
  return rest;
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new StickyError("ERR_SB_STICKY_INVALID_OPTION", `${name} must be a positive number`);
  }
  return value;
}
