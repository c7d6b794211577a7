import type { EventsMap } from "./event-map.js";

/** The part of an emitter {@link on} needs; `Events` gives the listeners their types. */
export interface Subscribable<Events extends EventsMap> {
  on(ev: keyof Events & string, fn: never): unknown;
  off(ev: keyof Events & string, fn: never): unknown;
}

/**
 * Subscribes `fn` to `ev` and returns the unsubscriber: for code that holds many subscriptions and drops them
 * together (connection-time wiring, not a per-message path).
 *
 * @example
 * const subs = [on(conn as Subscribable<ConnEvents>, "open", onOpen), on(conn as Subscribable<ConnEvents>, "close", onClose)];
 * for (const off of subs) off();
 */
export function on<Events extends EventsMap, Ev extends keyof Events & string>(
  emitter: Subscribable<Events>,
  ev: Ev,
  fn: Events[Ev],
): () => void {
  emitter.on(ev, fn as never);
  return () => emitter.off(ev, fn as never);
}
