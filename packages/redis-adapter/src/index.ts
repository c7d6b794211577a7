export { RedisAdapter, type RedisAdapterOptions } from "./redis-adapter.js";
export { createAdapter } from "./create-adapter.js";
export {
  ShardedRedisAdapter,
  createShardedAdapter,
  type ShardedRedisAdapterOptions,
} from "./sharded-adapter.js";
export { RequestType } from "./classic-protocol.js";
export type { RedisClient } from "./redis-client.js";
export {
  RedisAdapterError,
  RedisAdapterErrorCode,
  RedisCommandError,
  RedisUnavailableError,
  UnsupportedClientError,
} from "./errors.js";
