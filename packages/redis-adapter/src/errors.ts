/** Stable codes of the errors this package creates (listed in the README). */
export const RedisAdapterErrorCode = {
  /** Redis is not connected (yet, or any more): a cross-node call failed fast instead of waiting. */
  UNAVAILABLE: "ERR_SB_REDIS_UNAVAILABLE",
  /** The object given as a Redis client is neither a `redis` (node-redis v4/v5) nor an `ioredis` client. */
  UNSUPPORTED_CLIENT: "ERR_SB_REDIS_UNSUPPORTED_CLIENT",
  /** A Redis command (PUBLISH, PUBSUB NUMSUB, …) failed. */
  COMMAND_FAILED: "ERR_SB_REDIS_COMMAND_FAILED",
} as const;
export type RedisAdapterErrorCode =
  (typeof RedisAdapterErrorCode)[keyof typeof RedisAdapterErrorCode];

/** Base class of this package's errors: `code` is one of {@link RedisAdapterErrorCode}. */
export class RedisAdapterError extends Error {
  readonly code: RedisAdapterErrorCode;
  constructor(code: RedisAdapterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Thrown (or passed to acks) by cross-node calls while Redis is disconnected. Local delivery goes on. */
export class RedisUnavailableError extends RedisAdapterError {
  constructor(which: string) {
    super(
      RedisAdapterErrorCode.UNAVAILABLE,
      `Redis is unavailable (${which} client not ready): cross-node call refused`,
    );
  }
}

/** The client object is not one this package knows how to drive. */
export class UnsupportedClientError extends RedisAdapterError {
  constructor(role: string, reason?: string) {
    super(
      RedisAdapterErrorCode.UNSUPPORTED_CLIENT,
      reason === undefined
        ? `the ${role} client is neither a "redis" (node-redis v4/v5) nor an "ioredis" client`
        : `the ${role} client cannot be used: ${reason}`,
    );
  }
}

/** A Redis command failed (its error is the `cause`). */
export class RedisCommandError extends RedisAdapterError {
  constructor(command: string, cause: unknown) {
    super(
      RedisAdapterErrorCode.COMMAND_FAILED,
      `Redis ${command} failed: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
}
