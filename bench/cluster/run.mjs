// Cross-node broadcast fan-out with 1, 2 and 3 nodes: Switchboard on Redis (@switchboard/redis-adapter),
// Switchboard on its in-process cluster adapter (all nodes in one process, see node.mjs), and socket.io +
// @socket.io/redis-adapter as the comparison, in one run. The same official socket.io-client clients
// (websocket) are split evenly over the nodes; node 1 broadcasts `io.emit()` bursts. Figures of merit:
// server CPU time (user + system, all node processes) per delivered message, the same per node (a node's
// CPU over the deliveries to its own clients), and its ratio to 1 node (issue #19: ≤ 1.10 at 3 nodes).
//
// Usage: npm run build && node bench/cluster/run.mjs [--clients 200] [--messages 400] [--size 64]
//          [--rounds 2] [--nodes 1,2,3] [--impls switchboard,switchboard-inproc,socket.io]
//          [--json out.jsonl] [--smoke]
// Redis (only when a Redis implementation is asked for): REDIS_URL when set, else a private redis-server on a
// free port (stopped at the end).
import { fork } from "node:child_process";
import { appendFileSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { io as ioc } from "socket.io-client";
import { roundOrder } from "../lib/order.mjs";
import { startPrivateRedis } from "../lib/private-redis.mjs";

const IMPLS = ["switchboard", "switchboard-inproc", "socket.io"];
/** Which implementations need Redis (the in-process adapter does not). */
const ON_REDIS = new Set(["switchboard", "socket.io"]);
const LABEL = {
  switchboard: "Switchboard, Redis",
  "switchboard-inproc": "Switchboard, in-process",
  "socket.io": "socket.io, Redis",
};
/** Issue #19: CPU per delivery at 3 nodes at most 1.10 × the 1-node figure. */
const FLAT_MAX = 1.1;

const { values: opts } = parseArgs({
  options: {
    clients: { type: "string" },
    messages: { type: "string" },
    size: { type: "string", default: "64" },
    rounds: { type: "string" },
    nodes: { type: "string", default: "1,2,3" },
    impls: { type: "string", default: IMPLS.join(",") },
    json: { type: "string" },
    smoke: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (opts.help) {
  console.log(
    "usage: node bench/cluster/run.mjs [--clients 200] [--messages 400] [--size 64] [--rounds 2]\n" +
      `         [--nodes 1,2,3] [--impls ${IMPLS.join(",")}] [--json out.jsonl] [--smoke]`,
  );
  process.exit(0);
}
const num = (v, dflt) => (v === undefined ? dflt : Number(v));
// --smoke: tiny sizes, proves the wiring only (figures meaningless).
const CLIENTS = num(opts.clients, opts.smoke ? 6 : 200);
const MESSAGES = num(opts.messages, opts.smoke ? 5 : 400);
const SIZE = num(opts.size, 64);
const ROUNDS = num(opts.rounds, opts.smoke ? 1 : 2);
const NODE_COUNTS = opts.nodes.split(",").map(Number);
const impls = opts.impls.split(",").filter(Boolean);
for (const i of impls) {
  if (!IMPLS.includes(i)) {
    console.error(`unknown implementation "${i}" (one of ${IMPLS.join(", ")})`);
    process.exit(2);
  }
}
if (NODE_COUNTS.some((n) => !Number.isInteger(n) || n < 1) || CLIENTS < Math.max(...NODE_COUNTS)) {
  console.error(
    "--nodes takes positive integers, and --clients must be at least the largest of them",
  );
  process.exit(2);
}
const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));

async function redisUrl() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const redis = await startPrivateRedis();
  if (redis === null) throw new Error("no Redis: set REDIS_URL or install redis-server");
  return redis;
}

/** With `SB_BENCH_PROF=<dir>`, each node process writes a V8 CPU profile there. */
const PROF = process.env["SB_BENCH_PROF"];

/** One node process (for the in-process adapter: one process holding `servers` nodes). */
class NodeProc {
  constructor(impl, url, key, servers = 1) {
    this.child = fork(NODE, [], {
      env: {
        ...process.env,
        BENCH_IMPL: impl,
        BENCH_REDIS_URL: url ?? "",
        BENCH_KEY: key,
        BENCH_NODES: String(servers),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: PROF ? ["--cpu-prof", `--cpu-prof-dir=${PROF}`] : [],
    });
    this.seq = 0;
    this.pending = new Map();
    this.ready = new Promise((resolve, reject) => {
      this.child.on("message", (m) => {
        if (m.type === "ready") return resolve(m.ports);
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      });
      this.child.once("exit", (code) => {
        reject(new Error(`node exited with ${code}`));
        for (const p of this.pending.values()) p.reject(new Error(`node exited with ${code}`));
      });
    });
  }
  call(cmd, args) {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ id, cmd, args });
    });
  }
  kill() {
    // Profiling: the node exits on its own once the channel closes, so that its profile is written.
    if (PROF && this.child.connected) this.child.disconnect();
    else this.child.kill("SIGKILL");
  }
}

async function waitFor(what, cond, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function scenario(impl, nodeCount, url) {
  const key = `bench${Math.random().toString(36).slice(2, 8)}`;
  const inproc = impl === "switchboard-inproc";
  const procs = inproc
    ? [new NodeProc(impl, null, key, nodeCount)]
    : Array.from({ length: nodeCount }, () => new NodeProc(impl, url, key));
  const sockets = [];
  try {
    const ports = (await Promise.all(procs.map((p) => p.ready))).flat();
    await waitFor(
      `${nodeCount} nodes to see each other`,
      async () => (await procs[0].call("serverCount")) === nodeCount,
    );
    // Client i goes to node i mod N; `local[k]` is how many node k serves.
    const local = Array.from(
      { length: nodeCount },
      (_, k) =>
        Array.from({ length: CLIENTS }, (_, i) => i % nodeCount).filter((x) => x === k).length,
    );
    let received = 0;
    let onProgress = () => {};
    for (let i = 0; i < CLIENTS; i++) {
      const s = ioc(`http://127.0.0.1:${ports[i % nodeCount]}`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
      });
      s.on("connect_error", () => {}); // shows as a client that never connects: the wait below times out
      s.on("tick", () => {
        received++;
        onProgress();
      });
      sockets.push(s);
    }
    await waitFor("every client to connect", () => sockets.every((s) => s.connected));
    const expected = MESSAGES * CLIENTS;
    const perProc = procs.map(() => 0);
    let ms = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      received = 0;
      const done = new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${impl}/${nodeCount}: ${received} of ${expected} deliveries`)),
          120_000,
        );
        onProgress = () => {
          if (received === expected) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      const before = await Promise.all(procs.map((p) => p.call("cpu")));
      const t0 = process.hrtime.bigint();
      await procs[0].call("burst", { count: MESSAGES, size: SIZE });
      await done;
      const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
      const after = await Promise.all(procs.map((p) => p.call("cpu")));
      if (round === 0) continue; // warm-up
      after.forEach((v, k) => (perProc[k] += v - before[k]));
      ms += elapsed;
    }
    const deliveries = expected * ROUNDS;
    const cpuUs = perProc.reduce((a, b) => a + b, 0);
    return {
      impl,
      nodes: nodeCount,
      clients: CLIENTS,
      messages: MESSAGES,
      rounds: ROUNDS,
      deliveries,
      ns_per_delivery: (cpuUs * 1000) / deliveries,
      // A node's CPU over the deliveries to its own clients (node 1 also publishes). One process for the
      // in-process adapter: no per-node split there.
      ns_per_delivery_by_node: inproc
        ? null
        : perProc.map((us, k) => (us * 1000) / (MESSAGES * ROUNDS * local[k])),
      deliveries_per_s: (deliveries / ms) * 1000,
      load1: Math.round(loadavg()[0] * 100) / 100,
    };
  } finally {
    for (const s of sockets) s.disconnect();
    for (const p of procs) p.kill();
  }
}

const fmtNs = (x) => (x === null || x === undefined ? "–" : `${Math.round(x)} ns`);

const redis = impls.some((i) => ON_REDIS.has(i)) ? await redisUrl() : null;
try {
  console.log(
    `cluster fan-out: ${CLIENTS} clients, ${MESSAGES} broadcasts of ${SIZE} B per round, ${ROUNDS} rounds ` +
      `(+1 warm-up); nodes ${NODE_COUNTS.join(", ")}; ${impls.join(", ")}; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
  );
  if (opts.json) writeFileSync(opts.json, "");
  const rows = [];
  for (const [k, nodeCount] of NODE_COUNTS.entries()) {
    // Rotate the implementations' order from one node count to the next, so none always runs first.
    for (const impl of roundOrder(impls, k + 1)) {
      const row = await scenario(impl, nodeCount, redis?.url);
      rows.push(row);
      if (opts.json) appendFileSync(opts.json, `${JSON.stringify(row)}\n`);
      console.error(
        `  ${LABEL[impl]}, ${nodeCount} node(s): ${fmtNs(row.ns_per_delivery)} per delivery (load ${row.load1})`,
      );
    }
  }
  const find = (impl, n) => rows.find((r) => r.impl === impl && r.nodes === n);
  console.log(
    "\n| implementation | nodes | server CPU per delivery (all nodes) | per node | × 1 node | deliveries/s |",
  );
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const impl of impls) {
    for (const n of NODE_COUNTS) {
      const r = find(impl, n);
      const one = find(impl, 1);
      const x = one ? r.ns_per_delivery / one.ns_per_delivery : null;
      const verdict = n === 3 && x !== null ? (x <= FLAT_MAX ? " ✓" : " ✗") : "";
      const byNode =
        r.ns_per_delivery_by_node?.map((v) => Math.round(v)).join(" / ") ?? "one process";
      console.log(
        `| ${LABEL[impl]} | ${n} | ${fmtNs(r.ns_per_delivery)} | ${byNode} | ` +
          `${x === null ? "–" : x.toFixed(2)}${verdict} | ${Math.round(r.deliveries_per_s)} |`,
      );
    }
  }
  console.log(
    `\n× 1 node: CPU per delivery over the 1-node figure; target ≤ ${FLAT_MAX.toFixed(2)} at 3 nodes.`,
  );
  if (impls.includes("switchboard") && impls.includes("socket.io")) {
    for (const n of NODE_COUNTS) {
      const sb = find("switchboard", n);
      const sio = find("socket.io", n);
      console.log(
        `${n} node(s) on Redis: Switchboard CPU per delivery = ` +
          `${(sb.ns_per_delivery / sio.ns_per_delivery).toFixed(2)} × socket.io's (target ≤ 0.85)`,
      );
    }
  }
} finally {
  redis?.stop();
}
