// Shared pieces for the scenarios (run inside the load-generator process): measuring a window of work
// (server CPU from the server process, generator CPU from this one), turning it into per-unit metrics, and
// connecting many clients with bounded concurrency.
import { performance } from "node:perf_hooks";
import { WsClient } from "./eio-client.mjs";
import { pool, round3 } from "./stats.mjs";

/**
 * Runs `fn` between two server usage snapshots. Returns the elapsed time and the CPU both processes spent.
 * @param {{ usage: () => Promise<any> }} ctl
 */
export async function measure(ctl, fn) {
  const s0 = await ctl.usage();
  const g0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  const g = process.cpuUsage(g0);
  const s1 = await ctl.usage();
  return {
    result,
    ms,
    srvUser: s1.cpu.user - s0.cpu.user,
    srvSystem: s1.cpu.system - s0.cpu.system,
    genCpu: g.user + g.system,
  };
}

/** The metrics every load scenario reports for `units` units of work measured by `measure`. */
export function perUnit(m, units, latency) {
  const total = m.srvUser + m.srvSystem;
  const { p50, p99 } = latency ? latency.summary() : { p50: null, p99: null };
  return {
    units,
    elapsed_ms: round3(m.ms),
    cpu_us: units ? round3(total / units) : null,
    user_us: units ? round3(m.srvUser / units) : null,
    throughput: m.ms > 0 ? Math.round((units * 1000) / m.ms) : null,
    p50_ms: p50,
    p99_ms: p99,
    // Share of one core each process used during the window: a generator near 1.0 would be the bottleneck.
    srv_util: m.ms > 0 ? round3(total / 1000 / m.ms) : null,
    gen_util: m.ms > 0 ? round3(m.genCpu / 1000 / m.ms) : null,
    gen_us: units ? round3(m.genCpu / units) : null,
  };
}

let Client = WsClient;
/** Swaps the client class the scenarios use (the official client, for bench/client-check.mjs). */
export async function useClient(kind) {
  Client = kind === "official" ? (await import("./official-client.mjs")).OfficialClient : WsClient;
}

/** Opens `n` WebSocket clients, at most `concurrency` handshakes at a time. */
export function connectMany(port, n, concurrency = 100) {
  return pool(n, concurrency, () => Client.connect(port));
}

/** Polls the server's connected-socket count until `pred(count)` holds (or throws after `ms`). */
export async function waitForCount(ctl, pred, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const { count } = await ctl.count();
    if (pred(count)) return count;
    if (Date.now() > deadline) throw new Error(`server count stuck at ${count}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Resolves once `cond()` is true, checking every few ms; rejects after `ms`. */
export async function until(cond, ms, what) {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function closeAll(clients) {
  for (const c of clients) c?.terminate();
}
