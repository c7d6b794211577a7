// The server under attack, in its own process so that a crash fails the test instead of hiding in the runner.
// Started by child.ts with `--expose-gc` and a small heap; controlled over IPC.
//
// Env SB_SECURITY_OPTIONS (JSON): { server: <@switchboard/server options>, http: <http.createServer options> }.
// It serves "/" and the dynamic namespaces /dyn-<n>; every socket has the handlers listed in `serve()`.
//
// Child -> parent messages:
//   { type: "ready", port }                       listening on 127.0.0.1:<port>
//   { type: "event", event }                      something the tests wait on (see `record()` calls)
//   { type: "fatal", kind, message, stack }       an uncaught exception / unhandled rejection; the process then
//                                                 exits with code 70 (the crash is reported, never swallowed)
//   { type: "reply", id, result | error }         answer to a command
// Parent -> child commands: { id, cmd: "health" | "memory" | "close" }.
import { createServer } from "node:http";
import { promisify } from "node:util";
import { Server, namespacesOf } from "@switchboard/server";

const FATAL_EXIT_CODE = 70;
const MAX_WARNINGS = 50;

// ---- crashes: report, then die as Node would have --------------------------------------------------------

const errors = [];
function fatal(kind, err) {
  const info = { kind, message: String(err?.message ?? err), stack: String(err?.stack ?? "") };
  errors.push(info);
  process.stderr.write(`server-child ${kind}: ${info.stack || info.message}\n`);
  const die = () => process.exit(FATAL_EXIT_CODE);
  // The IPC message may not leave before exit; the exit code and stderr tell the harness anyway.
  if (process.connected) process.send({ type: "fatal", ...info }, die);
  setTimeout(die, 500);
}
process.on("uncaughtException", (err) => fatal("uncaughtException", err));
process.on("unhandledRejection", (err) => fatal("unhandledRejection", err));

const warnings = [];
process.on("warning", (w) => {
  if (warnings.length < MAX_WARNINGS) warnings.push(`${w.name}: ${w.message}`);
});

// ---- live timers created by JS (ref'd and unref'd): getActiveResourcesInfo() only sees ref'd ones ---------

const liveTimers = new Set();
const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = globalThis;
globalThis.setTimeout = Object.assign(
  function setTimeout(fn, ms, ...args) {
    const timer = st(
      function () {
        liveTimers.delete(timer);
        return fn.apply(this, arguments);
      },
      ms,
      ...args,
    );
    liveTimers.add(timer);
    return timer;
  },
  { [promisify.custom]: st[promisify.custom] },
);
globalThis.clearTimeout = function clearTimeout(timer) {
  liveTimers.delete(timer);
  return ct(timer);
};
globalThis.setInterval = function setInterval(fn, ms, ...args) {
  const timer = si(fn, ms, ...args);
  liveTimers.add(timer);
  return timer;
};
globalThis.clearInterval = function clearInterval(timer) {
  liveTimers.delete(timer);
  return ci(timer);
};

// ---- the server ---------------------------------------------------------------------------------------------

const options = JSON.parse(process.env.SB_SECURITY_OPTIONS ?? "{}");
const http = createServer(options.http ?? {});
const io = new Server(http, options.server ?? {});

function record(event) {
  if (process.connected) process.send({ type: "event", event });
}

function serve(nsp) {
  nsp.on("connection", (socket) => {
    const name = socket.nsp.name;
    record({ type: "sio-connect", nsp: name, id: socket.id });
    socket.on("disconnect", (reason) =>
      record({ type: "sio-disconnect", nsp: name, id: socket.id, reason }),
    );
    // Echo with ack: the innocent clients' heartbeat.
    socket.on("echo", (data, ack) => {
      if (typeof ack === "function") ack(data);
    });
    // Takes anything, answers `true`: for hostile payloads that must not be echoed back.
    socket.on("sink", (...args) => {
      const ack = args[args.length - 1];
      if (typeof ack === "function") ack(true);
    });
    socket.on("join", (room, ack) => {
      socket.join(String(room));
      if (typeof ack === "function") ack(true);
    });
    socket.on("kick-me", () => socket.disconnect(true));
    // A packet middleware that refuses one event: the refusal path must not need an "error" listener.
    socket.use((packet, next) =>
      next(packet[0] === "reject-me" ? new Error("rejected") : undefined),
    );
  });
}
serve(io.of("/"));
serve(io.of(/^\/dyn-\d+$/));

io.engine.on("connection", (conn) => {
  record({ type: "engine-connection", sid: conn.id, transport: conn.transport.name });
  conn.on("close", (reason) => record({ type: "engine-close", sid: conn.id, reason }));
});
io.engine.on("connection_error", (err) =>
  record({ type: "connection_error", code: err.code, message: err.message }),
);
// Observes every upgrade request (answers none): lets a test act once the server has seen its request.
http.on("upgrade", (req) => record({ type: "upgrade-seen", url: req.url }));

// ---- health -------------------------------------------------------------------------------------------------

function countBy(list) {
  const out = {};
  for (const item of list) out[item] = (out[item] ?? 0) + 1;
  return out;
}

async function health() {
  const namespaces = {};
  const adapters = {};
  for (const nsp of namespacesOf(io)) {
    namespaces[nsp.name] = nsp.sockets.size;
    adapters[nsp.name] = { rooms: nsp.adapter.rooms.size, sids: nsp.adapter.sids.size };
  }
  const listeners = {};
  for (const name of http.eventNames()) listeners[String(name)] = http.listenerCount(name);
  let ref = 0;
  for (const t of liveTimers) if (t.hasRef()) ref++;
  const connections = await new Promise((resolve) =>
    http.getConnections((err, n) => resolve(err ? -1 : n)),
  );
  return {
    clientsCount: io.engine.clientsCount,
    namespaces,
    adapters,
    timers: { live: liveTimers.size, ref },
    resources: countBy(process.getActiveResourcesInfo()),
    connections,
    listeners,
    errors,
    warnings,
  };
}

function memory() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage();
}

async function close() {
  await io.close();
  http.closeAllConnections();
  return true;
}

const commands = { health, memory, close };

process.on("message", async (msg) => {
  if (msg === null || typeof msg !== "object" || typeof msg.cmd !== "string") return;
  try {
    const run = commands[msg.cmd];
    if (run === undefined) throw new Error(`unknown command ${msg.cmd}`);
    const result = await run(msg.args);
    process.send({ type: "reply", id: msg.id, result });
    if (msg.cmd === "close") process.disconnect();
  } catch (err) {
    process.send({ type: "reply", id: msg.id, error: String(err?.stack ?? err) });
  }
});
// The parent went away (test runner killed): do not linger.
process.on("disconnect", () => setTimeout(() => process.exit(0), 100).unref());

http.listen(0, "127.0.0.1", () => process.send({ type: "ready", port: http.address().port }));
