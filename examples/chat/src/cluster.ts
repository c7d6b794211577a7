// Entry point of the multi-process chat: `node dist/cluster.js` (or `npm run start:cluster` at the root).
// The primary owns the port. With BALANCER=sticky (the default) it routes each request to a worker with
// @switchboard/sticky (so long-polling sessions stay on their worker); with BALANCER=round-robin it sends
// each request and upgrade to the next worker, and the workers forward what is not theirs to the session's
// owner (docs/scaling.md). Each worker runs the chat with the Redis adapter (so everything said on one
// worker reaches users on the others). History is shared too: one SQLite file in WAL mode (SQLite locks
// across processes), or PostgreSQL with DATABASE_URL.
import cluster, { type Worker } from "node:cluster";
import { createServer, type Server as HttpServer } from "node:http";
import { setupPrimary } from "@switchboard/sticky";
import {
  clusterConfig,
  EXIT,
  safeUrl,
  workerTarget,
  type ClusterConfig,
} from "./cluster-config.js";
import { runWorker, SLOT_ENV, type WorkerReport } from "./cluster-worker.js";
import { createRoundRobin, type Target } from "./round-robin.js";
import { probeRedis } from "./redis.js";
import { describeStore } from "./chat-server.js";

async function runPrimary(config: ClusterConfig): Promise<void> {
  // Fail fast, in one place, with one clear line, instead of N workers each failing.
  await probeRedis(config.redisUrl);
  // Round-robin: the workers that reported ready, by cluster worker id (a replaced worker has a new port).
  const targets = new Map<number, Target>();
  const front = frontServer(config, () => [...targets.values()]);
  const httpServer = front.server;

  let started = false;
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    stopping = true;
    void front.close();
    const workers = Object.values(cluster.workers ?? {}).filter(
      (w): w is Worker => w !== undefined,
    );
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once("exit", () => resolve());
            w.process.kill("SIGTERM");
            setTimeout(() => w.process.kill("SIGKILL"), 5000).unref();
          }),
      ),
    );
    process.exit(code);
  };
  // Ctrl-C at any time (even during start-up) stops the workers too.
  const stop = (): void => void stopAll(EXIT.ok);
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  // Each worker has a slot (its WORKER_PORT offset); a replacement takes over the slot of the one it replaces.
  const slots = new Map<number, number>();
  const fork = (slot: number): Worker => {
    const worker = cluster.fork({ [SLOT_ENV]: String(slot) });
    slots.set(worker.id, slot);
    return worker;
  };
  const ready = new Set<number>();
  // Round-robin workers that said forwarding is off (it should not be: the Redis adapter turns it on).
  const unforwarded = new Set<number>();
  const crashes: number[] = [];
  const startup = new Promise<void>((resolve, reject) => {
    cluster.on("message", (worker, msg: WorkerReport) => {
      if (msg?.type === "chat:ready") {
        ready.add(worker.id);
        if (msg.port !== undefined)
          targets.set(worker.id, { host: workerTarget(config.workerHost), port: msg.port });
        if (msg.forwarding === false) unforwarded.add(worker.id);
        if (!started && ready.size === config.workers) resolve();
      } else if (msg?.type === "chat:failed" && !started) {
        reject(Object.assign(new Error(msg.error), { exitCode: msg.code }));
      }
    });
    cluster.on("exit", (worker, code, signal) => {
      ready.delete(worker.id);
      targets.delete(worker.id);
      const slot = slots.get(worker.id) ?? 0;
      slots.delete(worker.id);
      if (stopping) return;
      if (!started) {
        reject(
          Object.assign(
            new Error(`worker ${worker.id} exited during start-up (${code ?? signal})`),
            { exitCode: code || EXIT.failure },
          ),
        );
        return;
      }
      // A crashed worker takes its users' sessions along (their clients reconnect to another worker); replace
      // it, unless workers keep crashing: then something is wrong that a restart will not fix.
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && crashes[0]! < now - 60_000) crashes.shift();
      if (crashes.length > 5) {
        console.error(`chat: workers keep crashing (${crashes.length} in a minute); stopping`);
        void stopAll(EXIT.failure);
        return;
      }
      console.error(`chat: worker ${worker.id} exited (${code ?? signal}); starting another`);
      fork(slot);
    });
  });
  for (let i = 0; i < config.workers; i++) fork(i);

  try {
    await startup;
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, () => {
        httpServer.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    const e = err as Error & { exitCode?: number; code?: string };
    console.error(`chat: cannot start: ${e.message}`);
    return stopAll(e.exitCode ?? EXIT.failure);
  }
  started = true;
  const address = httpServer.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const mode =
    config.balancer === "sticky"
      ? ""
      : unforwarded.size === 0
        ? ", round-robin with forwarding"
        : ", round-robin WITHOUT forwarding: polling clients will get 400 Session ID unknown";
  console.log(
    `Chat on http://localhost:${port} (${config.workers} workers${mode}, Redis ${safeUrl(config.redisUrl)}, history ${describeStore()})`,
  );
}

/** The primary's listening server: the sticky router, or a plain round-robin balancer over `targets`. */
function frontServer(
  config: ClusterConfig,
  targets: () => readonly Target[],
): { server: HttpServer; close(): Promise<void> } {
  if (config.balancer === "round-robin") return createRoundRobin({ targets });
  const server = createServer();
  setupPrimary(server, { loadBalancingMethod: "least-connection" });
  return { server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  let config: ClusterConfig;
  try {
    config = clusterConfig();
  } catch (err) {
    console.error(`chat: ${(err as Error).message}`);
    process.exit(EXIT.config);
  }
  if (cluster.isPrimary) {
    await runPrimary(config).catch((err: unknown) => {
      const e = err as Error & { code?: string };
      console.error(`chat: cannot start: ${e.message}`);
      process.exit(e.code === "ERR_CHAT_REDIS" ? EXIT.redis : EXIT.failure);
    });
  } else {
    await runWorker(config);
  }
}

await main();
