// Shared helpers for the engine's end-to-end tests: a server on 127.0.0.1:0, official
// engine.io-client peers; the cleanup registry and event waits are the test kit's (test/support).
import { createServer, request as httpRequest, type Server as HttpServer } from "node:http";
import { Socket as ClientSocket, type SocketOptions } from "engine.io-client";
import { WebSocket } from "ws";
import { Server, type AttachOptions, type ServerOptions, type Socket } from "../src/index.js";
import { cleanup as registry, onCleanup } from "../../../test/support/cleanup.js";
import { closeHttp, listen } from "../../../test/support/net.js";
import { once as kitOnce, type Listenable } from "../../../test/support/wait.js";

export { onCleanup } from "../../../test/support/cleanup.js";
export { collect, waitFor } from "../../../test/support/wait.js";

/** Resolves with the arguments of the next `event` (fails after 10 s, a bound for a hang). */
export function once<T extends unknown[] = unknown[]>(
  emitter: Listenable,
  event: string,
): Promise<T> {
  return kitOnce<T>(emitter, event, 10_000);
}

/** Runs the registered cleanups, last first (use in afterEach). */
export const cleanup = registry.run;

export interface TestServer {
  engine: Server;
  http: HttpServer;
  port: number;
  url: string;
  /** Resolves with the next server-side session. */
  nextConnection(): Promise<Socket>;
}

/** Starts an engine attached to a fresh http.Server on 127.0.0.1:0. */
export async function startServer(opts: ServerOptions & AttachOptions = {}): Promise<TestServer> {
  const http = createServer();
  const engine = new Server(opts).attach(http, opts);
  const port = await listen(http);
  onCleanup(() => {
    engine.close();
    return closeHttp(http);
  });
  const pending: Socket[] = [];
  const waiters: Array<(s: Socket) => void> = [];
  engine.on("connection", (socket) => {
    const waiter = waiters.shift();
    if (waiter) waiter(socket);
    else pending.push(socket);
  });
  return {
    engine,
    http,
    port,
    url: `http://127.0.0.1:${port}`,
    nextConnection: () =>
      new Promise<Socket>((resolve) => {
        const socket = pending.shift();
        if (socket) resolve(socket);
        else waiters.push(resolve);
      }),
  };
}

/** Opens an official engine.io-client socket and waits for `open` (and `upgrade` when asked). */
export async function connect(
  server: TestServer,
  opts: Partial<SocketOptions> & { waitUpgrade?: boolean } = {},
): Promise<ClientSocket> {
  const { waitUpgrade, ...rest } = opts;
  const client = new ClientSocket(server.url, rest);
  onCleanup(() => client.close());
  const upgraded = waitUpgrade ? once(client, "upgrade") : undefined;
  await once(client, "open");
  if (upgraded) await upgraded;
  return client;
}

interface FrameQueue {
  frames: string[];
  waiters: Array<(text: string) => void>;
}
const queues = new WeakMap<WebSocket, FrameQueue>();

/** Opens a raw `ws` client (no Engine.IO logic) on the engine path; frames are queued from the start. */
export async function rawWebSocket(server: TestServer, query: string): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine.io/?${query}`);
  onCleanup(() => ws.terminate());
  const queue: FrameQueue = { frames: [], waiters: [] };
  queues.set(ws, queue);
  ws.on("message", (data) => {
    const text = String(data);
    const waiter = queue.waiters.shift();
    if (waiter) waiter(text);
    else queue.frames.push(text);
  });
  await once(ws, "open");
  return ws;
}

/** Resolves with the next text frame of a raw ws client opened by `rawWebSocket`. */
export function nextText(ws: WebSocket): Promise<string> {
  const queue = queues.get(ws)!;
  const frame = queue.frames.shift();
  if (frame !== undefined) return Promise.resolve(frame);
  return new Promise((resolve) => queue.waiters.push(resolve));
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request to the engine (no client logic). */
export function raw(
  server: TestServer,
  method: string,
  query: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: "127.0.0.1",
        port: server.port,
        method,
        path: `/engine.io/?${query}`,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Polling handshake with raw HTTP; returns the sid. */
export async function rawHandshake(server: TestServer): Promise<string> {
  const res = await raw(server, "GET", "EIO=4&transport=polling");
  return (JSON.parse(res.body.slice(1).split("\x1e")[0]!) as { sid: string }).sid;
}
