// Child process of overhead.mjs: the benchmark app on @switchboard/server, instrumented or not.
// argv[2] = "base" | "production" | "development"; argv[3] = eventLogRate (a number or "Infinity"; empty: default). Answers "usage" with process.cpuUsage() over IPC.
import { createServer } from "node:http";
import { Server } from "@switchboard/server";
import { acquireStream, instrument } from "@switchboard/admin";
import { installApp, SERVER_OPTIONS } from "../../../bench/lib/app.mjs";

const variant = process.argv[2] ?? "base";
const http = createServer();
const io = new Server(http, SERVER_OPTIONS);
// "plain" is a second uninstrumented server (an A/A run shows the noise floor); "listen" and "stream" isolate parts of the cost: bare engine packet listeners, the stream alone.
const noop = () => {};
if (variant === "listen")
  io.engine.on("connection", (c) => c.on("packet", noop).on("packetCreate", noop));
else if (variant === "stream") acquireStream(io);
else if (variant !== "base" && variant !== "plain") {
  const rate = process.argv[3] ? { eventLogRate: Number(process.argv[3]) } : {};
  instrument(io, { auth: false, mode: variant, metrics: true, ...rate });
}
installApp(io);
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
process.on("message", (msg) => {
  if (msg === "usage") process.send({ usage: process.cpuUsage() });
  if (msg === "close") {
    io.close();
    http.close();
    process.exit(0);
  }
});
process.send({ port: http.address().port });
