// Sockets for tests, loopback only: free ports, HTTP servers on port 0, a Socket.IO server (ours or the
// official one) on them, and official socket.io-client sockets, each registered for cleanup.
import { createServer, type RequestListener, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  io as ioc,
  Manager,
  type ManagerOptions,
  type Socket as ClientSocket,
  type SocketOptions,
} from "socket.io-client";
import { cleanup } from "./cleanup.js";
import { withTimeout } from "./wait.js";

export const HOST = "127.0.0.1";

export { freePort } from "./services.js";

/** Listens on 127.0.0.1 (port 0 unless given) and resolves with the port. */
export async function listen(server: HttpServer, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** `http://127.0.0.1:<port>` */
export function urlOf(server: HttpServer): string {
  return `http://${HOST}:${(server.address() as AddressInfo).port}`;
}

/** Cuts every connection (keep-alive polling ones are not idle-closed by Node) and closes the server. */
export async function closeHttp(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  if (!server.listening) return;
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export interface StartedHttp {
  http: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** A fresh HTTP server on 127.0.0.1:0, closed after the test. */
export async function startHttp(handler?: RequestListener): Promise<StartedHttp> {
  const http = handler ? createServer(handler) : createServer();
  cleanup.add(() => closeHttp(http), true);
  const port = await listen(http);
  return { http, port, url: `http://${HOST}:${port}` };
}

/** What closing a Socket.IO server needs (socket.io's or ours). */
export interface Closable {
  close(): unknown;
}

/**
 * Closes a Socket.IO server and its HTTP server. If `io.close()` does not finish, the connections are cut so
 * the suite goes on, and the error is rethrown: a server that cannot close is a bug worth a failing test.
 */
export async function closeServer(io: Closable, http: HttpServer | undefined): Promise<void> {
  let failure: unknown;
  try {
    await withTimeout(Promise.resolve(io.close()), 2000, "io.close() during cleanup");
  } catch (err) {
    failure = err;
  }
  if (http) await closeHttp(http);
  if (failure !== undefined) throw failure;
}

export interface StartedIo<S> extends StartedHttp {
  io: S;
}

/**
 * `new Server(http, opts)` (socket.io's or ours) on 127.0.0.1:0, both closed after the test.
 */
export async function startIo<S extends Closable, O>(
  Server: new (http: HttpServer, opts?: O) => S,
  opts?: O,
  handler?: RequestListener,
): Promise<StartedIo<S>> {
  const http = handler ? createServer(handler) : createServer();
  const io = new Server(http, opts);
  cleanup.add(() => closeServer(io, http), true);
  const port = await listen(http);
  return { io, http, port, url: `http://${HOST}:${port}` };
}

export type ClientOptions = Partial<ManagerOptions & SocketOptions>;

/** Options every test client gets: its own connection, no reconnection, a 3 s connect timeout. */
export const CLIENT_DEFAULTS: ClientOptions = {
  forceNew: true,
  reconnection: false,
  timeout: 3000,
};

/** Closes an official client socket and its Manager's connection (no reconnection afterwards). */
export function closeClient(socket: ClientSocket): void {
  socket.disconnect();
  socket.io._close();
}

/** An official `socket.io-client` socket (not awaited), closed after the test. */
export function connect(uri: string, opts: ClientOptions = {}): ClientSocket {
  const socket = ioc(uri, { ...CLIENT_DEFAULTS, ...opts });
  cleanup.add(() => closeClient(socket));
  return socket;
}

/** An official `Manager`, to multiplex namespaces on one Engine.IO connection; closed after the test. */
export function manager(uri: string, opts: ClientOptions = {}): Manager {
  const m = new Manager(uri, { reconnection: false, timeout: 3000, ...opts });
  cleanup.add(() => m._close());
  return m;
}

/** Resolves when `socket` is connected; its `connect_error` rejects with the server's error. */
export async function waitConnect(socket: ClientSocket, ms = 3000): Promise<void> {
  if (socket.connected) return;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      const onConnect = (): void => {
        socket.off("connect_error", onError);
        resolve();
      };
      const onError = (err: Error): void => {
        socket.off("connect", onConnect);
        reject(err);
      };
      socket.once("connect", onConnect);
      socket.once("connect_error", onError);
    }),
    ms,
    "client connect",
  );
}
