// The browser bundles (scripts/bundle.mjs): built, free of debug logging when minified, and working when loaded
// the way a page loads them (IIFE defining the global `io`; ESM) against the official socket.io server. Each
// bundle runs in a child Node process with the browser globals it needs (`location`, `WebSocket` from `ws`).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { peers, stop, type Started } from "./peers.js";

const pkg = fileURLToPath(new URL("..", import.meta.url));
const bundle = (name: string) => fileURLToPath(new URL(`../dist/bundle/${name}`, import.meta.url));

/** Newest build output the bundles are made of (the client and the packages it bundles). */
function newestInput(): number {
  let newest = 0;
  for (const p of ["client", "engine-client", "parser", "emitter", "engine-parser"]) {
    const dir = fileURLToPath(new URL(`../../${p}/dist/`, import.meta.url));
    for (const f of readdirSync(dir))
      if (f.endsWith(".js")) newest = Math.max(newest, statSync(dir + f).mtimeMs);
  }
  return newest;
}

// Rebuilt only when stale, so that other test files reading the bundles (the server serves them) never see a
// half-written file. `npm run bundle -w @switchboard/client` builds them explicitly.
beforeAll(() => {
  const out = bundle("socket.io.esm.min.js");
  if (!existsSync(out) || statSync(out).mtimeMs < newestInput()) {
    execFileSync(process.execPath, ["scripts/bundle.mjs"], { cwd: pkg, stdio: "ignore" });
  }
}, 60_000);

const PAGE = (load: string) => `
  import { WebSocket } from "ws";
  globalThis.WebSocket = WebSocket;
  globalThis.location = new URL(process.env.URL);
  ${load}
  const socket = io();
  socket.on("connect", () => {
    socket.emit("echo", new Uint8Array([1, 2, 3]), (r) => {
      const report = () => {
        console.log(JSON.stringify({ binary: r instanceof ArrayBuffer, bytes: [...new Uint8Array(r)], transport: socket.io.engine.transport.name }));
        socket.disconnect();
      };
      if (socket.io.engine.transport.name === "websocket") report();
      else socket.io.engine.once("upgrade", report);
    });
  });
`;

function run(code: string, url: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd: pkg,
      env: { ...process.env, URL: url },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    const guard = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("exit", () => {
      clearTimeout(guard);
      resolve(out.trim());
    });
  });
}

/**
 * Size budgets in bytes, gzip -9 as `npm run size` measures (socket.io-client 4.8.4: 14,800 and 12,945): issue #4's
 * 9,000 for the IIFE; the ESM build's size reached so far plus a little slack. Growth is a decision.
 */
const GZIP_BUDGET: Record<string, number> = {
  "socket.io.min.js": 9_000,
  "socket.io.esm.min.js": 9_200,
};

describe("browser bundles", () => {
  it.each(Object.entries(GZIP_BUDGET))("%s stays within its gzip budget (%d B)", (name, budget) => {
    const gzip = gzipSync(readFileSync(bundle(name)), { level: 9 }).length;
    expect(gzip).toBeLessThanOrEqual(budget);
  });

  it("compiles debug logging out of the minified builds only", () => {
    expect(readFileSync(bundle("socket.io.js"), "utf8")).toContain("engine.io-client:socket");
    for (const name of ["socket.io.min.js", "socket.io.esm.min.js"]) {
      const code = readFileSync(bundle(name), "utf8");
      expect(code).not.toContain("engine.io-client:socket");
      expect(code).toContain(`sourceMappingURL=${name}.map`);
      expect(JSON.parse(readFileSync(bundle(`${name}.map`), "utf8")).version).toBe(3);
    }
  });
});

describe.each(peers)("browser bundles against $name", (peer) => {
  let server: Started | undefined;
  afterEach(async () => {
    await stop(server);
    server = undefined;
  });

  const loads: Record<string, string> = {
    "socket.io.js (IIFE)": `(await import("node:vm")).runInThisContext((await import("node:fs")).readFileSync("dist/bundle/socket.io.js", "utf8"));`,
    "socket.io.min.js (IIFE)": `(await import("node:vm")).runInThisContext((await import("node:fs")).readFileSync("dist/bundle/socket.io.min.js", "utf8"));`,
    "socket.io.esm.min.js (ESM)": `const { io } = await import("./dist/bundle/socket.io.esm.min.js");`,
  };
  for (const [name, load] of Object.entries(loads)) {
    it(`${name}: connects over polling, upgrades, exchanges binary with an ack`, async () => {
      server = await peer.start();
      server.io.on("connection", (s) =>
        s.on("echo", (x: unknown, cb: (y: unknown) => void) => cb(x)),
      );
      const out = await run(PAGE(load), server.url);
      expect(JSON.parse(out.split("\n").pop()!)).toEqual({
        binary: true,
        bytes: [1, 2, 3],
        transport: "websocket",
      });
    });
  }
});
