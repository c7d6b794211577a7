// Plumbing for the server's unit tests, on the test kit (test/support).
import { createServer, type Server as HttpServer } from "node:http";
import {
  io as ioc,
  type ManagerOptions,
  type Socket as ClientSocket,
  type SocketOptions,
} from "socket.io-client";
import { Server, type ServerOptions } from "@switchboard/server";
import { listen } from "../../../test/support/net.js";
import { once as kitOnce, type Listenable } from "../../../test/support/wait.js";

export { countdown } from "../../../test/support/wait.js";

/** The three ways the official client can reach us (docs/protocol.md §1.6). */
export const TRANSPORTS = [
  { name: "websocket", transports: ["websocket"] },
  { name: "polling", transports: ["polling"] },
  { name: "upgrade", transports: ["polling", "websocket"] },
] as const;

export type TransportCase = (typeof TRANSPORTS)[number];

export interface TestContext {
  io: Server;
  http: HttpServer;
  port: number;
  url: string;
  /** A client for `nsp`, closed by `cleanup()`. */
  client(nsp?: string, opts?: Partial<ManagerOptions & SocketOptions>): ClientSocket;
  cleanup(): Promise<void>;
}

/** Starts an HTTP server on 127.0.0.1:0 with our Server attached. */
export async function setup(
  opts: Partial<ServerOptions> = {},
  clientDefaults: Partial<ManagerOptions & SocketOptions> = {},
): Promise<TestContext> {
  const http = createServer();
  const io = new Server(http, opts);
  const port = await listen(http);
  const url = `http://127.0.0.1:${port}`;
  const clients: ClientSocket[] = [];
  return {
    io,
    http,
    port,
    url,
    client(nsp = "/", copts = {}) {
      const socket = ioc(url + nsp, {
        forceNew: true,
        reconnection: false,
        ...clientDefaults,
        ...copts,
      });
      clients.push(socket);
      return socket;
    },
    async cleanup() {
      for (const c of clients) c.io.engine?.close();
      for (const c of clients) c.disconnect();
      const closing = io.close();
      // A keep-alive polling connection that was busy when close() ran is not idle-closed by Node.
      http.closeAllConnections();
      await closing;
    },
  };
}

/** Resolves with the arguments of the next `event` of `emitter` (fails after 10 s, a bound for a hang). */
export function once<T extends unknown[] = unknown[]>(
  emitter: Listenable,
  event: string,
): Promise<T> {
  return kitOnce<T>(emitter, event, 10_000);
}

/** Resolves when the client is connected (rejects on connect_error). */
export function connected(socket: ClientSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** Resolves with the next server-side socket of the namespace. */
export function nextConnection<S>(nsp: {
  once(event: "connection", listener: (socket: S) => void): unknown;
}): Promise<S> {
  return new Promise((resolve) => {
    nsp.once("connection", resolve);
  });
}
