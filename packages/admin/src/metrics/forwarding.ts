// Forwarding metrics (issue #16, docs/scaling.md): requests this node relayed to the node holding their
// session, WebSockets it relays, and what it refused. Read from the engine's counters (`io.engine.forwarding`)
// at scrape time: nothing per request, no method wrapped.
import type { AnyServer } from "../types.js";
import { Counter, Gauge, type Registry } from "./registry.js";

/** What `io.engine.forwarding` returns (`ForwardingStats` of `@switchboard/engine`), read structurally. */
interface ForwardingStatsLike {
  inFlight?: number;
  forwarded?: number;
  relayedWebSockets?: number;
  refused?: number;
}

const num = (n: unknown): number => (typeof n === "number" && Number.isFinite(n) ? n : 0);

/** @internal The forwarding counters of `io`, or undefined when forwarding is off. */
export function forwardingOf(io: AnyServer): ForwardingStatsLike | undefined {
  const engine = io.engine as { forwarding?: ForwardingStatsLike | null } | undefined;
  return engine?.forwarding ?? undefined;
}

/**
 * Registers the forwarding metrics of `io` in `registry`; returns the teardown. The series stay at 0 (and
 * are present) when forwarding is off, so dashboards need no special case.
 * @example const stop = collectForwardingMetrics(io, registry, "switchboard_");
 */
export function collectForwardingMetrics(
  io: AnyServer,
  registry: Registry,
  prefix: string,
): () => void {
  const metrics = [
    registry.register(
      new Counter(
        `${prefix}forwarded_requests_total`,
        "Requests (polling GET/POST, WebSocket upgrades) relayed to the node holding their session.",
        [],
        (c) => c.labels().set(num(forwardingOf(io)?.forwarded)),
      ),
    ),
    registry.register(
      new Counter(
        `${prefix}forwarding_refused_total`,
        "Requests for another node's session answered here with an error (owner unknown or unreachable, over maxInFlight).",
        [],
        (c) => c.labels().set(num(forwardingOf(io)?.refused)),
      ),
    ),
    registry.register(
      new Gauge(
        `${prefix}forwarded_in_flight`,
        "Forwarded requests and relayed WebSockets open on this node right now.",
        [],
        (g) => g.labels().set(num(forwardingOf(io)?.inFlight)),
      ),
    ),
    registry.register(
      new Gauge(
        `${prefix}relayed_websockets`,
        "WebSockets this node relays to the node holding their session.",
        [],
        (g) => g.labels().set(num(forwardingOf(io)?.relayedWebSockets)),
      ),
    ),
  ];
  return () => {
    for (const m of metrics) registry.remove(m.name);
  };
}
