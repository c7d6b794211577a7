// One Switchboard node of the forwarding benchmark (issue #16), in its own process, driven over IPC by
// bench/forwarding.mjs: @switchboard/server + @switchboard/redis-adapter on node-redis clients, polling and
// WebSocket, the bench app (`echo` acks its data). Forwarding is the server's default with a Redis adapter;
// argv: <redis url> <key prefix> <on|off> (`off` passes `forwarding: false`). Public entry points only.
//
// IPC: { id, cmd, arg? } → { id, result } | { id, error }. Commands: `cpu` (process.cpuUsage), `forwarding`
// (io.engine.forwarding stats or null), `clients` (engine sessions held here), `serverCount`, `proxy`
// (arg: a port; starts the plain proxy of ./plain-proxy.mjs in this process, sending everything to that
// port, and returns its own port) and `proxyStats` (its counters, or null before `proxy`).
import { createServer } from "node:http";
import { createClient } from "redis";
import { Server } from "@switchboard/server";
import { createAdapter } from "@switchboard/redis-adapter";
import { installApp, SERVER_OPTIONS } from "../lib/app.mjs";
import { startPlainProxy } from "./plain-proxy.mjs";

const url = process.argv[2] ?? "redis://127.0.0.1:6379";
const key = process.argv[3] ?? "bench-fwd";
const forwarding = process.argv[4] !== "off";

const pub = createClient({ url });
const sub = pub.duplicate();
// A Redis hiccup must not kill the node: the bench reports the failed requests instead.
pub.on("error", () => {});
sub.on("error", () => {});
await Promise.all([pub.connect(), sub.connect()]);

const http = createServer();
const io = new Server(http, {
  ...SERVER_OPTIONS,
  adapter: createAdapter(pub, sub, { key }),
  ...(forwarding ? {} : { forwarding: false }),
});
installApp(io);

/** `io.engine.forwarding` as plain data, or null where this build has no forwarding (or it is off). */
function forwardingStats() {
  const f = io.engine.forwarding;
  return f ? { ...f } : null;
}

/** @type {Awaited<ReturnType<typeof startPlainProxy>> | null} */
let proxy = null;

const commands = {
  cpu: () => process.cpuUsage(),
  forwarding: forwardingStats,
  clients: () => io.engine.clientsCount,
  serverCount: () => io.of("/").adapter.serverCount(),
  proxy: async (targetPort) => {
    proxy ??= await startPlainProxy(Number(targetPort));
    return proxy.port;
  },
  proxyStats: () => proxy?.stats() ?? null,
};

process.on("message", async (msg) => {
  try {
    const fn = commands[msg.cmd];
    if (!fn) throw new Error(`unknown command ${msg.cmd}`);
    process.send?.({ id: msg.id, result: await fn(msg.arg) });
  } catch (err) {
    process.send?.({ id: msg.id, error: String(err?.message ?? err) });
  }
});
// The parent went away (it crashed or was killed): do not linger.
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => {
  io.close();
  void proxy?.close();
  void Promise.allSettled([pub.quit(), sub.quit()]).then(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});

http.listen(0, "127.0.0.1", () => {
  process.send?.({ ready: true, port: http.address().port });
});
