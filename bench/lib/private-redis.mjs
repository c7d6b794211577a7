// A private `redis-server` for a benchmark run: on a free loopback port, with no persistence, stopped by the
// caller. Nobody else's traffic reaches it, so counters and CPU figures are the run's own.
import { spawn } from "node:child_process";
import { connect, createServer } from "node:net";

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Whether a Redis on 127.0.0.1:`port` answers PING. */
export function pingRedis(port) {
  return new Promise((resolve) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("error", () => resolve(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      resolve(d.toString().startsWith("+PONG"));
    });
  });
}

/**
 * Starts `redis-server` and waits (up to 5 s) for it to answer.
 * @returns {Promise<{ url: string, stop: () => void } | null>} null when there is no binary or it never answered
 */
export async function startPrivateRedis() {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { stdio: "ignore" },
  );
  const gone = new Promise((resolve) => {
    child.once("error", () => resolve(true));
    child.once("exit", () => resolve(true));
  });
  for (let i = 0; i < 200; i++) {
    if (await pingRedis(port))
      return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
    if (await Promise.race([gone, new Promise((r) => setTimeout(r, 25, false))])) return null;
  }
  child.kill("SIGKILL");
  return null;
}
