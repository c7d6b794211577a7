// Summaries of the forwarding benchmark's records: pooled latency percentiles, medians over rounds of the
// per-unit CPU and Redis figures, and paired ratios within each round (forwarded / sticky, proxied / sticky,
// and forwarded / proxied: our relay over the floor of a plain Node proxy hop), as Markdown.
import { median } from "../lib/stats.mjs";
import { percentiles } from "./phases.mjs";

const fmt = (x, d = 2) =>
  x === null || x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d);

function perUnit(r) {
  return {
    a: r.cpu_a_us / r.units,
    b: r.cpu_b_us / r.units,
    total: (r.cpu_a_us + r.cpu_b_us) / r.units,
    redisPerSecond: (r.redis_calls * 1000) / r.wall_ms,
    aSys: r.cpu_a_sys_us / r.units,
    bSys: r.cpu_b_sys_us / r.units,
    redisPerRequest: r.redis_calls / (r.requests ?? r.units),
    getPerRequest: (r.redis.get ?? 0) / (r.requests ?? r.units),
    setPerRequest: (r.redis.set ?? 0) / (r.requests ?? r.units),
  };
}

export const MODES = ["sticky", "forwarded", "proxied"];
/** The paired ratios reported, as [numerator mode, denominator mode]. */
export const PAIRS = [
  ["forwarded", "sticky"],
  ["proxied", "sticky"],
  ["forwarded", "proxied"],
];

/** Per-round `num`/`den` ratios of `f(record)`: `{ median, min, max }`. */
function pairedRatio(records, num, den, f) {
  const rounds = new Set(records.map((r) => r.round));
  const ratios = [];
  for (const round of rounds) {
    const d = records.find((r) => r.round === round && r.mode === den);
    const n = records.find((r) => r.round === round && r.mode === num);
    if (d && n && f(d) > 0) ratios.push(f(n) / f(d));
  }
  if (ratios.length === 0) return null;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

const ratioText = (r, d = 2) =>
  r ? `${fmt(r.median, d)} (${fmt(r.min, d)}–${fmt(r.max, d)})` : "–";

/** B's CPU per unit above its sticky-mode figure in the same round (its background), median over rounds. */
function relayNet(records, mode) {
  const nets = [];
  for (const r of records.filter((x) => x.mode === mode)) {
    const s = records.find((x) => x.round === r.round && x.mode === "sticky");
    if (s) nets.push(r.cpu_b_us / r.units - s.cpu_b_us / s.units);
  }
  return nets.length > 0 ? median(nets) : null;
}

/**
 * Summary of one phase's records and samples: per mode, pooled percentiles and medians over rounds.
 * @param {object[]} records  this phase's records (every mode, every round)
 * @param {Record<string, number[]>} samples  pooled latency samples per mode
 */
export function summarise(records, samples) {
  const out = {};
  for (const mode of MODES) {
    const rs = records.filter((r) => r.mode === mode);
    if (rs.length === 0) continue;
    const u = rs.map(perUnit);
    const m = (k) => median(u.map((x) => x[k]));
    out[mode] = {
      rounds: rs.length,
      units: rs.reduce((a, r) => a + r.units, 0),
      ...percentiles(samples[mode] ?? []),
      cpu_a_us: m("a"),
      cpu_b_us: m("b"),
      cpu_total_us: m("total"),
      redis_per_request: m("redisPerRequest"),
      get_per_request: m("getPerRequest"),
      set_per_request: m("setPerRequest"),
      redis_per_second: m("redisPerSecond"),
      cpu_a_sys_us: m("aSys"),
      cpu_b_sys_us: m("bSys"),
      b_lookups: rs.some((r) => r.b_lookups === null)
        ? null
        : rs.reduce((n, r) => n + r.b_lookups, 0),
      relay_net_us: mode === "sticky" ? 0 : relayNet(records, mode),
    };
  }
  // out.ratios["forwarded/proxied"].p50 …; out.ratio stays forwarded / sticky (the issue's target).
  out.ratios = {};
  for (const [num, den] of PAIRS) {
    out.ratios[`${num}/${den}`] = {
      p50: pairedRatio(records, num, den, (r) => r.p50),
      p90: pairedRatio(records, num, den, (r) => r.p90),
      cpu_total: pairedRatio(records, num, den, (r) => (r.cpu_a_us + r.cpu_b_us) / r.units),
      cpu_owner: pairedRatio(records, num, den, (r) => r.cpu_a_us / r.units),
      cpu_relay: pairedRatio(records, num, den, (r) => r.cpu_b_us / r.units),
    };
  }
  out.ratio = out.ratios["forwarded/sticky"];
  return out;
}

const LABELS = {
  polling: {
    sticky: "sticky (every request to owner A)",
    forwarded: "forwarded (every request via B's relay)",
    proxied: "proxied (every request via a plain Node proxy in B)",
  },
  websocket: {
    sticky: "sticky (upgraded on A)",
    forwarded: "relayed (upgraded through B's relay)",
    proxied: "proxied (upgraded through B's plain proxy)",
  },
};

/** The paired-ratio rows of one phase's table: latency, owner, relay and total CPU per unit. */
function ratioRows(summary, d) {
  const L = [];
  for (const [num, den] of PAIRS) {
    const r = summary.ratios[`${num}/${den}`];
    if (!summary[num] || !summary[den] || !r) continue;
    const bold = num === "forwarded" ? "**" : "";
    L.push(
      `| ${bold}${num} / ${den}${bold} (paired, median (range)) | ${bold}${ratioText(r.p50)}${bold} | ${ratioText(r.p90)} | | ${ratioText(r.cpu_owner, d)} | ${den === "sticky" ? "" : ratioText(r.cpu_relay, d)} | ${ratioText(r.cpu_total, d)} | |`,
    );
  }
  return L;
}

/** Markdown for the polling and WebSocket summaries plus the cold-cache record. */
export function markdown({ polling, websocket, cold, sizes, env }) {
  const L = [];
  L.push(
    `Forwarding vs sticky vs a plain Node proxy, 2 nodes + Redis (${env.redis}), ${env.pinned ? "nodes pinned to cores 0 and 1" : "not pinned"}, ${sizes.rounds} rounds, order alternating per round. Node ${process.version}${env.load ? `, load average at start ${env.load}` : ""}.`,
    "",
  );
  if (polling) {
    L.push(
      `**Polling round trip** (1 polling-only client, sequential \`echo\` with ack = 1 POST + 1 GET; ${sizes.roundTrips} round trips per mode and round)`,
      "",
      "| mode | p50 ms | p90 ms | p99 ms | CPU A µs/RT | CPU B µs/RT (net of sticky) | CPU A+B µs/RT | Redis calls/request (GET, SET) |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const mode of MODES) {
      const s = polling[mode];
      if (!s) continue;
      L.push(
        `| ${LABELS.polling[mode]} | ${fmt(s.p50, 3)} | ${fmt(s.p90, 3)} | ${fmt(s.p99, 3)} | ${fmt(s.cpu_a_us, 1)} | ${fmt(s.cpu_b_us, 1)}${mode === "sticky" ? "" : ` (${fmt(s.relay_net_us, 1)})`} | ${fmt(s.cpu_total_us, 1)} | ${fmt(s.redis_per_request, 4)} (${fmt(s.get_per_request, 4)}, ${fmt(s.set_per_request, 4)}) |`,
      );
    }
    L.push(...ratioRows(polling, 2));
    const s = polling.sticky;
    const f = polling.forwarded;
    const p = polling.proxied;
    if (s && f) {
      L.push(
        "",
        `Target: forwarded / sticky p50 ≤ 2. Redis: +${fmt(f.redis_per_request - s.redis_per_request, 4)} calls per forwarded request over sticky; ${fmt(f.redis_per_second, 2)} calls/s during the forwarded windows vs ${fmt(s.redis_per_second, 2)} calls/s during the sticky ones (the nodes' background: heartbeats, tag refreshes); B's directory lookups during the measured forwarded windows: ${f.b_lookups ?? "–"} (0 = every request served from its cache).`,
        "",
        `Relay: B spends ${fmt(f.cpu_b_us, 1)} µs per forwarded round trip (2 requests; ${fmt(f.relay_net_us, 1)} µs above its sticky background)${p ? `, the plain proxy ${fmt(p.cpu_b_us, 1)} µs (${fmt(p.relay_net_us, 1)} µs above)` : ""}. Owner A: ${fmt(f.cpu_a_us, 1)} µs forwarded${p ? `, ${fmt(p.cpu_a_us, 1)} µs proxied` : ""}, ${fmt(s.cpu_a_us, 1)} µs sticky.`,
      );
    }
    L.push("");
  }
  if (cold) {
    const calls = Object.entries(cold.redis)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
    L.push(
      `**Cold cache**: B's first ${cold.requests} forwarded requests for A's tag (a fresh pair of nodes) caused ${cold.redis_calls} Redis calls in all (${calls || "none"}), background included.`,
      "",
    );
  }
  if (websocket) {
    L.push(
      `**WebSocket after the upgrade** (${sizes.wsClients} clients opened on A, upgraded directly, through B's relay or through B's plain proxy; ${sizes.wsMessages} sequential \`echo\` round trips each, all clients at once)`,
      "",
      "| mode | p50 ms | p90 ms | p99 ms | owner A µs/msg | relay B µs/msg (net of sticky) | A+B µs/msg | Redis calls/msg |",
      "|---|---|---|---|---|---|---|---|",
    );
    for (const mode of MODES) {
      const s = websocket[mode];
      if (!s) continue;
      L.push(
        `| ${LABELS.websocket[mode]} | ${fmt(s.p50, 3)} | ${fmt(s.p90, 3)} | ${fmt(s.p99, 3)} | ${fmt(s.cpu_a_us, 2)} | ${fmt(s.cpu_b_us, 2)}${mode === "sticky" ? "" : ` (${fmt(s.relay_net_us, 2)})`} | ${fmt(s.cpu_total_us, 2)} | ${fmt(s.redis_per_request, 4)} |`,
      );
    }
    L.push(...ratioRows(websocket, 2));
    if (websocket.sticky && websocket.forwarded)
      L.push("", "Target: owner A's CPU per message relayed / sticky = 1.00.");
    L.push("");
  }
  return L.join("\n");
}
