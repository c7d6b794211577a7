// Flow-control metrics (issue #18): queued bytes per connection, sockets over the high-water mark, drains,
// drops, conflations, rate-limited events and refused handshakes. Read from the engine's counters
// (`io.engine.flow`) and the server's rate limiter at scrape time, plus one sampling tick for the queued-bytes
// histogram: nothing per packet, no method wrapped.
import type { Registry } from "./registry.js";
import { Counter, Gauge, Histogram } from "./registry.js";
import type { AnyServer } from "../types.js";

/** Buckets of the queued-bytes histogram: 0, 1 KiB, 64 KiB, 1 MiB, 8 MiB, 64 MiB. */
const QUEUED_BUCKETS = [0, 1024, 65_536, 1_048_576, 8_388_608, 67_108_864];
/** How often every connection's queued bytes are sampled into the histogram. */
export const FLOW_SAMPLE_INTERVAL_MS = 5000;

/** What the server's rate limiter exposes (internal to `@switchboard/server`, read structurally). */
interface RateLimitStats {
  readonly refused: ReadonlyMap<string, number>;
  readonly disconnects: number;
  /** The most recently refused (socket, event label) pairs, oldest first (for the admin page). */
  readonly recent?: ReadonlyMap<
    string,
    { id: string; nsp: string; event: string; refused: number; at: number }
  >;
}

/** @internal The rate limiter of `io`, when `rateLimit` is set. */
export function rateLimiterOf(io: AnyServer): RateLimitStats | undefined {
  return (io as unknown as { _rateLimiter?: RateLimitStats })._rateLimiter;
}

/**
 * Registers the flow-control metrics of `io` in `registry`; returns the teardown.
 * @example const stop = collectFlowMetrics(io, registry, "switchboard_");
 */
export function collectFlowMetrics(io: AnyServer, registry: Registry, prefix: string): () => void {
  const flow = () => io.engine?.flow;
  const queued = registry.register(
    new Histogram(
      `${prefix}socket_queued_bytes`,
      `Outgoing bytes queued per connection, sampled every ${FLOW_SAMPLE_INTERVAL_MS / 1000} s.`,
      [],
      QUEUED_BUCKETS,
    ),
  );
  const sample = setInterval(() => {
    const clients = io.engine?.clients;
    if (clients === undefined) return;
    for (const id in clients) queued.observe([], clients[id]!.bufferedAmount);
  }, FLOW_SAMPLE_INTERVAL_MS);
  sample.unref();
  const gauges = [
    registry.register(
      new Gauge(
        `${prefix}sockets_over_high_water_mark`,
        "Connections whose queued bytes are above backpressure.highWaterMark.",
        [],
        (g) => g.labels().set(flow()?.overMark.size ?? 0),
      ),
    ),
  ];
  const simple: [string, string, (f: NonNullable<ReturnType<typeof flow>>) => number][] = [
    ["drains_total", "Times a connection fell back under its high-water mark.", (f) => f.drains],
    ["dropped_packets_total", "Packets dropped by onOverflow: drop-oldest.", (f) => f.drops],
    [
      "conflated_packets_total",
      "Queued packets replaced by a newer one with the same conflation key.",
      (f) => f.conflations,
    ],
    [
      "slow_consumer_disconnects_total",
      "Connections closed with `slow consumer`.",
      (f) => f.slowConsumers,
    ],
  ];
  const counters = simple.map(([name, help, read]) =>
    registry.register(
      new Counter(`${prefix}${name}`, help, [], (c) => {
        const f = flow();
        if (f !== undefined) c.labels().set(read(f));
      }),
    ),
  );
  counters.push(
    registry.register(
      new Counter(
        `${prefix}rate_limited_events_total`,
        "Incoming events refused by rateLimit, by event (the names of rateLimit.events, or other).",
        ["event"],
        (c) => {
          const limiter = rateLimiterOf(io);
          if (limiter !== undefined) for (const [name, n] of limiter.refused) c.labels(name).set(n);
        },
      ),
    ),
    registry.register(
      new Counter(
        `${prefix}refused_handshakes_total`,
        "Handshakes refused by maxConnections (503) or handshakeRate (429).",
        ["reason"],
        (c) => {
          const f = flow();
          if (f === undefined) return;
          c.labels("max_connections").set(f.refusedMaxConnections);
          c.labels("handshake_rate").set(f.refusedHandshakeRate);
        },
      ),
    ),
  );
  return () => {
    clearInterval(sample);
    for (const m of [queued, ...gauges, ...counters]) registry.remove(m.name);
  };
}
