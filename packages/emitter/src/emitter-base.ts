import type {
  EventNames,
  EventParams,
  EventsMap,
  ReservedOrUserEventNames,
  ReservedOrUserListener,
} from "./event-map.js";
import {
  dispatch,
  unwrap,
  type Entry,
  type EventName,
  type Listener,
  type OnceWrapper,
} from "./listener.js";

/** Above this many event names a table switches from its flat array to a Map. */
const SMALL_TABLE = 8;

/**
 * The listeners of one emitter: null (none), a flat array `[name, entry, name, entry, …]` of exactly the
 * needed length, or a Map past {@link SMALL_TABLE} names. A server holds an emitter per socket, most with
 * a handful of events: 5 cost 128 B as an array, ~300 B as a Map (issue #6, memory per connection).
 * Entries follow listener.ts's rules: never mutated once stored, only replaced.
 */
type Table = (EventName | Entry)[] | Map<EventName, Entry> | null;

function tableGet(t: Table, ev: EventName): Entry | undefined {
  if (t === null) return undefined;
  if (!Array.isArray(t)) return t.get(ev);
  for (let i = 0; i < t.length; i += 2) if (t[i] === ev) return t[i + 1] as Entry;
  return undefined;
}

/** Stores `entry` for `ev`; returns the table to keep (a new one when it grew). */
function tableSet(t: Table, ev: EventName, entry: Entry): Table {
  if (t === null) return [ev, entry];
  if (!Array.isArray(t)) return t.set(ev, entry);
  for (let i = 0; i < t.length; i += 2) {
    if (t[i] !== ev) continue;
    // Replacing the slot is safe: an emit iterating the old entry keeps it.
    t[i + 1] = entry;
    return t;
  }
  if (t.length >= SMALL_TABLE * 2) {
    const map = new Map<EventName, Entry>();
    for (let i = 0; i < t.length; i += 2) map.set(t[i] as EventName, t[i + 1] as Entry);
    return map.set(ev, entry);
  }
  // A new array of the exact length (a push could leave spare capacity in every emitter).
  const next = new Array<EventName | Entry>(t.length + 2);
  for (let i = 0; i < t.length; i++) next[i] = t[i]!;
  next[t.length] = ev;
  next[t.length + 1] = entry;
  return next;
}

/** Removes `ev`; returns the table to keep. */
function tableDelete(t: Table, ev: EventName): Table {
  if (t === null) return null;
  if (!Array.isArray(t)) {
    t.delete(ev);
    return t;
  }
  for (let i = 0; i < t.length; i += 2) {
    if (t[i] !== ev) continue;
    if (t.length === 2) return null;
    const next = new Array<EventName | Entry>(t.length - 2);
    for (let j = 0, k = 0; j < t.length; j++) if (j !== i && j !== i + 1) next[k++] = t[j]!;
    return next;
  }
  return t;
}

/** Adds `fn` for `ev`, first or last; returns the table to keep. */
function tableAdd(t: Table, ev: EventName, fn: Listener, prepend: boolean): Table {
  const entry = tableGet(t, ev);
  if (entry === undefined) return tableSet(t, ev, fn);
  if (typeof entry === "function") return tableSet(t, ev, prepend ? [fn, entry] : [entry, fn]);
  return tableSet(t, ev, prepend ? [fn, ...entry] : [...entry, fn]);
}

/** Maps a stored listener (a `once` wrapper already unwrapped) to the user's function: {@link EmitterBase}'s hook. */
type Unwrap = (stored: Listener) => Listener;

/** Whether `candidate` was stored for the user's `fn`: itself, or through `once` and/or the subclass's wrapper. */
function registeredFor(candidate: Listener, fn: Listener, unwrapHook: Unwrap): boolean {
  return candidate === fn || unwrapHook(unwrap(candidate)) === fn;
}

/**
 * Removes the most recent registration of `fn` for `ev` (bare, through `once`, or through the subclass's
 * wrapper); returns the table to keep.
 */
function tableRemove(t: Table, ev: EventName, fn: Listener, unwrapHook: Unwrap): Table {
  const entry = tableGet(t, ev);
  if (entry === undefined) return t;
  if (typeof entry === "function")
    return registeredFor(entry, fn, unwrapHook) ? tableDelete(t, ev) : t;
  for (let i = entry.length - 1; i >= 0; i--) {
    if (!registeredFor(entry[i] as Listener, fn, unwrapHook)) continue;
    return tableSet(
      t,
      ev,
      entry.length === 2
        ? (entry[1 - i] as Listener)
        : [...entry.slice(0, i), ...entry.slice(i + 1)],
    );
  }
  return t;
}

/** The default unwrap hook (no subclass wrapper). */
const same: Unwrap = (fn) => fn;

/**
 * The wrapper of a `once()` registration; `removeSelf` takes it out of the table before `listener` runs.
 * One closure per registration (not per emit). `fired` guards against a re-entrant emit reaching this
 * wrapper again through an array read before the wrapper removed itself.
 */
function wrapOnce(listener: Listener, removeSelf: (wrapper: Listener) => void): Listener {
  let fired = false;
  const wrapper = function (this: unknown, ...args: unknown[]): void {
    if (fired) return;
    fired = true;
    removeSelf(wrapper);
    (listener as (...a: unknown[]) => unknown).apply(this, args);
  } as OnceWrapper;
  wrapper.listener = listener;
  return wrapper;
}

/** Max listeners given to `setMaxListeners` (rare: kept out of every emitter). */
const maxListeners = new WeakMap<object, number>();

// The empty events map; `Record<never, never>` is `{}` without tripping the linter's ban on `{}`.
type NoEvents = Record<never, never>;

// Any emitter, as the static helpers of EmitterBase see the one they act on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the helpers only touch the untyped table
type AnyEmitterBase = EmitterBase<any, any>;

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
export class EmitterBase<
  ListenEvents extends EventsMap,
  ReservedEvents extends EventsMap = NoEvents,
> {
  // listener.ts's functions only call get/set/delete, which ListenerTable provides.
  // No private methods in this class: each would add a brand slot to every instance.
  #events: Table = null;

  // The shared bodies of on/addListener/prependListener and once/prependOnceListener: static, so that no
  // instance carries a private-method brand.
  static #add(self: AnyEmitterBase, ev: EventName, listener: Listener, prepend: boolean): void {
    const host = self.listenerHost();
    host.#events = tableAdd(host.#events, ev, host.wrapListener(ev, listener), prepend);
  }

  static #addOnce(self: AnyEmitterBase, ev: EventName, listener: Listener, prepend: boolean): void {
    const host = self.listenerHost();
    const wrapper = wrapOnce(
      host.wrapListener(ev, listener),
      (w) => (host.#events = tableRemove(host.#events, ev, w, same)),
    );
    host.#events = tableAdd(host.#events, ev, wrapper, prepend);
  }

  // ---- hooks for subclasses (Node build only: the browser build has none, the client needs none) ----

  /**
   * Hook: the emitter whose table holds this emitter's listeners (default: itself). Listener management and
   * introspection (`on` … `eventNames`) act on it; the protected emitters always dispatch this emitter's own
   * listeners, so a subclass that returns another emitter leaves emitting to that one. Socket.IO's `io.on()`
   * is `io.sockets.on()`: the server returns its main namespace.
   *
   * @example
   * class Facade extends Emitter<Events> {
   *   constructor(readonly inner: Emitter<Events>) { super(); }
   *   protected override listenerHost(): EmitterBase<EventsMap, EventsMap> { return this.inner as never; }
   * }
   */
  protected listenerHost(): EmitterBase<EventsMap, EventsMap> {
    return this as never;
  }

  /**
   * Hook: the function stored when `listener` is added for `ev` (default: `listener` itself), e.g. a wrapper
   * that observes what it returns. Called on the {@link EmitterBase.listenerHost} for every `on`, `addListener`,
   * `prependListener`, `once` and `prependOnceListener`; {@link EmitterBase.unwrapListener} must undo it.
   *
   * @example
   * protected override wrapListener(ev: string | symbol, fn: Listener): Listener { return reportRejections(fn); }
   */
  protected wrapListener(_ev: EventName, listener: Listener): Listener {
    return listener;
  }

  /**
   * Hook: the user's function behind a stored one (the inverse of {@link EmitterBase.wrapListener}), so that
   * `listeners()` returns and `off()` matches what the user gave.
   */
  protected unwrapListener(stored: Listener): Listener {
    return stored;
  }

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
    EmitterBase.#add(this, ev, listener as Listener, false);
    return this;
  }

  /** Alias of {@link EmitterBase.on} (Node's EventEmitter name). */
  addListener<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>,
  ): this {
    EmitterBase.#add(this, ev, listener as Listener, false);
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
    EmitterBase.#add(this, ev, listener as Listener, true);
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
    EmitterBase.#addOnce(this, ev, listener as Listener, false);
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
    EmitterBase.#addOnce(this, ev, listener as Listener, true);
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
    const host = this.listenerHost();
    if (ev === undefined) host.#events = null;
    else if (listener === undefined) host.#events = tableDelete(host.#events, ev);
    else
      host.#events = tableRemove(host.#events, ev, listener as Listener, (stored) =>
        host.unwrapListener(stored),
      );
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
  removeAllListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(
    ev?: Ev,
  ): this {
    const host = this.listenerHost();
    if (ev === undefined) host.#events = null;
    else host.#events = tableDelete(host.#events, ev);
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
    return dispatch(tableGet(this.#events, ev), this, args);
  }

  /** Emits any event with any arguments, for subclasses that give `emit` another meaning (sockets). */
  protected emitUntyped(ev: EventName, ...args: unknown[]): boolean {
    return dispatch(tableGet(this.#events, ev), this, args);
  }

  /**
   * Emits `ev` with the arguments held in `args` (used as-is, not copied): for subclasses that already hold
   * the arguments in an array, such as a decoded event packet, so no spread is needed.
   */
  protected emitArgs(ev: EventName, args: readonly unknown[]): boolean {
    return dispatch(tableGet(this.#events, ev), this, args);
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
    const host = this.listenerHost();
    const entry = tableGet(host.#events, ev);
    if (entry === undefined) return [];
    const user = (stored: Listener): Listener => host.unwrapListener(unwrap(stored));
    const listeners = typeof entry === "function" ? [user(entry)] : entry.map(user);
    return listeners as ReservedOrUserListener<ReservedEvents, ListenEvents, Ev>[];
  }

  /**
   * Number of listeners of `ev`.
   *
   * @example
   * em.listenerCount("message"); // 1
   */
  listenerCount<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): number {
    const entry = tableGet(this.listenerHost().#events, ev);
    return entry === undefined ? 0 : typeof entry === "function" ? 1 : entry.length;
  }

  /**
   * Whether `ev` has at least one listener.
   *
   * @example
   * if (!em.hasListeners("error")) console.error(err);
   */
  hasListeners<Ev extends ReservedOrUserEventNames<ReservedEvents, ListenEvents>>(ev: Ev): boolean {
    return tableGet(this.listenerHost().#events, ev) !== undefined;
  }

  /** The names of the events that have listeners. */
  eventNames(): EventName[] {
    const t = this.listenerHost().#events;
    if (t === null) return [];
    if (!Array.isArray(t)) return [...t.keys()];
    const names: EventName[] = [];
    for (let i = 0; i < t.length; i += 2) names.push(t[i] as EventName);
    return names;
  }

  /**
   * Kept for code written against Node's EventEmitter. This emitter never warns about many listeners, so
   * the value is only stored and returned by {@link EmitterBase.getMaxListeners}.
   */
  setMaxListeners(n: number): this {
    maxListeners.set(this, n);
    return this;
  }

  /** The value last given to {@link EmitterBase.setMaxListeners} (0 by default: no limit). */
  getMaxListeners(): number {
    return maxListeners.get(this) ?? 0;
  }
}
