// close()/disconnect() must release every timer and socket: a Node process with a closed client exits by itself.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { peers, stop, type Started } from "./peers.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** A loopback URL nothing listens on: a port just released by a throwaway listener (port 1 may be taken). */
function deadUrl(): Promise<string> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(`http://127.0.0.1:${port}`));
    });
    probe.on("error", reject);
  });
}

/** Runs `code` as an ES module in a child Node process (from the repo root, so packages resolve). */
function run(
  code: string,
  env: Record<string, string>,
): Promise<{ code: number | null; killed: boolean; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", code], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d));
    child.stderr.on("data", (d: Buffer) => (out += d));
    // Safety net only: a process still alive after 15 s has leaked a handle.
    const guard = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("exit", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, killed: signal === "SIGKILL", out });
    });
  });
}

const SCENARIOS: Record<string, string> = {
  "after connect, event and ack (default transports)": `
    const socket = io(process.env.URL, { forceNew: true });
    socket.on("connect", async () => {
      await socket.timeout(5000).emitWithAck("echo", 1);
      socket.disconnect();
      console.log("done");
    });`,
  "websocket only, with a pending ack timeout and retries": `
    const socket = io(process.env.URL, { forceNew: true, transports: ["websocket"], ackTimeout: 60000, retries: 3 });
    socket.on("connect", () => {
      socket.emit("ignore", () => {});
      socket.disconnect();
      console.log("done");
    });`,
  "while reconnecting to a dead server": `
    const socket = io(process.env.DEAD_URL, { forceNew: true, reconnectionDelay: 50 });
    socket.io.on("reconnect_attempt", () => {
      socket.disconnect();
      console.log("done");
    });`,
  "while connected over websocket with autoUnref": `
    const socket = io(process.env.URL, { forceNew: true, transports: ["websocket"], autoUnref: true });
    const keepAlive = setTimeout(() => {}, 60000); // autoUnref would let the process exit before connecting
    socket.on("connect", () => { clearTimeout(keepAlive); console.log("done"); });`,
  "while connected over polling with autoUnref": `
    const socket = io(process.env.URL, { forceNew: true, transports: ["polling"], autoUnref: true });
    const keepAlive = setTimeout(() => {}, 60000);
    socket.on("connect", () => { clearTimeout(keepAlive); console.log("done"); });`,
  "polling only, closed right after connect": `
    const socket = io(process.env.URL, { forceNew: true, transports: ["polling"] });
    socket.on("connect", () => {
      socket.disconnect();
      console.log("done");
    });`,
};

describe.each(peers)("process exit with a closed client ($name)", (peer) => {
  let server: Started | undefined;
  afterEach(async () => {
    await stop(server);
    server = undefined;
  });

  for (const [name, body] of Object.entries(SCENARIOS)) {
    it(`exits on its own ${name}`, async () => {
      server = await peer.start();
      server.io.on("connection", (s) =>
        s.on("echo", (x: unknown, cb: (y: unknown) => void) => cb(x)),
      );
      const res = await run(`import { io } from "@switchboard/client";\n${body}`, {
        URL: server.url,
        DEAD_URL: await deadUrl(),
      });
      expect(res.out).toContain("done");
      expect(res.killed).toBe(false);
      expect(res.code).toBe(0);
    });
  }
});
