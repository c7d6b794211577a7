// Servers and clients for the contract tests: our Server on 127.0.0.1:0, the official socket.io-client and ours.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import {
  io as ours,
  type ManagerOptions,
  type Socket as OurSocket,
  type SocketOptions,
} from "@switchboard/client";
import { Server, type ServerOptions } from "@switchboard/server";
import { io as official, type Socket as OfficialSocket } from "socket.io-client";

export interface Ctx {
  io: Server;
  http: HttpServer;
  url: string;
  /** An official socket.io-client socket (websocket unless `transports` says otherwise). */
  official(nsp?: string, transports?: ("polling" | "websocket")[]): OfficialSocket;
  /** One of our client's sockets. */
  ours(nsp: string, opts: Partial<ManagerOptions & SocketOptions>): OurSocket<any, any>;
  close(): Promise<void>;
}

export async function start(opts: Partial<ServerOptions<any, any>> = {}): Promise<Ctx> {
  const http = createServer();
  const io = new Server(http, opts as Partial<ServerOptions>);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const opened: { disconnect(): unknown }[] = [];
  return {
    io,
    http,
    url,
    official(nsp = "/", transports = ["websocket"]) {
      const s = official(url + nsp, { forceNew: true, reconnection: false, transports });
      opened.push(s);
      return s;
    },
    ours(nsp, copts) {
      const s = ours(url + nsp, { forceNew: true, reconnection: false, ...copts }) as OurSocket<
        any,
        any
      >;
      opened.push(s);
      return s;
    },
    async close() {
      for (const s of opened) s.disconnect();
      const closing = io.close();
      http.closeAllConnections();
      await closing;
    },
  };
}

/** Resolves once `socket` is connected. */
export function connected(socket: {
  connected: boolean;
  once(ev: string, fn: (...a: any[]) => void): unknown;
}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.connected) return resolve();
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
}

/** The arguments of the next `event`. */
export function next<T extends unknown[] = any[]>(
  emitter: { once(ev: string, fn: (...a: any[]) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (...args: any[]) => resolve(args as T)));
}
