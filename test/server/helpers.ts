// Shared plumbing for the black-box server suite, on the test kit (test/support): the cleanup registry for
// `afterEach`, event waits with a timeout, server start on port 0 (loopback only), and official
// socket.io-client factories.
import type { RequestListener, Server as HttpServer } from "node:http";
import type { Server as IOServer, ServerOptions, Socket as ServerSocket } from "socket.io";
import type { Socket as ClientSocket } from "socket.io-client";
import {
  CLIENT_DEFAULTS,
  connect,
  startIo,
  waitConnect,
  type ClientOptions,
} from "../support/net.js";
import { once } from "../support/wait.js";
import type { ServerCtor, TransportSetting } from "./impls.js";

export type { ClientSocket, ServerSocket, IOServer, ClientOptions };
export { Cleanup, cleanup } from "../support/cleanup.js";
export { closeServer, connect, manager, waitConnect } from "../support/net.js";
export { once, withTimeout } from "../support/wait.js";

export interface Started {
  io: IOServer;
  httpServer: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
}

/** `new Server(httpServer, opts)` on 127.0.0.1, port 0; closed after the test. */
export async function startServer(
  Server: ServerCtor,
  opts: Partial<ServerOptions> = {},
  handler?: RequestListener,
): Promise<Started> {
  const { io, http, port, url } = await startIo(Server, opts, handler);
  return { io, httpServer: http, port, url };
}

/** Client options for one transport setting (no automatic reconnection unless a test asks for it). */
export function clientOptions(
  setting: TransportSetting | undefined,
  extra: ClientOptions = {},
): ClientOptions {
  return {
    ...CLIENT_DEFAULTS,
    ...(setting?.transports ? { transports: setting.transports } : {}),
    ...extra,
  };
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
  if (ArrayBuffer.isView(value))
    return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  throw new Error(`not binary: ${Object.prototype.toString.call(value)}`);
}
