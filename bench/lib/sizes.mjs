// Workload sizes. `full` is the definition; `quick` keeps the shapes but runs in seconds (for
// iterating on an optimisation); `smoke` is tiny and only proves the suite still works (npm test).
//
// broadcastOpen.rate (broadcasts/s to 1,000 clients) is about half of socket.io's peak in the closed-loop
// `broadcast` scenario: its median throughput in the quiet runs of bench/results/2026-12-07-session2-run*.jsonl
// was ~88,000 deliveries/s at a saturated server (srv_util 0.98–1.00), i.e. ~88 broadcasts/s to 1,000
// clients; 50 % of that, rounded down, is 40/s (40,000 deliveries/s). Below saturation for both servers, so
// the percentiles compare latency at the same offered load, not queueing at an overloaded one.
export const SIZES = {
  full: {
    broadcast: { clients: 1000, count: 500, bytes: 100, window: 4, warm: 50 },
    echo: { clients: 50, ms: 5000, bytes: 64, warm: 1000 },
    echoOpen: { clients: 50, ms: 5000, rate: 5000, bytes: 64, warm: 1000 },
    broadcastOpen: { clients: 1000, ms: 5000, rate: 40, bytes: 100, warm: 1000 },
    idle: { clients: 10_000, concurrency: 200 },
    connect: { count: 10_000, concurrency: 100, warm: 500 },
    rooms: { clients: 1000, rooms: 100, count: 1000, bytes: 100, window: 8, warm: 100 },
    binary: { clients: 10, ms: 5000, bytes: 64 * 1024, warm: 1000 },
    polling: { clients: 20, ms: 5000, bytes: 64, warm: 1000 },
  },
  quick: {
    broadcast: { clients: 1000, count: 200, bytes: 100, window: 4, warm: 30 },
    echo: { clients: 50, ms: 2000, bytes: 64, warm: 500 },
    echoOpen: { clients: 50, ms: 2000, rate: 5000, bytes: 64, warm: 500 },
    broadcastOpen: { clients: 1000, ms: 2000, rate: 40, bytes: 100, warm: 500 },
    idle: { clients: 2000, concurrency: 200 },
    connect: { count: 2000, concurrency: 100, warm: 200 },
    rooms: { clients: 1000, rooms: 100, count: 500, bytes: 100, window: 8, warm: 50 },
    binary: { clients: 10, ms: 2000, bytes: 64 * 1024, warm: 500 },
    polling: { clients: 20, ms: 2000, bytes: 64, warm: 500 },
  },
  smoke: {
    broadcast: { clients: 5, count: 3, bytes: 100, window: 2, warm: 1 },
    echo: { clients: 3, ms: 100, bytes: 64, warm: 20 },
    echoOpen: { clients: 3, ms: 100, rate: 200, bytes: 64, warm: 20 },
    broadcastOpen: { clients: 5, ms: 100, rate: 50, bytes: 100, warm: 40 },
    idle: { clients: 20, concurrency: 10 },
    connect: { count: 20, concurrency: 5, warm: 2 },
    rooms: { clients: 6, rooms: 3, count: 6, bytes: 100, window: 2, warm: 3 },
    binary: { clients: 2, ms: 100, bytes: 64 * 1024, warm: 20 },
    polling: { clients: 2, ms: 100, bytes: 64, warm: 20 },
  },
};
