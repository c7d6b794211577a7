// One benchmark server node (child process of run.mjs): Switchboard + @switchboard/redis-adapter, or socket.io +
// @socket.io/redis-adapter, both on node-redis clients. Controlled over IPC.
import { createServer } from "node:http";
import { createClient } from "redis";

const impl = process.env.BENCH_IMPL;
const url = process.env.BENCH_REDIS_URL;
const key = process.env.BENCH_KEY;

const pub = createClient({ url });
const sub = pub.duplicate();
pub.on("error", () => {});
sub.on("error", () => {});
await Promise.all([pub.connect(), sub.connect()]);

let io;
if (impl === "socket.io") {
  const { Server } = await import("socket.io");
  const { createAdapter } = await import("@socket.io/redis-adapter");
  io = new Server(createServer(), { adapter: createAdapter(pub, sub, { key }), transports: ["websocket"] });
} else {
  const { Server } = await import("@switchboard/server");
  const { createAdapter } = await import("@switchboard/redis-adapter");
  io = new Server(createServer(), { adapter: createAdapter(pub, sub, { key }), transports: ["websocket"] });
}
const http = io.httpServer;

const commands = {
  cpu: () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  },
  serverCount: () => io.of("/").adapter.serverCount(),
  clients: () => io.of("/").sockets.size,
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
http.listen(0, "127.0.0.1", () => process.send({ type: "ready", port: http.address().port }));
