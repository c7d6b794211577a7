/** Stable codes of the errors this package creates (listed in the README). */
export const RedisEmitterErrorCode = {
  /** The object given as a Redis client has no `publish` method (neither `redis` nor `ioredis`). */
  UNSUPPORTED_CLIENT: "ERR_SB_EMITTER_UNSUPPORTED_CLIENT",
  /** `emit()` of an event name Socket.IO reserves (`connect`, `disconnect`, …). */
  RESERVED_EVENT: "ERR_SB_EMITTER_RESERVED_EVENT",
  /** An acknowledgement callback was given: an emitter is not a node and cannot receive answers. */
  ACK_UNSUPPORTED: "ERR_SB_EMITTER_ACK_UNSUPPORTED",
  /** An argument cannot be encoded (a function, a cyclic object, …). */
  ENCODE_FAILED: "ERR_SB_EMITTER_ENCODE_FAILED",
} as const;
export type RedisEmitterErrorCode =
  (typeof RedisEmitterErrorCode)[keyof typeof RedisEmitterErrorCode];

/** The base class of this package's errors: `code` is one of {@link RedisEmitterErrorCode}. */
export class RedisEmitterError extends Error {
  readonly code: RedisEmitterErrorCode;
  constructor(code: RedisEmitterErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
