// Finds a PostgreSQL for tests, per the house rule: DATABASE_URL when set, else the server on the standard loopback
// port, else a private server started here (initdb into a temp dir, stopped and removed by close()).
// Set SB_PG_FORCE_PRIVATE=1 to skip the first two steps and always start a private server (proves step 3 works).
// Returns null when none can be had; callers then skip loudly locally and fail under CI=true.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, maskPassword, reportMissing } from "./services.js";

export interface ResolvedPostgres {
  /** Connection string of a database the tests may create tables in. */
  url: string;
  /** Stops the private server (if one was started) and removes its files; a no-op otherwise. */
  close(): Promise<void>;
}

const LOOPBACK_URL = "postgres://postgres@127.0.0.1:5432/test";
const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 10_000;

let cached: Promise<ResolvedPostgres | null> | undefined;

/** One answer per process (one private server per test-file worker at most). */
export function resolvePostgres(): Promise<ResolvedPostgres | null> {
  cached ??= resolve();
  return cached;
}

export interface TestDatabase {
  /** Where the tests connect (meaningful only when `problem` is undefined). */
  connectionString: string;
  /** Why no database can be used; the suite then must not run. */
  problem: string | undefined;
  /** Stops a private server, if one was started. */
  close(): Promise<void>;
}

/**
 * The database a test file uses, checked once. With none, it warns loudly and runs nothing locally;
 * under CI=true it registers a failing test named after `suite`, so a missing database is never silent.
 */
export async function postgresForTests(suite: string): Promise<TestDatabase> {
  const server = await resolvePostgres();
  const connectionString = server?.url ?? LOOPBACK_URL;
  let problem: string | undefined;
  if (server === null)
    problem =
      "none found: no DATABASE_URL, nothing on 127.0.0.1:5432, no private server could be started";
  else if (!(await canConnect(connectionString, 3000))) problem = "it does not answer";
  if (problem !== undefined) {
    reportMissing(
      suite,
      "a reachable PostgreSQL",
      `PostgreSQL at ${maskPassword(connectionString)} is unusable (${problem})`,
    );
  }
  return { connectionString, problem, close: () => server?.close() ?? Promise.resolve() };
}

async function resolve(): Promise<ResolvedPostgres | null> {
  const noop = async (): Promise<void> => undefined;
  const force = process.env["SB_PG_FORCE_PRIVATE"] === "1";
  const fromEnv = process.env["DATABASE_URL"];
  if (fromEnv && !force) return { url: fromEnv, close: noop };
  if (!force && (await canConnect(LOOPBACK_URL, 2000))) return { url: LOOPBACK_URL, close: noop };
  try {
    return await startPrivate();
  } catch (err) {
    console.warn(
      `test/support/postgres: could not start a private PostgreSQL: ${(err as Error).message}`,
    );
    return null;
  }
}

async function canConnect(url: string, timeoutMs: number): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  c.on("error", () => undefined); // a late socket error must not crash the worker
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Directory holding initdb and postgres of the newest installed major version, if any. */
function findBinDir(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const v of versions) {
    const bin = join(root, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "postgres"))) return bin;
  }
  return undefined;
}

/** PostgreSQL refuses to run as root, so as root every command goes through `runuser -u postgres --`. */
function command(bin: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0
    ? ["runuser", ["-u", "postgres", "--", bin, ...args]]
    : [bin, args];
}

function run(bin: string, args: string[]): Promise<void> {
  const [cmd, argv] = command(bin, args);
  return new Promise((res, rej) => {
    const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", rej);
    child.once("exit", (code) =>
      code === 0 ? res() : rej(new Error(`${bin} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((res) => child.once("exit", () => res()));
}

async function startPrivate(): Promise<ResolvedPostgres> {
  const bin = findBinDir();
  if (!bin) throw new Error("no /usr/lib/postgresql/*/bin/{initdb,postgres} found");
  const dir = await mkdtemp(join(tmpdir(), "sb-pg-"));
  let server: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (server) {
      const s = server;
      server = undefined;
      // SIGINT = "fast shutdown", sent to the postmaster itself: runuser ignores SIGINT (it leaves it to the tty),
      // and killing runuser would orphan the server. runuser exits once postgres has. SIGKILL only if it hangs.
      signalPostmaster(dir, s, "SIGINT");
      const timer = setTimeout(() => signalPostmaster(dir, s, "SIGKILL"), STOP_TIMEOUT_MS);
      await exited(s);
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    if (process.getuid?.() === 0) {
      const { uid, gid } = await postgresIds();
      await chown(dir, uid, gid);
    }
    await run(join(bin, "initdb"), ["-D", dir, "-U", "postgres", "--auth=trust", "--no-sync"]);
    const port = await freePort();
    const [cmd, argv] = command(join(bin, "postgres"), [
      "-D",
      dir,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
    ]);
    const child = spawn(cmd, argv, { stdio: ["ignore", "ignore", "pipe"] });
    server = child;
    let log = "";
    child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    child.once("error", (err) => (log += `\n${err.message}`));
    // If the worker dies without calling close(), do not leave a server running.
    const onExit = (): void => signalPostmaster(dir, child, "SIGINT");
    process.once("exit", onExit);
    child.once("exit", () => process.off("exit", onExit));

    const base = `postgres://postgres@127.0.0.1:${port}`;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!(await canConnect(`${base}/postgres`, 1000))) {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`postgres exited: ${log.trim()}`);
      if (Date.now() > deadline)
        throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms: ${log.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const admin = new pg.Client({ connectionString: `${base}/postgres` });
    await admin.connect();
    try {
      await admin.query("CREATE DATABASE test");
    } finally {
      await admin.end();
    }
    return { url: `${base}/test`, close: stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Signals the postmaster (pid on the first line of postmaster.pid), else the spawned process. Never throws. */
function signalPostmaster(dir: string, child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    const pid = Number(readFileSync(join(dir, "postmaster.pid"), "utf8").split("\n", 1)[0]);
    if (Number.isInteger(pid) && pid > 0) {
      process.kill(pid, signal);
      if (signal !== "SIGKILL") return;
    }
  } catch {
    // no pid file yet (or the server is gone): fall back to the spawned process
  }
  child.kill(signal);
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const out = await new Promise<string>((res, rej) => {
    const child = spawn("id", ["postgres"], { stdio: ["ignore", "pipe", "ignore"] });
    let text = "";
    child.stdout.on("data", (d: Buffer) => (text += d.toString()));
    child.once("error", rej);
    child.once("exit", () => res(text));
  });
  const uid = /uid=(\d+)/.exec(out)?.[1];
  const gid = /gid=(\d+)/.exec(out)?.[1];
  if (uid === undefined || gid === undefined)
    throw new Error("no postgres user to run the server as");
  return { uid: Number(uid), gid: Number(gid) };
}
