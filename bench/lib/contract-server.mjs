// The server of bench/contract.mjs, in its own process: the echo app of app.mjs with its `echo` payload checked
// four ways. argv[2]: `none` (no check), `hand` (hand-written checks in the handler), `zod` (a contract on the
// arguments), `zod-ack` (the same contract with an `ack` schema too). IPC: `usage`, `count`, `close`.
import { createServer } from "node:http";
import { defineContract } from "@switchboard/contract";
import { Server } from "@switchboard/server";
import { z } from "zod";
import { SERVER_OPTIONS } from "./app.mjs";

const variant = process.argv[2] ?? "none";
const payload = z.object({ s: z.string().max(1000), n: z.number().int() });
const contract =
  variant === "zod"
    ? defineContract({ clientToServer: { echo: { args: [payload] } } })
    : variant === "zod-ack"
      ? defineContract({ clientToServer: { echo: { args: [payload], ack: payload } } })
      : undefined;

/** What a careful handler checks by hand: the same rules as `payload`. */
const valid = (d) =>
  typeof d === "object" &&
  d !== null &&
  typeof d.s === "string" &&
  d.s.length <= 1000 &&
  Number.isInteger(d.n);

const http = createServer();
const io = new Server(http, contract ? { ...SERVER_OPTIONS, contract } : SERVER_OPTIONS);
let count = 0;
io.on("connection", (socket) => {
  count++;
  socket.on("disconnect", () => count--);
  socket.on("echo", (data, ack) => {
    if (variant === "hand" && !valid(data)) return ack({ error: "invalid" });
    ack(data);
  });
});
await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));

process.on("message", async (msg) => {
  const reply = (body) => process.send?.({ id: msg.id, ...body });
  if (msg.cmd === "usage") reply({ cpu: process.cpuUsage(), count });
  else if (msg.cmd === "count") reply({ count });
  else if (msg.cmd === "close") {
    io.close();
    http.close();
    reply({});
    process.exit(0);
  } else reply({ error: `unknown command ${msg.cmd}` });
});
process.on("disconnect", () => process.exit(0));
process.send?.({ ready: true, port: http.address().port, variant });
