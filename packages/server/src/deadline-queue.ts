/**
 * Deadlines that all share one delay, so they expire in insertion order: a FIFO with a single
 * unref'd timer armed for the head, instead of one timer per item (used for `connectTimeout`).
 * @internal
 */
export class DeadlineQueue<T> {
  readonly #delay: number;
  readonly #onExpire: (item: T) => void;
  /** Insertion-ordered: iteration order is deadline order. */
  readonly #items = new Map<T, number>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(delay: number, onExpire: (item: T) => void) {
    this.#delay = delay;
    this.#onExpire = onExpire;
  }

  get size(): number {
    return this.#items.size;
  }

  add(item: T): void {
    this.#items.delete(item);
    this.#items.set(item, Date.now() + this.#delay);
    if (this.#timer === undefined) this.#arm(this.#delay);
  }

  delete(item: T): void {
    this.#items.delete(item);
    if (this.#items.size === 0) this.clear();
  }

  clear(): void {
    this.#items.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(this.#fire, ms);
    this.#timer.unref?.();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    for (const [item, deadline] of this.#items) {
      if (deadline > now) {
        this.#arm(deadline - now);
        return;
      }
      this.#items.delete(item);
      try {
        this.#onExpire(item);
      } catch (err) {
        console.error(err);
      }
    }
  };
}
