// Per-second time series over the plotted window. Counters (packets, bytes, events) arrive as per-second
// counts from every node (`aggregatedEvents`) and are summed per second; gauges (connected clients) are sampled.

/** How far back the plots go. */
export const WINDOW_MS = 5 * 60 * 1000;
/**
 * Nodes report their per-second counts every 2 s, so the newest seconds are still incomplete: rates are
 * plotted up to this long ago, and the "now" rate is the mean of the last complete seconds.
 */
export const SETTLE_MS = 3000;

export type Point = [time: number, value: number];

const second = (t: number): number => t - (t % 1000);

/** A per-second counter series (values of the same second add up). */
export class RateSeries {
  readonly #buckets = new Map<number, number>();
  #since: number;

  constructor(since = Date.now()) {
    this.#since = second(since);
  }

  add(timestamp: number, count: number): void {
    if (!Number.isFinite(timestamp) || !Number.isFinite(count)) return;
    const t = second(timestamp);
    this.#buckets.set(t, (this.#buckets.get(t) ?? 0) + count);
  }

  /** Start the series earlier (history the server kept from before the page connected). */
  extendTo(since: number): void {
    if (Number.isFinite(since)) this.#since = Math.min(this.#since, second(since));
  }

  /** One point per second from the start of the window (or of this series) to `now - SETTLE_MS`; gaps are 0. */
  points(now: number): Point[] {
    const end = second(now - SETTLE_MS);
    const start = Math.max(this.#since, second(now - WINDOW_MS));
    for (const t of this.#buckets.keys()) if (t < start) this.#buckets.delete(t);
    const out: Point[] = [];
    for (let t = start; t <= end; t += 1000) out.push([t, this.#buckets.get(t) ?? 0]);
    return out;
  }

  /** Mean per second over the last `seconds` complete seconds. */
  rate(now: number, seconds = 5): number {
    const end = second(now - SETTLE_MS);
    const start = Math.max(this.#since, end - (seconds - 1) * 1000);
    if (start > end) return 0;
    let sum = 0;
    for (let t = start; t <= end; t += 1000) sum += this.#buckets.get(t) ?? 0;
    return sum / ((end - start) / 1000 + 1);
  }
}

/** A sampled gauge (the last sample of a second wins). */
export class GaugeSeries {
  readonly #samples = new Map<number, number>();

  set(timestamp: number, value: number): void {
    if (Number.isFinite(timestamp) && Number.isFinite(value))
      this.#samples.set(second(timestamp), value);
  }

  points(now: number): Point[] {
    const start = second(now - WINDOW_MS);
    for (const t of this.#samples.keys()) if (t < start) this.#samples.delete(t);
    return [...this.#samples].sort((a, b) => a[0] - b[0]);
  }

  last(): number | undefined {
    let latest: Point | undefined;
    for (const p of this.#samples) if (latest === undefined || p[0] > latest[0]) latest = p;
    return latest?.[1];
  }
}
