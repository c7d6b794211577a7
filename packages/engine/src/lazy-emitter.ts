import { EventEmitter } from "node:events";

/**
 * Node's EventEmitter without the listener table its constructor allocates. Every
 * EventEmitter method creates `_events` on the first listener and treats a missing one as "no
 * listeners", so a session nobody listens to pays nothing for being an emitter (about 230 bytes
 * per session with the eager table). `instanceof EventEmitter` still holds: the prototype is
 * EventEmitter's own.
 *
 * Why not `@switchboard/emitter`: engine.io's `Socket` is a Node EventEmitter, and code written for it
 * (`instanceof EventEmitter`, `rawListeners`, `errorMonitor`) keeps working only on one; the
 * emitters of the repository and why each exists are listed in packages/emitter/README.md.
 */
export const LazyEventEmitter =
  function LazyEventEmitter(): void {} as unknown as typeof EventEmitter;
LazyEventEmitter.prototype = EventEmitter.prototype;
