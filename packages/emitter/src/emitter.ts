import { EmitterBase } from "#emitter-base";
import type { EventNames, EventParams, EventsMap } from "./event-map.js";

// The empty events map; `Record<never, never>` is `{}` without tripping the linter's ban on `{}`.
type NoEvents = Record<never, never>;

/**
 * A small, fast, strictly typed event emitter, compatible with the typing of Socket.IO's emitters.
 *
 * - `ListenEvents`: events users may listen to (`on`, `once`, `off`).
 * - `EmitEvents`: events users may `emit` (defaults to `ListenEvents`).
 * - `ReservedEvents`: events only the class itself emits (through `emitReserved`), listenable by users.
 *
 * Listeners are called synchronously, in registration order, with `this` set to the emitter; an exception
 * thrown by a listener propagates to the caller of `emit`. Emitting `"error"` without a listener is a no-op.
 *
 * @example
 * interface Events { message: (text: string) => void }
 * const em = new Emitter<Events>();
 * em.on("message", (text) => console.log(text.toUpperCase()));
 * em.emit("message", "hello"); // logs "HELLO"
 */
export class Emitter<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ReservedEvents extends EventsMap = NoEvents,
> extends EmitterBase<ListenEvents, ReservedEvents> {
  /**
   * Calls every listener of `ev` with `args`. Returns `true` when `ev` had listeners.
   *
   * @example
   * em.emit("message", "hello");
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    return this.emitArgs(ev, args);
  }
}
