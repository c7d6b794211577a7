// Socket.IO servers the client is tested against: the official `socket.io` package, and ours once built.
// Adding a peer is one entry in `peers`.
import { existsSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { Socket as NetSocket } from "node:net";
import { fileURLToPath } from "node:url";
import { listen } from "../../../test/support/net.js";
import { once, type Listenable } from "../../../test/support/wait.js";

/** The part of the Server API the tests use (socket.io's shape, which @switchboard/server copies). */
export interface PeerIo {
  on(ev: "connection", fn: (socket: any) => void): unknown;
  of(nsp: string): any;
  use(fn: (socket: any, next: (err?: Error) => void) => void): unknown;
  close(cb?: () => void): unknown;
  emit(ev: string, ...args: unknown[]): unknown;
  engine: any;
  sockets: any;
}

export interface Started {
  io: PeerIo;
  http: HttpServer;
  port: number;
  url: string;
  /** Destroys every TCP connection, upgraded WebSockets included (a network failure, as the client sees it). */
  dropAll(): void;
}

export interface Peer {
  name: string;
  /** Starts an http server on 127.0.0.1 (port 0 unless given) with a Socket.IO server attached. */
  start(opts?: Record<string, unknown>, port?: number): Promise<Started>;
}

function peer(
  name: string,
  load: () => Promise<{ Server: new (http: HttpServer, opts?: any) => PeerIo }>,
): Peer {
  return {
    name,
    async start(opts = {}, port = 0) {
      const { Server } = await load();
      const http = createServer();
      const tcp = new Set<NetSocket>();
      http.on("connection", (c: NetSocket) => {
        tcp.add(c);
        c.on("close", () => tcp.delete(c));
      });
      const io = new Server(http, opts);
      const p = await listen(http, port);
      return {
        io,
        http,
        port: p,
        url: `http://127.0.0.1:${p}`,
        dropAll: () => tcp.forEach((c) => c.destroy()),
      };
    },
  };
}

const oursBuilt = existsSync(fileURLToPath(new URL("../../server/dist/index.js", import.meta.url)));
const ours =
  oursBuilt &&
  (await import("@switchboard/server" as string).then(
    (m: Record<string, unknown>) => typeof m.Server === "function",
    () => false,
  ));
if (!ours)
  console.warn(
    "\n!!! @switchboard/server is not built yet: client tests run against socket.io only !!!\n",
  );

export const peers: Peer[] = [
  peer("socket.io", () => import("socket.io") as never),
  ...(ours ? [peer("switchboard", () => import("@switchboard/server" as string) as never)] : []),
];

/** Closes a started server and every connection it holds. */
export async function stop(s: Started | undefined): Promise<void> {
  if (!s) return;
  s.http.closeAllConnections();
  await new Promise<void>((resolve) => s.io.close(() => resolve()));
}

/** Resolves with the arguments of the next `ev` emitted by `em` (fails after 10 s of real time, a bound for a hang). */
export function next<T extends unknown[] = any[]>(em: Listenable, ev: string): Promise<T> {
  return once<T>(em, ev, 10_000);
}
