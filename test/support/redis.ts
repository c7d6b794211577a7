// Finds a Redis for tests, per the house rule: REDIS_URL when set, else the server on 127.0.0.1:6379 if it answers
// PING, else a private `redis-server` started here on a free port (stopped by close()).
// Set SB_REDIS_FORCE_PRIVATE=1 to skip the first two steps and always start a private server.
// Returns null when none can be had; callers then skip loudly locally and fail under CI=true (see redisForTests).
// Tests that kill Redis must use startPrivateRedis(): never the machine's server on 6379.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { freePort, maskPassword, reportMissing } from "./services.js";

export interface ResolvedRedis {
  /** `redis://host:port` the tests connect to. */
  url: string;
  /** Stops the private server (if one was started); a no-op otherwise. */
  close(): Promise<void>;
}

export interface PrivateRedis {
  /** `redis://127.0.0.1:<port>`; the port stays the same across kill/restart so clients can reconnect. */
  readonly url: string;
  readonly port: number;
  /** True while the server process runs. */
  readonly running: boolean;
  /** SIGKILLs the server (no clean shutdown: clients see a dropped connection) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and waits until it answers PING. */
  restart(): Promise<void>;
  /** Stops the server for good (idempotent). */
  close(): Promise<void>;
}

export interface TestRedis {
  /** Where the tests connect (meaningful only when `problem` is undefined). */
  url: string;
  /** Why no Redis can be used; the suite then must not run. */
  problem: string | undefined;
  /** Stops a private server, if one was started. */
  close(): Promise<void>;
}

const LOOPBACK_URL = "redis://127.0.0.1:6379";
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

let cached: Promise<ResolvedRedis | null> | undefined;

/** One answer per process (one private server per test-file worker at most). */
export function resolveRedis(): Promise<ResolvedRedis | null> {
  cached ??= resolve();
  return cached;
}

/**
 * The Redis a test file uses, checked once. With none, it warns loudly and runs nothing locally;
 * under CI=true it registers a failing test named after `suite`, so a missing Redis is never silent.
 * @example
 * const redis = await redisForTests("redis adapter");
 * describe.runIf(redis.problem === undefined)("redis adapter", () => { ... });
 */
export async function redisForTests(suite: string): Promise<TestRedis> {
  const server = await resolveRedis();
  const url = server?.url ?? LOOPBACK_URL;
  let problem: string | undefined;
  if (server === null)
    problem =
      "none found: no REDIS_URL, nothing on 127.0.0.1:6379, no redis-server could be started";
  else if (!(await ping(url, 3000))) problem = "it does not answer PING";
  if (problem !== undefined)
    reportMissing(
      suite,
      "a reachable Redis",
      `Redis at ${maskPassword(url)} is unusable (${problem})`,
    );
  return { url, problem, close: () => server?.close() ?? Promise.resolve() };
}

/**
 * Whether a private `redis-server` can be started (the binary is installed), for suites that kill Redis.
 * Without it, it warns loudly and returns false locally; under CI=true it registers a failing test named after `suite`.
 * @example
 * describe.runIf(redis.problem === undefined && canStartPrivateRedis("outage"))("outage", () => { ... });
 */
export function canStartPrivateRedis(suite: string): boolean {
  if (spawnSync("redis-server", ["--version"]).status === 0) return true;
  const text =
    "redis-server is not installed: a private Redis (to kill and restart) cannot be started";
  reportMissing(suite, "redis-server", text);
  return false;
}

/**
 * Starts a private `redis-server` on a free loopback port (no persistence), for tests that kill and restart Redis.
 * Extra `args` go to redis-server (e.g. `["--enable-debug-command", "yes"]`). The caller must `close()` it.
 */
export async function startPrivateRedis(args: string[] = []): Promise<PrivateRedis> {
  let port = await freePort();
  let url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let closed = false;
  const onExit = (): void => {
    child?.kill("SIGKILL");
  };
  process.once("exit", onExit); // a worker that dies without close() must not leave a server behind

  const start = async (): Promise<void> => {
    const argv = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      ...args,
    ];
    const c = spawn("redis-server", argv, { stdio: ["ignore", "pipe", "pipe"] });
    child = c;
    let log = "";
    const collect = (d: Buffer): void => {
      log = (log + d.toString()).slice(-4000);
    };
    c.stdout?.on("data", collect);
    c.stderr?.on("data", collect);
    let spawnError: Error | undefined;
    c.once("error", (err) => (spawnError = err));
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await ping(url, 500))) {
      if (spawnError) throw new Error(`redis-server could not start: ${spawnError.message}`);
      if (c.exitCode !== null || c.signalCode !== null)
        throw new Error(`redis-server exited: ${log.trim()}`);
      if (Date.now() > deadline)
        throw new Error(`redis-server not ready after ${READY_TIMEOUT_MS} ms: ${log.trim()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    // Another process can take the port between freePort() and the bind: then PING may be answered by its server.
    if (!servedBy(port, c.pid)) throw new PortTakenError(port);
  };

  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise<void>((res) => c.once("exit", () => res()));
    c.kill(signal);
    const timer = setTimeout(() => c.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await gone;
    clearTimeout(timer);
  };

  for (let attempt = 1; ; attempt++) {
    try {
      await start();
      break;
    } catch (err) {
      await stop("SIGKILL");
      const taken = err instanceof PortTakenError || /Address already in use/.test(String(err));
      if (taken && attempt < 5) {
        port = await freePort();
        url = `redis://127.0.0.1:${port}`;
        continue;
      }
      process.off("exit", onExit);
      throw err;
    }
  }
  return {
    url,
    port,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill: () => stop("SIGKILL"),
    async restart() {
      if (closed) throw new Error("this private Redis was closed");
      await stop("SIGKILL");
      await start();
    },
    async close() {
      closed = true;
      await stop("SIGTERM");
      process.off("exit", onExit);
    },
  };
}

class PortTakenError extends Error {
  constructor(port: number) {
    super(`port ${port} is served by another process`);
  }
}

/** Whether the Redis on `port` is the process `pid` (INFO server's process_id). */
function servedBy(port: number, pid: number | undefined): boolean {
  const r = spawnSync("redis-cli", ["-p", String(port), "info", "server"], {
    encoding: "utf8",
    timeout: 5000,
  });
  if (r.error !== undefined || r.status !== 0) return true; // no redis-cli to ask: trust the PING
  return pid !== undefined && new RegExp(`^process_id:${pid}\\s*$`, "m").test(r.stdout);
}

/** True when a Redis at `url` answers PING within `timeoutMs` (raw RESP, no client library). */
export function ping(url: string, timeoutMs = 1000): Promise<boolean> {
  let host = "127.0.0.1";
  let port = 6379;
  let password: string | undefined;
  let username: string | undefined;
  try {
    const u = new URL(url);
    host = u.hostname || host;
    port = u.port ? Number(u.port) : port;
    password = u.password ? decodeURIComponent(u.password) : undefined;
    username = u.username ? decodeURIComponent(u.username) : undefined;
  } catch {
    return Promise.resolve(false);
  }
  return new Promise((res) => {
    const sock = connect({ host, port });
    let buf = "";
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      sock.destroy();
      res(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    sock.once("error", () => done(false));
    sock.once("connect", () => {
      if (password !== undefined) {
        const auth = username ? ["AUTH", username, password] : ["AUTH", password];
        sock.write(
          `*${auth.length}\r\n${auth.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`,
        );
      }
      sock.write("*1\r\n$4\r\nPING\r\n");
    });
    sock.on("data", (d: Buffer) => {
      buf += d.toString();
      if (buf.includes("+PONG")) done(true);
      else if (buf.startsWith("-") && buf.includes("\r\n")) done(false);
    });
  });
}

async function resolve(): Promise<ResolvedRedis | null> {
  const noop = async (): Promise<void> => undefined;
  const force = process.env["SB_REDIS_FORCE_PRIVATE"] === "1";
  const fromEnv = process.env["REDIS_URL"];
  if (fromEnv && !force) return { url: fromEnv, close: noop };
  if (!force && (await ping(LOOPBACK_URL, 1000))) return { url: LOOPBACK_URL, close: noop };
  try {
    const server = await startPrivateRedis();
    return { url: server.url, close: () => server.close() };
  } catch (err) {
    console.warn(
      `test/support/redis: could not start a private redis-server: ${(err as Error).message}`,
    );
    return null;
  }
}
