#!/usr/bin/env node
// Broadcast fan-out through the Redis Streams adapter: server CPU per delivery on the receiving node, Switchboard
// (@switchboard/server + @switchboard/redis-streams-adapter) beside socket.io + @socket.io/redis-streams-adapter in
// one run, the order alternating from round to round (A B, then B A). Both with connection state recovery on (an
// offset on every event). Each measurement: a publishing node and a receiving node (each its own process, fresh per
// measurement), `clients` official socket.io-client sockets (websocket) on the receiving node, `events` io.emit() on
// the publishing node; the receiving node's CPU time (user + system) from before the first event to after the last
// delivery, divided by clients × events. An unmeasured warm-up event (sent again until all have it) first proves
// every client is reached.
//
//   npm run build && node bench/streams/fanout.mjs [--clients 100] [--events 1000] [--rounds 2] [--smoke]
//                                                  [--json out.jsonl]
//
// Redis: REDIS_URL when set, else 127.0.0.1:6379 when it answers, else a private redis-server on a free port; with
// none it prints why and exits 0 (skipped), so `npm run bench` (which calls it) still runs everywhere.
// Prints a line per measurement, then the medians and the paired ratio (Switchboard / socket.io, same round).
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createClient } from "redis";
import { io as ioc } from "socket.io-client";
import { startPrivateRedis } from "../lib/private-redis.mjs";

const NODE = fileURLToPath(new URL("./node.mjs", import.meta.url));
const IMPLS = ["switchboard", "socket.io"];

const { values: opts } = parseArgs({
  options: {
    clients: { type: "string" },
    events: { type: "string" },
    rounds: { type: "string" },
    smoke: { type: "boolean", default: false },
    json: { type: "string" },
  },
});
const CLIENTS = Number(opts.clients ?? (opts.smoke ? 5 : 100));
const EVENTS = Number(opts.events ?? (opts.smoke ? 20 : 1000));
const ROUNDS = Math.max(1, Number(opts.rounds ?? (opts.smoke ? 1 : 2)));
/** Longest wait for deliveries (shorter in --smoke, so that a lost event fails the test with a message). */
const DELIVERY_TIMEOUT_MS = opts.smoke ? 20_000 : 120_000;
/** Longest wait for a node to start or a client to connect. */
const START_TIMEOUT_MS = 20_000;

async function answers(url) {
  const c = createClient({ url, socket: { connectTimeout: 1000, reconnectStrategy: false } });
  c.on("error", () => {});
  try {
    await c.connect();
    return (await c.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    await c.close().catch(() => {});
  }
}

/** The Redis to use, or a reason why there is none. */
async function findRedis() {
  if (process.env.REDIS_URL) {
    return (await answers(process.env.REDIS_URL))
      ? { url: process.env.REDIS_URL, stop: () => {} }
      : { skip: "REDIS_URL does not answer" };
  }
  if (await answers("redis://127.0.0.1:6379"))
    return { url: "redis://127.0.0.1:6379", stop: () => {} };
  return (
    (await startPrivateRedis()) ?? {
      skip: "no REDIS_URL, nothing on 127.0.0.1:6379, and no redis-server that would start",
    }
  );
}

function start(impl, url, stream) {
  const child = fork(NODE, [], {
    env: {
      ...process.env,
      BENCH_IMPL: impl,
      BENCH_REDIS_URL: url,
      BENCH_STREAM: stream,
      DEBUG: "",
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let seq = 0;
  const pending = new Map();
  child.on("message", (m) => {
    if (m.id === undefined) return;
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (m.error) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
  });
  const ready = new Promise((resolve, reject) => {
    child.on("message", (m) => m.type === "ready" && resolve(m.port));
    child.once("exit", (code) => {
      const err = new Error(`${impl} node exited with ${code}`);
      reject(err);
      // A call to a node that died fails rather than waiting forever.
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
  });
  ready.catch(() => {}); // awaited by the caller; a node killed before it started is not an unhandled rejection
  return {
    ready,
    call: (cmd, args = {}) =>
      new Promise((resolve, reject) => {
        const id = ++seq;
        pending.set(id, { resolve, reject });
        child.send({ id, cmd, args });
      }),
    kill: () => child.kill("SIGKILL"),
  };
}

/** `p`, or a rejection naming `what` after `ms`. */
function withTimeout(p, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves once `cond()` holds; rejects after `ms` naming `what`. */
function until(cond, ms, what) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const t = setInterval(() => {
      if (cond()) {
        clearInterval(t);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(t);
        reject(new Error(`timed out waiting for ${what}`));
      }
    }, 5);
  });
}

async function measure(impl, url) {
  const stream = `bench-streams-${randomBytes(4).toString("hex")}`;
  const pub = start(impl, url, stream);
  const recv = start(impl, url, stream);
  const sockets = [];
  try {
    const port = await withTimeout(recv.ready, START_TIMEOUT_MS, "the receiving node to start");
    await withTimeout(pub.ready, START_TIMEOUT_MS, "the publishing node to start");
    // Per client: the last value received (-1: none yet; then 0, 1, 2…: each once, in order).
    const next = new Int32Array(CLIENTS).fill(-1);
    const warmed = new Uint8Array(CLIENTS);
    let delivered = 0;
    let wrong = 0;
    for (let i = 0; i < CLIENTS; i++) {
      const s = ioc(`http://127.0.0.1:${port}`, { transports: ["websocket"], forceNew: true });
      s.on("e", (v) => {
        if (v !== next[i] + 1) wrong++;
        next[i] = v;
        delivered++;
      });
      s.on("w", () => (warmed[i] = 1));
      sockets.push(s);
      await withTimeout(
        new Promise((r) => s.once("connect", r)),
        START_TIMEOUT_MS,
        "a client to connect",
      );
    }
    // Warm-up (not counted), on an event of its own, sent again until every client got one: it proves every
    // client is reached through the stream. The official adapter starts reading at "$" when its first XREAD
    // reaches Redis, which may be after this node said it was ready; an event appended before that is not its.
    const warmUp = setInterval(
      () => pub.call("emit-many", { ev: "w", from: 0, count: 1 }).catch(() => {}),
      250,
    );
    try {
      await pub.call("emit-many", { ev: "w", from: 0, count: 1 });
      await until(() => warmed.every((w) => w === 1), DELIVERY_TIMEOUT_MS, "the warm-up event");
    } finally {
      clearInterval(warmUp);
    }
    const before = await recv.call("cpu");
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < EVENTS; i += 100)
      await pub.call("emit-many", { ev: "e", from: i, count: Math.min(100, EVENTS - i) });
    await until(() => delivered >= CLIENTS * EVENTS, DELIVERY_TIMEOUT_MS, "every delivery");
    const after = await recv.call("cpu");
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpuUs = after.user + after.system - before.user - before.system;
    const deliveries = CLIENTS * EVENTS;
    return {
      cpu_ns: Math.round((cpuUs * 1000) / deliveries),
      throughput: Math.round(deliveries / (wallMs / 1000)),
      checks: {
        ok: wrong === 0 && delivered === deliveries,
        wrong,
        delivered,
        expected: deliveries,
      },
    };
  } finally {
    for (const s of sockets) s.disconnect();
    pub.kill();
    recv.kill();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const redis = await findRedis();
if (redis.skip) {
  console.log(`\nstreams fan-out: skipped (${redis.skip}); set REDIS_URL to run it.`);
  process.exit(0);
}
console.error(
  `# streams fan-out: ${CLIENTS} clients × ${EVENTS} events, ${ROUNDS} round(s), ${IMPLS.join(" / ")}`,
);
if (opts.json) writeFileSync(opts.json, "");
const byRound = [];
let failures = 0;
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? IMPLS : [...IMPLS].reverse();
    const results = {};
    for (const impl of order) {
      let record;
      try {
        const m = await measure(impl, redis.url);
        record = { scenario: "streams-fanout", round, impl, metrics: m, checks: m.checks };
        console.error(
          `  r${round} streams-fanout ${impl.padEnd(12)} ${m.checks.ok ? "" : "CHECKS FAILED "}` +
            `${m.cpu_ns} ns CPU/delivery (receiving node), ${m.throughput} deliveries/s` +
            (m.checks.ok ? "" : ` (${JSON.stringify(m.checks)})`),
        );
        if (m.checks.ok) results[impl] = m;
        else failures++;
      } catch (err) {
        failures++;
        record = { scenario: "streams-fanout", round, impl, error: String(err?.message ?? err) };
        console.error(`  r${round} streams-fanout ${impl.padEnd(12)} ERROR ${record.error}`);
      }
      if (opts.json) appendFileSync(opts.json, `${JSON.stringify(record)}\n`);
    }
    byRound.push(results);
  }
} finally {
  redis.stop();
}

const cell = (impl) => {
  const xs = byRound.map((r) => r[impl]?.cpu_ns).filter((x) => x !== undefined);
  return xs.length ? `${Math.round(median(xs))} ns` : "—";
};
const ratios = byRound
  .filter((r) => r.switchboard && r["socket.io"])
  .map((r) => r.switchboard.cpu_ns / r["socket.io"].cpu_ns);
const ratio = ratios.length ? median(ratios).toFixed(2) : "—";
console.log(`
| scenario | unit | Switchboard | socket.io | ratio (paired, median) |
|---|---|---|---|---|
| streams fan-out (${CLIENTS} clients × ${EVENTS} events) | CPU per delivery, receiving node | ${cell("switchboard")} | ${cell("socket.io")} | ${ratio} |
`);
console.log(
  `ratio = median over rounds of Switchboard / socket.io in the same round (${ratios.map((r) => r.toFixed(2)).join(", ") || "none"})`,
);
if (failures > 0) {
  console.error(`${failures} streams fan-out measurement(s) failed`);
  process.exitCode = 1;
}
process.exit();
