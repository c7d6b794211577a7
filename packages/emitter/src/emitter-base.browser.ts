// Browser build of emitter-base.ts (picked by the client bundler): component-emitter's API, which is what
// socket.io-client's browser users have had — `on`/`addEventListener`, `once`, `off`/`removeListener`/
// `removeAllListeners`/`removeEventListener`, `emit` (in emitter.ts), `listeners`, `hasListeners`, plus
// `listenerCount` (the client's typed API) and the protected emitters the client uses. Node's extras (`addListener`,
// `prependListener`, `prependOnceListener`, `eventNames`, `setMaxListeners`, …) stay in the Node build only.
// Same semantics as the Node build: arrays are replaced, never mutated, so an emit iterates what it read.
import type {
  EventNames,
  EventParams,
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "./event-map.js";
import type { EventName, Listener, OnceWrapper } from "./listener.js";

type NoEvents = Record<never, never>;
type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** See emitter-base.ts; this build keeps component-emitter's members only. */
export class EmitterBase<
  ListenEvents extends EventsMap,
  ReservedEvents extends EventsMap = NoEvents,
> {
  #events = new Map<EventName, readonly Listener[]>();

  /** Alias of {@link EmitterBase.on} (component-emitter's DOM-like name). */
  declare addEventListener: this["on"];
  /** Aliases of {@link EmitterBase.off}: with `ev` only they remove every listener of `ev`, without arguments everything. */
  declare removeListener: this["off"];
  declare removeAllListeners: this["off"];
  declare removeEventListener: this["off"];

  on<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#events.set(ev, [...(this.#events.get(ev) ?? []), listener as Listener]);
    return this;
  }

  once<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    // `fired` guards against a re-entrant emit reaching the wrapper through an array read before it left.
    let fired = false;
    const wrapper = ((...args: unknown[]) => {
      if (fired) return;
      fired = true;
      this.off(ev, wrapper as never);
      (listener as Fn).apply(this, args);
    }) as OnceWrapper;
    wrapper.listener = listener as Listener;
    return this.on(ev, wrapper as never);
  }

  /** Removes the most recent registration of `listener`; every listener of `ev` without one; all without `ev`. */
  off<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    const events = this.#events;
    if (ev === undefined) events.clear();
    else if (listener === undefined) events.delete(ev);
    else {
      const entry = events.get(ev) ?? [];
      let i = entry.length;
      // The most recent registration: the listener itself, or a `once` wrapper of it.
      while (
        i-- &&
        entry[i] !== listener &&
        (entry[i] as Partial<OnceWrapper>).listener !== listener
      );
      if (i >= 0) {
        if (entry.length > 1)
          events.set(
            ev,
            entry.filter((_, k) => k !== i),
          );
        else events.delete(ev);
      }
    }
    return this;
  }

  protected emitReserved<Ev extends EventNames<ReservedEvents>>(
    ev: Ev,
    ...args: EventParams<ReservedEvents, Ev>
  ): boolean {
    return this.emitArgs(ev, args);
  }

  protected emitArgs(ev: EventName, args: readonly unknown[]): boolean {
    const entry = this.#events.get(ev);
    if (entry) for (const fn of entry) (fn as Fn).apply(this, args as unknown[]);
    return !!entry;
  }

  listeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
  ): ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[] {
    return (this.#events.get(ev) ?? []).map(
      (fn) => (fn as Partial<OnceWrapper>).listener ?? fn,
    ) as never;
  }

  listenerCount<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): number {
    return this.#events.get(ev)?.length ?? 0;
  }

  hasListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): boolean {
    return this.#events.has(ev);
  }
}

const proto = EmitterBase.prototype;
proto.addEventListener = proto.on;
proto.removeListener = proto.removeAllListeners = proto.removeEventListener = proto.off;
