/**
 * Issue #20 "Start-up output": the examples say where they really listen, refuse a bad PORT in one line, and
 * serve a favicon, so a newcomer's first run shows no stack trace and the browser logs no 404.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const repo = fileURLToPath(new URL("../..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "switchboard-startup-"));
const children: ChildProcess[] = [];

const EXAMPLES = [
  {
    name: "chat",
    entry: "examples/chat/dist/server.js",
    db: { CHAT_DB: join(scratch, "chat.db") },
  },
  {
    name: "dashboard",
    entry: "examples/dashboard/dist/server.js",
    db: { DASHBOARD_DB: join(scratch, "dashboard.db") },
  },
] as const;

/** The examples' environment: their own SQLite files, no PostgreSQL, no debug output. */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, DEBUG: "", ...extra };
  delete base["DATABASE_URL"];
  return base;
}

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill("SIGTERM");
    await once(child, "exit");
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe.each(EXAMPLES)("$name", ({ name, entry, db }) => {
  it("PORT=abc gets one friendly line and exit code 1, no stack trace", () => {
    const r = spawnSync(process.execPath, [entry], {
      cwd: repo,
      env: env({ ...db, PORT: "abc" }),
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      `${name}: PORT must be a port number from 0 to 65535 (0 picks a free one), not "abc"\n`,
    );
  });

  it("prints the address it really listens on, and serves its page and favicon", async () => {
    const child = spawn(process.execPath, [entry], {
      cwd: repo,
      env: env({ ...db, PORT: "0" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout!.on("data", (d: Buffer) => {
        output += d.toString();
        const nl = output.indexOf("\n");
        if (nl !== -1) resolve(output.slice(0, nl));
      });
      child.once("exit", (code) => reject(new Error(`${entry} exited (${code}):\n${output}`)));
    });
    const m =
      /^(Chat|Dashboard) on http:\/\/localhost:(\d+) \(listening on ([^,]+), port (\d+)/.exec(line);
    expect(m, line).not.toBeNull();
    const [, , urlPort, host, boundPort] = m!;
    expect(urlPort).not.toBe("0"); // PORT=0: the port the OS picked, not the one asked for
    expect(boundPort).toBe(urlPort);
    expect(host).toBe("all interfaces");

    const base = `http://127.0.0.1:${urlPort}`;
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<link rel="icon" href="favicon.svg"');
    const icon = await fetch(`${base}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("content-type")).toMatch(/^image\/svg\+xml/);
    expect(await icon.text()).toMatch(/^<svg /);

    child.kill("SIGTERM");
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
