// One worker of the multi-process chat: the usual chat server, with the Redis adapter so broadcasts,
// rooms and the user list span every worker. Behind the sticky primary it does not listen itself; behind
// the round-robin primary it listens on a port of its own (WORKER_HOST, loopback by default), which is also
// the address its peers forward requests to (the Redis adapter's peer directory publishes it; docs/scaling.md).
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdapter } from "@switchboard/redis-adapter";
import { setupWorker } from "@switchboard/sticky";
import { createChatServer } from "./chat-server.js";
import { EXIT, type ClusterConfig } from "./cluster-config.js";
import { connectPair, RedisUnavailableError } from "./redis.js";

/** Messages a worker sends to the primary. */
export type WorkerReport =
  | { type: "chat:ready"; port?: number; forwarding?: boolean }
  | { type: "chat:failed"; code: number; error: string };

/** Env var through which the primary tells a worker its slot (0..WORKERS-1; a replacement takes over the slot). */
export const SLOT_ENV = "CHAT_WORKER_SLOT";

/** Starts the worker; reports "ready" (or why it failed, then exits) to the primary. */
export async function runWorker(config: ClusterConfig): Promise<void> {
  const report = (msg: WorkerReport): Promise<void> =>
    new Promise((resolve) => {
      if (!process.connected || !process.send) return resolve();
      process.send(msg, undefined, {}, () => resolve());
    });
  let redis: Awaited<ReturnType<typeof connectPair>> | undefined;
  try {
    redis = await connectPair(config.redisUrl);
    const sticky = config.balancer === "sticky";
    const chat = await createChatServer({
      listen: false,
      port: sticky ? config.port : 0,
      adapter: createAdapter(redis.pub, redis.sub, { key: config.redisKey }),
    });
    // Round-robin: a port of its own, reported to the primary below. Forwarding is on by default with the
    // Redis adapter; it advertises this listening address (http://127.0.0.1:<port>) to the peers.
    const slot = Number(process.env[SLOT_ENV] ?? 0);
    const port = sticky
      ? undefined
      : await listenExclusive(
          chat.httpServer,
          config.workerHost,
          config.workerPort === 0 ? 0 : config.workerPort + slot,
        );
    if (sticky) setupWorker(chat.io);
    const pair = redis;
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      chat
        .close()
        .then(() => pair.close())
        .then(
          () => process.exit(EXIT.ok),
          () => process.exit(EXIT.failure),
        );
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    // The primary went away (killed): nobody routes to this worker any more.
    process.once("disconnect", stop);
    await report(
      port === undefined
        ? { type: "chat:ready" }
        : { type: "chat:ready", port, forwarding: chat.io.engine.forwarding !== null },
    );
  } catch (err) {
    const e = err as Error & { code?: string };
    const code =
      err instanceof RedisUnavailableError
        ? EXIT.redis
        : e.code === "ERR_CHAT_STORE"
          ? EXIT.store
          : EXIT.failure;
    await report({ type: "chat:failed", code, error: e.message });
    await redis?.close();
    process.exit(code);
  }
}

/**
 * Listens on `host:port` (port 0: a free one) for this worker alone. `exclusive` matters: a plain `listen(0)` in a
 * cluster worker shares one port among all workers, and the cluster module would then spread *connections*
 * (so a balancer's keep-alive connection, and every request on it, would stay on one worker).
 */
function listenExclusive(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen({ port, host, exclusive: true }, () => {
      server.off("error", reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
