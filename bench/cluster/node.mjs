// One benchmark server process (child of run.mjs), controlled over IPC. BENCH_IMPL picks what it runs:
// - "switchboard": one node, @switchboard/server + @switchboard/redis-adapter (node-redis clients);
// - "socket.io": one node, socket.io + @socket.io/redis-adapter (node-redis clients);
// - "switchboard-inproc": BENCH_NODES Switchboard servers in this one process, each on its own port, joined by
//   @switchboard/adapter's InProcessClusterAdapter (an in-process bus that copies every message, as a trip
//   through a broker would). That adapter has no multi-process mode, so its nodes share one process and one
//   CPU figure.
import { createServer } from "node:http";

const impl = process.env.BENCH_IMPL;
const url = process.env.BENCH_REDIS_URL;
const key = process.env.BENCH_KEY;
const nodeCount = Math.max(1, Number(process.env.BENCH_NODES) || 1);

/** The servers this process runs; the first one broadcasts. */
const servers = [];

if (impl === "switchboard-inproc") {
  const { Server } = await import("@switchboard/server");
  // Straight to the module: the package's `./testing` entry would also load vitest into the node.
  const { InProcessBus, InProcessClusterAdapter } = await import(
    new URL("../../packages/adapter/dist/in-process-cluster.js", import.meta.url).href
  );
  const bus = new InProcessBus();
  // Production heartbeat timing (the class's defaults are the tests' fast ones), so heartbeats are not
  // part of the measured CPU.
  const timing = { heartbeatInterval: 5000, heartbeatTimeout: 10_000, requestsTimeout: 5000 };
  for (let i = 0; i < nodeCount; i++) {
    servers.push(
      new Server(createServer(), {
        adapter: (nsp) => new InProcessClusterAdapter(nsp, bus, timing),
        transports: ["websocket"],
      }),
    );
  }
} else {
  const { createClient } = await import("redis");
  const pub = createClient({ url });
  const sub = pub.duplicate();
  // A Redis hiccup must not crash the node; the run notices missing deliveries instead.
  pub.on("error", () => {});
  sub.on("error", () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  if (impl === "socket.io") {
    const { Server } = await import("socket.io");
    const { createAdapter } = await import("@socket.io/redis-adapter");
    servers.push(
      new Server(createServer(), {
        adapter: createAdapter(pub, sub, { key }),
        transports: ["websocket"],
      }),
    );
  } else {
    const { Server } = await import("@switchboard/server");
    const { createAdapter } = await import("@switchboard/redis-adapter");
    servers.push(
      new Server(createServer(), {
        adapter: createAdapter(pub, sub, { key }),
        transports: ["websocket"],
      }),
    );
  }
}
const io = servers[0];

const commands = {
  cpu: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  serverCount: () => io.of("/").adapter.serverCount(),
  /** Connected sockets per server of this process. */
  clients: () => servers.map((s) => s.of("/").sockets.size),
  async burst({ count, size }) {
    const payload = { text: "x".repeat(size), n: 0 };
    for (let i = 0; i < count; i++) {
      payload.n = i;
      io.emit("tick", payload);
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
    }
    return count;
  },
};

process.on("message", async (msg) => {
  try {
    process.send({ id: msg.id, result: await commands[msg.cmd](msg.args ?? {}) });
  } catch (err) {
    process.send({ id: msg.id, error: String(err?.message ?? err) });
  }
});
process.on("disconnect", () => process.exit(0));
const ports = await Promise.all(
  servers.map(
    (s) =>
      new Promise((resolve) =>
        s.httpServer.listen(0, "127.0.0.1", () => resolve(s.httpServer.address().port)),
      ),
  ),
);
process.send({ type: "ready", ports });
