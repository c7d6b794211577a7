// One small driver over the two Redis client libraries users bring: `redis` (node-redis v4/v5) and `ioredis`.
// The adapter talks only to this interface, so its wire logic does not care which library is underneath.
// Neither library is imported: clients are recognised by shape, as @socket.io/redis-adapter does.
import { UnsupportedClientError } from "./errors.js";
import { IoredisDriver } from "./ioredis-driver.js";
import { NodeRedisDriver } from "./node-redis-driver.js";

/** Receives a message: its channel (as a string) and its raw bytes. */
export type MessageHandler = (channel: string, message: Buffer) => void;

/** Any client object; recognised at runtime (node-redis has `pSubscribe`, ioredis has `psubscribe`). */
export type RedisClient = object;

/** The publish/subscribe operations the adapters need, on a (publisher, subscriber) pair of clients. */
export interface PubSubDriver {
  readonly kind: "redis" | "ioredis";
  /** Why cross-node calls cannot be made right now, or undefined when both clients are ready. */
  unavailable(): Error | undefined;
  publish(channel: string, payload: string | Buffer): Promise<void>;
  spublish(channel: string, payload: string | Buffer): Promise<void>;
  subscribe(channels: string[], handler: MessageHandler): Promise<void>;
  unsubscribe(channels: string[], handler: MessageHandler): Promise<void>;
  psubscribe(pattern: string, handler: MessageHandler): Promise<void>;
  punsubscribe(pattern: string, handler: MessageHandler): Promise<void>;
  ssubscribe(channels: string[], handler: MessageHandler): Promise<void>;
  sunsubscribe(channels: string[], handler: MessageHandler): Promise<void>;
  /** `PUBSUB NUMSUB|SHARDNUMSUB <channel>`: how many subscribers the channel has. */
  numsub(kind: "NUMSUB" | "SHARDNUMSUB", channel: string): Promise<number>;
  /** Detach every listener this driver added to the clients. */
  close(): void;
}

type Dyn = Record<string, unknown>;

function isNodeRedis(c: object): boolean {
  return typeof (c as Dyn)["pSubscribe"] === "function";
}
function isIoredis(c: object): boolean {
  return typeof (c as Dyn)["psubscribe"] === "function" && typeof (c as Dyn)["on"] === "function";
}

/**
 * Build the driver for a publisher and a subscriber client (both from the same library).
 * @example
 * const driver = createDriver(pubClient, subClient);
 * await driver.subscribe(["socket.io-request#/#"], (channel, msg) => console.log(channel, msg.length));
 */
export function createDriver(pub: RedisClient, sub: RedisClient): PubSubDriver {
  if (isNodeRedis(pub)) {
    if (!isNodeRedis(sub)) throw new UnsupportedClientError("subscriber");
    return new NodeRedisDriver(pub, sub);
  }
  if (isIoredis(pub)) {
    if (!isIoredis(sub)) throw new UnsupportedClientError("subscriber");
    return new IoredisDriver(pub, sub);
  }
  throw new UnsupportedClientError("publisher");
}
