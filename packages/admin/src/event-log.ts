/** Default of `eventLogRate`: log events forwarded per second by one node (see {@link EventLogGate}). */
export const DEFAULT_EVENT_LOG_RATE = 100;

/**
 * The development-mode event log's budget: at most `rate` `event_received` / `event_sent` entries
 * per one-second window leave this node, the rest are only counted. Forwarding one entry costs far
 * more than the event it describes (redacted copy, admin packet, one per recipient of a broadcast),
 * so the decision is taken first, and a refused entry costs one comparison and one addition.
 *
 * The window is reset by {@link tick} (the admin namespace calls it from its one-second sampler)
 * rather than by reading the clock per event: a burst may see up to twice the rate across a
 * window boundary, never more.
 */
export class EventLogGate {
  readonly rate: number;
  /** Entries refused since the gate was created (the owner adds those it skipped, see `onTick`). */
  dropped = 0;
  /** Called at the start of each window, before it is used (to resume a paused capture). */
  onTick: (() => void) | undefined;
  #used = 0;

  /** @param rate entries per second; `Infinity` for no limit, `0` to refuse all. */
  constructor(rate: number) {
    this.rate = rate;
  }

  /** Whether one more entry may be forwarded now (counted as used), else counted as dropped. */
  admit(): boolean {
    if (this.#used < this.rate) {
      this.#used++;
      return true;
    }
    this.dropped++;
    return false;
  }

  /** Start a new window. */
  tick(): void {
    this.#used = 0;
    this.onTick?.();
  }
}

/** Whether `rate` is a valid `eventLogRate`: a number ≥ 0 (`Infinity` allowed). */
export function isValidEventLogRate(rate: unknown): rate is number {
  return typeof rate === "number" && rate >= 0;
}
