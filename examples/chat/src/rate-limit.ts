// A token bucket per socket, refilled lazily from the clock: no timers, two numbers per socket.

export interface RateLimitOptions {
  /** Events allowed in a burst. */
  burst: number;
  /** Events per second refilled. */
  perSecond: number;
  /** Refused events (since the last accepted one) after which the client is disconnected. */
  maxStrikes: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitOptions = { burst: 20, perSecond: 5, maxStrikes: 40 };

export class TokenBucket {
  #tokens: number;
  #last: number;
  #strikes = 0;
  readonly #opts: RateLimitOptions;

  constructor(opts: RateLimitOptions, now = Date.now()) {
    this.#opts = opts;
    this.#tokens = opts.burst;
    this.#last = now;
  }

  /** `"ok"` takes a token; `"slow"` refuses this event; `"kick"` means the client keeps flooding. */
  take(now = Date.now()): "ok" | "slow" | "kick" {
    const { burst, perSecond, maxStrikes } = this.#opts;
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#last) / 1000) * perSecond);
    this.#last = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      this.#strikes = 0;
      return "ok";
    }
    this.#strikes += 1;
    return this.#strikes >= maxStrikes ? "kick" : "slow";
  }
}
