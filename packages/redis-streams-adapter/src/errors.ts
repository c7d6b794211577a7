/** Stable codes of the errors this package creates (listed in the README). */
export const RedisStreamsAdapterErrorCode = {
  /** The object given as a Redis client is neither a `redis` (node-redis v4/v5, or its cluster) nor an `ioredis` client. */
  UNSUPPORTED_CLIENT: "ERR_SB_REDIS_STREAMS_UNSUPPORTED_CLIENT",
  /** A Redis command (XADD, XREAD, PUBLISH, …) failed. */
  COMMAND_FAILED: "ERR_SB_REDIS_STREAMS_COMMAND_FAILED",
  /** Redis is not connected (yet, or any more): a cross-node call failed fast instead of waiting. */
  UNAVAILABLE: "ERR_SB_REDIS_STREAMS_UNAVAILABLE",
} as const;
export type RedisStreamsAdapterErrorCode =
  (typeof RedisStreamsAdapterErrorCode)[keyof typeof RedisStreamsAdapterErrorCode];

/** Base class of this package's errors: `code` is one of {@link RedisStreamsAdapterErrorCode}. */
export class RedisStreamsAdapterError extends Error {
  readonly code: RedisStreamsAdapterErrorCode;
  constructor(code: RedisStreamsAdapterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The client object is not one this package knows how to drive. */
export class UnsupportedClientError extends RedisStreamsAdapterError {
  constructor() {
    super(
      RedisStreamsAdapterErrorCode.UNSUPPORTED_CLIENT,
      'the Redis client is neither a "redis" (node-redis v4/v5, createClient or createCluster) nor an "ioredis" client',
    );
  }
}

/** A Redis command failed (its error is the `cause`). */
export class RedisCommandError extends RedisStreamsAdapterError {
  constructor(command: string, cause: unknown) {
    super(
      RedisStreamsAdapterErrorCode.COMMAND_FAILED,
      `Redis ${command} failed: ${(cause as Error | undefined)?.message ?? String(cause)}`,
      { cause },
    );
  }
}

/** Passed to cross-node calls (`fetchSockets`, `serverSideEmit` with ack) while Redis is disconnected. */
export class RedisUnavailableError extends RedisStreamsAdapterError {
  constructor() {
    super(
      RedisStreamsAdapterErrorCode.UNAVAILABLE,
      "Redis is unavailable (client not ready): cross-node call refused",
    );
  }
}
