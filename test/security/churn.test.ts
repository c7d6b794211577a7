// Issue #12, churn and soak: 10,000 Socket.IO connect/disconnect cycles against a server in a child
// process, over polling, WebSocket and upgrade, with TCP resets in mid-handshake and in mid-upgrade.
// Afterwards nothing may be left: sessions, sockets, adapter entries, timers, http listeners, heap.
import { afterAll, expect, it } from "vitest";
import { ServerProcess, type ServerStats } from "./churn/child.js";
import { churn, KINDS } from "./churn/cycles.js";

const CYCLES = 10_000;
const WARM_UP = 30 * KINDS.length;
const CONCURRENCY = 50;
/** Heap after the churn vs the baseline after warm-up: within ±5 %. */
const HEAP_TOLERANCE = 0.05;
/** Abandoned sessions die by ping timeout (pingInterval 1 s + pingTimeout 3 s): a generous bound for that. */
const DRAIN_LIMIT_MS = 30_000;

let server: ServerProcess | undefined;
afterAll(() => server?.kill());

function empty(s: ServerStats): boolean {
  return (
    s.engineClients === 0 &&
    s.engineClientIds === 0 &&
    s.connectQueue === 0 &&
    s.httpConnections === 0 &&
    s.namespaces.every((n) => n.sockets === 0 && n.rooms === 0 && n.sids === 0)
  );
}

/** Polls the server's counters (bounded) until `cond` holds; returns the last stats either way. */
async function settle(srv: ServerProcess, cond: (s: ServerStats) => boolean): Promise<ServerStats> {
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  let s = await srv.stats();
  while (!cond(s) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    s = await srv.stats();
  }
  return s;
}

it(
  `survives ${CYCLES} connect/disconnect cycles with resets and leaks nothing`,
  { timeout: 240_000 },
  async () => {
    const started = Date.now();
    const srv = (server = await new ServerProcess().start());

    // Warm-up: lazily built structures (ws server, shared decoder, http parser pool) belong in the baseline.
    const warm = await churn(srv.port, 0, WARM_UP, CONCURRENCY);
    expect(warm.failures, "warm-up cycles").toEqual([]);
    const before = await settle(srv, empty);
    expect(empty(before), `drained after warm-up: ${JSON.stringify(before)}`).toBe(true);
    const heapBefore = await srv.heap(7);

    const t0 = Date.now();
    const run = await churn(srv.port, WARM_UP, CYCLES, CONCURRENCY);
    const churnMs = Date.now() - t0;
    expect(run.failures, "cycles that did not go as the protocol says").toEqual([]);
    expect(Object.values(run.perKind).reduce((a, b) => a + b, 0)).toBe(CYCLES);
    for (const n of Object.values(run.perKind))
      expect(n).toBeGreaterThanOrEqual(Math.floor(CYCLES / KINDS.length));

    const after = await settle(
      srv,
      (s) =>
        empty(s) &&
        s.timeouts <= before.timeouts &&
        s.timersAll <= before.timersAll &&
        s.tcpHandles <= before.tcpHandles,
    );
    const drainMs = Date.now() - t0 - churnMs;
    const heapAfter = await srv.heap(7);
    const c = after.counters;

    console.log(
      [
        `churn: ${CYCLES} cycles in ${churnMs} ms (+${drainMs} ms to drain), concurrency ${CONCURRENCY}; per kind:`,
        ...Object.entries(run.perKind).map(([k, n]) => `  ${n}  ${k}`),
        `server: ${c.connections} Socket.IO connections, ${c.disconnects} disconnects, ${c.joins} acked joins, ` +
          `${c.connectionErrors} engine connection errors; reasons ${JSON.stringify(after.reasons)}`,
        `heap: baseline ${heapBefore} B, after ${heapAfter} B (${(((heapAfter - heapBefore) / heapBefore) * 100).toFixed(2)} %)`,
        `timers (ref'd / all): ${before.timeouts}/${before.timersAll} -> ${after.timeouts}/${after.timersAll}; ` +
          `TCP handles ${before.tcpHandles} -> ${after.tcpHandles}`,
      ].join("\n"),
    );

    // Sessions, sockets and every adapter map of every namespace (rooms joined in the cycle included).
    expect(after.engineClients, "engine.clientsCount").toBe(0);
    expect(after.engineClientIds, "engine.clients entries").toBe(0);
    expect(after.connectQueue, "clients waiting for a CONNECT").toBe(0);
    expect(after.namespaces.map((n) => n.name)).toEqual(["/"]);
    for (const n of after.namespaces)
      expect(n, `namespace ${n.name}`).toEqual({ name: n.name, sockets: 0, rooms: 0, sids: 0 });
    // Every Socket.IO socket that connected also disconnected; every complete cycle was acked.
    expect(c.disconnects).toBe(c.connections);
    const complete = (
      [
        "polling",
        "websocket",
        "upgrade",
        "upgrade: RST before the 101",
        "upgrade: RST on the 101",
        "upgrade: RST after 2probe",
      ] as const
    ).reduce((sum, k) => sum + run.perKind[k] + warm.perKind[k], 0);
    expect(c.joins).toBeGreaterThanOrEqual(complete);
    // Nothing reported on the console, no connection or handle left, nothing added to the http server.
    expect(c.consoleErrors, "console.error calls in the server").toBe(0);
    expect(after.httpConnections, "open http connections").toBe(0);
    expect(after.listeners, "http server listeners").toEqual(before.listeners);
    expect(after.timeouts, "ref'd timers").toBeLessThanOrEqual(before.timeouts);
    expect(after.timersAll, "all timers, unref'd ones included").toBeLessThanOrEqual(
      before.timersAll,
    );
    expect(after.tcpHandles, "TCP handles (the listener)").toBeLessThanOrEqual(before.tcpHandles);
    expect(
      Math.abs(heapAfter - heapBefore) / heapBefore,
      `heap ${heapBefore} -> ${heapAfter} B`,
    ).toBeLessThanOrEqual(HEAP_TOLERANCE);

    expect(await srv.close(), "server process exit code").toBe("0");
    console.log(`churn: wall time ${Date.now() - started} ms`);
  },
);
