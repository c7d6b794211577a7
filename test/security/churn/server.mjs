// The server under churn, in a process of its own (started with --expose-gc by churn.test.ts), so a
// crash fails the test and the heap it measures is the server's alone. Driven over IPC:
// { id, cmd: "stats" | "heap" | "close" } → { id, result }. Plain ESM: Node 20 runs it without a loader.
import { createHook } from "node:async_hooks";
import { createServer } from "node:http";
import { Server } from "@switchboard/server";

// Sessions abandoned by a reset die by ping timeout: short pings keep the drain short; the complete
// cycles answer every ping they see, and 3 s is far more than any of them waits between two polls.
const PING_INTERVAL = 1000;
const PING_TIMEOUT = 3000;

// Every pending timer, unref'd ones included (`getActiveResourcesInfo()` counts only ref'd timers, and
// the engine's heartbeat queues unref theirs), Node's own (socket timeouts) too. init/destroy only:
// cheap enough to keep on. The destroy hook comes a little after the timer fired or was cleared, so
// those already done (`_destroyed`) are not counted.
const timers = new Map();
createHook({
  init(id, type, _trigger, resource) {
    if (type === "Timeout") timers.set(id, resource);
  },
  destroy(id) {
    timers.delete(id);
  },
}).enable();

function pendingTimers() {
  let n = 0;
  for (const t of timers.values()) if (t._destroyed !== true) n++;
  return n;
}

// Anything the library reports on the console is a failure the test wants to see.
let consoleErrors = 0;
const consoleError = console.error.bind(console);
console.error = (...args) => {
  consoleErrors++;
  consoleError(...args);
};

const http = createServer();
const io = new Server(http, { pingInterval: PING_INTERVAL, pingTimeout: PING_TIMEOUT });

const counters = { connections: 0, disconnects: 0, joins: 0, connectionErrors: 0 };
const reasons = {};
io.engine.on("connection_error", () => counters.connectionErrors++);
io.on("connection", (socket) => {
  counters.connections++;
  // Rooms joined on connect, so sessions reset before any event still leave adapter entries behind.
  socket.join(["all", `g${counters.connections % 64}`]);
  socket.on("join", (room, ack) => {
    if (typeof room !== "string" || typeof ack !== "function") return;
    counters.joins++;
    socket.join(room);
    ack(room);
  });
  socket.on("disconnect", (reason) => {
    counters.disconnects++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  });
});

function count(list, match) {
  let n = 0;
  for (const item of list) if (match(item)) n++;
  return n;
}

function stats() {
  return new Promise((resolve) => {
    http.getConnections((_err, httpConnections) => {
      const resources = process.getActiveResourcesInfo();
      const listeners = {};
      for (const name of http.eventNames()) listeners[String(name)] = http.listenerCount(name);
      const namespaces = [...io._nsps].map(([name, nsp]) => ({
        name,
        sockets: nsp.sockets.size,
        rooms: nsp.adapter.rooms.size,
        sids: nsp.adapter.sids.size,
      }));
      resolve({
        engineClients: io.engine.clientsCount,
        engineClientIds: Object.keys(io.engine.clients).length,
        connectQueue: io._connectQueue.size,
        namespaces,
        httpConnections,
        listeners,
        timeouts: count(resources, (r) => r === "Timeout"),
        timersAll: pendingTimers(),
        tcpHandles: count(resources, (r) => r.startsWith("TCP")),
        counters: { ...counters, consoleErrors },
        reasons: { ...reasons },
      });
    });
  });
}

/** The smallest heapUsed of `samples` measurements, each after two full GCs (min de-noises). */
async function heap(samples) {
  let min = Infinity;
  for (let i = 0; i < samples; i++) {
    await new Promise((r) => setImmediate(r));
    globalThis.gc();
    globalThis.gc();
    min = Math.min(min, process.memoryUsage().heapUsed);
  }
  return min;
}

const commands = {
  stats,
  heap: (args) => heap(args.samples ?? 5),
  close: async () => {
    await io.close();
    setImmediate(() => process.exit(0));
    return true;
  },
};

process.on("message", async (msg) => {
  const fn = commands[msg.cmd];
  try {
    if (fn === undefined) throw new Error(`unknown command ${msg.cmd}`);
    process.send({ id: msg.id, result: await fn(msg) });
  } catch (err) {
    process.send({ id: msg.id, error: String(err?.stack ?? err) });
  }
});
// The test runner went away: do not linger.
process.on("disconnect", () => process.exit(0));

if (typeof globalThis.gc !== "function") throw new Error("start me with --expose-gc");
http.listen(0, "127.0.0.1", () => process.send({ type: "ready", port: http.address().port }));
