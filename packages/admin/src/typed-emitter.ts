import { Emitter, type EventName, type EventsMap, type Listener } from "@switchboard/emitter";
import { reportError } from "./report.js";

/** Listener maps: event name → listener signature. */
export type ListenerMap<M> = { [K in keyof M]: (...args: never[]) => void };

/** A stored listener: the user's function behind the try/catch of {@link Isolated}. */
interface Guarded {
  (this: unknown, ...args: unknown[]): void;
  readonly user: Listener;
}

/**
 * `@switchboard/emitter`'s `Emitter` (its listener table and dispatch: copy-on-write entries, so `emit` loops
 * without allocating), with every listener guarded: an exception of one consumer (the dashboard, the
 * metrics, a user's subscriber) is reported and neither stops the others nor reaches the server's packet
 * path that emitted it.
 */
class Isolated extends Emitter<EventsMap> {
  protected override wrapListener(_ev: EventName, listener: Listener): Listener {
    const fn = listener as (this: unknown, ...args: unknown[]) => unknown;
    const guarded = function (this: unknown, ...args: unknown[]): void {
      try {
        fn.apply(this, args);
      } catch (err) {
        reportError(err);
      }
    } as Guarded;
    (guarded as { user: Listener }).user = listener;
    return guarded;
  }

  protected override unwrapListener(stored: Listener): Listener {
    return (stored as Partial<Guarded>).user ?? stored;
  }
}

/**
 * The instrumentation stream's listener API: `on` returns the function that removes the listener (consumers
 * hold many subscriptions and drop them together), `has()` lets producers skip building a payload nobody
 * reads, and a throwing listener is reported, not thrown. The listeners themselves live in an
 * `@switchboard/emitter` `Emitter` (see the emitter package's README, "Emitters in the repository").
 */
export class TypedEmitter<M extends ListenerMap<M>> {
  readonly #listeners = new Isolated();

  /** Add a listener; returns a function that removes it. */
  on<E extends keyof M>(event: E, listener: M[E]): () => void {
    this.#listeners.on(event as string, listener as Listener as never);
    return () => this.off(event, listener);
  }

  /** Remove a listener added with `on`. */
  off<E extends keyof M>(event: E, listener: M[E]): void {
    this.#listeners.off(event as string, listener as Listener as never);
  }

  /** Whether anyone listens to `event`. */
  has(event: keyof M): boolean {
    return this.#listeners.hasListeners(event as string);
  }

  /** Call the listeners of `event`; a throwing listener does not stop the others nor the caller. */
  emit<E extends keyof M>(event: E, ...args: Parameters<M[E]>): void {
    this.#listeners.emit(event as string, ...(args as never[]));
  }

  /** Remove every listener. */
  removeAllListeners(): void {
    this.#listeners.removeAllListeners();
  }
}
