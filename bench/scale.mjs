// One process up to the descriptor limit (issue #19): N idle Socket.IO WebSocket clients on one server
// process, a broadcast to all every second, the default heartbeat (25 s). Reports heap and RSS per connection
// (after a forced GC, idle and again after the broadcasts), the kernel's TCP memory from /proc/net/sockstat,
// event-loop delay p99 in the server, and broadcast completion time (server emit → last client received).
// The clients live in a separate process (each process has its own descriptor limit), on several loopback
// source addresses so that the ephemeral ports of one address do not run out. Not part of `npm test`.
//
//   node bench/scale.mjs --clients 19500 --seconds 30 --servers switchboard,socket.io --json /tmp/scale.jsonl
import { appendFileSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startNode, stop } from "./lib/procs.mjs";

const self = fileURLToPath(import.meta.url);
const { values: opts } = parseArgs({
  options: {
    role: { type: "string", default: "main" },
    impl: { type: "string", default: "switchboard" },
    servers: { type: "string", default: "switchboard,socket.io" },
    clients: { type: "string", default: "19500" },
    seconds: { type: "string", default: "30" },
    port: { type: "string" },
    json: { type: "string" },
  },
});

const now = () => performance.timeOrigin + performance.now();

if (opts.role === "server") await serverRole();
else if (opts.role === "clients") await clientsRole();
else await main();

/** Kernel TCP counters (system-wide: other processes' sockets are in them too, hence before/after). */
function sockstat() {
  const text = readFileSync("/proc/net/sockstat", "utf8");
  const m = /TCP: inuse (\d+) orphan \d+ tw \d+ alloc (\d+) mem (\d+)/.exec(text);
  return m ? { inuse: +m[1], alloc: +m[2], mem_pages: +m[3] } : null;
}

function pct(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function serverRole() {
  const { installApp, SERVER_OPTIONS } = await import("./lib/app.mjs");
  const { Server } = await import(opts.impl === "socket.io" ? "socket.io" : "@switchboard/server");
  const http = createServer();
  const io = new Server(http, SERVER_OPTIONS);
  const app = installApp(io);
  await new Promise((resolve) => http.listen(0, "0.0.0.0", resolve));
  const gc = async () => {
    for (let i = 0; i < 3; i++) globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc();
    return process.memoryUsage();
  };
  let timer = null;
  let seq = 0;
  const emitMs = [];
  const eld = monitorEventLoopDelay({ resolution: 1 });
  let cpu0 = null;
  process.on("message", async (msg) => {
    const reply = (body) => process.send?.({ id: msg.id, ...body });
    switch (msg.cmd) {
      case "gc":
        reply({ mem: await gc(), count: app.count() });
        break;
      case "count":
        reply({ count: app.count() });
        break;
      case "start":
        eld.reset();
        eld.enable();
        cpu0 = process.cpuUsage();
        timer = setInterval(() => {
          const t0 = performance.now();
          io.emit("tick", ++seq, now());
          emitMs.push(performance.now() - t0);
        }, 1000);
        reply({});
        break;
      case "stop": {
        clearInterval(timer);
        eld.disable();
        const cpu = process.cpuUsage(cpu0);
        emitMs.sort((a, b) => a - b);
        reply({
          ticks: seq,
          cpu_ms: (cpu.user + cpu.system) / 1000,
          eld_p50_ms: eld.percentile(50) / 1e6,
          eld_p99_ms: eld.percentile(99) / 1e6,
          eld_max_ms: eld.max / 1e6,
          emit_sync_p50_ms: pct(emitMs, 50),
          emit_sync_max_ms: pct(emitMs, 100),
        });
        break;
      }
      case "close":
        io.close();
        http.close();
        reply({});
        process.exit(0);
    }
  });
  process.send?.({ ready: true, port: http.address().port });
}

async function clientsRole() {
  const { WsClient } = await import("./lib/eio-client.mjs");
  const { pool } = await import("./lib/stats.mjs");
  const n = Number(opts.clients);
  const port = Number(opts.port);
  const received = new Map(); // seq -> count
  const done = []; // completion ms per tick that reached every client
  let i = 0;
  const onTick = ([seq, sentAt]) => {
    const c = (received.get(seq) ?? 0) + 1;
    received.set(seq, c);
    if (c === n) {
      done.push(now() - sentAt);
      received.delete(seq);
    }
  };
  const clients = await pool(n, 200, async () => {
    // 5,000 clients per loopback source address (127.0.0.1, .2, …).
    const localAddress = `127.0.0.${1 + Math.floor(i++ / 5000)}`;
    const c = await WsClient.connect(port, { localAddress, timeout: 30_000 });
    c.on("tick", onTick);
    return c;
  });
  process.on("message", (msg) => {
    const reply = (body) => process.send?.({ id: msg.id, ...body });
    if (msg.cmd === "report") {
      const sorted = [...done].sort((a, b) => a - b);
      reply({
        complete_ticks: done.length,
        incomplete_ticks: received.size,
        completion_p50_ms: pct(sorted, 50),
        completion_p99_ms: pct(sorted, 99),
        completion_max_ms: pct(sorted, 100),
      });
    } else if (msg.cmd === "close") {
      for (const c of clients) c.terminate();
      reply({});
      setTimeout(() => process.exit(0), 100);
    }
  });
  process.send?.({ ready: true, connected: clients.length });
}

async function main() {
  const n = Number(opts.clients);
  const seconds = Number(opts.seconds);
  for (const impl of opts.servers.split(",")) {
    const srv = await startNode(self, ["--role", "server", "--impl", impl], {
      cpu: 0,
      execArgv: ["--expose-gc"],
    });
    let cl = null;
    try {
      const before = await srv.call({ cmd: "gc" });
      const k0 = sockstat();
      const t0 = performance.now();
      cl = await startNode(
        self,
        ["--role", "clients", "--port", String(srv.ready.port), "--clients", String(n)],
        { cpu: 1, timeoutMs: 600_000 },
      );
      const connectS = (performance.now() - t0) / 1000;
      const idle = await srv.call({ cmd: "gc" });
      const k1 = sockstat();
      await srv.call({ cmd: "start" });
      await new Promise((r) => setTimeout(r, seconds * 1000 + 500));
      const load = await srv.call({ cmd: "stop" });
      await new Promise((r) => setTimeout(r, 1500)); // let the last tick arrive
      const recv = await cl.call({ cmd: "report" });
      const after = await srv.call({ cmd: "gc" });
      const per = (m, k) => Math.round((m.mem[k] - before.mem[k]) / n);
      const row = {
        scenario: "scale",
        server: impl,
        node: process.version,
        clients: n,
        connected: idle.count,
        connect_s: Math.round(connectS * 10) / 10,
        idle_heap_b: per(idle, "heapUsed"),
        idle_rss_b: per(idle, "rss"),
        loaded_heap_b: per(after, "heapUsed"),
        loaded_rss_b: per(after, "rss"),
        kernel_tcp_pages_delta: k1.mem_pages - k0.mem_pages,
        kernel_tcp_b_per_conn: Math.round(((k1.mem_pages - k0.mem_pages) * 4096) / n),
        tcp_alloc_delta: k1.alloc - k0.alloc,
        ...load,
        ...recv,
        id: undefined,
        cpu_us_per_delivery: Math.round(((load.cpu_ms * 1000) / (load.ticks * n)) * 1000) / 1000,
      };
      console.log(JSON.stringify(row));
      if (opts.json) appendFileSync(opts.json, `${JSON.stringify(row)}\n`);
    } finally {
      if (cl) {
        await cl.call({ cmd: "close" });
        await stop(cl.child);
      }
      await srv.call({ cmd: "close" });
      await stop(srv.child);
    }
  }
}
