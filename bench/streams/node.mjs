// One node of the streams fan-out benchmark in its own process, driven over IPC by bench/streams/fanout.mjs.
// BENCH_IMPL: "switchboard" (built @switchboard/server + @switchboard/redis-streams-adapter) or "socket.io" (official
// socket.io + @socket.io/redis-streams-adapter); both with connection state recovery on (an offset on every event).
// BENCH_REDIS_URL, BENCH_STREAM (stream name, also the channel prefix). Public entry points only.
import { createServer } from "node:http";
import { createClient } from "redis";

const impl = process.env.BENCH_IMPL ?? "switchboard";
const url = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
const stream = process.env.BENCH_STREAM ?? "bench";

const redis = createClient({ url });
redis.on("error", () => {});
await redis.connect();
const { Server } = await import(impl === "socket.io" ? "socket.io" : "@switchboard/server");
const { createAdapter } = await import(
  impl === "socket.io" ? "@socket.io/redis-streams-adapter" : "@switchboard/redis-streams-adapter"
);

const http = createServer();
const io = new Server(http, {
  adapter: createAdapter(redis, {
    streamName: stream,
    channelPrefix: stream,
    sessionKeyPrefix: `${stream}:session:`,
    maxLen: 100_000,
  }),
  transports: ["websocket"],
  connectionStateRecovery: { maxDisconnectionDuration: 10_000 },
});

function handle(cmd, args) {
  switch (cmd) {
    case "emit-many":
      for (let i = 0; i < args.count; i++) io.emit(args.ev, args.from + i);
      return null;
    case "cpu": {
      const u = process.cpuUsage();
      return { user: u.user, system: u.system };
    }
    default:
      throw new Error(`unknown command ${cmd}`);
  }
}

process.on("message", (msg) => {
  try {
    process.send?.({ id: msg.id, result: handle(msg.cmd, msg.args ?? {}) });
  } catch (err) {
    process.send?.({ id: msg.id, error: String(err?.message ?? err) });
  }
});

// Ready once the adapter reads its stream (Switchboard's `ready`; the official adapter has no such promise, hence
// the fan-out script's repeated warm-up).
await io.of("/").adapter.ready;
http.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: http.address().port });
});
