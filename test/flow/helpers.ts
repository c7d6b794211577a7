// Shared plumbing of the flow-control suite (issue #18): a Switchboard server on a loopback port, official
// socket.io-client connections, stalling a client (its TCP socket paused, or its polling stopped), and
// waiting on events with a deadline (test/support/wait.ts).
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo, Socket as NetSocket } from "node:net";
import { Server, type ServerOptions, type Socket as ServerSocket } from "@switchboard/server";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { once, waitUntil, withTimeout, type Listenable } from "../support/wait.js";

export type { ClientSocket, ServerSocket };
export type Transport = "websocket" | "polling";

/** Everything a test opened, closed after it (in reverse order). */
const tasks: (() => unknown)[] = [];

export async function closeAll(): Promise<void> {
  for (const task of tasks.splice(0).reverse()) {
    try {
      await task();
    } catch {
      // closing what already closed
    }
  }
}

export interface Started {
  io: Server;
  http: HttpServer;
  url: string;
}

export async function start(opts: Partial<ServerOptions> = {}): Promise<Started> {
  const http = createServer();
  const io = new Server(http, opts);
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  tasks.push(
    () =>
      new Promise<void>((resolve) => {
        void io.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  );
  return { io, http, url };
}

let tags = 0;

/** Connects `n` clients and returns them with their server sockets, in order. */
export async function connectMany(
  started: Started,
  transport: Transport,
  n: number,
): Promise<{ client: ClientSocket; socket: ServerSocket }[]> {
  const out: { client: ClientSocket; socket: ServerSocket }[] = [];
  for (let i = 0; i < n; i++) out.push(await connect(started, transport));
  return out;
}

/** An official client over one transport (no reconnection), connected, with its server socket. */
export async function connect(
  started: Started,
  transport: Transport,
  extra: Record<string, unknown> = {},
): Promise<{ client: ClientSocket; socket: ServerSocket }> {
  const tag = String(++tags);
  const seen = new Promise<ServerSocket>((resolve) => {
    const onConnection = (s: ServerSocket): void => {
      if ((s.handshake.auth as { tag?: string }).tag !== tag) return;
      started.io.off("connection", onConnection);
      resolve(s);
    };
    started.io.on("connection", onConnection);
  });
  const client = ioc(started.url, {
    transports: [transport],
    reconnection: false,
    forceNew: true,
    auth: { tag },
    ...extra,
  });
  tasks.push(() => client.disconnect());
  const socket = await withTimeout(seen, 5000, "connection");
  if (!client.connected) await waitFor(client, "connect");
  return { client, socket };
}

/** Stops the client reading: its TCP socket (WebSocket) is paused, or it stops polling. */
export function stall(client: ClientSocket): () => void {
  const transport = (client.io as unknown as { engine: { transport: any } }).engine.transport;
  if (transport.name === "websocket") {
    const raw = transport.ws._socket as NetSocket;
    raw.pause();
    // A paused client cannot finish a close handshake: cut it at cleanup.
    tasks.push(() => raw.destroy());
    return () => raw.resume();
  }
  // The pause takes effect once the poll in flight returns: a resume asked before that waits for it.
  let paused = false;
  let wanted = false;
  const resume = (): void => {
    transport.readyState = "open";
    if (!transport._polling) transport._poll();
  };
  transport.pause(() => {
    paused = true;
    if (wanted) resume();
  });
  return () => {
    if (paused) resume();
    else wanted = true;
  };
}

export { withTimeout };

/** The arguments of the next `event`, or a rejection after `ms` (test/support/wait.ts's `once`). */
export function waitFor<T extends unknown[] = unknown[]>(
  emitter: Listenable,
  event: string,
  ms = 5000,
): Promise<T> {
  return once<T>(emitter, event, ms);
}

/**
 * Resolves when `predicate` holds, or fails after `ms` naming `what` (test/support/wait.ts's `waitUntil`, asking
 * again after each turn of the event loop: the pacing loops wait on it hundreds of times).
 */
export function until(predicate: () => boolean, ms = 5000, what = "condition"): Promise<void> {
  return waitUntil(predicate, what, ms, 0);
}

export const turn = (): Promise<void> => new Promise((r) => setImmediate(r));
