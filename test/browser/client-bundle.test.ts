// The browser bundle of @switchboard/client, served by @switchboard/server, in headless Chromium: polling →
// websocket upgrade, events/binary/acks both ways, reconnection after a server restart, the ESM build, and
// the HTTP contract of the served file (docs/protocol.md §3 `serveClient`). Page-side code runs through
// `page.evaluate`; every wait is on an event or a page-side condition, never a fixed sleep.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Socket as ServerSocket } from "@switchboard/server";
import {
  CHROMIUM,
  closeApps,
  hasChromium,
  launchBrowser,
  newPage,
  startApp,
  type App,
  type PageWindow,
} from "./helpers.js";

const CI = process.env["CI"] === "true";
const skip = !hasChromium && !CI;
if (skip)
  console.warn(
    `\n!!! ${CHROMIUM} is missing: the browser tests of the client bundle are SKIPPED !!!\n`,
  );

/** Short reconnection delays so a restart is picked up quickly (not a timing assertion). */
const FAST_RECONNECT = { reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 };

describe.skipIf(skip)("client bundle in headless Chromium", () => {
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI=true: browser tests must run)`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await page?.close();
    page = undefined;
    await closeApps();
  });

  /** A new page for this test (closed in afterEach), its uncaught errors collected in `errors`. */
  async function freshPage(): Promise<Page> {
    if (browser === undefined) throw new Error("no browser");
    ({ page, errors } = await newPage(browser));
    return page;
  }

  async function open(app: App, path = "/"): Promise<Page> {
    const p = await freshPage();
    await p.goto(app.url + path);
    return p;
  }

  /** Create `window.socket` in the page with a page-side event record; resolves on the first `connect`. */
  async function connectPage(
    p: Page,
    opts: Record<string, unknown> = {},
    esm = false,
  ): Promise<string> {
    return p.evaluate(
      ([o, useEsm]) => {
        const w = window as unknown as PageWindow;
        const factory = useEsm ? w.esmIo : w.io;
        if (factory === undefined) throw new Error("io is not defined in the page");
        w.rec = { connects: 0, disconnects: [], reconnects: [], engineUpgrades: [], events: [] };
        const socket = factory(o);
        w.socket = socket;
        socket.on("disconnect", (reason: string) => w.rec.disconnects.push(reason));
        socket.io.on("reconnect", (attempt: number) => w.rec.reconnects.push(attempt));
        socket.onAny((...args: unknown[]) => w.rec.events.push(args));
        // A new engine per (re)connection: watch each one's upgrade from its `open`, before any probe starts.
        socket.io.on("open", () => {
          socket.io.engine.on("upgrade", (t: { name: string }) =>
            w.rec.engineUpgrades.push(t.name),
          );
        });
        return new Promise<string>((resolve) => {
          socket.on("connect", () => {
            w.rec.connects++;
            if (w.rec.connects === 1) resolve(socket.io.engine.transport.name);
          });
        });
      },
      [opts, esm] as const,
    );
  }

  it("loads the IIFE bundle, connects over polling, then upgrades to websocket", async () => {
    let upgraded!: (v: { first: string; upgradedTo: string; now: string }) => void;
    const serverSide = new Promise<{ first: string; upgradedTo: string; now: string }>(
      (resolve) => (upgraded = resolve),
    );
    const app = await startApp((io) => {
      io.on("connection", (socket: ServerSocket) => {
        const first = socket.conn.transport.name;
        socket.conn.once("upgrade", (t: { name: string }) =>
          upgraded({ first, upgradedTo: t.name, now: socket.conn.transport.name }),
        );
      });
    });
    const p = await open(app);
    expect(await p.evaluate(() => typeof (window as unknown as PageWindow).io)).toBe("function");

    expect(await connectPage(p)).toBe("polling");
    expect(await serverSide).toEqual({
      first: "polling",
      upgradedTo: "websocket",
      now: "websocket",
    });
    await p.waitForFunction(
      () => (window as unknown as PageWindow).socket.io.engine.transport.name === "websocket",
    );
    const rec = await p.evaluate(() => (window as unknown as PageWindow).rec);
    expect(rec.engineUpgrades).toEqual(["websocket"]);
    expect(await p.evaluate(() => (window as unknown as PageWindow).socket.connected)).toBe(true);
    expect(errors).toEqual([]);
  });

  /** Server side of the exchange test: a binary upload with ack, a sum for emitWithAck, a silent event. */
  function exchangeHandlers(
    received: Promise<unknown[]>[],
    onConnection: (socket: ServerSocket) => void,
  ) {
    return (io: App["io"]) => {
      io.on("connection", (socket: ServerSocket) => {
        received.push(
          new Promise((resolve) => {
            socket.on("upload", (...args: unknown[]) => {
              const ack = args.pop() as (...a: unknown[]) => void;
              resolve(args);
              // Binary in the ack too: the bytes of the ArrayBuffer reversed.
              const { ab } = args[0] as { ab: Buffer };
              ack("stored", Buffer.from(ab).reverse());
            });
          }),
        );
        socket.on("sum", (a: number, b: number, ack: (n: number) => void) => ack(a + b));
        socket.on("silence", () => {});
        onConnection(socket);
      });
    };
  }

  const transports = [
    { name: "default (polling upgraded to websocket)", opts: {}, transport: "websocket" },
    { name: "polling only", opts: { transports: ["polling"] }, transport: "polling" },
    { name: "websocket only", opts: { transports: ["websocket"] }, transport: "websocket" },
  ];

  it.each(transports)(
    "events, binary and acks both ways, emitWithAck: $name",
    async ({ opts, transport }) => {
      const received: Promise<unknown[]>[] = [];
      let connected!: (s: ServerSocket) => void;
      const serverSocket = new Promise<ServerSocket>((resolve) => (connected = resolve));
      const app = await startApp(exchangeHandlers(received, (s) => connected(s)));
      const p = await open(app);
      await connectPage(p, opts);
      const socket = await serverSocket;
      // Exchange over the transport under test (for the default, after the upgrade completed).
      await p.waitForFunction(
        (t) => (window as unknown as PageWindow).socket.io.engine.transport.name === t,
        transport,
      );
      // The client switches when it sends the upgrade packet; the server, when that packet arrives.
      if (socket.conn.transport.name !== transport)
        await new Promise((resolve) => socket.conn.once("upgrade", resolve));
      expect(socket.conn.transport.name).toBe(transport);

      // Page → server: ArrayBuffer, a Uint8Array *view* with an offset (only its bytes travel), text, nesting; ack back.
      const ackFromServer = await p.evaluate(() => {
        const w = window as unknown as PageWindow;
        const ab = new Uint8Array([0, 1, 2, 127, 128, 253, 254, 255]).buffer;
        const view = new Uint8Array([10, 20, 30, 40, 50]).subarray(1, 4);
        return new Promise<{ text: unknown; bytes: number[]; isArrayBuffer: boolean }>(
          (resolve) => {
            w.socket.emit(
              "upload",
              { ab, nested: [{ view }], text: "héllo ✓" },
              42,
              (text: unknown, reply: ArrayBuffer) =>
                resolve({
                  text,
                  bytes: Array.from(new Uint8Array(reply)),
                  isArrayBuffer: reply instanceof ArrayBuffer,
                }),
            );
          },
        );
      });
      const [upload, n] = (await received[0]) as [
        { ab: unknown; nested: [{ view: unknown }]; text: string },
        number,
      ];
      expect(Buffer.isBuffer(upload.ab)).toBe(true);
      expect([...(upload.ab as Buffer)]).toEqual([0, 1, 2, 127, 128, 253, 254, 255]);
      expect(Buffer.isBuffer(upload.nested[0].view)).toBe(true);
      expect([...(upload.nested[0].view as Buffer)]).toEqual([20, 30, 40]);
      expect(upload.text).toBe("héllo ✓");
      expect(n).toBe(42);
      expect(ackFromServer).toEqual({
        text: "stored",
        bytes: [255, 254, 253, 128, 127, 2, 1, 0],
        isArrayBuffer: true,
      });

      // Server → page: a Buffer inside an object, acked by the page with binary of its own.
      await p.evaluate(() => {
        const w = window as unknown as PageWindow;
        w.socket.on(
          "download",
          (payload: { file: ArrayBuffer; name: string }, ack: (...a: unknown[]) => void) => {
            const bytes = new Uint8Array(payload.file);
            ack(
              {
                name: payload.name,
                isArrayBuffer: payload.file instanceof ArrayBuffer,
                bytes: Array.from(bytes),
              },
              bytes.map((b) => b ^ 0xff),
            );
          },
        );
      });
      const file = Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f]);
      const ackFromPage = await new Promise<unknown[]>((resolve) =>
        socket.emit("download", { file, name: "dump.bin" }, (...a: unknown[]) => resolve(a)),
      );
      expect(ackFromPage[0]).toEqual({
        name: "dump.bin",
        isArrayBuffer: true,
        bytes: [0xde, 0xad, 0xbe, 0xef, 0x00, 0x7f],
      });
      expect(Buffer.isBuffer(ackFromPage[1])).toBe(true);
      expect([...(ackFromPage[1] as Buffer)]).toEqual([0x21, 0x52, 0x41, 0x10, 0xff, 0x80]);

      // Server → page without ack, several arguments; the page records it through onAny.
      socket.emit("greeting", "hi", 1, { ok: true }, null);
      await p.waitForFunction(() =>
        (window as unknown as PageWindow).rec.events.some((e) => e[0] === "greeting"),
      );
      const events = await p.evaluate(() => (window as unknown as PageWindow).rec.events);
      expect(events.filter((e) => e[0] === "greeting")).toEqual([
        ["greeting", "hi", 1, { ok: true }, null],
      ]);

      // emitWithAck from the page: plain, with a timeout that is met, and one that expires (no ack ever comes).
      const withAck = await p.evaluate(async () => {
        const s = (window as unknown as PageWindow).socket;
        const plain: unknown = await s.emitWithAck("sum", 2, 3);
        const timed: unknown = await s.timeout(5000).emitWithAck("sum", 40, 2);
        const expired = await s
          .timeout(50)
          .emitWithAck("silence")
          .then(
            () => "resolved",
            (err: unknown) =>
              err instanceof Error ? "rejected: Error" : `rejected: ${String(err)}`,
          );
        return { plain, timed, expired };
      });
      expect(withAck).toEqual({ plain: 5, timed: 42, expired: "rejected: Error" });

      // Server-side emitWithAck to the page.
      await p.evaluate(() => {
        (window as unknown as PageWindow).socket.on(
          "double",
          (x: number, ack: (n: number) => void) => ack(x * 2),
        );
      });
      await expect(socket.timeout(5000).emitWithAck("double", 21)).resolves.toBe(42);
      expect(errors).toEqual([]);
    },
  );

  it("reconnects after the server restarts on the same port and exchanges an event", async () => {
    const connections: string[] = [];
    const echo = (io: App["io"]) => {
      io.on("connection", (socket: ServerSocket) => {
        connections.push(socket.id);
        socket.on("echo", (v: unknown, ack: (v: unknown) => void) => ack({ from: "server", v }));
      });
    };
    const first = await startApp(echo);
    const p = await open(first);
    await connectPage(p, FAST_RECONNECT);
    await p.waitForFunction(
      () => (window as unknown as PageWindow).socket.io.engine.transport.name === "websocket",
    );
    const firstId = await p.evaluate(() => (window as unknown as PageWindow).socket.id);

    await first.close();
    // Socket.IO's `io.close()` sends no DISCONNECT packet: the client sees the transport go and retries.
    await p.waitForFunction(() => (window as unknown as PageWindow).rec.disconnects.length === 1);
    expect(await p.evaluate(() => (window as unknown as PageWindow).rec.disconnects)).toEqual([
      "transport close",
    ]);

    const second = await startApp(echo, first.port);
    expect(second.port).toBe(first.port);
    await p.waitForFunction(() => (window as unknown as PageWindow).rec.connects === 2, undefined, {
      timeout: 10_000,
    });
    const rec = await p.evaluate(() => (window as unknown as PageWindow).rec);
    expect(rec.reconnects).toHaveLength(1);
    expect(rec.reconnects[0]).toBeGreaterThanOrEqual(1);
    const secondId = await p.evaluate(() => (window as unknown as PageWindow).socket.id);
    expect(secondId).toBeTypeOf("string");
    expect(secondId).not.toBe(firstId);
    expect(connections).toEqual([firstId, secondId]);

    const reply = await p.evaluate(() =>
      (window as unknown as PageWindow).socket.timeout(5000).emitWithAck("echo", "after restart"),
    );
    expect(reply).toEqual({ from: "server", v: "after restart" });
    expect(errors).toEqual([]);
  });

  it("the ESM bundle imported with <script type=module> connects and emits", async () => {
    let got!: (v: unknown[]) => void;
    const hello = new Promise<unknown[]>((resolve) => (got = resolve));
    const app = await startApp((io) => {
      io.on("connection", (socket: ServerSocket) => {
        socket.on("hello", (...args: unknown[]) => {
          const ack = args.pop() as (v: string) => void;
          got(args);
          ack(`welcome ${socket.id}`);
        });
      });
    });
    const p = await open(app, "/esm");
    await p.waitForFunction(() => typeof (window as unknown as PageWindow).esmIo === "function");
    // The module build must not leak a global `io`.
    expect(await p.evaluate(() => typeof (window as unknown as PageWindow).io)).toBe("undefined");
    await connectPage(p, {}, true);
    const reply = await p.evaluate(() =>
      (window as unknown as PageWindow).socket.emitWithAck(
        "hello",
        "from esm",
        new Uint8Array([1, 2, 3]),
      ),
    );
    const [text, bytes] = await hello;
    expect(text).toBe("from esm");
    expect([...(bytes as Buffer)]).toEqual([1, 2, 3]);
    const id = await p.evaluate(() => (window as unknown as PageWindow).socket.id);
    expect(reply).toBe(`welcome ${id}`);
    expect(errors).toEqual([]);
  });

  it("serves /socket.io/socket.io.min.js: content-type, ETag, 304 on If-None-Match (fetch and browser cache)", async () => {
    const app = await startApp(() => {});
    const version = (
      JSON.parse(
        readFileSync(
          fileURLToPath(new URL("../../packages/server/package.json", import.meta.url)),
          "utf8",
        ),
      ) as { version: string }
    ).version;
    // The bundle the client package built (dist/index.js → dist/bundle/), served byte for byte.
    const onDisk = readFileSync(
      new URL("bundle/socket.io.min.js", import.meta.resolve("@switchboard/client")),
    );
    const url = `${app.url}/socket.io/socket.io.min.js`;

    const res = await fetch(url, { headers: { "accept-encoding": "identity" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/javascript\b/);
    const etag = res.headers.get("etag");
    expect(etag).toBe(`"${version}"`);
    expect(Buffer.from(await res.arrayBuffer()).equals(onDisk)).toBe(true);
    const revalidated = await fetch(url, { headers: { "if-none-match": etag ?? "" } });
    expect(revalidated.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    const stale = await fetch(url, { headers: { "if-none-match": '"not-the-version"' } });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();

    // The browser: first load gets 200 with the headers; a reload revalidates (max-age=0) and gets a 304,
    // and the bundle still runs from the browser cache.
    const p = await freshPage();
    const scriptResponse = p.waitForResponse((r) => r.url() === url);
    await p.goto(app.url + "/");
    const first = await scriptResponse;
    expect(first.status()).toBe(200);
    const headers = first.headers();
    expect(headers["content-type"]).toMatch(/^application\/javascript\b/);
    expect(headers["etag"]).toBe(`"${version}"`);
    expect(Buffer.from(await first.body()).equals(onDisk)).toBe(true);

    await p.reload();
    expect(await p.evaluate(() => typeof (window as unknown as PageWindow).io)).toBe("function");
    const fromBrowser = app.requests.filter((r) => r.url === "/socket.io/socket.io.min.js");
    // fetch() above made 3 requests; the browser made the first load and the revalidation.
    expect(fromBrowser.slice(3).map((r) => [r.status, r.ifNoneMatch])).toEqual([
      [200, undefined],
      [304, `"${version}"`],
    ]);
    expect(errors).toEqual([]);
  });
});
