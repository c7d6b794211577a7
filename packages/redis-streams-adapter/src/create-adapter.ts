import type { Adapter, AdapterNamespace } from "@switchboard/adapter";
import { RedisStreamsAdapter } from "./adapter.js";
import { Commands, type RedisClient } from "./client.js";
import { resolveOptions, Shared, type RedisStreamsAdapterOptions } from "./shared.js";

/**
 * The Redis Streams adapter, for the server's `adapter` option: one client (node-redis `createClient` /
 * `createCluster`, or ioredis `Redis` / `Cluster`), duplicated for the blocking reads and the subscriptions.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { Server } from "@switchboard/server";
 * import { createAdapter } from "@switchboard/redis-streams-adapter";
 *
 * const redisClient = createClient({ url: "redis://localhost:6379" });
 * await redisClient.connect();
 * const io = new Server(httpServer, {
 *   adapter: createAdapter(redisClient),
 *   connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
 * });
 * ```
 */
export function createAdapter(
  redisClient: RedisClient,
  opts?: RedisStreamsAdapterOptions,
): (nsp: AdapterNamespace) => Adapter {
  const shared = new Shared(new Commands(redisClient), resolveOptions(opts));
  return (nsp) => new RedisStreamsAdapter(nsp, shared);
}
