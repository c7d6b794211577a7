import type {
  EventNames,
  EventParams,
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "./event-map.js";
import { call, unwrap, type Entry, type EventName, type Listener, type OnceWrapper } from "./listener.js";

// The empty events map; `Record<never, never>` is `{}` without tripping the linter's ban on `{}`.
type NoEvents = Record<never, never>;

/**
 * Everything of {@link Emitter} but the public `emit`: listener management, introspection and the protected
 * emitters. Extend it directly when a subclass gives `emit` another signature than `boolean`-returning
 * local dispatch (socket.io-client's `Socket#emit` sends to the server and returns `this`).
 *
 * - `ListenEvents`: events users may listen to (`on`, `once`, `off`).
 * - `ReservedEvents`: events only the class itself emits (through `emitReserved`), listenable by users.
 *
 * Listeners are called synchronously, in registration order, with `this` set to the emitter; an exception
 * thrown by a listener propagates to the caller of `emit`. Emitting `"error"` without a listener is a no-op.
 *
 * @example
 * class Conn extends EmitterBase<{ data: (d: string) => void }, { close: () => void }> {
 *   send(d: string): this { return this; }
 *   end(): void { this.emitReserved("close"); }
 * }
 */
export class EmitterBase<ListenEvents extends EventsMap, ReservedEvents extends EventsMap = NoEvents> {
  #events = new Map<EventName, Entry>();
  #maxListeners = 0;

  /**
   * Adds `listener` for `ev`.
   *
   * @example
   * em.on("message", (text) => console.log(text));
   */
  on<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#add(ev, listener as Listener, false);
    return this;
  }

  /** Alias of {@link EmitterBase.on} (Node's EventEmitter name). */
  addListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#add(ev, listener as Listener, false);
    return this;
  }

  /**
   * Adds `listener` for `ev` before the listeners already registered.
   *
   * @example
   * em.prependListener("message", (text) => audit(text));
   */
  prependListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#add(ev, listener as Listener, true);
    return this;
  }

  /**
   * Adds a listener that is removed right before its first call.
   *
   * @example
   * em.once("message", (text) => console.log("first message:", text));
   */
  once<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#add(ev, this.#wrapOnce(ev, listener as Listener), false);
    return this;
  }

  /**
   * Like {@link EmitterBase.once}, placed before the listeners already registered.
   *
   * @example
   * em.prependOnceListener("message", (text) => console.log("first:", text));
   */
  prependOnceListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    this.#add(ev, this.#wrapOnce(ev, listener as Listener), true);
    return this;
  }

  /**
   * Removes `listener` from `ev` (its most recent registration, whether by `on` or `once`); without a
   * listener removes every listener of `ev`; without arguments removes every listener.
   *
   * @example
   * em.off("message", handler);
   */
  off<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    if (ev === undefined) this.#events.clear();
    else if (listener === undefined) this.#events.delete(ev);
    else this.#remove(ev, listener as Listener);
    return this;
  }

  /** Alias of {@link EmitterBase.off}. */
  removeListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    return this.off(ev, listener);
  }

  /**
   * Removes every listener of `ev`, or of every event when `ev` is omitted.
   *
   * @example
   * em.removeAllListeners("message");
   */
  removeAllListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev?: Ev): this {
    if (ev === undefined) this.#events.clear();
    else this.#events.delete(ev);
    return this;
  }

  /**
   * Emits a reserved event: only the class and its subclasses may, users can only listen to them.
   *
   * @example
   * class Conn extends EmitterBase<{}, { close: (reason: string) => void }> {
   *   end() { this.emitReserved("close", "done"); }
   * }
   */
  protected emitReserved<Ev extends EventNames<ReservedEvents>>(
    ev: Ev,
    ...args: EventParams<ReservedEvents, Ev>
  ): boolean {
    return this.#dispatch(ev, args);
  }

  /** Emits any event with any arguments, for subclasses that give `emit` another meaning (sockets). */
  protected emitUntyped(ev: EventName, ...args: unknown[]): boolean {
    return this.#dispatch(ev, args);
  }

  /**
   * Emits `ev` with the arguments held in `args` (used as-is, not copied): for subclasses that already hold
   * the arguments in an array, such as a decoded event packet, so no spread is needed.
   */
  protected emitArgs(ev: EventName, args: readonly unknown[]): boolean {
    return this.#dispatch(ev, args);
  }

  /**
   * The listeners of `ev` in call order (a copy; `once` listeners appear as the function given to `once`).
   *
   * @example
   * em.listeners("message").length; // 1
   */
  listeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
  ): ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[] {
    const entry = this.#events.get(ev);
    if (entry === undefined) return [];
    const list = typeof entry === "function" ? [entry] : entry;
    return list.map(unwrap) as ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[];
  }

  /**
   * Number of listeners of `ev`.
   *
   * @example
   * em.listenerCount("message"); // 1
   */
  listenerCount<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): number {
    const entry = this.#events.get(ev);
    if (entry === undefined) return 0;
    return typeof entry === "function" ? 1 : entry.length;
  }

  /**
   * Whether `ev` has at least one listener.
   *
   * @example
   * if (!em.hasListeners("error")) console.error(err);
   */
  hasListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): boolean {
    return this.#events.has(ev);
  }

  /** The names of the events that have listeners. */
  eventNames(): EventName[] {
    return [...this.#events.keys()];
  }

  /**
   * Kept for code written against Node's EventEmitter. This emitter never warns about many listeners, so
   * the value is only stored and returned by {@link EmitterBase.getMaxListeners}.
   */
  setMaxListeners(n: number): this {
    this.#maxListeners = n;
    return this;
  }

  /** The value last given to {@link EmitterBase.setMaxListeners} (0 by default: no limit). */
  getMaxListeners(): number {
    return this.#maxListeners;
  }

  #dispatch(ev: EventName, args: readonly unknown[]): boolean {
    const entry = this.#events.get(ev);
    if (entry === undefined) return false;
    if (typeof entry === "function") {
      call(entry, this, args);
    } else {
      // `entry` is never mutated (see Entry), so no copy is needed even if listeners change meanwhile.
      for (let i = 0; i < entry.length; i++) call(entry[i] as Listener, this, args);
    }
    return true;
  }

  #add(ev: EventName, fn: Listener, prepend: boolean): void {
    const entry = this.#events.get(ev);
    if (entry === undefined) this.#events.set(ev, fn);
    else if (typeof entry === "function") this.#events.set(ev, prepend ? [fn, entry] : [entry, fn]);
    else this.#events.set(ev, prepend ? [fn, ...entry] : [...entry, fn]);
  }

  #remove(ev: EventName, fn: Listener): void {
    const entry = this.#events.get(ev);
    if (entry === undefined) return;
    if (typeof entry === "function") {
      if (entry === fn || (entry as Partial<OnceWrapper>).listener === fn) this.#events.delete(ev);
      return;
    }
    for (let i = entry.length - 1; i >= 0; i--) {
      const candidate = entry[i] as Listener;
      if (candidate !== fn && (candidate as Partial<OnceWrapper>).listener !== fn) continue;
      if (entry.length === 2) this.#events.set(ev, entry[1 - i] as Listener);
      else this.#events.set(ev, [...entry.slice(0, i), ...entry.slice(i + 1)]);
      return;
    }
  }

  #wrapOnce(ev: EventName, listener: Listener): Listener {
    // One closure per `once()` registration (not per emit). `fired` guards against a re-entrant emit
    // reaching this wrapper again through an array read before the wrapper removed itself.
    let fired = false;
    const remove = (w: Listener): void => this.#remove(ev, w);
    const wrapper = function (this: unknown, ...args: unknown[]): void {
      if (fired) return;
      fired = true;
      remove(wrapper);
      (listener as (...a: unknown[]) => unknown).apply(this, args);
    } as OnceWrapper;
    wrapper.listener = listener;
    return wrapper;
  }
}
