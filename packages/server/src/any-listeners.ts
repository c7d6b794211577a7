/* eslint-disable @typescript-eslint/no-explicit-any -- catch-all listeners take any arguments */
import { reportError } from "./report.js";
type AnyListener = (...args: any[]) => void;

/**
 * The catch-all listeners of a socket (`onAny` / `onAnyOutgoing` families). Created on first use,
 * so sockets without catch-all listeners pay nothing. The array is replaced, never mutated, so a
 * listener removing itself does not disturb the call in progress.
 * @internal
 */
export class AnyListeners {
  #list: readonly AnyListener[] = [];

  add(listener: AnyListener, prepend: boolean): void {
    this.#list = prepend ? [listener, ...this.#list] : [...this.#list, listener];
  }

  remove(listener?: AnyListener): void {
    if (listener === undefined) {
      this.#list = [];
      return;
    }
    const i = this.#list.indexOf(listener);
    if (i !== -1) this.#list = [...this.#list.slice(0, i), ...this.#list.slice(i + 1)];
  }

  list(): AnyListener[] {
    return [...this.#list];
  }

  /** Call every listener with `args` spread; an exception in one is reported and the others still run. */
  call(self: unknown, args: readonly unknown[]): void {
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as AnyListener).apply(self, args as unknown[]);
      } catch (err) {
        reportError(err);
      }
    }
  }
}
