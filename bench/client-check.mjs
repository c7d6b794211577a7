#!/usr/bin/env node
// Checks the load generator against the official client once: the same scenarios driven by the minimal
// client (bench/lib/eio-client.mjs) and by socket.io-client, against the same server. The generator's own
// CPU per unit shows how much cheaper the minimal client is (so it is never the bottleneck), and the server's
// CPU per unit should come out about the same (both cause the same work).
//
//   node bench/client-check.mjs [--server switchboard|socket.io] [--rounds 3] [--smoke]
import { parseArgs } from "node:util";
import { canPin } from "./lib/procs.mjs";
import { runOne } from "./lib/run-one.mjs";
import { SIZES } from "./lib/sizes.mjs";
import { median } from "./lib/stats.mjs";

const { values: opts } = parseArgs({
  options: {
    server: { type: "string", default: "switchboard" },
    rounds: { type: "string", default: "3" },
    smoke: { type: "boolean", default: false },
  },
});
const size = JSON.parse(JSON.stringify(SIZES[opts.smoke ? "smoke" : "quick"]));
if (!opts.smoke) {
  // Fewer sockets than the quick profile: the official client needs far more generator CPU per socket.
  size.broadcast = { ...size.broadcast, clients: 200, count: 200 };
  size.echo = { ...size.echo, clients: 20 };
}
const pin = canPin();
const rounds = Math.max(1, Number(opts.rounds) || 1);
const rows = [];
let failed = false;
for (const scenario of ["broadcast", "echo"]) {
  const got = { minimal: [], official: [] };
  for (let r = 1; r <= rounds; r++) {
    for (const client of ["minimal", "official"]) {
      const out = await runOne({
        impl: opts.server,
        scenario,
        size,
        pin,
        timeoutMs: 300_000,
        client: client === "official" ? "official" : undefined,
      });
      if (out.error || !out.checks?.ok) {
        failed = true;
        console.error(`${scenario}/${client}: ${out.error ?? JSON.stringify(out.checks)}`);
        continue;
      }
      got[client].push(out.metrics);
      console.error(
        `  r${r} ${scenario} ${client.padEnd(8)} generator ${out.metrics.gen_us} µs/unit (util ${out.metrics.gen_util}), ` +
          `server ${out.metrics.cpu_us} µs/unit`,
      );
    }
  }
  const med = (c, k) => median(got[c].map((m) => m[k]));
  rows.push({
    scenario,
    gen: [med("minimal", "gen_us"), med("official", "gen_us")],
    srv: [med("minimal", "cpu_us"), med("official", "cpu_us")],
  });
}
const f = (x) => (x === null ? "–" : x.toFixed(2));
console.log(`\nserver: ${opts.server}\n`);
console.log(
  "| scenario | generator µs/unit: minimal | official | ratio | server µs/unit: minimal | official |",
);
console.log("|---|---:|---:|---:|---:|---:|");
for (const r of rows) {
  const ratio = r.gen[0] !== null && r.gen[1] ? (r.gen[0] / r.gen[1]).toFixed(2) : "–";
  console.log(
    `| ${r.scenario} | ${f(r.gen[0])} | ${f(r.gen[1])} | ${ratio} | ${f(r.srv[0])} | ${f(r.srv[1])} |`,
  );
}
if (failed) process.exitCode = 1;
