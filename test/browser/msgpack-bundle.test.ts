// socket.io.msgpack.min.js (issue #20) in headless Chromium: the bundle served by @switchboard/server, whose
// default parser is the msgpack one, connects to a server configured with `parser: msgpack` (which refuses text
// packets) and exchanges events with acks and binary both ways. Waits are on events, never sleeps.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { Server, type Socket as ServerSocket } from "@switchboard/server";
import * as msgpack from "@switchboard/parser/msgpack";
import { CHROMIUM, hasChromium, launchBrowser, newPage } from "./helpers.js";

const CI = process.env["CI"] === "true";
const skip = !hasChromium && !CI;
if (skip)
  console.warn(
    `\n!!! ${CHROMIUM} is missing: the browser test of the msgpack bundle is SKIPPED !!!\n`,
  );

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>msgpack</title>
<script src="/socket.io/socket.io.msgpack.min.js"></script>
</head><body>msgpack</body></html>`;

describe.skipIf(skip)("socket.io.msgpack.min.js in headless Chromium", () => {
  let browser: Browser | undefined;
  let page: Page | undefined;
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
    await page?.close();
    const done = io?.close();
    http?.closeAllConnections();
    await done;
  });

  it.each([["websocket"], ["polling"]])(
    "an event with an ack and binary both ways over %s",
    async (transport) => {
      http = createServer((req, res) => {
        if (req.url === "/")
          res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(PAGE);
        else res.writeHead(404).end();
      });
      io = new Server(http, { parser: msgpack });
      const connected = new Promise<ServerSocket>((resolve) => io!.on("connection", resolve));
      await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;

      const opened = await newPage(browser!);
      page = opened.page;
      await page.goto(url);

      const fromServer = connected.then(async (socket) => {
        socket.on("hello", (text: string, file: Buffer, ack: (...args: unknown[]) => void) => {
          ack(`got ${text}`, [...file], Buffer.from([7, 7]));
        });
        // Server → page with an ack, once the page listens (it says so with "ready").
        await new Promise<void>((resolve) => socket.once("ready", () => resolve()));
        return socket.timeout(5000).emitWithAck("double", 21) as Promise<unknown>;
      });

      const pageSide = await page.evaluate(async (t) => {
        const w = window as unknown as { io: (opts: unknown) => any };
        const socket = w.io({ transports: [t], reconnection: false });
        await new Promise<void>((resolve) => socket.on("connect", () => resolve()));
        socket.on("double", (n: number, ack: (v: number) => void) => ack(n * 2));
        socket.emit("ready");
        const [text, echoed, bin] = await new Promise<unknown[]>((resolve) =>
          socket.emit("hello", "bundle", new Uint8Array([1, 2, 250]), (...args: unknown[]) =>
            resolve(args),
          ),
        );
        return {
          text,
          echoed,
          bin: bin instanceof ArrayBuffer ? [...new Uint8Array(bin)] : String(bin),
          transport: socket.io.engine.transport.name,
        };
      }, transport);

      expect(pageSide).toEqual({ text: "got bundle", echoed: [1, 2, 250], bin: [7, 7], transport });
      expect(await fromServer).toEqual(42);
      expect(opened.errors).toEqual([]);
    },
  );
});
