// The two measured phases of the forwarding benchmark, each run once per mode and round:
// - polling: one polling-only client, sequential `echo` round trips with ack (a POST and a GET each);
// - websocket: K clients upgraded to WebSocket, each doing sequential `echo` round trips at the same time.
// Mode "sticky" sends every request to the session's owner A; "forwarded" opens the session on A and sends
// everything after the handshake (polling requests, the upgrade) to B, which relays it to A; "proxied" sends
// the same requests to the plain Node proxy in B's process (./plain-proxy.mjs), the floor of a relay hop.
// Each phase reads both nodes' CPU, Redis `INFO commandstats`, B's forwarding and proxy counters around the
// measured window only (session set-up, upgrade and warm-up stay outside it).
import { RoutedClient } from "./routed-client.mjs";
import { settle } from "./cluster.mjs";
import { diffCalls, totalCalls } from "./redis.mjs";

const PAYLOAD = "forwarding-bench-0123456789abcdef";

/** Percentiles (ms, 3 decimals) of a sample array. */
export function percentiles(samples) {
  if (samples.length === 0) return { p50: null, p90: null, p99: null };
  const s = Float64Array.from(samples).sort();
  const at = (q) => Math.round(s[Math.min(s.length - 1, Math.floor(q * s.length))] * 1000) / 1000;
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** Everything read at a window's edge. */
async function snapshot(ctx) {
  const [cpuA, cpuB, fwdB, proxyB, calls] = await Promise.all([
    ctx.pair.a.cmd("cpu"),
    ctx.pair.b.cmd("cpu"),
    ctx.pair.forwarding ? ctx.pair.b.cmd("forwarding") : null,
    ctx.pair.b.cmd("proxyStats"),
    ctx.stats.read(),
  ]);
  return { cpuA, cpuB, fwdB, proxyB, calls, t: process.hrtime.bigint() };
}

function windowOf(before, after) {
  const redis = diffCalls(before.calls, after.calls);
  const fwd = (k) =>
    typeof before.fwdB?.[k] === "number" && typeof after.fwdB?.[k] === "number"
      ? after.fwdB[k] - before.fwdB[k]
      : null;
  return {
    wall_ms: Number(after.t - before.t) / 1e6,
    cpu_a_us: after.cpuA.user + after.cpuA.system - before.cpuA.user - before.cpuA.system,
    cpu_b_us: after.cpuB.user + after.cpuB.system - before.cpuB.user - before.cpuB.system,
    cpu_a_sys_us: after.cpuA.system - before.cpuA.system,
    cpu_b_sys_us: after.cpuB.system - before.cpuB.system,
    redis,
    redis_calls: totalCalls(redis),
    b_forwarded: fwd("forwarded"),
    b_refused: fwd("refused"),
    b_lookups: fwd("lookups"),
    b_proxied: after.proxyB.requests - before.proxyB.requests,
  };
}

/** Waits until A holds no session and B relays nothing, so one phase's closes do not spill into the next. */
async function drain(ctx) {
  await settle(
    "A to drop its sessions",
    () => ctx.pair.a.cmd("clients"),
    (n) => n === 0,
  );
  if (ctx.pair.forwarding)
    await settle(
      "B's relays to end",
      () => ctx.pair.b.cmd("forwarding"),
      (s) => s.inFlight === 0,
    );
}

/** The port every request after the handshake goes to in `mode`. */
function viaPort(ctx, mode) {
  const { a, b, proxyPort } = ctx.pair;
  if (mode === "forwarded") return b.port;
  if (mode === "proxied") return proxyPort;
  return a.port;
}

function openClient(ctx, mode) {
  return RoutedClient.open({ ownerPort: ctx.pair.a.port, viaPort: viaPort(ctx, mode) });
}

/** The session's owner must be A: its sid starts with A's tag (checked where this build forwards). */
function ownerCheck(ctx, client, checks) {
  if (!ctx.tagA) return;
  if (!client.sid.startsWith(ctx.tagA))
    checks.push(`session ${client.sid} does not start with A's tag ${ctx.tagA}`);
}

/**
 * Polling phase: `roundTrips` sequential echo round trips of one polling-only client after `warmup`.
 * @param {{ pair: any, stats: any, tagA: string | null }} ctx
 * @returns {Promise<{ record: object, samples: number[], checks: string[] }>}
 */
export async function pollingPhase(ctx, mode, { roundTrips, warmup }) {
  const checks = [];
  const client = await openClient(ctx, mode);
  ownerCheck(ctx, client, checks);
  for (let i = 0; i < warmup; i++) await client.echo(PAYLOAD);
  const samples = new Array(roundTrips);
  const req0 = client.requests;
  const before = await snapshot(ctx);
  for (let i = 0; i < roundTrips; i++) {
    const t0 = process.hrtime.bigint();
    await client.echo(PAYLOAD);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1e6;
  }
  const after = await snapshot(ctx);
  const requests = client.requests - req0;
  client.close();
  await drain(ctx);
  const w = windowOf(before, after);
  if (mode === "forwarded" && w.b_forwarded !== null && w.b_forwarded < requests)
    checks.push(`B forwarded ${w.b_forwarded} requests, the client sent ${requests} through it`);
  if (mode !== "forwarded" && w.b_forwarded)
    checks.push(`B forwarded ${w.b_forwarded} in ${mode} mode`);
  if (mode === "proxied" && w.b_proxied < requests)
    checks.push(
      `B's proxy relayed ${w.b_proxied} requests, the client sent ${requests} through it`,
    );
  if (mode !== "proxied" && w.b_proxied)
    checks.push(`B's proxy relayed ${w.b_proxied} requests in ${mode} mode`);
  return {
    record: { phase: "polling", mode, units: roundTrips, requests, ...w, ...percentiles(samples) },
    samples,
    checks,
  };
}

/**
 * WebSocket phase: `clients` sessions opened on A, upgraded directly (sticky), through B's forwarder
 * (forwarded) or through B's plain proxy (proxied),
 * then `messages` sequential echo round trips each, all clients at once.
 * @returns {Promise<{ record: object, samples: number[], checks: string[] }>}
 */
export async function wsPhase(ctx, mode, { clients, messages, warmup }) {
  const checks = [];
  const relayed0 = ctx.pair.forwarding ? (await ctx.pair.b.cmd("forwarding")).relayedWebSockets : 0;
  const proxied0 = (await ctx.pair.b.cmd("proxyStats")).upgrades;
  const list = [];
  try {
    for (let i = 0; i < clients; i++) {
      const c = await openClient(ctx, mode);
      list.push(c);
      ownerCheck(ctx, c, checks);
      await c.upgrade();
    }
    if (ctx.pair.forwarding) {
      const relayed = (await ctx.pair.b.cmd("forwarding")).relayedWebSockets - relayed0;
      const expected = mode === "forwarded" ? clients : 0;
      if (relayed !== expected)
        checks.push(`B relayed ${relayed} WebSockets, expected ${expected}`);
    }
    const proxied = (await ctx.pair.b.cmd("proxyStats")).upgrades - proxied0;
    if (proxied !== (mode === "proxied" ? clients : 0))
      checks.push(`B's proxy relayed ${proxied} upgrades in ${mode} mode`);
    await Promise.all(
      list.map(async (c) => {
        for (let i = 0; i < warmup; i++) await c.echo(PAYLOAD);
      }),
    );
    const samples = [];
    const before = await snapshot(ctx);
    await Promise.all(
      list.map(async (c) => {
        for (let i = 0; i < messages; i++) {
          const t0 = process.hrtime.bigint();
          await c.echo(PAYLOAD);
          samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const after = await snapshot(ctx);
    const w = windowOf(before, after);
    return {
      record: {
        phase: "websocket",
        mode,
        units: clients * messages,
        clients,
        ...w,
        ...percentiles(samples),
      },
      samples,
      checks,
    };
  } finally {
    for (const c of list) c.close();
    await drain(ctx);
  }
}
