import type { AggregatedEvent } from "./protocol.js";

/** How far back the history sent to a newly connected admin page goes. */
export const HISTORY_WINDOW_MS = 5 * 60 * 1000;
/**
 * Most aggregated events kept (oldest dropped first): about 10 types per second for 5 minutes, plus
 * room for per-namespace and per-reason entries. Bounds memory whatever the traffic (a few hundred KB).
 */
export const HISTORY_MAX_EVENTS = 6000;
/** Most clients-count samples kept (one per `server_stats`; 150 at the default 2 s period). */
export const HISTORY_MAX_SAMPLES = 600;

/**
 * The last five minutes of this node's `server_stats`: the per-second counts already sent, and the
 * connected-clients count of each sample. A page that connects gets them in its first `server_stats`
 * (`aggregatedEvents` and `clientsHistory`), so its plots do not start empty.
 */
export class StatsHistory {
  readonly #events: AggregatedEvent[] = [];
  readonly #clients: [number, number][] = [];
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Remember drained counts and the clients count of one `server_stats`. */
  record(events: readonly AggregatedEvent[], clientsCount: number, timestamp = this.#now()): void {
    for (const e of events) this.#events.push({ ...e });
    this.#clients.push([timestamp, clientsCount]);
    this.#trim();
  }

  /** The counts of the window, oldest first (copies). */
  events(): AggregatedEvent[] {
    this.#trim();
    return this.#events.map((e) => ({ ...e }));
  }

  /** `[timestamp, clientsCount]` samples of the window, oldest first. */
  clients(): [number, number][] {
    this.#trim();
    return this.#clients.map(([t, n]) => [t, n]);
  }

  #trim(): void {
    const since = this.#now() - HISTORY_WINDOW_MS;
    let drop = 0;
    while (drop < this.#events.length && this.#events[drop]!.timestamp < since) drop++;
    drop = Math.max(drop, this.#events.length - HISTORY_MAX_EVENTS);
    if (drop > 0) this.#events.splice(0, drop);
    drop = 0;
    while (drop < this.#clients.length && this.#clients[drop]![0] < since) drop++;
    drop = Math.max(drop, this.#clients.length - HISTORY_MAX_SAMPLES);
    if (drop > 0) this.#clients.splice(0, drop);
  }
}
