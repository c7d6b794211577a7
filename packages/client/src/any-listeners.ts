// The catch-all listeners of a namespace socket (`onAny`, `onAnyOutgoing` and their siblings), as a base class of
// `Socket`, which calls them over `listenersAny()`/`listenersAnyOutgoing()`: snapshots, so that a listener may
// unsubscribe while called.
import { Emitter, type EventsMap } from "@switchboard/emitter";
import type { AnyListener } from "./socket-types.js";
import type { ListenerApi } from "./typed.js";

// The emitter minus its `emit`, whose meaning (and return type) the socket changes to "send to the server".
const Base = Emitter as unknown as abstract new <
  L extends EventsMap,
  R extends EventsMap,
>() => ListenerApi<L, R>;

/** Removes the first registration of `listener` from a catch-all list, or every one without a listener. */
function removeAny(list: AnyListener[], listener: AnyListener | undefined): void {
  if (!listener) list.length = 0;
  else {
    const i = list.indexOf(listener);
    if (i !== -1) list.splice(i, 1);
  }
}

/** The emitter with the catch-all listeners of socket.io-client's `Socket`: the base class of {@link Socket}. */
export abstract class CatchAll<L extends EventsMap, R extends EventsMap> extends Base<L, R> {
  readonly #any: AnyListener[] = [];
  readonly #anyOutgoing: AnyListener[] = [];

  /**
   * Adds a listener called for every incoming event, with the event name first.
   * @example
   * socket.onAny((event, ...args) => console.log(event, args));
   */
  onAny(listener: AnyListener): this {
    this.#any.push(listener);
    return this;
  }

  /** Like {@link CatchAll.onAny}, called before the other catch-all listeners. @example socket.prependAny(log); */
  prependAny(listener: AnyListener): this {
    this.#any.unshift(listener);
    return this;
  }

  /** Removes a catch-all listener, or all of them. @example socket.offAny(log); */
  offAny(listener?: AnyListener): this {
    removeAny(this.#any, listener);
    return this;
  }

  /** The catch-all listeners (a copy). @example socket.listenersAny().length; */
  listenersAny(): AnyListener[] {
    return [...this.#any];
  }

  /**
   * Adds a listener called for every outgoing event (when it is written, not when buffered).
   * @example
   * socket.onAnyOutgoing((event, ...args) => console.log("sent", event));
   */
  onAnyOutgoing(listener: AnyListener): this {
    this.#anyOutgoing.push(listener);
    return this;
  }

  /** Like {@link CatchAll.onAnyOutgoing}, called first. @example socket.prependAnyOutgoing(log); */
  prependAnyOutgoing(listener: AnyListener): this {
    this.#anyOutgoing.unshift(listener);
    return this;
  }

  /** Removes an outgoing catch-all listener, or all of them. @example socket.offAnyOutgoing(log); */
  offAnyOutgoing(listener?: AnyListener): this {
    removeAny(this.#anyOutgoing, listener);
    return this;
  }

  /** The outgoing catch-all listeners (a copy). @example socket.listenersAnyOutgoing().length; */
  listenersAnyOutgoing(): AnyListener[] {
    return [...this.#anyOutgoing];
  }
}
