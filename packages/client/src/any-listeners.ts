// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's public listener type
export type AnyListener = (...args: any[]) => void;

/** The catch-all listeners of one direction (`onAny` or `onAnyOutgoing`); empty costs nothing per event. */
export class AnyListeners {
  #list: AnyListener[] | undefined;

  add(listener: AnyListener, prepend: boolean): void {
    const list = (this.#list ??= []);
    if (prepend) list.unshift(listener);
    else list.push(listener);
  }

  /** Removes one listener, or all of them. */
  remove(listener?: AnyListener): void {
    if (!listener || !this.#list) {
      this.#list = undefined;
      return;
    }
    const i = this.#list.indexOf(listener);
    if (i !== -1) this.#list.splice(i, 1);
    if (this.#list.length === 0) this.#list = undefined;
  }

  all(): AnyListener[] {
    return this.#list ? [...this.#list] : [];
  }

  /** Calls every listener with `args` (a snapshot, so listeners may unsubscribe while called). */
  call(self: unknown, args: unknown[]): void {
    const list = this.#list;
    if (list) for (const l of list.slice()) l.apply(self, args);
  }
}
