// The built-in admin dashboard (`instrument(io, { dashboard })`) in headless Chromium against a Switchboard
// server: login (a wrong password refused), the socket list and the connected-clients figure following a Node
// client, actions (disconnect, join, leave) reaching the server, the event log in development mode only,
// readonly hiding every action, and a session surviving a reload. Every wait is on a DOM condition or an event.
import bcrypt from "bcryptjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, ConsoleMessage, Page } from "playwright-core";
import { io as ioc, type Socket as ClientSocket } from "@switchboard/client";
import type { ServerOptions } from "@switchboard/server";
import { instrument, type InstrumentOptions } from "@switchboard/admin";
import {
  CHROMIUM,
  closeApps,
  hasChromium,
  launchBrowser,
  newPage,
  startApp,
  type App,
} from "../browser/helpers.js";

const CI = process.env["CI"] === "true";
const skip = !hasChromium && !CI;
if (skip)
  console.warn(
    `\n!!! ${CHROMIUM} is missing: the browser tests of the admin dashboard are SKIPPED !!!\n`,
  );

const USER = "admin";
const PASSWORD = "s3cret-Pa55";
// Cost 4: the lowest bcrypt allows, so logins stay quick in tests.
const HASH = bcrypt.hashSync(PASSWORD, 4);

describe.runIf(!skip)("admin dashboard in headless Chromium", () => {
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
  let cspViolations: string[] = [];
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI=true: browser tests must run)`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    await page?.close();
    page = undefined;
    await closeApps();
  });

  /** A Switchboard server instrumented with the dashboard at /admin, with a `hello` handler of its own. */
  async function start(
    opts: Partial<InstrumentOptions> = {},
    serverOpts: Partial<ServerOptions> = {},
  ): Promise<App> {
    const setup = (io: App["io"]): void => {
      io.on("connection", (socket) => {
        socket.on("hello", (who: string, ack?: (reply: string) => void) => ack?.(`hi ${who}`));
      });
      instrument(io, {
        auth: { type: "basic", username: USER, password: HASH },
        mode: "development",
        statsInterval: 200,
        dashboard: { path: "/admin" },
        ...opts,
      });
    };
    return startApp(setup, 0, serverOpts);
  }

  async function openDashboard(app: App): Promise<Page> {
    if (browser === undefined) throw new Error("no browser");
    ({ page, errors } = await newPage(browser));
    cspViolations = [];
    page.on("console", (msg: ConsoleMessage) => {
      if (/Content.Security.Policy/i.test(msg.text())) cspViolations.push(msg.text());
    });
    await page.goto(`${app.url}/admin`);
    await page.waitForSelector("#login:not([hidden])");
    return page;
  }

  async function login(p: Page, password = PASSWORD): Promise<void> {
    await p.fill("#username", USER);
    await p.fill("#password", password);
    await p.click("#login-submit");
  }

  async function connectClient(
    app: App,
    query: Record<string, string> = {},
  ): Promise<ClientSocket> {
    const client = ioc(app.url, { forceNew: true, query, auth: { token: "client-secret-token" } });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once("connect", resolve);
      client.once("connect_error", reject);
    });
    return client;
  }

  /** The text of a stat card. */
  const stat = (p: Page, name: string): Promise<string | null> => p.textContent(`#stat-${name}`);

  it("refuses a wrong password with a message, then logs in", async () => {
    const app = await start();
    const p = await openDashboard(app);
    await login(p, "wrong password");
    await p.waitForSelector("#login-error:not([hidden])");
    expect(await p.textContent("#login-error")).toBe("Invalid username or password.");
    expect(await p.isHidden("#app")).toBe(true);

    await login(p);
    await p.waitForSelector("#app:not([hidden])");
    await p.waitForSelector("#status[data-state='online']");
    expect(await p.isHidden("#login")).toBe(true);
    expect(await p.isHidden("#login-error")).toBe(true);
    // The password field is cleared once logged in.
    expect(await p.inputValue("#password")).toBe("");
    // Our server is listed with its stats.
    await p.waitForSelector("#servers-body tr[data-server-id]");
    expect(await stat(p, "servers")).toBe("1");
    // The page's own admin socket upgrades to WebSocket: the CSP's `connect-src 'self'` lets it through.
    await p.waitForFunction(
      () =>
        document.querySelector('#sockets-body tr[data-nsp="/admin"] .col-transport')
          ?.textContent === "websocket",
    );
    expect(errors).toEqual([]);
    expect(cspViolations).toEqual([]);
  });

  it("shows a client connecting and leaving, in the list, the stat and the plot", async () => {
    const app = await start();
    const p = await openDashboard(app);
    await login(p);
    await p.waitForSelector("#app:not([hidden])");
    // Only the dashboard's own connection at first.
    await p.waitForFunction(() => document.getElementById("stat-clients")?.textContent === "1");
    await p.waitForFunction(() => document.getElementById("chart-clients")?.dataset.last === "1");

    const client = await connectClient(app, { room: "lobby" });
    const row = `#sockets-body tr[data-id="${client.id}"]`;
    await p.waitForSelector(row);
    expect(await p.textContent(`${row} .col-nsp`)).toBe("/");
    expect(await p.textContent(`${row} .col-address`)).toContain("127.0.0.1");
    // The handshake is shown, with the auth token never sent to the page.
    const handshake = await p.textContent(`${row} .col-handshake`);
    expect(handshake).toContain('"room": "lobby"');
    expect(await p.content()).not.toContain("client-secret-token");
    await p.waitForFunction(() => document.getElementById("stat-clients")?.textContent === "2");
    await p.waitForFunction(() => document.getElementById("chart-clients")?.dataset.last === "2");
    // The filter narrows the table (here to nothing, then back).
    await p.fill("#sockets-filter", "no-such-socket");
    await p.waitForSelector(row, { state: "detached" });
    await p.fill("#sockets-filter", "lobby");
    await p.waitForSelector(row);
    await p.fill("#sockets-filter", "");

    client.disconnect();
    await p.waitForSelector(row, { state: "detached" });
    await p.waitForFunction(() => document.getElementById("stat-clients")?.textContent === "1");
    await p.waitForFunction(() => document.getElementById("chart-clients")?.dataset.last === "1");
    expect(errors).toEqual([]);
  });

  it("disconnects a socket from the page: the client gets `io server disconnect`", async () => {
    const app = await start();
    const p = await openDashboard(app);
    await login(p);
    const client = await connectClient(app);
    const row = `#sockets-body tr[data-id="${client.id}"]`;
    await p.waitForSelector(row);
    const reason = new Promise<string>((resolve) => client.once("disconnect", resolve));
    await p.click(`${row} button[data-action="disconnect"]`);
    // Disconnect asks for confirmation first (issue #20)
    await p.click(`${row} button[data-action="confirm-disconnect"]`);
    expect(await reason).toBe("io server disconnect");
    await p.waitForSelector(row, { state: "detached" });
  });

  it("makes a socket join and leave a room from the page", async () => {
    const app = await start();
    const p = await openDashboard(app);
    await login(p);
    const client = await connectClient(app);
    const id = client.id!;
    const row = `#sockets-body tr[data-id="${id}"]`;
    await p.waitForSelector(row);

    await p.fill(`${row} input[data-action="join-room"]`, "vip <b>room</b>");
    await p.click(`${row} button[data-action="join"]`);
    await p.waitForSelector(`${row} .chip[data-room="vip <b>room</b>"]`);
    expect(app.io.of("/").sockets.get(id)?.rooms.has("vip <b>room</b>")).toBe(true);
    // The room table lists it, as text (never markup).
    await p.waitForSelector(`#rooms-body tr[data-room="vip <b>room</b>"]`);
    expect(await p.$("#rooms-body b")).toBeNull();
    expect(await p.textContent(`#rooms-body tr[data-room="vip <b>room</b>"]`)).toContain(
      "vip <b>room</b>",
    );

    await p.click(`${row} .chip[data-room="vip <b>room</b>"] button[data-action="leave"]`);
    await p.waitForSelector(`${row} .chip[data-room="vip <b>room</b>"]`, { state: "detached" });
    expect(app.io.of("/").sockets.get(id)?.rooms.has("vip <b>room</b>")).toBe(false);
  });

  it("shows events in the log in development mode", async () => {
    const app = await start({ mode: "development" });
    const p = await openDashboard(app);
    await login(p);
    const client = await connectClient(app);
    await p.waitForSelector(`#sockets-body tr[data-id="${client.id}"]`);
    expect(await client.emitWithAck("hello", "<img src=x onerror=alert(1)>")).toBe(
      "hi <img src=x onerror=alert(1)>",
    );
    await p.waitForSelector("#log-card:not([hidden])");
    const entry = await p.waitForSelector('#log-body tr[data-kind="in"]');
    expect(await entry.textContent()).toContain('["hello","<img src=x onerror=alert(1)>"]');
    expect(await entry.textContent()).toContain(client.id!);
    // Shown as text: no element was created from the event's content.
    expect(await p.$("#log-body img")).toBeNull();
    // The plot of event rates counts it too (extras of server_stats).
    await p.waitForFunction(
      () => (document.getElementById("stat-events-in")?.textContent ?? "0") !== "0",
    );
    expect(errors).toEqual([]);
  });

  it("has no event log (nor socket list) in production mode", async () => {
    const app = await start({ mode: "production" });
    const p = await openDashboard(app);
    await login(p);
    await p.waitForSelector("#mode-badge:not([hidden])");
    expect(await p.textContent("#mode-badge")).toBe("production");
    const client = await connectClient(app);
    await client.emitWithAck("hello", "prod");
    // The stats keep flowing: wait until the new client is counted, then check what is absent.
    await p.waitForFunction(() => document.getElementById("stat-clients")?.textContent === "2");
    expect(await p.isHidden("#log-card")).toBe(true);
    expect(await p.isHidden("#sockets-card")).toBe(true);
    expect(await p.isVisible("#production-note")).toBe(true);
    expect(await p.$$("#log-body tr[data-kind]")).toHaveLength(0);
    expect(await p.$$("#sockets-body tr[data-id]")).toHaveLength(0);
  });

  it("hides every action in readonly mode", async () => {
    const app = await start({ readonly: true });
    const p = await openDashboard(app);
    await login(p);
    const client = await connectClient(app);
    await client.emitWithAck("hello", "ro");
    const row = `#sockets-body tr[data-id="${client.id}"]`;
    await p.waitForSelector(row);
    await p.waitForSelector("#readonly-badge:not([hidden])");
    expect(await p.$$(`#sockets-body button[data-action]`)).toHaveLength(0);
    expect(await p.$$(`#sockets-body input[data-action]`)).toHaveLength(0);
    expect(await p.isHidden("#sockets th.col-actions")).toBe(true);
  });

  it("says so when the client bundle is not served (serveClient: false)", async () => {
    const app = await start({}, { serveClient: false });
    const p = await openDashboard(app);
    await login(p);
    await p.waitForSelector("#login-error:not([hidden])");
    expect(await p.textContent("#login-error")).toContain("/socket.io/socket.io.min.js");
    expect(await p.isHidden("#app")).toBe(true);
  });

  it("keeps the session across a reload without asking for the password again", async () => {
    const app = await start();
    const p = await openDashboard(app);
    await login(p);
    await p.waitForSelector("#app:not([hidden])");
    await p.reload();
    await p.waitForSelector("#app:not([hidden])");
    await p.waitForSelector("#status[data-state='online']");
    expect(await p.isHidden("#login")).toBe(true);
    // Signing out forgets the session.
    await p.click("#logout");
    await p.waitForSelector("#login:not([hidden])");
    await p.reload();
    await p.waitForSelector("#login:not([hidden])");
    expect(await p.isHidden("#app")).toBe(true);
  });
});
