import type { AggregatedEvent } from "./protocol.js";
import type { TrafficCounters } from "./stream/index.js";

/**
 * Per-second counts drained by each `server_stats` (the official `aggregatedEvents`). Keys are
 * `second;type;subType`, as the official server's buffer. Traffic is not pushed per packet: the
 * caller samples the stream's counters (every second) and adds the difference.
 */
export class EventBuffer {
  #buffer = new Map<string, AggregatedEvent>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Count `count` occurrences of `type` (and `subType`) in the current second. */
  push(type: string, subType?: string, count = 1): void {
    if (count === 0) return;
    const t = this.#now();
    const timestamp = t - (t % 1000);
    const key = subType === undefined ? `${timestamp};${type}` : `${timestamp};${type};${subType}`;
    const entry = this.#buffer.get(key);
    if (entry !== undefined) entry.count += count;
    else
      this.#buffer.set(
        key,
        subType === undefined ? { timestamp, type, count } : { timestamp, type, subType, count },
      );
  }

  /** Add the traffic since the previous sample (`now - before`) to the current second. */
  pushTraffic(now: TrafficCounters, before: TrafficCounters): void {
    this.push("packetsIn", undefined, now.packetsIn - before.packetsIn);
    this.push("bytesIn", undefined, now.bytesIn - before.bytesIn);
    this.push("eventsIn", undefined, now.eventsIn - before.eventsIn);
    this.push("packetsOut", undefined, now.packetsOut - before.packetsOut);
    this.push("bytesOut", undefined, now.bytesOut - before.bytesOut);
    this.push("eventsOut", undefined, now.eventsOut - before.eventsOut);
  }

  /** The counts since the last call, then forget them. */
  drain(): AggregatedEvent[] {
    const values = [...this.#buffer.values()];
    this.#buffer.clear();
    return values;
  }
}
