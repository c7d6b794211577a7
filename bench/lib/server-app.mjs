// The server under test, run in its own process (pinned to one core by the runner). Both Socket.IO servers
// run the same app (./app.mjs); `raw-ws` imitates it over plain `ws`, and over plain `http` for long-polling.
// The parent drives it over IPC: `usage` (cpu + memory), `gc` (forced GC, then memory), `count` (connected
// sockets), `close`.
//
// argv[2] = "switchboard" | "switchboard-base" (SB_BASE_SERVER: another build's server entry) | "socket.io" | "raw-ws"
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { installApp, SERVER_OPTIONS } from "./app.mjs";

const impl = process.argv[2] ?? "switchboard";

async function startSocketIoLike(pkg) {
  const { Server } = await import(pkg);
  const http = createServer();
  // Both servers get the same explicit options, so nothing differs but the code.
  const io = new Server(http, SERVER_OPTIONS);
  const app = installApp(io);
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    port: http.address().port,
    count: app.count,
    close: () =>
      new Promise((resolve) => {
        io.close();
        http.close(() => resolve());
        setTimeout(resolve, 500).unref();
      }),
  };
}

/**
 * The floor: plain `ws` speaking just enough Engine.IO/Socket.IO for the load generator, and broadcasting by
 * sending one pre-built frame to each socket (no per-socket encoding, no rooms bookkeeping beyond a Map).
 */
async function startRawWs() {
  const { WebSocketServer } = await import("ws");
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    path: "/socket.io/",
    perMessageDeflate: false,
    clientTracking: true,
  });
  const rooms = new Map();
  let next = 0;
  let count = 0;
  const handshake = (sid) =>
    `0{"sid":"${sid}","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`;
  wss.on("connection", (ws) => {
    const sid = (++next).toString(36).padStart(20, "0");
    ws.send(handshake(sid));
    const joined = new Set();
    let connected = false;
    ws.on("message", (data, isBinary) => {
      if (isBinary) return;
      const s = data.toString();
      if (s === "3") return;
      if (s.startsWith("40")) {
        connected = true;
        count++;
        ws.send(`40{"sid":"${sid}"}`);
        return;
      }
      if (s.startsWith('42["bcast",')) {
        const frame = Buffer.from(s); // built once, sent to every socket as is
        for (const c of wss.clients) c.send(frame, { binary: false });
        return;
      }
      if (s.startsWith("42[")) {
        const [ev, room, data] = JSON.parse(s.slice(2));
        if (ev === "room") {
          const frame = Buffer.from(`42${JSON.stringify(["room", data])}`);
          for (const c of rooms.get(room) ?? []) c.send(frame, { binary: false });
        }
        return;
      }
      // 4<id>["echo",x] → 43<id>[x]; 4<id>["join",room] → join + ack
      const m = /^42(\d+)\["(echo|join)",(.*)\]$/s.exec(s);
      if (!m) return;
      if (m[2] === "join") {
        const room = JSON.parse(m[3]);
        if (!rooms.has(room)) rooms.set(room, new Set());
        rooms.get(room).add(ws);
        joined.add(room);
      }
      ws.send(`43${m[1]}[${m[3]}]`);
    });
    ws.on("close", () => {
      if (connected) count--;
      for (const r of joined) rooms.get(r)?.delete(ws);
    });
  });
  // Long-polling, just as bare: Node's HTTP server, a queue per session, one held GET. The floor of the
  // `polling` scenario (the same requests as the generator makes to the Socket.IO servers).
  const sessions = new Map();
  const flush = (sess) => {
    if (sess.held === null || sess.queue.length === 0) return;
    const res = sess.held;
    sess.held = null;
    const body = sess.queue.join("\x1e");
    sess.queue.length = 0;
    res.writeHead(200, { "content-type": "text/plain; charset=UTF-8" }).end(body);
  };
  http.on("request", (req, res) => {
    const sid = /[?&]sid=([^&]+)/.exec(req.url ?? "")?.[1];
    if (sid === undefined) {
      const id = (++next).toString(36).padStart(20, "0");
      sessions.set(id, { queue: [], held: null });
      res.writeHead(200, { "content-type": "text/plain; charset=UTF-8" }).end(handshake(id));
      return;
    }
    const sess = sessions.get(sid);
    if (sess === undefined) {
      res.writeHead(400).end();
      return;
    }
    if (req.method === "GET") {
      sess.held = res;
      flush(sess);
      return;
    }
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      for (const s of body.split("\x1e")) {
        if (s.startsWith("40")) {
          count++;
          sess.queue.push(`40{"sid":"${sid}"}`);
        } else if (s === "1") {
          count--;
          sessions.delete(sid);
        } else {
          const m = /^42(\d+)\["echo",(.*)\]$/s.exec(s);
          if (m) sess.queue.push(`43${m[1]}[${m[2]}]`);
        }
      }
      res.writeHead(200, { "content-type": "text/html" }).end("ok");
      flush(sess);
    });
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  return {
    port: http.address().port,
    count: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        http.close(() => resolve());
        setTimeout(resolve, 500).unref();
      }),
  };
}

function gcAll() {
  const gc = globalThis.gc;
  if (typeof gc !== "function") return false;
  // Several passes: weak refs and finalizers free more on the next cycle.
  for (let i = 0; i < 4; i++) gc();
  return true;
}

const server =
  impl === "raw-ws"
    ? await startRawWs()
    : impl === "socket.io"
      ? await startSocketIoLike("socket.io")
      : impl === "switchboard-base"
        ? await startSocketIoLike(pathToFileURL(process.env.SB_BASE_SERVER ?? "").href)
        : await startSocketIoLike("@switchboard/server");

process.on("message", async (msg) => {
  const reply = (body) => process.send?.({ id: msg.id, ...body });
  try {
    switch (msg.cmd) {
      case "usage":
        reply({ cpu: process.cpuUsage(), mem: process.memoryUsage(), count: server.count() });
        break;
      case "gc": {
        const gced = gcAll();
        // Let the GC'd memory be returned before reading RSS.
        await new Promise((r) => setTimeout(r, 50));
        gcAll();
        reply({ gced, cpu: process.cpuUsage(), mem: process.memoryUsage(), count: server.count() });
        break;
      }
      case "count":
        reply({ count: server.count() });
        break;
      case "close":
        await server.close();
        reply({});
        process.exit(0);
        break;
      default:
        reply({ error: `unknown command ${msg.cmd}` });
    }
  } catch (err) {
    reply({ error: String(err) });
  }
});
process.on("disconnect", () => process.exit(0));
// An orderly exit on the runner's SIGTERM, so that `--cpu-prof` (SB_BENCH_PROF) writes its profile.
process.on("SIGTERM", () => process.exit(0));
process.send?.({ ready: true, port: server.port, impl, pid: process.pid });
