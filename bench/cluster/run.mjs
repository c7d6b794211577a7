// Cross-node broadcast fan-out through Redis: Switchboard + @switchboard/redis-adapter beside socket.io +
// @socket.io/redis-adapter, in one run. For each implementation, 1 node then 2 nodes (each its own process), the
// same official socket.io-client clients (websocket) split evenly over the nodes; node 1 broadcasts `io.emit()`
// bursts. Figure of merit: server CPU time (user + system, all nodes) per delivered message.
// Usage: npm run build && node bench/cluster/run.mjs [--clients 200] [--messages 400] [--size 64] [--rounds 2]
// Redis: REDIS_URL when set, else a private redis-server on a free port (stopped at the end).
import { fork, spawn } from "node:child_process";
import { createServer, connect } from "node:net";
import { fileURLToPath } from "node:url";
import { io as ioc } from "socket.io-client";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLIENTS = arg("clients", 200);
const MESSAGES = arg("messages", 400);
const SIZE = arg("size", 64);
const ROUNDS = arg("rounds", 2);
const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function ping(port) {
  return new Promise((res) => {
    const s = connect({ port, host: "127.0.0.1" });
    s.once("error", () => res(false));
    s.once("connect", () => s.write("PING\r\n"));
    s.once("data", (d) => {
      s.destroy();
      res(d.toString().startsWith("+PONG"));
    });
  });
}

async function redisUrl() {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop: () => {} };
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  for (let i = 0; i < 200 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 25));
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGTERM") };
}

class Node {
  constructor(impl, url, key) {
    this.child = fork(NODE, [], { env: { ...process.env, BENCH_IMPL: impl, BENCH_REDIS_URL: url, BENCH_KEY: key }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    this.seq = 0;
    this.pending = new Map();
    this.ready = new Promise((resolve, reject) => {
      this.child.on("message", (m) => {
        if (m.type === "ready") return resolve(m.port);
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error));
        else p?.resolve(m.result);
      });
      this.child.once("exit", (code) => reject(new Error(`node exited with ${code}`)));
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
    this.child.kill("SIGKILL");
  }
}

async function scenario(impl, nodeCount, url) {
  const key = `bench${Math.random().toString(36).slice(2, 8)}`;
  const nodes = Array.from({ length: nodeCount }, () => new Node(impl, url, key));
  const ports = await Promise.all(nodes.map((n) => n.ready));
  while ((await nodes[0].call("serverCount")) !== nodeCount) await new Promise((r) => setTimeout(r, 20));
  let received = 0;
  let onProgress = () => {};
  const sockets = [];
  for (let i = 0; i < CLIENTS; i++) {
    const s = ioc(`http://127.0.0.1:${ports[i % nodeCount]}`, { transports: ["websocket"], forceNew: true, reconnection: false });
    s.on("tick", () => {
      received++;
      onProgress();
    });
    sockets.push(s);
  }
  await Promise.all(sockets.map((s) => (s.connected ? null : new Promise((r) => s.once("connect", r)))));
  const results = [];
  for (let round = 0; round <= ROUNDS; round++) {
    received = 0;
    const expected = MESSAGES * CLIENTS;
    const done = new Promise((resolve) => {
      onProgress = () => received === expected && resolve();
    });
    const before = await Promise.all(nodes.map((n) => n.call("cpu")));
    const t0 = process.hrtime.bigint();
    await nodes[0].call("burst", { count: MESSAGES, size: SIZE });
    await done;
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const after = await Promise.all(nodes.map((n) => n.call("cpu")));
    const cpuUs = after.reduce((sum, v, i) => sum + (v - before[i]), 0);
    if (round > 0) results.push({ cpuUs, ms, deliveries: expected }); // round 0 warms up
  }
  for (const s of sockets) s.disconnect();
  for (const n of nodes) n.kill();
  const cpu = results.reduce((a, r) => a + r.cpuUs, 0);
  const deliveries = results.reduce((a, r) => a + r.deliveries, 0);
  const ms = results.reduce((a, r) => a + r.ms, 0);
  return { impl, nodes: nodeCount, nsPerDelivery: (cpu * 1000) / deliveries, deliveriesPerSec: (deliveries / ms) * 1000 };
}

const redis = await redisUrl();
try {
  console.log(`cluster fan-out: ${CLIENTS} clients, ${MESSAGES} broadcasts of ${SIZE} B per round, ${ROUNDS} rounds (+1 warm-up)`);
  const rows = [];
  for (const nodeCount of [1, 2]) {
    for (const impl of ["switchboard", "socket.io"]) rows.push(await scenario(impl, nodeCount, redis.url));
  }
  console.log("| implementation | nodes | server CPU per delivery | deliveries/s |");
  console.log("|---|---|---|---|");
  for (const r of rows) console.log(`| ${r.impl} | ${r.nodes} | ${r.nsPerDelivery.toFixed(0)} ns | ${r.deliveriesPerSec.toFixed(0)} |`);
  for (const n of [1, 2]) {
    const sb = rows.find((r) => r.impl === "switchboard" && r.nodes === n);
    const sio = rows.find((r) => r.impl === "socket.io" && r.nodes === n);
    console.log(`${n} node(s): Switchboard CPU per delivery = ${(sb.nsPerDelivery / sio.nsPerDelivery).toFixed(2)} × socket.io's (target ≤ 0.85)`);
  }
  const sb1 = rows.find((r) => r.impl === "switchboard" && r.nodes === 1);
  const sb2 = rows.find((r) => r.impl === "switchboard" && r.nodes === 2);
  console.log(`Switchboard 2 nodes vs 1: ${(sb2.nsPerDelivery / sb1.nsPerDelivery).toFixed(2)} × the CPU per delivery`);
} finally {
  redis.stop();
}
