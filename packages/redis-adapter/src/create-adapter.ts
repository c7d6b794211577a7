import type { AdapterNamespace } from "@switchboard/adapter";
import { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
import type { RedisClient } from "./redis-client.js";

/**
 * The adapter factory for `new Server(http, { adapter })` or `io.adapter(…)`, accepting `redis` (node-redis v4/v5)
 * or `ioredis` clients. The subscriber client is put in subscriber mode; give it to nothing else.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { Server } from "@switchboard/server";
 * import { createAdapter } from "@switchboard/redis-adapter";
 *
 * const pubClient = createClient({ url: "redis://localhost:6379" });
 * const subClient = pubClient.duplicate();
 * await Promise.all([pubClient.connect(), subClient.connect()]);
 * const io = new Server(3000, { adapter: createAdapter(pubClient, subClient) });
 * ```
 */
export function createAdapter(
  pubClient: RedisClient,
  subClient: RedisClient,
  opts?: RedisAdapterOptions,
): (nsp: AdapterNamespace) => RedisAdapter {
  return (nsp) => new RedisAdapter(nsp, pubClient, subClient, opts);
}
