// Cost of contract validation on the hot path (issue #17): server CPU per echo round trip (emit with ack, 64-byte
// payload, 50 clients in a closed loop) with no check, hand-written checks, a small zod contract on the arguments,
// and the same contract validating the ack too. Each variant runs in a fresh server process pinned to core 0 (the
// load generator on core 1); rounds alternate the order. Build first (`npx tsc -b`).
//
//   node bench/contract.mjs [--rounds 3] [--ms 3000]
import { fileURLToPath } from "node:url";
import { closeAll, connectMany, measure, waitForCount } from "./lib/harness.mjs";
import { closedLoop } from "./lib/loops.mjs";
import { startNode, stop } from "./lib/procs.mjs";
import { median, round3 } from "./lib/stats.mjs";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? dflt : Number(process.argv[i + 1]);
};
const ROUNDS = arg("rounds", 3);
const MS = arg("ms", 3000);
const CLIENTS = 50;
const VARIANTS = ["none", "hand", "zod", "zod-ack"];
const server = fileURLToPath(new URL("./lib/contract-server.mjs", import.meta.url));
const data = { s: "x".repeat(64), n: 42 };
const ok = (args) => args.length === 1 && args[0]?.n === 42 && args[0]?.s === data.s;

async function once(variant) {
  const { child, ready, call } = await startNode(server, [variant], { cpu: 0 });
  const ctl = { usage: () => call({ cmd: "usage" }), count: () => call({ cmd: "count" }) };
  const clients = await connectMany(ready.port, CLIENTS);
  try {
    await waitForCount(ctl, (c) => c === CLIENTS);
    const send = (c, done) => c.emitCb("echo", [data], done);
    await closedLoop(clients, 1000, send, ok); // warm-up
    const m = await measure(ctl, () => closedLoop(clients, MS, send, ok));
    if (m.result.bad > 0 || m.result.ok === 0) throw new Error(`${variant}: bad replies`);
    return (m.srvUser + m.srvSystem) / m.result.ok;
  } finally {
    await closeAll(clients);
    await stop(child);
  }
}

const results = Object.fromEntries(VARIANTS.map((v) => [v, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
  for (const v of order) results[v].push(await once(v));
}
const base = median(results.none);
console.log(`server CPU µs per echo round trip (median of ${ROUNDS} rounds, ${MS} ms each)`);
// On a busy machine the minimum is the steadier estimate of what the work itself costs: both are shown.
const baseMin = Math.min(...results.none);
console.log("| variant | µs / round trip (median) | vs none | min | vs none | rounds |");
console.log("|---|---:|---:|---:|---:|---|");
for (const v of VARIANTS) {
  const med = median(results[v]);
  const min = Math.min(...results[v]);
  const all = results[v].map((x) => round3(x)).join(", ");
  console.log(
    `| ${v} | ${round3(med)} | ${round3(med / base)} | ${round3(min)} | ${round3(min / baseMin)} | ${all} |`,
  );
}
