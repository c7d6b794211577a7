// Plumbing for the end-to-end admin tests: a static server for the official UI's files, our server
// instrumented on port 0, and a cleanup list.
import bcrypt from "bcryptjs";
import { readFile } from "node:fs/promises";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { instrument, type Instrumentation, type InstrumentOptions } from "@switchboard/admin";
import { Server, type ServerOptions } from "@switchboard/server";

export const USER = "admin";
export const PASSWORD = "ui-pass-123";
export const BASIC = { type: "basic" as const, username: USER, password: bcrypt.hashSync(PASSWORD, 4) };

/** The files the `@socket.io/admin-ui` npm package ships for its hosted UI. */
export const OFFICIAL_UI_DIR = fileURLToPath(new URL("../../node_modules/@socket.io/admin-ui/ui/dist/", import.meta.url));

const tasks: (() => unknown)[] = [];

export function onCleanup(task: () => unknown): void {
  tasks.push(task);
}

/** Close everything opened since the last call, newest first (for afterEach). */
export async function closeAll(): Promise<void> {
  for (const task of tasks.splice(0).reverse()) {
    try {
      await Promise.race([Promise.resolve(task()), new Promise((r) => setTimeout(r, 3000))]);
    } catch {
      // keep closing the rest
    }
  }
}

async function listen(http: HttpServer): Promise<string> {
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  onCleanup(async () => {
    http.closeAllConnections();
    await new Promise((r) => http.close(r));
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".css": "text/css",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".map": "application/json",
};

/** Serve a directory over loopback; returns its origin. */
export async function serveStatic(dir: string): Promise<string> {
  const http = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir)) return void res.writeHead(403).end();
    readFile(file).then(
      (body) => res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  return listen(http);
}

export interface Node {
  io: Server;
  url: string;
  admin: Instrumentation;
}

/** Our server on port 0 with `instrument(io, opts)`. */
export async function startNode(opts: Partial<InstrumentOptions>, serverOpts: Partial<ServerOptions> = {}): Promise<Node> {
  const http = createServer();
  const io = new Server(http, serverOpts);
  const admin = instrument(io, opts);
  onCleanup(() => {
    admin.close();
    return io.close();
  });
  const url = await listen(http);
  return { io, url, admin };
}
