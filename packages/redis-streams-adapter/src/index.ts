// Public API of @switchboard/redis-streams-adapter.
export { createAdapter } from "./create-adapter.js";
export { RedisStreamsAdapter } from "./adapter.js";
export type { RedisStreamsAdapterOptions } from "./shared.js";
export type { RedisClient } from "./client.js";
export type {
  RecoveryFailureReason,
  StreamsRecoveryMessage,
  StreamsRecoveryStats,
} from "./recovery-stats.js";
export {
  RedisCommandError,
  RedisStreamsAdapterError,
  RedisStreamsAdapterErrorCode,
  RedisUnavailableError,
  UnsupportedClientError,
} from "./errors.js";
