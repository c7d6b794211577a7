/**
 * Counts failed logins per key (the remote address) in a sliding window; a key with `max` failures
 * in the last `windowMs` is blocked until its oldest failure leaves the window. Memory is bounded:
 * at most `maxKeys` addresses are tracked, the oldest forgotten first.
 */
export class LoginRateLimiter {
  readonly #max: number;
  readonly #windowMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  #failures = new Map<string, number[]>();

  constructor(opts: { max: number; windowMs: number; maxKeys?: number; now?: () => number }) {
    this.#max = opts.max;
    this.#windowMs = opts.windowMs;
    this.#maxKeys = opts.maxKeys ?? 10_000;
    this.#now = opts.now ?? Date.now;
  }

  /** Whether `key` may try again now. */
  allowed(key: string): boolean {
    if (this.#max <= 0) return true;
    const list = this.#recent(key);
    return list === undefined || list.length < this.#max;
  }

  /** Record a failed attempt. */
  fail(key: string): void {
    if (this.#max <= 0) return;
    const list = this.#recent(key) ?? [];
    list.push(this.#now());
    this.#failures.delete(key); // re-insert: Map order is then least recently failed first
    this.#failures.set(key, list);
    if (this.#failures.size > this.#maxKeys) {
      const oldest = this.#failures.keys().next().value;
      if (oldest !== undefined) this.#failures.delete(oldest);
    }
  }

  /** Forget a key's failures (after a successful login). */
  reset(key: string): void {
    this.#failures.delete(key);
  }

  #recent(key: string): number[] | undefined {
    const list = this.#failures.get(key);
    if (list === undefined) return undefined;
    const cutoff = this.#now() - this.#windowMs;
    while (list.length > 0 && (list[0] as number) <= cutoff) list.shift();
    if (list.length === 0) {
      this.#failures.delete(key);
      return undefined;
    }
    return list;
  }
}
