#!/usr/bin/env node
// Does a stalled client cost the others anything? (issue #18: "a broadcast to 10,000 sockets with 10 stalled
// ones costs the same per delivery as without them".) One Switchboard server process (core 0, --expose-gc) with
// N sockets in one room; the clients in another process (core 1): the bench's minimal Engine.IO WebSocket
// client. Two conditions in one run, order alternating by round:
//   none    — every socket reads;
//   stalled — S sockets have their raw TCP socket paused (`socket.pause()`), and before the measured window the
//             server fills their queues up to just under `maxBufferedBytes` (kernel buffers first, then `ws`'s,
//             then Switchboard's queue), so during the window they sit at the cap: each broadcast goes through
//             the slow path (queued above the high-water mark, oldest dropped at the cap: onOverflow "drop-oldest").
// A healthy client emits `room` M times (≤ `window` in flight, the next one when every reading socket got one);
// the server re-emits each with `io.to("all").emit`. Unit: one delivery = one socket of the room × one broadcast
// (N × M for both conditions; the stalled sockets' deliveries are queued or dropped). Server CPU comes from
// `process.cpuUsage()` in the server around the window; heap from `process.memoryUsage()` after forced GCs at the
// end of the window (the stalled sockets still paused). Paired ratio per round: stalled / none.
//
//   node bench/stalled.mjs [--clients 10000] [--stalled 10] [--broadcasts 200] [--bytes 1024] [--rounds 3]
//                          [--hwm 262144] [--cap 1048576] [--json out.jsonl]
// Build first (`npx tsc -b packages/server`). Not part of `npm test`.
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startNode, stop, canPin } from "./lib/procs.mjs";
import { roundOrder } from "./lib/order.mjs";
import { median, pool, round3 } from "./lib/stats.mjs";

const self = fileURLToPath(import.meta.url);
const { values: opts } = parseArgs({
  options: {
    role: { type: "string", default: "main" },
    clients: { type: "string", default: "10000" },
    stalled: { type: "string", default: "10" },
    broadcasts: { type: "string", default: "200" },
    bytes: { type: "string", default: "1024" },
    window: { type: "string", default: "4" },
    warm: { type: "string", default: "50" },
    rounds: { type: "string", default: "3" },
    hwm: { type: "string", default: String(256 * 1024) },
    cap: { type: "string", default: String(1024 * 1024) },
    port: { type: "string" },
    json: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
const num = (k) => Number(opts[k]);

if (opts.help) {
  console.log(`usage: node bench/stalled.mjs [--clients N] [--stalled S] [--broadcasts M] [--bytes B] [--window W]
                            [--warm K] [--rounds R] [--hwm BYTES] [--cap BYTES] [--json out.jsonl]`);
  process.exit(0);
}
if (opts.role === "server") await serverRole();
else if (opts.role === "clients") await clientsRole();
else await main();

function gcAll() {
  for (let i = 0; i < 4; i++) globalThis.gc?.();
}

async function serverRole() {
  const { installApp, SERVER_OPTIONS } = await import("./lib/app.mjs");
  const { Server } = await import("@switchboard/server");
  const http = createServer();
  const io = new Server(http, {
    ...SERVER_OPTIONS,
    // A paused client answers no ping: a heartbeat longer than the run keeps it connected (same in both
    // conditions, and no heartbeat traffic lands in a measured window).
    pingInterval: 600_000,
    pingTimeout: 600_000,
    backpressure: {
      highWaterMark: num("hwm"),
      maxBufferedBytes: num("cap"),
      onOverflow: "drop-oldest",
    },
  });
  const app = installApp(io);
  await new Promise((resolve) => http.listen(0, "0.0.0.0", resolve));

  const stalledSockets = () =>
    [...(io.sockets.adapter.rooms.get("stalled") ?? [])]
      .map((id) => io.sockets.sockets.get(id))
      .filter(Boolean);
  const queued = () => stalledSockets().map((s) => s.conn.bufferedAmount);
  const tick = () => new Promise((r) => setTimeout(r, 2));

  /** Fills every stalled socket's queue to just under the cap (the kernel's buffers fill first). */
  async function fill() {
    const chunk = "f".repeat(16 * 1024);
    const target = num("cap") - 64 * 1024;
    const deadline = Date.now() + 60_000;
    let stable = 0;
    while (stable < 3) {
      if (Date.now() > deadline) throw new Error(`fill timed out, queued ${queued()}`);
      let short = false;
      for (const s of stalledSockets()) {
        for (let k = 0; k < 16 && s.conn.bufferedAmount < target; k++) {
          s.emit("fill", chunk);
          short = true;
        }
      }
      if (short) stable = 0;
      else {
        stable++;
        await new Promise((r) => setTimeout(r, 100)); // the kernel may still take some: check again
      }
      await tick();
    }
  }

  /** Waits until the stalled sockets (resumed by the clients) have nothing queued. */
  async function drained() {
    const deadline = Date.now() + 60_000;
    while (queued().some((q) => q > 0)) {
      if (Date.now() > deadline) throw new Error(`drain timed out, queued ${queued()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  process.on("message", async (msg) => {
    const reply = (body) => process.send?.({ id: msg.id, ...body });
    try {
      switch (msg.cmd) {
        case "usage":
          reply({ cpu: process.cpuUsage(), queued: queued(), count: app.count() });
          break;
        case "gc":
          gcAll();
          await new Promise((r) => setTimeout(r, 50));
          gcAll();
          reply({ mem: process.memoryUsage() });
          break;
        case "fill":
          await fill();
          reply({ queued: queued() });
          break;
        case "drained":
          await drained();
          reply({});
          break;
        case "close":
          io.close();
          http.close();
          reply({});
          process.exit(0);
      }
    } catch (err) {
      reply({ error: String(err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ready: true, port: http.address().port });
}

async function clientsRole() {
  const { WsClient } = await import("./lib/eio-client.mjs");
  const { fanOutPass } = await import("./scenarios/broadcast.mjs");
  const n = num("clients");
  const s = num("stalled");
  const port = Number(opts.port);
  let i = 0;
  const clients = await pool(n, 200, async () => {
    // 5,000 clients per loopback source address (127.0.0.1, .2, …), as bench/scale.mjs does.
    const localAddress = `127.0.0.${1 + Math.floor(i++ / 5000)}`;
    return WsClient.connect(port, { localAddress, timeout: 30_000 });
  });
  // The last S clients are the ones that stall (never clients[0], the sender).
  const stallable = clients.slice(n - s);
  await pool(n, 200, (k) => clients[k].emitWithAck("join", "all"));
  await Promise.all(stallable.map((c) => c.emitWithAck("join", "stalled")));
  const paused = new Uint8Array(n);

  let passId = 0;
  /** One windowed pass of `count` broadcasts; resolves when every reading socket got every one. */
  async function pass(count) {
    const id = ++passId;
    const reading = n - paused.reduce((a, b) => a + b, 0);
    const bytes = num("bytes");
    const p = fanOutPass({
      clients: n,
      count,
      window: num("window"),
      send: (seq) => {
        const head = `${id}.${seq}:`;
        clients[0].emit("room", "all", head + "x".repeat(Math.max(0, bytes - head.length)));
      },
      members: () => reading,
      accept: (k) => paused[k] === 0,
    });
    clients.forEach((c, k) =>
      c.on("room", ([str]) => {
        if (typeof str !== "string" || str.length !== bytes) return p.receive(k, -1);
        const dot = str.indexOf(".");
        // A resumed socket still reads an earlier pass's backlog: not this pass's business.
        if (Number(str.slice(0, dot)) !== id) return;
        p.receive(k, parseInt(str.slice(dot + 1), 10));
      }),
    );
    const st = await p.start();
    const complete = Array.from(st.received).filter((r) => r === count).length;
    return {
      deliveries: st.delivered,
      expected: st.expected,
      reading,
      complete,
      out_of_order: st.outOfOrder,
      malformed: st.bad,
      ok: st.delivered === st.expected && complete === reading && st.outOfOrder === 0 && !st.bad,
    };
  }

  process.on("message", async (msg) => {
    const reply = (body) => process.send?.({ id: msg.id, ...body });
    try {
      if (msg.cmd === "pause") {
        stallable.forEach((c) => c.ws._socket.pause());
        for (let k = n - s; k < n; k++) paused[k] = 1;
        reply({});
      } else if (msg.cmd === "resume") {
        stallable.forEach((c) => c.ws._socket.resume());
        paused.fill(0);
        reply({});
      } else if (msg.cmd === "pass") {
        reply(await pass(msg.count));
      } else if (msg.cmd === "close") {
        for (const c of clients) c.terminate();
        reply({});
        setTimeout(() => process.exit(0), 100);
      }
    } catch (err) {
      reply({ error: String(err) });
    }
  });
  process.on("disconnect", () => process.exit(0));
  process.send?.({ ready: true, connected: clients.length });
}

async function main() {
  const n = num("clients");
  const m = num("broadcasts");
  const rounds = Math.max(3, num("rounds") || 3);
  const pin = canPin();
  const runId = new Date().toISOString();
  console.error(
    `# stalled: ${n} sockets in one room, ${num("stalled")} stalled, ${m} × ${num("bytes")} B broadcasts, ` +
      `${rounds} rounds; backpressure hwm ${num("hwm")} B, cap ${num("cap")} B, onOverflow drop-oldest; ` +
      `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ` +
      `${pin ? "server on core 0, clients on core 1" : "not pinned"}`,
  );
  const srv = await startNode(self, ["--role", "server", ...passOn()], {
    cpu: 0,
    execArgv: ["--expose-gc"],
  });
  let cl = null;
  const call = async (proc, msg) => {
    const r = await proc.call(msg);
    if (r.error) throw new Error(`${msg.cmd}: ${r.error}`);
    return r;
  };
  const rows = [];
  try {
    const t0 = performance.now();
    cl = await startNode(
      self,
      ["--role", "clients", "--port", String(srv.ready.port), ...passOn()],
      {
        cpu: 1,
        execArgv: ["--max-old-space-size=4096"],
        timeoutMs: 600_000,
      },
    );
    console.error(
      `  ${cl.ready.connected} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    const warm = await call(cl, { cmd: "pass", count: num("warm") });
    if (!warm.ok) throw new Error(`warm-up pass incomplete: ${JSON.stringify(warm)}`);

    for (let round = 1; round <= rounds; round++) {
      for (const condition of roundOrder(["none", "stalled"], round)) {
        let filled = null;
        if (condition === "stalled") {
          await call(cl, { cmd: "pause" });
          filled = (await call(srv, { cmd: "fill" })).queued;
        }
        const u0 = await call(srv, { cmd: "usage" });
        const w0 = performance.now();
        const res = await call(cl, { cmd: "pass", count: m });
        const ms = performance.now() - w0;
        const u1 = await call(srv, { cmd: "usage" });
        const heap = (await call(srv, { cmd: "gc" })).mem;
        if (condition === "stalled") {
          await call(cl, { cmd: "resume" });
          await call(srv, { cmd: "drained" });
          await new Promise((r) => setTimeout(r, 500)); // the kernel's share reaches the clients
        }
        const user = u1.cpu.user - u0.cpu.user;
        const total = user + u1.cpu.system - u0.cpu.system;
        const deliveries = n * m;
        const row = {
          bench: "stalled",
          run: runId,
          round,
          condition,
          clients: n,
          stalled: condition === "stalled" ? num("stalled") : 0,
          broadcasts: m,
          bytes: num("bytes"),
          hwm: num("hwm"),
          cap: num("cap"),
          node: process.version,
          pinned: pin,
          load1: round3(loadavg()[0]),
          cpu_us: round3(total / deliveries),
          user_us: round3(user / deliveries),
          srv_util: round3(total / 1000 / ms),
          elapsed_ms: Math.round(ms),
          heap_mb: round3(heap.heapUsed / 2 ** 20),
          rss_mb: round3(heap.rss / 2 ** 20),
          stalled_queued_before: filled,
          stalled_queued_after: condition === "stalled" ? u1.queued : null,
          checks: { ...res, id: undefined },
        };
        rows.push(row);
        if (opts.json) appendFileSync(opts.json, `${JSON.stringify(row)}\n`);
        console.error(
          `  r${round} ${condition.padEnd(8)} ${row.cpu_us} µs/delivery (user ${row.user_us}), ` +
            `heap ${row.heap_mb} MB, srv ${row.srv_util}, ${row.elapsed_ms} ms` +
            `${res.ok ? "" : " CHECKS FAILED"}` +
            (filled ? ` queued ${fmtRange(filled)} → ${fmtRange(u1.queued)} B` : ""),
        );
      }
    }
  } finally {
    if (cl) {
      await cl.call({ cmd: "close" });
      await stop(cl.child);
    }
    await srv.call({ cmd: "close" });
    await stop(srv.child);
  }
  summary(rows);
}

/** Sizes the child roles need. */
function passOn() {
  return ["clients", "stalled", "bytes", "window", "hwm", "cap"].flatMap((k) => [
    `--${k}`,
    opts[k],
  ]);
}

function fmtRange(xs) {
  return xs.length ? `${Math.min(...xs)}–${Math.max(...xs)}` : "-";
}

function summary(rows) {
  const pick = (c, k) => rows.filter((r) => r.condition === c).map((r) => r[k]);
  const ratios = (k) => {
    const out = [];
    for (const r of rows.filter((x) => x.condition === "stalled")) {
      const base = rows.find((x) => x.condition === "none" && x.round === r.round);
      if (base) out.push(round3(r[k] / base[k]));
    }
    return out;
  };
  const failed = rows.filter((r) => !r.checks.ok).length;
  console.log(
    "\n| metric | none (median) | stalled (median) | paired ratio stalled/none: median [per round] |",
  );
  console.log("|---|---|---|---|");
  for (const [k, label] of [
    ["cpu_us", "server CPU µs / delivery"],
    ["user_us", "server user CPU µs / delivery"],
    ["heap_mb", "server heap after GC (MB)"],
  ]) {
    const rs = ratios(k);
    console.log(
      `| ${label} | ${median(pick("none", k))} | ${median(pick("stalled", k))} | ` +
        `${median(rs)} [${rs.join(", ")}] |`,
    );
  }
  console.log(
    `\nper round cpu_us none: ${pick("none", "cpu_us").join(", ")}; stalled: ${pick("stalled", "cpu_us").join(", ")}`,
  );
  if (failed) {
    console.error(`${failed} measurement(s) failed their checks`);
    process.exitCode = 1;
  }
}
