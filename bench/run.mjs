#!/usr/bin/env node
// The load benchmark: Switchboard beside the socket.io package (and plain `ws` where it makes sense) in one
// run, servers alternating per scenario (A B in odd rounds, B A in even ones), each measurement in fresh processes pinned to separate
// cores. Prints medians and paired ratios against the targets; writes raw JSON lines with --json.
//
//   node bench/run.mjs [--scenario broadcast,echo] [--servers switchboard,socket.io] [--rounds 3]
//                      [--quick | --smoke] [--json out.jsonl] [--md out.md] [--no-pin]
// Run `npm run build` first (the root `npm run bench` does).
import { spawnSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runOne } from "./lib/run-one.mjs";
import { canPin } from "./lib/procs.mjs";
import { roundOrder } from "./lib/order.mjs";
import { headline, summarise, table } from "./lib/report.mjs";
import { SIZES } from "./lib/sizes.mjs";

export const SCENARIOS = [
  "broadcast",
  "broadcast-open",
  "echo",
  "echo-open",
  "idle",
  "connect",
  "rooms",
  "binary",
  "polling",
];
// "switchboard-base" (with --base DIR) is the same app on another checkout's build: before/after in one run.
const ALL_SERVERS = ["switchboard", "switchboard-base", "socket.io", "raw-ws"];

const { values: opts } = parseArgs({
  options: {
    scenario: { type: "string", multiple: true },
    servers: { type: "string" },
    rounds: { type: "string", default: "3" },
    quick: { type: "boolean", default: false },
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
    md: { type: "string" },
    rate: { type: "string" },
    "no-pin": { type: "boolean", default: false },
    "no-raw": { type: "boolean", default: false },
    base: { type: "string" },
    from: { type: "string", multiple: true },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (opts.help) {
  console.log(`usage: node bench/run.mjs [--scenario a,b] [--servers s1,s2] [--rounds N] [--quick|--smoke]
                         [--json out.jsonl] [--md out.md] [--rate N] [--no-pin] [--no-raw]
                         [--base DIR]   (adds switchboard-base: DIR's packages/server build, e.g. a worktree of main)
       node bench/run.mjs --from a.jsonl [--from b.jsonl] [--md out.md]   (summarise earlier runs only)
scenarios: ${SCENARIOS.join(", ")}
servers:   ${ALL_SERVERS.join(", ")} (raw-ws only where it speaks the scenario)`);
  process.exit(0);
}

const scenarios = (opts.scenario ?? SCENARIOS).flatMap((s) => s.split(",")).filter(Boolean);
for (const s of scenarios) {
  if (!SCENARIOS.includes(s)) {
    console.error(`unknown scenario "${s}" (one of ${SCENARIOS.join(", ")})`);
    process.exit(2);
  }
}
const wanted = opts.servers
  ? opts.servers.split(",")
  : ALL_SERVERS.filter(
      (s) => !(opts["no-raw"] && s === "raw-ws") && (s !== "switchboard-base" || opts.base),
    );
if (wanted.includes("switchboard-base")) {
  if (!opts.base) {
    console.error("switchboard-base needs --base DIR (a checkout with a built packages/server)");
    process.exit(2);
  }
  process.env.SB_BASE_SERVER = resolve(opts.base, "packages/server/dist/index.js");
}
const rounds = Math.max(1, Number(opts.rounds) || 1);
const profile = opts.smoke ? "smoke" : opts.quick ? "quick" : "full";
const size = JSON.parse(JSON.stringify(SIZES[profile]));
if (opts.rate) size.echoOpen.rate = Number(opts.rate);
const pin = !opts["no-pin"] && canPin();
const timeoutMs = profile === "smoke" ? 20_000 : 300_000;
const runId = new Date().toISOString();

const records = [];
if (opts.from) {
  // Summarise earlier JSON lines instead of measuring (e.g. two runs of different scenarios together).
  for (const f of opts.from) {
    for (const line of readFileSync(f, "utf8").split("\n"))
      if (line.trim()) records.push(JSON.parse(line));
  }
} else await measureAll();

async function measureAll() {
  if (opts.json) writeFileSync(opts.json, "");
  console.error(
    `# ${profile} run: ${scenarios.join(", ")} × ${wanted.join(" / ")} × ${rounds} round(s); ` +
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ` +
      `${pin ? "server on core 0, generator on core 1" : "not pinned"}`,
  );

  for (let round = 1; round <= rounds; round++) {
    for (const scenario of scenarios) {
      const mod = await import(`./scenarios/${scenario}.mjs`);
      // Each pair shares a round (paired ratios stay per round), and the order rotates from round to round
      // (A B, then B A, …) so that neither server always runs first.
      const present = wanted.filter((s) =>
        mod.servers.includes(s === "switchboard-base" ? "switchboard" : s),
      );
      for (const impl of roundOrder(present, round)) {
        const t0 = Date.now();
        const out = await runOne({ impl, scenario, size, timeoutMs, pin });
        const record = {
          run: runId,
          time: new Date().toISOString(),
          profile,
          round,
          scenario,
          impl,
          node: process.version,
          pinned: pin,
          // Other work on the machine shifts the figures; the 1-minute load average says how busy it was.
          load1: Math.round(loadavg()[0] * 100) / 100,
          ...(out.error ? { error: out.error } : { metrics: out.metrics, checks: out.checks }),
        };
        records.push(record);
        if (opts.json) appendFileSync(opts.json, `${JSON.stringify(record)}\n`);
        const m = out.metrics ?? {};
        const brief = out.error
          ? `ERROR ${out.error.split("\n")[0]}`
          : scenario === "idle"
            ? `heap ${m.heap_b} B/conn, rss ${m.rss_b} B/conn`
            : `${m.cpu_us} µs/unit (user ${m.user_us}), ${m.throughput}/s, p50 ${m.p50_ms} ms, p99 ${m.p99_ms} ms, ` +
              `srv ${m.srv_util} gen ${m.gen_util}`;
        console.error(
          `  r${round} ${scenario.padEnd(10)} ${impl.padEnd(12)} ${out.checks?.ok === false ? "CHECKS FAILED " : ""}` +
            `${brief}  [${((Date.now() - t0) / 1000).toFixed(1)} s]`,
        );
      }
    }
  }
}

const servers = ALL_SERVERS.filter((s) => records.some((r) => r.impl === s));
const shown = opts.from
  ? SCENARIOS.filter((s) => records.some((r) => r.scenario === s))
  : scenarios;
const loads = records.map((r) => r.load1).filter((x) => typeof x === "number");
const loadNote = loads.length
  ? `machine load average (1 min) during the run: ${Math.min(...loads)}–${Math.max(...loads)}`
  : "machine load not recorded";
const summary = summarise(records, shown, servers);
const md = table(summary, servers);
console.log(`\n${md}\n`);
console.log(
  `targets met: ${summary.met}, missed: ${summary.missed}` +
    ` (ratio = median over rounds of Switchboard / socket.io in the same round); ${loadNote}`,
);
if (opts.md) {
  const what = opts.from
    ? `from ${opts.from.join(", ")}`
    : `${runId}, ${profile}, ${rounds} round(s)`;
  const header =
    `<!-- ${what}, node ${process.version}, ` +
    `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, pinned: ${pin}, ${loadNote} -->\n`;
  writeFileSync(
    opts.md,
    `${header}${md}\n\nHeadline (the issue's targets):\n\n${headline(summary)}\n`,
  );
}
if (summary.failures.length > 0) {
  console.error(
    `\n${summary.failures.length} measurement(s) failed:\n  ${summary.failures.join("\n  ")}`,
  );
  process.exitCode = 1;
}

// The Redis Streams adapter's fan-out (streams/fanout.mjs) is part of a plain run only (not --scenario, --from or
// --smoke); it needs a Redis and says it skipped when none is reachable.
if (!opts.from && !opts.smoke && !opts.scenario) {
  const script = fileURLToPath(new URL("./streams/fanout.mjs", import.meta.url));
  const sizes = opts.quick ? ["--clients", "50", "--events", "300"] : [];
  const streams = spawnSync(process.execPath, [script, "--rounds", String(rounds), ...sizes], {
    stdio: "inherit",
  });
  if (streams.status !== 0) process.exitCode = 1;
}
