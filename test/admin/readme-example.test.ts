/**
 * Issue #20 "The admin README must work to the letter": the README's example runs as written (a child Node
 * process with the code block as its source), and the credentials the README states log in, over a socket and
 * through the dashboard page in Chromium; the `mode` the example sets is the one the admin reports.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as ioc, type Socket as ClientSocket } from "@switchboard/client";
import { hasChromium, launchBrowser } from "../browser/helpers.js";
import { once as onceEvent } from "../support/wait.js";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(new URL("../../packages/admin/README.md", import.meta.url), "utf8");

const code = /<!-- file: admin-example\.js -->\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
const documented = /log in as `([^`]+)` with the password `([^`]+)`/.exec(readme);

let child: ChildProcess | undefined;
let base = "";
const clients: ClientSocket[] = [];

beforeAll(async () => {
  expect(code, "the README's example block").toBeDefined();
  expect(documented, "the README's stated credentials").not.toBeNull();
  // `-e` with ESM resolves bare specifiers from the working directory: the repo's workspace packages.
  child = spawn(process.execPath, ["--input-type=module", "-e", code!], {
    cwd: repo,
    env: { ...process.env, PORT: "0", DEBUG: "", NODE_ENV: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  base = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on("data", (d: Buffer) => {
      output += d.toString();
      const m = /admin on http:\/\/localhost:(\d+)\/admin/.exec(output);
      if (m !== null) resolve(`http://127.0.0.1:${m[1]}`);
    });
    child!.once("exit", (c) => reject(new Error(`the example exited (${c}):\n${output}`)));
  });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  if (child !== undefined && child.exitCode === null && child.signalCode === null) {
    child.kill();
    await once(child, "exit");
  }
});

function admin(auth: Record<string, string>): ClientSocket {
  const socket = ioc(`${base}/admin`, { forceNew: true, reconnection: false, auth });
  clients.push(socket);
  return socket;
}

describe("the admin README's example", () => {
  it("logs in with the documented username and password, in the documented mode", async () => {
    const [, username, password] = documented!;
    const socket = admin({ username: username!, password: password! });
    const [config] = await onceEvent<[{ mode?: string }]>(socket, "config", 10_000);
    expect(socket.connected).toBe(true);
    // The example sets "development": the live socket list of the screenshot.
    expect(config.mode).toBe("development");
    expect(code).toContain('mode: "development"');
  });

  it("refuses another password", async () => {
    const socket = admin({ username: documented![1]!, password: "not-the-password" });
    const [err] = await onceEvent<[Error]>(socket, "connect_error", 10_000);
    expect(err.message).toBe("invalid credentials");
  });

  it("serves the dashboard at the documented path, with a favicon", async () => {
    const page = await fetch(`${base}/admin`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const icon = /<link rel="icon" href="([^"]+)"/.exec(html)?.[1];
    expect(icon).toBeDefined();
    const res = await fetch(new URL(icon!, `${base}/admin/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
  });

  it.skipIf(!hasChromium && process.env.CI !== "true")(
    "logs in on the dashboard page with the documented credentials",
    async () => {
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage();
        const failed: string[] = [];
        page.on("response", (res) => {
          if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
        });
        await page.goto(`${base}/admin`);
        await page.waitForSelector("#login:not([hidden])");
        await page.fill("#username", documented![1]!);
        await page.fill("#password", documented![2]!);
        await page.click("#login-submit");
        await page.waitForSelector("#login", { state: "hidden" });
        expect(failed).toEqual([]);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});
