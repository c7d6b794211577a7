/** @internal Something with queued output to write at the end of the tick. */
export interface Flushable {
  runScheduledFlush(): void;
}

/**
 * @internal One microtask per tick flushes every session that queued packets in that tick, instead
 * of one scheduled callback per session. The lists are double-buffered: sessions scheduled while
 * flushing land in the other list and get their own microtask.
 */
export class FlushScheduler<T extends Flushable> {
  #pending: T[] = [];
  #spare: T[] = [];
  #queued = false;
  readonly #onError: (err: unknown, item: T) => void;

  constructor(onError: (err: unknown, item: T) => void) {
    this.#onError = onError;
  }

  /** Flushes `item` at the end of this tick (callers avoid scheduling the same item twice). */
  schedule(item: T): void {
    this.#pending.push(item);
    if (!this.#queued) {
      this.#queued = true;
      queueMicrotask(this.#run);
    }
  }

  readonly #run = (): void => {
    this.#queued = false;
    const list = this.#pending;
    this.#pending = this.#spare;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!.runScheduledFlush();
      } catch (err) {
        this.#onError(err, list[i]!);
      }
    }
    list.length = 0;
    this.#spare = list;
  };
}
