// The official @socket.io/admin-ui page (the files its npm package ships, served from localhost)
// driven in headless Chromium against a Switchboard server: login refused then accepted, a client
// listed, disconnected from the page, and the event log.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { io as ioc, type Socket as ClientSocket } from "@switchboard/client";
import { CHROMIUM, hasChromium, launchBrowser } from "../browser/helpers.js";
import {
  BASIC,
  closeAll,
  OFFICIAL_UI_DIR,
  onCleanup,
  PASSWORD,
  serveStatic,
  startNode,
  USER,
} from "./helpers.js";

const CI = process.env["CI"] === "true";
const skip = !hasChromium && !CI;
if (skip) console.warn(`\n!!! ${CHROMIUM} is missing: the official admin UI test is SKIPPED !!!\n`);

describe.skipIf(skip)("the official admin UI against a Switchboard server", () => {
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!hasChromium) throw new Error(`${CHROMIUM} is missing (CI=true: browser tests must run)`);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(closeAll);

  async function openUi(uiOrigin: string): Promise<Page> {
    const page = await browser!.newPage();
    onCleanup(() => page.close());
    // The page links fonts and icons from CDNs: the test stays on loopback.
    await page.route("**/*", (route) =>
      route.request().url().startsWith("http://127.0.0.1:") ? route.continue() : route.abort(),
    );
    await page.goto(`${uiOrigin}/`);
    return page;
  }

  async function login(page: Page, serverUrl: string, password: string): Promise<void> {
    await page.getByLabel("Server URL").fill(serverUrl);
    await page.getByLabel("Username").fill(USER);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Connect" }).click();
  }

  function client(url: string): Promise<ClientSocket> {
    const socket = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
    onCleanup(() => socket.disconnect());
    return new Promise((resolve, reject) => {
      socket.once("connect", () => resolve(socket));
      socket.once("connect_error", reject);
    });
  }

  it("logs in (a wrong password is refused), lists a client, disconnects it, shows the event log", async () => {
    const uiOrigin = await serveStatic(OFFICIAL_UI_DIR);
    // The hosted UI connects cross-origin with credentials, as users configure it.
    const node = await startNode(
      { auth: BASIC, mode: "development", serverId: "switchboard-1" },
      { cors: { origin: [uiOrigin], credentials: true } },
    );
    const page = await openUi(uiOrigin);

    await login(page, node.url, "not-the-password");
    await page.getByText("Invalid credentials").waitFor();
    await login(page, node.url, PASSWORD);
    await page.locator("header").getByText("connected", { exact: true }).first().waitFor();

    const app = await client(node.url);
    const id = app.id!;
    await page.locator("nav").getByRole("link", { name: "Sockets" }).click();
    // the namespace selector starts on the admin namespace: pick "/"
    await page.locator("main .v-select").first().click();
    await page.getByRole("option", { name: "/", exact: true }).click();
    const row = page
      .locator("main tbody tr")
      .filter({ has: page.getByRole("cell", { name: id, exact: true }) });
    await row.waitFor();
    expect(await row.innerText()).toContain("WebSocket");

    const reason = new Promise<string>((resolve) =>
      app.once("disconnect", (r: string) => resolve(r)),
    );
    await row.locator("button:has(.mdi-logout)").click();
    expect(await reason).toBe("io server disconnect");
    await expect.poll(() => node.io.sockets.sockets.size).toBe(0);

    // the list no longer has it
    await page.locator("nav").getByRole("link", { name: "Sockets" }).click();
    await page
      .locator("main tbody")
      .getByRole("cell", { name: id, exact: true })
      .waitFor({ state: "detached" });

    // the event log (development mode) shows its connection and disconnection
    await page.locator("nav").getByRole("link", { name: "Events" }).click();
    const log = page.locator("main");
    await log.getByText("Disconnection").first().waitFor();
    expect(await log.innerText()).toContain(id);
    expect(await log.innerText()).toContain("server namespace disconnect");

    // the servers page lists this node
    await page.locator("nav").getByRole("link", { name: "Servers" }).click();
    await page.locator("main").getByText("switchboard-1").first().waitFor();
  });
});
