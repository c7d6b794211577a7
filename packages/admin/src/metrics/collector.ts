import { namespacesOf } from "@switchboard/server";
import { isAdminNamespace } from "../admin-namespace.js";
import { LoopLag } from "../loop-lag.js";
import type { InstrumentationStream } from "../stream/index.js";
import type { AnyServer } from "../types.js";
import { Counter, Gauge, Histogram, Registry } from "./registry.js";

/** Buckets of the broadcast fan-out histogram (recipients per broadcast). */
const FANOUT_BUCKETS = [0, 1, 10, 100, 1000, 10000];

/**
 * Registers the server's metrics in `registry` and keeps them up to date from the stream.
 * Returns the teardown. Names use `prefix` (default `switchboard_`).
 */
export function collectServerMetrics(
  io: AnyServer,
  stream: InstrumentationStream,
  registry: Registry,
  prefix: string,
): () => void {
  const sockets = registry.register(
    new Gauge(
      `${prefix}connected_sockets`,
      "Sockets connected to each namespace of this node.",
      ["namespace"],
      (g) => {
        g.reset();
        for (const nsp of namespacesOf(io)) g.labels(nsp.name).set(nsp.sockets.size);
      },
    ),
  );
  const clients = registry.register(
    new Gauge(`${prefix}engine_clients`, "Engine.IO connections open on this node.", [], (g) =>
      g.labels().set(io.engine?.clientsCount ?? 0),
    ),
  );
  const handshakes = registry.register(
    new Counter(`${prefix}handshakes_total`, "Engine.IO handshakes, by initial transport.", [
      "transport",
    ]),
  );
  const engineCloses = registry.register(
    new Counter(`${prefix}engine_disconnects_total`, "Engine.IO connections closed, by reason.", [
      "reason",
    ]),
  );
  const connects = registry.register(
    new Counter(`${prefix}connects_total`, "Sockets that joined a namespace.", ["namespace"]),
  );
  const disconnects = registry.register(
    new Counter(`${prefix}disconnects_total`, "Sockets that left a namespace, by reason.", [
      "namespace",
      "reason",
    ]),
  );
  // Traffic is read from the stream's plain counters at scrape time: nothing per packet here.
  const packets = registry.register(
    new Counter(
      `${prefix}packets_total`,
      "Engine.IO packets with a payload.",
      ["direction", "transport"],
      (c) => {
        for (const [t, n] of stream.traffic) {
          c.labels("in", t).set(n.packetsIn);
          c.labels("out", t).set(n.packetsOut);
        }
      },
    ),
  );
  const bytes = registry.register(
    new Counter(
      `${prefix}bytes_total`,
      "Payload bytes of Engine.IO packets.",
      ["direction", "transport"],
      (c) => {
        for (const [t, n] of stream.traffic) {
          c.labels("in", t).set(n.bytesIn);
          c.labels("out", t).set(n.bytesOut);
        }
      },
    ),
  );
  const events = registry.register(
    new Counter(
      `${prefix}events_total`,
      "Socket.IO events (one per recipient when sent).",
      ["direction"],
      (c) => {
        const total = stream.totalTraffic();
        c.labels("in").set(total.eventsIn);
        c.labels("out").set(total.eventsOut);
      },
    ),
  );
  const broadcasts = registry.register(
    new Counter(`${prefix}broadcasts_total`, "Broadcasts started on this node.", ["namespace"]),
  );
  const fanOut = registry.register(
    new Histogram(
      `${prefix}broadcast_fanout`,
      "Local recipients per broadcast started on this node.",
      ["namespace"],
      FANOUT_BUCKETS,
    ),
  );
  const ackTimeouts = registry.register(
    new Counter(`${prefix}ack_timeouts_total`, "Acknowledgements that timed out.", [
      "namespace",
      "kind",
    ]),
  );
  const lag = new LoopLag();
  let lastLag = { mean: 0, max: 0 };
  const lagMean = registry.register(
    new Gauge(
      `${prefix}event_loop_lag_seconds`,
      "Mean event-loop delay since the previous scrape.",
      [],
      (g) => {
        lastLag = lag.take();
        g.labels().set(lastLag.mean / 1000);
      },
    ),
  );
  const lagMax = registry.register(
    new Gauge(
      `${prefix}event_loop_lag_max_seconds`,
      "Max event-loop delay since the previous scrape.",
      [],
      (g) => g.labels().set(lastLag.max / 1000),
    ),
  );
  const offs = [
    stream.on("handshake", (e) => handshakes.labels(e.transport).inc()),
    stream.on("engine_close", (e) => engineCloses.labels(e.reason).inc()),
    stream.on("connection", (socket) => connects.labels(socket.nsp.name).inc()),
    stream.on("disconnection", (socket, reason) =>
      disconnects.labels(socket.nsp.name, reason).inc(),
    ),
    stream.on("broadcast", (nsp, n) => {
      // The admin namespace's own `server_stats` (and event log) broadcasts are not the app's.
      if (isAdminNamespace(io, nsp)) return;
      broadcasts.labels(nsp).inc();
      fanOut.observe([nsp], n);
    }),
    stream.on("ack_timeout", (nsp, broadcast) =>
      ackTimeouts.labels(nsp, broadcast ? "broadcast" : "socket").inc(),
    ),
  ];
  return () => {
    for (const off of offs) off();
    lag.close();
    for (const m of [
      sockets,
      clients,
      handshakes,
      engineCloses,
      connects,
      disconnects,
      packets,
      bytes,
      events,
      broadcasts,
      fanOut,
      ackTimeouts,
      lagMean,
      lagMax,
    ]) {
      registry.remove(m.name);
    }
  };
}
