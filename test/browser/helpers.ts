// Plumbing for the headless-Chromium tests of the client bundle: launching Debian's Chromium through
// playwright-core (never a downloaded browser), and an app = http.Server + @switchboard/server that also
// serves two tiny pages loading the bundle from `/socket.io/…` (docs/protocol.md §3 `serveClient`).
import { existsSync } from "node:fs";
import {
  createServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { Server, type ServerOptions } from "@switchboard/server";
import type { io as ioFn, Socket as ClientSocket } from "@switchboard/client";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Launch flags from the task brief: no sandbox (containers), no background traffic, no QUIC. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** The page that loads the minified IIFE bundle (global `io`) with a plain `<script>` tag. */
const IIFE_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>iife</title>
<script src="/socket.io/socket.io.min.js"></script>
</head><body>iife</body></html>`;

/** The page that imports the ESM bundle; it publishes `io` on `window.esmIo` once the module ran. */
const ESM_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>esm</title>
<script type="module">
import { io } from "/socket.io/socket.io.esm.min.js";
window.esmIo = io;
</script>
</head><body>esm</body></html>`;

/** What the page-side code keeps on `window` (cast inside `page.evaluate`, which runs in the page). */
export interface PageWindow {
  io: typeof ioFn;
  esmIo?: typeof ioFn;
  socket: ClientSocket;
  rec: PageRecord;
}

/** Page-side event log, read back with `page.evaluate` / `page.waitForFunction`. */
export interface PageRecord {
  connects: number;
  disconnects: string[];
  reconnects: number[];
  engineUpgrades: string[];
  events: unknown[][];
}

/** One request the http server finished, for the cache (ETag / 304) checks. */
export interface RequestLog {
  url: string;
  ifNoneMatch: string | undefined;
  status: number;
}

export interface App {
  io: Server;
  http: HttpServer;
  port: number;
  /** `http://127.0.0.1:<port>` */
  url: string;
  requests: RequestLog[];
  close(): Promise<void>;
}

const open = new Set<App>();

function pages(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0];
  const html = path === "/" ? IIFE_PAGE : path === "/esm" ? ESM_PAGE : undefined;
  if (html === undefined) {
    res.writeHead(404).end();
    return;
  }
  res
    .writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" })
    .end(html);
}

/**
 * Start an app on 127.0.0.1 (`port` 0 = any free port; a fixed port to restart "the same" server).
 * `setup` runs before listening, so no connection can arrive before the handlers exist.
 */
export async function startApp(
  setup: (io: Server) => void,
  port = 0,
  opts: Partial<ServerOptions> = {},
): Promise<App> {
  const http = createServer(pages);
  const io = new Server(http, opts);
  setup(io);
  const requests: RequestLog[] = [];
  // Added after the server attached, so it observes every request (the client files included) without answering.
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const ifNoneMatch = req.headers["if-none-match"];
    res.on("finish", () =>
      requests.push({ url: req.url ?? "", ifNoneMatch, status: res.statusCode }),
    );
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(port, "127.0.0.1", () => {
      http.off("error", reject);
      resolve();
    });
  });
  const actual = (http.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const app: App = {
    io,
    http,
    port: actual,
    url: `http://127.0.0.1:${actual}`,
    requests,
    close() {
      open.delete(app);
      closing ??= (async () => {
        const done = io.close();
        // A browser keeps idle keep-alive connections; without this `http.close` would wait for them.
        http.closeAllConnections();
        await done;
      })();
      return closing;
    },
  };
  open.add(app);
  return app;
}

/** Close every app a test left open (afterEach). */
export async function closeApps(): Promise<void> {
  await Promise.all([...open].map((app) => app.close()));
}

/** Open a fresh page whose uncaught errors are collected (a test asserts there are none). */
export async function newPage(browser: Browser): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  // Fail a stuck page-side wait with Playwright's message (which wait, which condition) before Vitest's 20 s.
  page.setDefaultTimeout(8000);
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(String(err)));
  return { page, errors };
}
