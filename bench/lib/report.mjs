// Turns the raw records into the summary table: medians per server, the median of the per-round paired
// ratios Switchboard / socket.io, and the targets marked ✓ / ✗.
import { median } from "./stats.mjs";

export const BASE = "socket.io";
export const OURS = "switchboard";
/** With --base: the same app on an earlier build, for before/after ratios in one run. */
export const EARLIER = "switchboard-base";

/** Issue #19's targets (ratio Switchboard / socket.io, paired, one run). */
export const TARGETS = [
  { scenario: "broadcast", metric: "cpu_us", max: 0.35 },
  { scenario: "echo", metric: "cpu_us", max: 0.68 },
  { scenario: "connect", metric: "cpu_us", max: 0.55 },
  { scenario: "idle", metric: "heap_b", max: 0.28 },
  { scenario: "idle", metric: "rss_b", max: 0.45 },
  { scenario: "polling", metric: "cpu_us", max: 0.7 },
  { scenario: "rooms", metric: "cpu_us", max: 0.7 },
  // "At the same offered load we must not be worse at any percentile": open loop, each latency ratio ≤ 1.
  ...["broadcast-open", "echo-open"].flatMap((scenario) =>
    ["p50_ms", "p99_ms", "p999_ms"].map((metric) => ({ scenario, metric, max: 1 })),
  ),
];
/** "No scenario may be slower than socket.io": CPU per unit at most equal, closed-loop throughput at least. */
const NOT_SLOWER = { cpu_us: { max: 1 }, throughput: { min: 1 } };
const OPEN_LOOP = new Set(["echo-open", "broadcast-open"]);

const METRICS = {
  idle: ["heap_b", "rss_b"],
  default: ["cpu_us", "user_us", "throughput", "p50_ms", "p99_ms"],
  // Open loop: the offered load is fixed, so the latency tail is the point (p999 needs many samples).
  "echo-open": ["cpu_us", "user_us", "throughput", "p50_ms", "p99_ms", "p999_ms"],
  "broadcast-open": ["cpu_us", "user_us", "throughput", "p50_ms", "p99_ms", "p999_ms"],
};
const LABELS = {
  cpu_us: "server CPU µs / unit",
  user_us: "server user CPU µs / unit",
  throughput: "units / s",
  p50_ms: "p50 ms",
  p99_ms: "p99 ms",
  p999_ms: "p999 ms",
  heap_b: "heap B / conn",
  rss_b: "RSS B / conn",
};
const UNITS = {
  broadcast: "delivery",
  "broadcast-open": "delivery",
  echo: "round trip",
  "echo-open": "round trip",
  connect: "handshake",
  rooms: "delivery",
  binary: "round trip",
  polling: "round trip",
  idle: "connection",
};

function targetFor(scenario, metric) {
  const t = TARGETS.find((x) => x.scenario === scenario && x.metric === metric);
  if (t) return t;
  if (metric === "cpu_us") return NOT_SLOWER.cpu_us;
  if (metric === "throughput" && !OPEN_LOOP.has(scenario) && scenario !== "idle")
    return NOT_SLOWER.throughput;
  return null;
}

const fmt = (x) =>
  x === null || x === undefined
    ? "–"
    : Math.abs(x) >= 1000
      ? Math.round(x).toLocaleString("en-US")
      : Math.abs(x) >= 10
        ? x.toFixed(1)
        : x.toFixed(2);

/**
 * Summarises the records of one run.
 * @param {Array<{ round: number, scenario: string, impl: string, metrics?: any, checks?: any, error?: string }>} records
 * @returns {{ rows: object[], failures: string[], met: number, missed: number }}
 */
export function summarise(records, scenarios, servers) {
  const rows = [];
  const failures = [];
  for (const r of records) {
    if (r.error)
      failures.push(`${r.scenario}/${r.impl} round ${r.round}: ${r.error.split("\n")[0]}`);
    else if (!r.checks?.ok)
      failures.push(
        `${r.scenario}/${r.impl} round ${r.round}: checks failed ${JSON.stringify(r.checks)}`,
      );
  }
  let met = 0;
  let missed = 0;
  for (const scenario of scenarios) {
    const recs = records.filter((r) => r.scenario === scenario && r.metrics);
    if (recs.length === 0) continue;
    for (const metric of METRICS[scenario] ?? METRICS.default) {
      const med = {};
      for (const s of servers)
        med[s] = median(recs.filter((r) => r.impl === s).map((r) => r.metrics[metric]));
      const ratios = [];
      // Pairs are the two servers' records of the same round of the same run.
      const pairKey = (r) => `${r.run ?? ""}#${r.round}`;
      for (const key of new Set(recs.map(pairKey))) {
        const a = recs.find((r) => pairKey(r) === key && r.impl === OURS)?.metrics[metric];
        const b = recs.find((r) => pairKey(r) === key && r.impl === BASE)?.metrics[metric];
        if (typeof a === "number" && typeof b === "number" && b !== 0) ratios.push(a / b);
      }
      const ratio = median(ratios);
      const baseRatios = [];
      for (const key of new Set(recs.map(pairKey))) {
        const a = recs.find((r) => pairKey(r) === key && r.impl === OURS)?.metrics[metric];
        const b = recs.find((r) => pairKey(r) === key && r.impl === EARLIER)?.metrics[metric];
        if (typeof a === "number" && typeof b === "number" && b !== 0) baseRatios.push(a / b);
      }
      const target = targetFor(scenario, metric);
      let verdict = "";
      if (target && ratio !== null) {
        const ok = target.max !== undefined ? ratio <= target.max : ratio >= target.min;
        verdict = ok ? "✓" : "✗";
        if (ok) met++;
        else missed++;
      }
      rows.push({
        scenario,
        metric,
        medians: med,
        ratio,
        ratios,
        verdict,
        baseRatio: median(baseRatios),
        baseRatios,
        target: target
          ? target.max !== undefined
            ? `≤ ${target.max.toFixed(2)}`
            : `≥ ${target.min.toFixed(2)}`
          : "",
      });
    }
  }
  return { rows, failures, met, missed };
}

/** The median ratio, with the per-round range when there were several rounds: "0.37 (0.36–0.40)". */
function ratioCell(ratio, rs = []) {
  if (ratio === null || ratio === undefined) return "–";
  if (rs.length < 2) return ratio.toFixed(2);
  return `${ratio.toFixed(2)} (${Math.min(...rs).toFixed(2)}–${Math.max(...rs).toFixed(2)})`;
}

/** A Markdown table of the summary (readable in a terminal too). */
export function table({ rows }, servers) {
  const withBase = servers.includes(EARLIER);
  const head = [
    "scenario",
    "metric",
    ...servers,
    "SB / SIO (range)",
    ...(withBase ? ["SB / base (range)"] : []),
    "target",
    "",
  ];
  const lines = [
    `| ${head.join(" | ")} |`,
    `|${head.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`,
  ];
  let last = "";
  for (const r of rows) {
    const name = r.scenario === last ? "" : `${r.scenario} (per ${UNITS[r.scenario] ?? "unit"})`;
    last = r.scenario;
    const cells = [
      name,
      LABELS[r.metric] ?? r.metric,
      ...servers.map((s) => fmt(r.medians[s])),
      ratioCell(r.ratio, r.ratios),
      ...(withBase ? [ratioCell(r.baseRatio, r.baseRatios)] : []),
      r.target,
      r.verdict,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The targets only, two servers: the short table for the root README. */
export function headline({ rows }) {
  const lines = [
    "| scenario | metric | Switchboard | socket.io | ratio | target | |",
    "|---|---|---:|---:|---:|---:|---|",
  ];
  for (const t of TARGETS) {
    const r = rows.find((x) => x.scenario === t.scenario && x.metric === t.metric);
    if (!r) continue;
    lines.push(
      `| ${t.scenario} | ${LABELS[t.metric].replace("unit", UNITS[t.scenario])} | ${fmt(r.medians[OURS])} | ${fmt(r.medians[BASE])} | ` +
        `${r.ratio === null ? "–" : r.ratio.toFixed(2)} | ${r.target} | ${r.verdict} |`,
    );
  }
  return lines.join("\n");
}
