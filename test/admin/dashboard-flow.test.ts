// Issue #18 on the built-in admin page, in headless Chromium at desktop size and at 390×844: the "Slow
// consumers" card lists an official client whose raw TCP socket is paused (over the high-water mark), the
// "Rate limited" card a client flooding a rate-limited event (label bounded to the declared names + other),
// names stay text, and nothing scrolls sideways. Every wait is on a DOM condition or an event.
import bcrypt from "bcryptjs";
import type { Socket as NetSocket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import type { Socket as ServerSocket } from "@switchboard/server";
import { instrument } from "@switchboard/admin";
import {
  CHROMIUM,
  closeApps,
  hasChromium,
  launchBrowser,
  startApp,
  type App,
} from "../browser/helpers.js";

const CI = process.env["CI"] === "true";
const skip = !hasChromium && !CI;
if (skip) console.warn(`\n!!! ${CHROMIUM} is missing: the admin flow-card tests are SKIPPED !!!\n`);

const PASSWORD = "fl0w-Pa55";
const HASH = bcrypt.hashSync(PASSWORD, 4);
const MARKUP_EVENT = "<img src=x onerror=window.__xss=3>";
const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 800, mode: "development" },
  { name: "phone", width: 390, height: 844, mode: "production" },
] as const;

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe.runIf(!skip)("admin page: slow consumers and rate limits (issue #18)", () => {
  let browser: Browser | undefined;
  const pages: Page[] = [];
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI=true: browser tests must run)`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) c();
    for (const p of pages.splice(0)) await p.close();
    await closeApps();
  });

  function start(mode: "development" | "production"): Promise<App> {
    return startApp(
      (io) => {
        io.on("connection", (socket) => socket.on("error", () => {}));
        instrument(io, {
          auth: { type: "basic", username: "admin", password: HASH },
          mode,
          statsInterval: 200,
          dashboard: { path: "/admin" },
        });
      },
      0,
      {
        backpressure: { highWaterMark: 64 * 1024 },
        rateLimit: {
          points: 100,
          duration: 60_000,
          disconnectAt: 100,
          events: {
            "chat:send": { points: 2, duration: 60_000 },
            [MARKUP_EVENT]: { points: 1, duration: 60_000 },
          },
        },
      },
    );
  }

  /** An official Node client over WebSocket, connected, with its server socket. */
  async function official(app: App): Promise<{ client: OfficialSocket; socket: ServerSocket }> {
    const seen = new Promise<ServerSocket>((resolve) => {
      const on = (s: ServerSocket): void => {
        if (s.nsp.name !== "/") return;
        app.io.off("connection", on);
        resolve(s);
      };
      app.io.on("connection", on);
    });
    const client = officialIo(app.url, {
      forceNew: true,
      reconnection: false,
      transports: ["websocket"],
    });
    cleanups.push(() => client.disconnect());
    const socket = await seen;
    if (!client.connected) await new Promise((r) => client.once("connect", () => r(undefined)));
    return { client, socket };
  }

  async function open(app: App, viewport: { width: number; height: number }): Promise<Page> {
    if (browser === undefined) throw new Error("no browser");
    const page = await browser.newPage({ viewport });
    page.setDefaultTimeout(8000);
    pages.push(page);
    const errors: string[] = [];
    page.on("pageerror", (err) => errors.push(String(err)));
    await page.goto(`${app.url}/admin`);
    await page.fill("#username", "admin");
    await page.fill("#password", PASSWORD);
    await page.click("#login-submit");
    await page.waitForSelector("#status[data-state='online']");
    expect(errors).toEqual([]);
    return page;
  }

  for (const vp of VIEWPORTS) {
    it(`${vp.name} (${vp.mode}): shows the stalled and the flooding sockets`, async () => {
      const app = await start(vp.mode);
      const page = await open(app, vp);
      await page.waitForSelector("#flow-cards:not([hidden]) #slow-body tr.empty");

      // a client whose raw TCP socket is paused, sent more than its mark
      const slow = await official(app);
      const raw = (
        slow.client.io as unknown as { engine: { transport: { ws: { _socket: NetSocket } } } }
      ).engine.transport.ws._socket;
      raw.pause();
      cleanups.push(() => raw.destroy());
      const chunk = "c".repeat(8 * 1024);
      while (slow.socket.emit("fill", chunk)) await turn();

      // a client flooding the rate-limited events
      const flooder = await official(app);
      for (let i = 0; i < 5; i++) flooder.client.emit("chat:send", i);
      for (let i = 0; i < 3; i++) flooder.client.emit(MARKUP_EVENT);

      const slowRow = `#slow-body tr[data-id="${slow.socket.conn.id}"]`;
      await page.waitForSelector(slowRow);
      expect(await page.textContent(slowRow)).toContain(slow.socket.id);
      const queued = (await page.textContent(`${slowRow} td[data-col='queued']`)) ?? "";
      expect(queued).toMatch(/^\d+(\.\d+)? (KB|MB)$/);
      expect(await page.textContent("#slow-count")).toContain("1 over the mark");
      // the flooder is not slow
      expect(await page.locator(`#slow-body tr[data-id="${flooder.socket.conn.id}"]`).count()).toBe(
        0,
      );

      const limited = `#limited-body tr[data-id="${flooder.socket.id}"]`;
      await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 2, limited);
      const rows = await page.$$eval(limited, (trs) =>
        (trs as HTMLTableRowElement[]).map((tr) => ({
          event: tr.dataset["event"],
          shown: tr.cells[1]?.textContent,
          count: tr.cells[2]?.textContent,
        })),
      );
      expect(rows).toEqual([
        { event: MARKUP_EVENT, shown: MARKUP_EVENT, count: "2" },
        { event: "chat:send", shown: "chat:send", count: "3" },
      ]);
      // names stay text
      expect(await page.locator("main img").count()).toBe(0);
      expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined();

      const m = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth: window.innerWidth,
      }));
      expect(m.scrollWidth).toBeLessThanOrEqual(m.innerWidth);
      // SCREENSHOT=1 refreshes the admin README's picture of the two cards.
      if (process.env["SCREENSHOT"] && vp.name === "phone")
        await page.locator("#flow-cards").screenshot({
          path: fileURLToPath(new URL("../../packages/admin/docs/flow-cards.png", import.meta.url)),
        });
    });
  }
});
