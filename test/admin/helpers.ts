// Plumbing for the end-to-end admin tests: a static server for the official UI's files, our server
// instrumented on port 0, and a cleanup list.
import bcrypt from "bcryptjs";
import { readFile } from "node:fs/promises";
import { createServer, type Server as HttpServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { instrument, type Instrumentation, type InstrumentOptions } from "@switchboard/admin";
import { Server, type ServerOptions } from "@switchboard/server";
import { cleanup, onCleanup } from "../support/cleanup.js";
import { closeHttp, listen as listenOn } from "../support/net.js";

export const USER = "admin";
export const PASSWORD = "ui-pass-123";
export const BASIC = {
  type: "basic" as const,
  username: USER,
  password: bcrypt.hashSync(PASSWORD, 4),
};

/** The files the `@socket.io/admin-ui` npm package ships for its hosted UI. */
export const OFFICIAL_UI_DIR = fileURLToPath(
  new URL("../../node_modules/@socket.io/admin-ui/ui/dist/", import.meta.url),
);

export { onCleanup } from "../support/cleanup.js";

/** Close everything opened since the last call, newest first (the kit's registry: for afterEach). */
export const closeAll = cleanup.run;

async function listen(http: HttpServer): Promise<string> {
  const port = await listenOn(http);
  onCleanup(() => closeHttp(http));
  return `http://127.0.0.1:${port}`;
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
      (body) =>
        res
          .writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream" })
          .end(body),
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
export async function startNode(
  opts: Partial<InstrumentOptions>,
  serverOpts: Partial<ServerOptions> = {},
): Promise<Node> {
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
