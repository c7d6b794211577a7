// The built-in dashboard over a two-node cluster (the adapter package's in-process cluster adapter standing in
// for Redis): the page, served by node A, lists both servers with their stats and the sockets of both nodes,
// and its actions reach a socket on node B.
import bcrypt from "bcryptjs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";
import { io as ioc, type Socket as ClientSocket } from "@switchboard/client";
import { InMemoryStore, instrument } from "@switchboard/admin";
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
    `\n!!! ${CHROMIUM} is missing: the browser tests of the admin dashboard (cluster) are SKIPPED !!!\n`,
  );

const PASSWORD = "cluster-pass";
const HASH = bcrypt.hashSync(PASSWORD, 4);

describe.runIf(!skip)("admin dashboard over a two-node cluster", () => {
  let browser: Browser | undefined;
  let page: Page | undefined;
  let errors: string[] = [];
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

  async function node(bus: InProcessBus, store: InMemoryStore, serverId: string): Promise<App> {
    return startApp(
      (io) => {
        instrument(io, {
          auth: { type: "basic", username: "admin", password: HASH },
          mode: "development",
          serverId,
          store,
          statsInterval: 200,
          dashboard: { path: "/admin" },
        });
      },
      0,
      { adapter: (nsp) => new InProcessClusterAdapter(nsp, bus) },
    );
  }

  async function connectClient(app: App): Promise<ClientSocket> {
    const client = ioc(app.url, { forceNew: true, transports: ["websocket"] });
    clients.push(client);
    await new Promise<void>((resolve, reject) => {
      client.once("connect", resolve);
      client.once("connect_error", reject);
    });
    return client;
  }

  it("lists both servers and the sockets of both nodes, and acts on a socket of the other node", async () => {
    const bus = new InProcessBus();
    const store = new InMemoryStore();
    const a = await node(bus, store, "node-a");
    const b = await node(bus, store, "node-b");
    const onA = await connectClient(a);
    const onB = await connectClient(b);

    if (browser === undefined) throw new Error("no browser");
    ({ page, errors } = await newPage(browser));
    const p = page;
    await p.goto(`${a.url}/admin`);
    await p.fill("#username", "admin");
    await p.fill("#password", PASSWORD);
    await p.click("#login-submit");
    await p.waitForSelector("#app:not([hidden])");

    // Both nodes report their stats to the page connected to node A; the current node is marked.
    await p.waitForSelector('#servers-body tr[data-server-id="node-a"].current');
    await p.waitForSelector('#servers-body tr[data-server-id="node-b"]');
    await p.waitForFunction(() => document.getElementById("stat-servers")?.textContent === "2");
    // Clients summed over the nodes: the page's own connection and one client on A, one client on B.
    await p.waitForFunction(() => document.getElementById("stat-clients")?.textContent === "3");
    // Sockets of both nodes, including those that connected before the page did.
    await p.waitForSelector(`#sockets-body tr[data-id="${onA.id}"]`);
    await p.waitForSelector(`#sockets-body tr[data-id="${onB.id}"]`);

    // An action on a socket held by node B goes through the cluster.
    const reason = new Promise<string>((resolve) => onB.once("disconnect", resolve));
    await p.click(`#sockets-body tr[data-id="${onB.id}"] button[data-action="disconnect"]`);
    await p.click(`#sockets-body tr[data-id="${onB.id}"] button[data-action="confirm-disconnect"]`);
    expect(await reason).toBe("io server disconnect");
    await p.waitForSelector(`#sockets-body tr[data-id="${onB.id}"]`, { state: "detached" });
    expect(onA.connected).toBe(true);
    expect(errors).toEqual([]);
  });
});
