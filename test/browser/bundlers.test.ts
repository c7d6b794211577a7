// @switchboard/client imported the way applications import it, through a bundler (issue #14, item 8): the fixture
// page (test/browser/fixtures/bundlers/) built with Vite's defaults and with esbuild (`bundle`, `minify`,
// `platform: "browser"`), which must pick the browser files by the packages' `exports`/`imports` conditions on
// their own — no Node builtin, no `ws`, no `debug` — stay within the gzip budget, and work in headless Chromium
// against a real @switchboard/server: binary and acks both ways, ending on WebSocket. The same page built with
// socket.io-client is measured beside it (printed, not asserted).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import { builtinModules } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { Server } from "@switchboard/server";
import { CHROMIUM, hasChromium, launchBrowser, newPage } from "./helpers.js";

const CI = process.env["CI"] === "true";
const skipBrowser = !hasChromium && !CI;
if (skipBrowser)
  console.warn(
    `\n!!! ${CHROMIUM} is missing: the bundler pages are built and measured but NOT run !!!\n`,
  );

/**
 * gzip -9 bytes of all the JavaScript Vite emits for the page (our client, the page's own code and Vite's
 * modulepreload polyfill, ~285 B): issue #14's target. Growth is a decision (the client README keeps the history).
 */
const VITE_GZIP_BUDGET = 9_500;

interface Built {
  dir: string;
  html: string;
  modules: string[];
}

const fixture = fileURLToPath(new URL("./fixtures/bundlers/", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "sb-bundlers-"));
let builds: Record<string, Built> = {};

/** The bundle's JavaScript files, concatenated. */
function javascript(b: Built): Buffer {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith(".js")) files.push(join(dir, e.name));
    }
  };
  walk(b.dir);
  return Buffer.concat(files.sort().map((f) => readFileSync(f)));
}

const gzip = (buf: Buffer): number => gzipSync(buf, { level: 9 }).length;

beforeAll(() => {
  // A child process, so that Vite runs without the test runner's NODE_ENV, as it does in an app's repository.
  const env = { ...process.env };
  delete env["NODE_ENV"];
  const stdout = execFileSync(process.execPath, [join(fixture, "build.mjs"), out], {
    env,
    encoding: "utf8",
  });
  builds = JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, Built>;
}, 60_000);

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the fixture page built by bundlers", () => {
  it("prints Vite's and esbuild's sizes beside socket.io-client's and keeps Vite's within the budget", () => {
    const size = (key: string) => gzip(javascript(builds[key]!));
    const rows = ["vite", "esbuild"].map((tool) => {
      const ours = size(`${tool} switchboard`);
      const theirs = size(`${tool} socket.io-client`);
      return `${tool.padEnd(8)} @switchboard/client ${ours} B gzip   socket.io-client ${theirs} B gzip`;
    });
    console.log(`\nfixture page, all its JavaScript (gzip -9):\n${rows.join("\n")}\n`);
    expect(size("vite switchboard")).toBeLessThanOrEqual(VITE_GZIP_BUDGET);
  });

  const node = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
  it.each([
    "vite switchboard",
    "esbuild switchboard",
    "vite socket.io-client",
    "esbuild socket.io-client",
  ])("%s: no Node builtin or Node-only module reached the bundle", (key) => {
    const b = builds[key]!;
    expect(b.modules.length).toBeGreaterThan(10);
    const nodeOnly = b.modules.filter(
      (m) =>
        node.has(m) ||
        m.startsWith("node:") ||
        /node_modules\/(ws|debug)\/|\.node\.js$|cookie-jar/.test(m),
    );
    expect(nodeOnly).toEqual([]);
    const code = javascript(b).toString("utf8");
    expect(code).not.toMatch(/["'`]node:/);
    expect(code).not.toMatch(/\brequire\(/);
  });

  it.each(["vite switchboard", "esbuild switchboard"])(
    "%s: took the browser files and compiled logging out",
    (key) => {
      const ours = builds[key]!.modules.filter((m) => /(^|\/)packages\//.test(m));
      const has = (file: string) => ours.some((m) => m.endsWith(file));
      for (const twin of [
        "engine-parser/dist/base64",
        "engine-client/dist/utf8",
        "engine-client/dist/runtime",
        "engine-client/dist/log",
        "parser/dist/parse-packet",
        "parser/dist/placeholders",
        "parser/dist/decode-error",
        "parser/dist/checks",
        "emitter/dist/emitter-base",
      ]) {
        // A twin whose exports were all inlined (the runtime flags) may be gone from the list; never the Node file.
        expect(has(`${twin}.js`), twin).toBe(false);
      }
      for (const twin of [
        "engine-parser/dist/base64",
        "parser/dist/parse-packet",
        "emitter/dist/emitter-base",
      ]) {
        expect(has(`${twin}.browser.js`), twin).toBe(true);
      }
      const code = javascript(builds[key]!).toString("utf8");
      // The public PacketType enum is not shipped: the client and the parser use its digits, which are inlined.
      expect(code).not.toMatch(/BINARY_EVENT|CONNECT_ERROR/);
      // The log messages are gone (esbuild keeps the namespaces of the loggers it no longer calls: a few bytes).
      for (const message of [
        "setting transport",
        "probing transport",
        "will wait %dms",
        "socket connected with id",
      ]) {
        expect(code).not.toContain(message);
      }
      // Developer checks (`#checks`, `#runtime`'s CHECKS) are compiled out too; esbuild keeps the dead branch.
      if (key.startsWith("vite"))
        for (const message of ["unknown packet type", "specifying both"])
          expect(code).not.toContain(message);
    },
  );
});

describe.skipIf(skipBrowser)("the bundled page in headless Chromium", () => {
  let browser: Browser | undefined;
  let http: HttpServer | undefined;
  let io: Server | undefined;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI=true: browser tests must run)`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    const closing = io?.close();
    http?.closeAllConnections();
    await closing;
    io = undefined;
    http = undefined;
  });

  /** Serves the built page's files, with @switchboard/server attached; resolves with the page's URL. */
  async function serve(b: Built): Promise<{ url: string; serverAck: Promise<unknown[]> }> {
    const types: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };
    http = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0]!;
      const file = join(b.dir, path === "/" ? b.html : path);
      if (!file.startsWith(b.dir) || !(extname(file) in types))
        return void res.writeHead(404).end();
      try {
        res
          .writeHead(200, { "Content-Type": `${types[extname(file)]}; charset=utf-8` })
          .end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    io = new Server(http);
    const serverAck = new Promise<unknown[]>((resolve) => {
      io!.on("connection", (socket) => {
        socket.on("echo", (data: unknown, ack: (x: unknown) => void) => ack(data));
        socket.emit("server-binary", new Uint8Array([4, 5, 6]), (...reply: unknown[]) =>
          resolve(reply),
        );
      });
    });
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/`, serverAck };
  }

  it.each(["vite switchboard", "esbuild switchboard"])(
    "%s: binary and acks both ways, ending on WebSocket",
    async (key) => {
      const { url, serverAck } = await serve(builds[key]!);
      const { page, errors } = await newPage(browser!);
      try {
        await page.goto(url);
        await page.waitForFunction(() => {
          const r = (window as unknown as { result?: { received?: unknown; transport?: string } })
            .result;
          return r?.received !== undefined && r.transport !== undefined;
        });
        const result = await page.evaluate(() => (window as unknown as { result: unknown }).result);
        expect(result).toEqual({ received: [4, 5, 6], acked: [1, 2, 3], transport: "websocket" });
        const [reply] = await serverAck;
        expect(Buffer.isBuffer(reply) ? [...reply] : reply).toEqual([6, 5, 4]);
        expect(errors).toEqual([]);
      } finally {
        await page.close();
      }
    },
  );
});
