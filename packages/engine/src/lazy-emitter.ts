import { EventEmitter } from "node:events";

/**
 * Node's EventEmitter without the listener table its constructor allocates. Every
 * EventEmitter method creates `_events` on the first listener and treats a missing one as "no
 * listeners", so a session nobody listens to pays nothing for being an emitter (about 230 bytes
 * per session with the eager table). `instanceof EventEmitter` still holds: the prototype is
 * EventEmitter's own.
 */
export const LazyEventEmitter = function LazyEventEmitter(): void {} as unknown as typeof EventEmitter;
LazyEventEmitter.prototype = EventEmitter.prototype;
