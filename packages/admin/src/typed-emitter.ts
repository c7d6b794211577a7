import { reportError } from "./report.js";

/** Listener maps: event name → listener signature. */
export type ListenerMap<M> = { [K in keyof M]: (...args: never[]) => void };

/**
 * A minimal typed event emitter for the instrumentation stream: listeners are kept in arrays replaced
 * on change (copy-on-write), so `emit` loops without allocating, and `has()` lets producers skip
 * building a payload nobody reads.
 */
export class TypedEmitter<M extends ListenerMap<M>> {
  #listeners = new Map<keyof M, readonly M[keyof M][]>();

  /** Add a listener; returns a function that removes it. */
  on<E extends keyof M>(event: E, listener: M[E]): () => void {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return () => this.off(event, listener);
  }

  /** Remove a listener added with `on`. */
  off<E extends keyof M>(event: E, listener: M[E]): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    const next = list.filter((l) => l !== listener);
    if (next.length === 0) this.#listeners.delete(event);
    else this.#listeners.set(event, next);
  }

  /** Whether anyone listens to `event`. */
  has(event: keyof M): boolean {
    return this.#listeners.has(event);
  }

  /** Call the listeners of `event`; a throwing listener does not stop the others nor the caller. */
  emit<E extends keyof M>(event: E, ...args: Parameters<M[E]>): void {
    const list = this.#listeners.get(event);
    if (list === undefined) return;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as (...a: Parameters<M[E]>) => void)(...args);
      } catch (err) {
        reportError(err);
      }
    }
  }

  /** Remove every listener. */
  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
