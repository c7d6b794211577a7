// A throwaway Redis Cluster for tests: three masters (`redis-server --cluster-enabled yes`) on free loopback ports,
// joined with `redis-cli --cluster create`, append-only files (so a restarted master keeps its data) in a temporary
// directory removed on close. Used by test/redis-streams/cluster.test.ts and test/redis/sharded-cluster.test.ts.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ping } from "./redis.js";
import { freePort, reportMissing } from "./services.js";

export interface TestCluster {
  ports: number[];
  /** The port of the master serving `key`'s hash slot. */
  masterOf(key: string): number;
  /** Run `redis-cli -p <port> ...args` and return its standard output. */
  cli(port: number, ...args: string[]): string;
  /** SIGKILL one node, start it again (same port, config and append-only file), wait until the cluster is ok. */
  restart(port: number): Promise<void>;
  close(): Promise<void>;
}

/** Whether redis-server and redis-cli are installed. */
export function canStartCluster(): boolean {
  return (
    spawnSync("redis-server", ["--version"]).status === 0 &&
    spawnSync("redis-cli", ["--version"]).status === 0
  );
}

/**
 * Whether a cluster can be started here; without redis-server/redis-cli it warns loudly and returns false locally,
 * and under CI=true registers a failing test named after `suite`.
 * @example
 * describe.runIf(clusterForTests("sharded adapter on a cluster"))("...", () => { ... });
 */
export function clusterForTests(suite: string): boolean {
  const ok = canStartCluster();
  if (!ok) reportMissing(suite, "redis-server and redis-cli", "no redis-server/redis-cli");
  return ok;
}

async function clusterPort(): Promise<number> {
  // The cluster bus uses port + 10000: both must be free.
  for (;;) {
    const p = await freePort();
    if (p + 10000 > 65535) continue;
    const probe = await ping(`redis://127.0.0.1:${p + 10000}`, 200);
    if (!probe) return p;
  }
}

export async function startCluster(masters = 3): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), "sb-redis-cluster-"));
  const ports: number[] = [];
  const children = new Map<number, ChildProcess>();
  const onExit = (): void => {
    for (const c of children.values()) c.kill("SIGKILL");
  };
  process.once("exit", onExit);
  const close = async (): Promise<void> => {
    await Promise.all(
      [...children.values()].map(
        (c) =>
          new Promise<void>((r) => {
            if (c.exitCode !== null || c.signalCode !== null) return r();
            c.once("exit", () => r());
            c.kill("SIGKILL");
          }),
      ),
    );
    process.off("exit", onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i++) {
      const [port, child] = await startOnFreePort(dir);
      ports.push(port);
      children.set(port, child);
    }
    const create = spawnSync(
      "redis-cli",
      [
        "--cluster",
        "create",
        ...ports.map((p) => `127.0.0.1:${p}`),
        "--cluster-replicas",
        "0",
        "--cluster-yes",
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await clusterOk(ports);
  } catch (err) {
    await close();
    throw err;
  }
  return {
    ports,
    close,
    cli,
    masterOf(key) {
      const slot = Number(cli(ports[0] as number, "cluster", "keyslot", key).trim());
      for (const line of cli(ports[0] as number, "cluster", "nodes").split("\n")) {
        const parts = line.split(" ");
        if (!(parts[2] ?? "").includes("master")) continue;
        const port = Number(/:(\d+)@/.exec(parts[1] ?? "")?.[1]);
        for (const range of parts.slice(8)) {
          const [lo, hi] = range.split("-").map(Number);
          if (lo !== undefined && slot >= lo && slot <= (hi ?? lo)) return port;
        }
      }
      throw new Error(`no master for slot ${slot}`);
    },
    async restart(port) {
      const old = children.get(port);
      if (old !== undefined && old.exitCode === null && old.signalCode === null) {
        const gone = new Promise((r) => old.once("exit", r));
        old.kill("SIGKILL");
        await gone;
      }
      children.set(port, spawnNode(port, dir));
      await waitPing(port);
      await clusterOk(ports);
    },
  };
}

function cli(port: number, ...args: string[]): string {
  return spawnSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).stdout;
}

function spawnNode(port: number, dir: string): ChildProcess {
  return spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      join(dir, `nodes-${port}.conf`),
      "--cluster-node-timeout",
      "2000",
      "--save",
      "",
      // Persistent, so a restarted master comes back with its data (the stream, the sessions).
      "--appendonly",
      "yes",
      "--appendfsync",
      "always",
      "--appendfilename",
      `aof-${port}.aof`,
      "--appenddirname",
      `aof-${port}`,
      "--dir",
      dir,
    ],
    { stdio: "ignore" },
  );
}

/**
 * A node on a port found free. Another process can take the port (or its bus port) between the check and
 * redis-server's bind, under a loaded machine's parallel tests: the server then exits, and another port is tried.
 * A node counts as up once it answers CLUSTER INFO (a server of someone else's on that port would not).
 */
async function startOnFreePort(dir: string): Promise<[number, ChildProcess]> {
  for (let attempt = 1; ; attempt++) {
    const port = await clusterPort();
    const child = spawnNode(port, dir);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const gone = child.exitCode !== null || child.signalCode !== null;
      if (!gone && (await ping(`redis://127.0.0.1:${port}`, 300)) && isClusterNode(port))
        return [port, child];
      if (gone) break;
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        throw new Error(`cluster node ${port} did not start`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (attempt === 5) throw new Error(`no cluster node could start (last port ${port})`);
  }
}

function isClusterNode(port: number): boolean {
  return cli(port, "cluster", "info").includes("cluster_state");
}

async function waitPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await ping(`redis://127.0.0.1:${port}`, 300))) {
    if (Date.now() > deadline) throw new Error(`cluster node ${port} did not start`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every node must agree the cluster is up before clients discover the slots. */
async function clusterOk(ports: number[]): Promise<void> {
  for (const port of ports) {
    const deadline = Date.now() + 15_000;
    while (!cli(port, "cluster", "info").includes("cluster_state:ok")) {
      if (Date.now() > deadline) throw new Error(`cluster not ok on ${port}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
