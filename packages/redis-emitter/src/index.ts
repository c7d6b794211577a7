// Public API of @switchboard/redis-emitter: the twin of @socket.io/redis-emitter 5.x.
export { Emitter, type EmitterOptions } from "./emitter.js";
export { BroadcastOperator } from "./broadcast-operator.js";
export { RedisEmitterError, RedisEmitterErrorCode } from "./errors.js";
export type { PublishStats, RedisPublisher } from "./publisher.js";
export type { BroadcastFlags, EmitterParser } from "./wire.js";
export { RESERVED_EVENTS } from "@switchboard/parser";
export type { DefaultEventsMap, EventNames, EventParams, EventsMap } from "@switchboard/emitter";
