// The cost of forwarding (issue #16, "Cost"): two Switchboard nodes on one Redis, every measurement against
// sticky routing in the same run, paired by round with the order alternating (./lib/order.mjs). A third
// mode, "proxied", sends the same requests through a plain Node reverse proxy running in B's process
// (./forwarding/plain-proxy.mjs): the floor of a relay hop on the same processes and cores, so
// forwarded / proxied is our relay's overhead over what any Node proxy costs.
//   1. polling round trip latency through the non-owner node vs the owner (p50/p90/p99, paired p50 ratio);
//   2. server CPU (both nodes) per round trip, and the relay's share;
//   3. Redis commands per forwarded request (`INFO commandstats` deltas);
//   4. WebSocket echo after an upgrade relayed by the non-owner vs an upgrade on the owner: CPU per message
//      on the owner and on the relay.
// Clients run in this process; node A is pinned to core 0 and node B to core 1 where `taskset` works.
//
// Usage: npm run build && node bench/forwarding.mjs [--quick] [--rounds N] [--json file.jsonl]
//        [--redis redis://…] [--no-pin] [--md file.md]
// Exit status 1 when a check failed (a session not owned by A, B not relaying, a wrong ack, a node error).
import { appendFileSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { roundOrder } from "./lib/order.mjs";
import { canPin } from "./lib/procs.mjs";
import { startPair } from "./forwarding/cluster.mjs";
import { pollingPhase, wsPhase } from "./forwarding/phases.mjs";
import { commandStats, diffCalls, resolveRedis, totalCalls } from "./forwarding/redis.mjs";
import { markdown, summarise } from "./forwarding/report.mjs";
import { RoutedClient } from "./forwarding/routed-client.mjs";

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};

const quick = flag("quick");
const sizes = {
  rounds: Number(opt("rounds") ?? (quick ? 3 : 6)),
  roundTrips: Number(opt("round-trips") ?? (quick ? 2000 : 5000)),
  pollWarmup: quick ? 100 : 300,
  wsClients: Number(opt("ws-clients") ?? 10),
  wsMessages: Number(opt("ws-messages") ?? (quick ? 1500 : 4000)),
  wsWarmup: quick ? 50 : 100,
};
const jsonFile = opt("json");
const mdFile = opt("md");
const pin = !flag("no-pin") && canPin();

const redis = await resolveRedis(opt("redis"));
const stats = await commandStats(redis.url);
const env = {
  redis: `${redis.kind === "private" ? "private redis-server" : redis.url}`,
  pinned: pin,
  cpus: availableParallelism(),
  node: process.version,
  // Other work on the machine shifts every mode alike, but say how busy it was.
  load: loadavg()
    .map((x) => x.toFixed(2))
    .join(" "),
};
if (jsonFile) writeFileSync(jsonFile, "");
const emit = (rec) => {
  if (jsonFile) appendFileSync(jsonFile, `${JSON.stringify({ bench: "forwarding", ...rec })}\n`);
};

const pair = await startPair({
  redisUrl: redis.url,
  pin,
  execArgv: process.env.SB_BENCH_PROF
    ? ["--cpu-prof", `--cpu-prof-dir=${process.env.SB_BENCH_PROF}`]
    : [],
});
const failures = [];
const records = [];
const samples = { polling: {}, websocket: {} };
let cold = null;

try {
  const tagA = pair.forwarding ? (await pair.a.cmd("forwarding")).tag : null;
  const ctx = { pair, stats, tagA };
  const modes = pair.forwarding ? ["sticky", "forwarded", "proxied"] : ["sticky", "proxied"];
  if (!pair.forwarding)
    console.warn(
      "this build has no io.engine.forwarding: measuring sticky only (rebuild when it lands)",
    );
  console.error(
    `forwarding bench: A :${pair.a.port}${tagA ? ` tag ${tagA}` : ""}, B :${pair.b.port} (plain proxy :${pair.proxyPort}), ${env.redis}, pinned ${pin}, ${JSON.stringify(sizes)}`,
  );

  if (pair.forwarding) {
    // B has never looked up A's tag yet: these are the directory's cold-cache calls.
    const before = await stats.read();
    const c = await RoutedClient.open({ ownerPort: pair.a.port, viaPort: pair.b.port });
    for (let i = 0; i < 10; i++) await c.echo("cold");
    const redisDelta = diffCalls(before, await stats.read());
    cold = { requests: c.requests, redis: redisDelta, redis_calls: totalCalls(redisDelta) };
    c.close();
    emit({ phase: "cold", ...cold });
  }

  // Round 0 warms both nodes' JIT on every path (polling, relay, upgrade, WebSocket) and is not counted:
  // the first pass over a path costs several times the later ones.
  for (let round = 0; round <= sizes.rounds; round++) {
    for (const [phase, run, opts] of [
      ["polling", pollingPhase, { roundTrips: sizes.roundTrips, warmup: sizes.pollWarmup }],
      [
        "websocket",
        wsPhase,
        { clients: sizes.wsClients, messages: sizes.wsMessages, warmup: sizes.wsWarmup },
      ],
    ]) {
      for (const mode of roundOrder(modes, round)) {
        const { record, samples: s, checks } = await run(ctx, mode, opts);
        const rec = { round, warmup: round === 0, ...record, ok: checks.length === 0, checks };
        failures.push(...checks.map((c) => `round ${round} ${phase} ${mode}: ${c}`));
        emit(rec);
        console.error(
          `round ${round}${round === 0 ? " (warm-up)" : ""} ${phase.padEnd(9)} ${mode.padEnd(9)} p50 ${record.p50} ms, CPU A ${(record.cpu_a_us / record.units).toFixed(1)} B ${(record.cpu_b_us / record.units).toFixed(1)} µs/unit, redis ${record.redis_calls}`,
        );
        if (round === 0) continue;
        records.push(rec);
        (samples[phase][mode] ??= []).push(...s);
      }
    }
  }
} catch (err) {
  failures.push(String(err?.stack ?? err));
} finally {
  await pair.stop();
  await stats.close();
  redis.stop();
}

const polling = records.some((r) => r.phase === "polling")
  ? summarise(
      records.filter((r) => r.phase === "polling"),
      samples.polling,
    )
  : null;
const websocket = records.some((r) => r.phase === "websocket")
  ? summarise(
      records.filter((r) => r.phase === "websocket"),
      samples.websocket,
    )
  : null;
const md = markdown({ polling, websocket, cold, sizes, env });
console.log(md);
if (mdFile) writeFileSync(mdFile, `${md}\n`);
emit({ phase: "summary", env, sizes, polling, websocket, failures });
if (failures.length > 0) {
  console.error(`\n${failures.length} check(s) failed:\n${failures.join("\n")}`);
  process.exitCode = 1;
}
