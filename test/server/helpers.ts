// Shared plumbing for the black-box server suite: a cleanup registry for `afterEach`, an event promise with
// a timeout, server start on port 0 (loopback only), and official socket.io-client factories.
import { createServer, type RequestListener, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Server as IOServer, ServerOptions, Socket as ServerSocket } from "socket.io";
import { io as ioc, Manager, type ManagerOptions, type Socket as ClientSocket, type SocketOptions } from "socket.io-client";
import type { ServerCtor, TransportSetting } from "./impls.js";

export type { ClientSocket, ServerSocket, IOServer };
export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/**
 * Everything a test opened, closed in reverse order after it. Every task runs even if one fails; a failing
 * `strict` task (closing a server) then fails the test, so a server that cannot close is never hidden.
 */
export class Cleanup {
  #tasks: { task: () => unknown; strict: boolean }[] = [];

  add(task: () => unknown, strict = false): void {
    this.#tasks.push({ task, strict });
  }

  run = async (): Promise<void> => {
    const tasks = this.#tasks.reverse();
    this.#tasks = [];
    let failure: unknown;
    for (const { task, strict } of tasks) {
      try {
        await withTimeout(Promise.resolve(task()), 4000, "cleanup task");
      } catch (err) {
        if (strict && failure === undefined) failure = err;
      }
    }
    if (failure !== undefined) throw failure;
  };
}

export const cleanup = new Cleanup();

/** Resolves (or rejects) `p`, or rejects after `ms` with a message naming what was awaited. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([p, expiry]).finally(() => clearTimeout(timer));
}

/** The arguments of the next `event` on `emitter`, or a rejection after `ms`. */
export function once<T extends unknown[] = any[]>(emitter: any, event: string, ms = 3000): Promise<T> {
  let listener: ((...args: any[]) => void) | undefined;
  const p = new Promise<T>((resolve) => {
    listener = (...args: any[]) => resolve(args as T);
    emitter.once(event, listener);
  });
  return withTimeout(p, ms, `"${event}"`).catch((err: unknown) => {
    emitter.off?.(event, listener);
    throw err;
  });
}

export interface Started {
  io: IOServer;
  httpServer: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/**
 * Closes a Socket.IO server and its HTTP server. If `io.close()` does not finish, the connections are cut so
 * the suite goes on, and the error is rethrown: a server that cannot close is a bug worth a failing test.
 */
export async function closeServer(io: IOServer, httpServer: HttpServer | undefined): Promise<void> {
  let failure: unknown;
  try {
    await withTimeout(Promise.resolve(io.close()), 2000, "io.close() during cleanup");
  } catch (err) {
    failure = err;
  }
  httpServer?.closeAllConnections();
  if (httpServer?.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
  if (failure !== undefined) throw failure;
}

/** `new Server(httpServer, opts)` on 127.0.0.1, port 0; closed after the test. */
export async function startServer(
  Server: ServerCtor,
  opts: Partial<ServerOptions> = {},
  handler?: RequestListener,
): Promise<Started> {
  const httpServer = handler ? createServer(handler) : createServer();
  const io = new Server(httpServer, opts);
  cleanup.add(() => closeServer(io, httpServer), true);
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { io, httpServer, port, url: `http://127.0.0.1:${port}` };
}

/** Client options for one transport setting (no automatic reconnection unless a test asks for it). */
export function clientOptions(setting: TransportSetting | undefined, extra: ClientOptions = {}): ClientOptions {
  return {
    forceNew: true,
    reconnection: false,
    timeout: 3000,
    ...(setting?.transports ? { transports: setting.transports } : {}),
    ...extra,
  };
}

/** A `socket.io-client` socket (not awaited), closed after the test. */
export function connect(uri: string, opts: ClientOptions = {}): ClientSocket {
  const socket = ioc(uri, { forceNew: true, reconnection: false, timeout: 3000, ...opts });
  cleanup.add(() => {
    socket.disconnect();
    socket.io._close();
  });
  return socket;
}

/** A `Manager` for multiplexing several namespaces on one Engine.IO connection, closed after the test. */
export function manager(uri: string, opts: ClientOptions = {}): Manager {
  const m = new Manager(uri, { reconnection: false, timeout: 3000, ...opts });
  cleanup.add(() => m._close());
  return m;
}

/** Waits for `connect`; a `connect_error` rejects with the server's error. */
export async function waitConnect(socket: ClientSocket, ms = 3000): Promise<void> {
  if (socket.connected) return;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      socket.once("connect", () => resolve());
      socket.once("connect_error", (err: Error) => reject(err));
    }),
    ms,
    "client connect",
  );
}

export interface Pair {
  client: ClientSocket;
  server: ServerSocket;
}

/** Connects a client to `nsp` and returns it with its server-side socket (found by the shared socket id). */
export async function connectPair(
  started: Started,
  setting: TransportSetting | undefined,
  nsp = "/",
  extra: ClientOptions = {},
): Promise<Pair> {
  const client = connect(started.url + nsp, clientOptions(setting, extra));
  await waitConnect(client);
  const server = started.io.of(nsp).sockets.get(client.id!);
  if (!server) throw new Error(`no server socket with the client's id ${client.id} in ${nsp}`);
  return { client, server };
}

/** Records every event a client receives, as `[event, ...args]`. */
export function record(client: ClientSocket): unknown[][] {
  const log: unknown[][] = [];
  client.onAny((event: string, ...args: unknown[]) => log.push([event, ...args]));
  return log;
}

/**
 * Ordering barrier: emits a marker to each client from the server side and waits for it. Packets on one
 * connection arrive in order, so anything broadcast before the barrier has arrived once it returns; a client
 * that did not get an event by then never will. No sleep involved.
 */
export async function barrier(pairs: Pair[]): Promise<void> {
  await Promise.all(
    pairs.map(async ({ client, server }) => {
      const got = once(client, "__barrier");
      server.emit("__barrier");
      await got;
    }),
  );
}

/** Events of `log` named `event`, without the event name. */
export function eventsNamed(log: unknown[][], event: string): unknown[][] {
  return log.filter((e) => e[0] === event).map((e) => e.slice(1));
}

/** The bytes of any binary value a client may hand out (Buffer, ArrayBuffer or a typed array). */
export function bytes(value: unknown): number[] {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value)) return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  throw new Error(`not binary: ${Object.prototype.toString.call(value)}`);
}
