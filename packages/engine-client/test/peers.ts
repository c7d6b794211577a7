// Engine.IO servers the client is tested against: the official `engine.io` package, and ours once built.
import { existsSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { fileURLToPath } from "node:url";
import { listen } from "../../../test/support/net.js";
import { once, type Listenable } from "../../../test/support/wait.js";

/** The server-side socket API both peers share (engine.io's shape). */
export interface PeerSocket {
  id: string;
  transport: { name: string };
  send(data: unknown): void;
  close(): void;
  on(ev: string, fn: (...args: any[]) => void): unknown;
  once(ev: string, fn: (...args: any[]) => void): unknown;
}

export interface PeerServer {
  on(ev: "connection", fn: (socket: PeerSocket) => void): unknown;
  once(ev: string, fn: (...args: any[]) => void): unknown;
  close(): void;
  clientsCount: number;
}

export interface Peer {
  name: string;
  /** Starts an http server on 127.0.0.1:0 with the engine attached. */
  start(
    opts?: Record<string, unknown>,
  ): Promise<{ engine: PeerServer; http: HttpServer; port: number; url: string }>;
}

function peer(
  name: string,
  load: () => Promise<{ attach: (http: HttpServer, opts?: any) => unknown }>,
): Peer {
  return {
    name,
    async start(opts = {}) {
      const mod = await load();
      const http = createServer();
      const engine = mod.attach(http, opts) as PeerServer;
      const port = await listen(http);
      return { engine, http, port, url: `http://127.0.0.1:${port}` };
    },
  };
}

const ours = fileURLToPath(new URL("../../engine/dist/index.js", import.meta.url));
const oursReady =
  existsSync(ours) &&
  (await import("@switchboard/engine").then(
    (m: Record<string, unknown>) => typeof m.attach === "function",
    () => false,
  ));
if (!oursReady)
  console.warn(
    "\n!!! @switchboard/engine is not built (or has no attach yet): engine-client tests run against engine.io only !!!\n",
  );

export const peers: Peer[] = [
  peer("engine.io", () => import("engine.io") as never),
  ...(oursReady ? [peer("switchboard", () => import("@switchboard/engine") as never)] : []),
];

/** Closes an http server and its engine, dropping open connections. */
export async function stop(s: { engine: PeerServer; http: HttpServer } | undefined): Promise<void> {
  if (!s) return;
  s.engine.close();
  s.http.closeAllConnections();
  await new Promise<void>((resolve) => s.http.close(() => resolve()));
}

/** Resolves with the arguments of the next `ev` emitted by `em` (fails after 10 s of real time, a bound for a hang). */
export function next<T extends unknown[] = unknown[]>(em: Listenable, ev: string): Promise<T> {
  return once<T>(em, ev, 10_000);
}
