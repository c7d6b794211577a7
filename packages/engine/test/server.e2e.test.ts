// Server-level behaviour: attaching, closing, options and events.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { afterEach, describe, expect, test } from "vitest";
import { WebSocket, WebSocketServer } from "ws";
import { listen, Server, type ConnectionErrorEvent } from "../src/index.js";
import {
  cleanup,
  connect,
  nextText,
  onCleanup,
  once,
  raw,
  rawHandshake,
  rawWebSocket,
  startServer,
  waitFor,
} from "./helpers.js";

afterEach(cleanup);

describe("attach", () => {
  test("requests and upgrades for other paths keep reaching their listeners", async () => {
    const http = createServer((req, res) => {
      res.writeHead(200);
      res.end(`app ${req.url}`);
    });
    const other = new WebSocketServer({ noServer: true });
    http.on("upgrade", (req, socket, head) => {
      if (req.url === "/other")
        other.handleUpgrade(req, socket, head, (ws) => ws.send("from other"));
    });
    const engine = new Server().attach(http);
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    onCleanup(
      () =>
        new Promise<void>(
          (r) => (engine.close(), other.close(), http.closeAllConnections(), http.close(() => r())),
        ),
    );
    const port = (http.address() as AddressInfo).port;

    expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).text()).toBe("app /hello");
    const handshake = await fetch(`http://127.0.0.1:${port}/engine.io/?EIO=4&transport=polling`);
    expect((await handshake.text()).startsWith("0{")).toBe(true);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/other`);
    onCleanup(() => ws.terminate());
    const [message] = await once<[Buffer]>(ws, "message");
    expect(String(message)).toBe("from other");
  });

  test("an upgrade nobody answers is destroyed after destroyUpgradeTimeout", async () => {
    const http = createServer();
    const engine = new Server().attach(http, { destroyUpgradeTimeout: 30 });
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    onCleanup(
      () =>
        new Promise<void>(
          (r) => (engine.close(), http.closeAllConnections(), http.close(() => r())),
        ),
    );
    const ws = new WebSocket(`ws://127.0.0.1:${(http.address() as AddressInfo).port}/nobody`);
    ws.on("error", () => {});
    onCleanup(() => ws.terminate());
    await once(ws, "close");
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  test("a custom path with a trailing slash added", async () => {
    const server = await startServer({ path: "/realtime" });
    const res = await fetch(`${server.url}/realtime/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    const client = await connect(server, { path: "/realtime", transports: ["websocket"] });
    expect(client.readyState).toBe("open");
  });

  test("close() ends every session and timer; the http server keeps its listeners", async () => {
    const http = createServer(() => {});
    const before = {
      request: http.listenerCount("request"),
      upgrade: http.listenerCount("upgrade"),
    };
    const baseline = process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const engine = new Server({ pingInterval: 1000 }).attach(http);
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    onCleanup(() => new Promise<void>((r) => (http.closeAllConnections(), http.close(() => r()))));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const server = {
      engine,
      http,
      port: (http.address() as AddressInfo).port,
      url,
      nextConnection: () => once(engine, "connection"),
    } as never;
    const reasons: string[] = [];
    engine.on("connection", (s) => s.on("close", (reason) => reasons.push(reason)));
    const clients = [
      await connect(server, { transports: ["polling"] }),
      await connect(server, { transports: ["websocket"] }),
      await connect(server, { transports: ["polling", "websocket"], waitUpgrade: true }),
    ];
    expect(engine.clientsCount).toBe(3);
    const clientsClosed = Promise.all(clients.map((c) => once(c, "close")));
    engine.close();
    expect(engine.clientsCount).toBe(0);
    expect(Object.keys(engine.clients)).toEqual([]);
    expect(reasons).toEqual(["forced close", "forced close", "forced close"]);
    // Still attached (like the reference): a late request of a closed session gets its 400, not a hang.
    expect(http.listenerCount("request")).toBe(before.request);
    expect(http.listenerCount("upgrade")).toBe(before.upgrade + 1);
    const late = await fetch(`${url}/engine.io/?EIO=4&transport=polling&sid=${clients[0]!.id}`);
    expect(late.status).toBe(400);
    // Count once the peers are gone: they (and ws's closing handshake) hold timers of their own.
    await clientsClosed;
    const timeouts = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    await waitFor(() => timeouts() <= baseline, "timers back to the baseline");
    expect(timeouts()).toBeLessThanOrEqual(baseline);
  });

  test("listen() owns its http server: 501 elsewhere, closed by engine.close()", async () => {
    // Pick a free port first: listen() keeps its http.Server to itself.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    let engine: Server | undefined;
    await new Promise<void>((r) => (engine = listen(port, { pingInterval: 5000 }, r)));
    onCleanup(() => engine!.close());
    const res = await fetch(`http://127.0.0.1:${port}/elsewhere`);
    expect(res.status).toBe(501);
    expect(await res.text()).toBe("Not Implemented");
    const handshake = await fetch(`http://127.0.0.1:${port}/engine.io/?EIO=4&transport=polling`);
    expect(handshake.status).toBe(200);
    engine!.close();
    await expect(fetch(`http://127.0.0.1:${port}/elsewhere`)).rejects.toThrow();
  });
});

describe("handshake options and events", () => {
  test("initialPacket follows the open packet", async () => {
    const server = await startServer({ initialPacket: "welcome" });
    const res = await raw(server, "GET", "EIO=4&transport=polling");
    const [open, initial] = res.body.split("\x1e");
    expect(Object.keys(JSON.parse(open!.slice(1)) as object)).toEqual([
      "sid",
      "upgrades",
      "pingInterval",
      "pingTimeout",
      "maxPayload",
    ]);
    expect(initial).toBe("4welcome");
  });

  test("cookie sets io=<sid> on the polling and websocket handshakes", async () => {
    const server = await startServer({ cookie: true });
    const res = await raw(server, "GET", "EIO=4&transport=polling");
    const sid = (JSON.parse(res.body.slice(1)) as { sid: string }).sid;
    expect(res.headers["set-cookie"]).toEqual([`io=${sid}; Path=/; HttpOnly; SameSite=Lax`]);
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine.io/?EIO=4&transport=websocket`);
    onCleanup(() => ws.terminate());
    const [upgradeRes] = await once<[IncomingMessage]>(ws, "upgrade");
    expect(String(upgradeRes.headers["set-cookie"])).toMatch(
      /^io=[\w-]{20}; Path=\/; HttpOnly; SameSite=Lax$/,
    );
  });

  test("headers and initial_headers let the app add headers", async () => {
    const server = await startServer();
    server.engine.on("initial_headers", (headers) => (headers["X-Initial"] = "yes"));
    server.engine.on("headers", (headers) => (headers["X-Every"] = "yes"));
    const first = await raw(server, "GET", "EIO=4&transport=polling");
    expect(first.headers["x-initial"]).toBe("yes");
    expect(first.headers["x-every"]).toBe("yes");
    const sid = (JSON.parse(first.body.slice(1)) as { sid: string }).sid;
    const post = await raw(server, "POST", `EIO=4&transport=polling&sid=${sid}`, "4hi");
    expect(post.body).toBe("ok");
    expect(post.headers["x-initial"]).toBeUndefined();
    expect(post.headers["x-every"]).toBe("yes");
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/engine.io/?EIO=4&transport=websocket`);
    onCleanup(() => ws.terminate());
    const [upgradeRes] = await once<[IncomingMessage]>(ws, "upgrade");
    expect(upgradeRes.headers["x-initial"]).toBe("yes");
    expect(upgradeRes.headers["x-every"]).toBe("yes");
  });

  test("generateId may be overridden and asynchronous; a failure refuses with code 3", async () => {
    const server = await startServer();
    let n = 0;
    server.engine.generateId = async () => {
      if (++n === 2) throw new Error("no id");
      return `custom-${n}`;
    };
    const connection = server.nextConnection();
    const client = await connect(server, { transports: ["websocket"] });
    expect((await connection).id).toBe("custom-1");
    expect(client.id).toBe("custom-1");
    const errors: ConnectionErrorEvent[] = [];
    server.engine.on("connection_error", (e) => errors.push(e));
    const res = await raw(server, "GET", "EIO=4&transport=polling");
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ code: 3, message: "Bad request" });
    expect(errors[0]?.code).toBe(3);
  });

  test("middlewares run for requests and upgrades; next(err) refuses with code 3", async () => {
    const server = await startServer();
    const seen: string[] = [];
    server.engine.use((req, _res, next) => {
      seen.push(req.url!.includes("websocket") ? "upgrade" : "http");
      next(req.headers["x-deny"] ? new Error("denied") : undefined);
    });
    await rawHandshake(server);
    const denied = await raw(server, "GET", "EIO=4&transport=polling", undefined, {
      "X-Deny": "1",
    });
    expect(denied.status).toBe(400);
    expect(JSON.parse(denied.body)).toEqual({ code: 3, message: "Bad request" });
    const ws = await rawWebSocket(server, "EIO=4&transport=websocket");
    expect((await nextText(ws)).startsWith("0{")).toBe(true);
    expect(seen).toEqual(["http", "http", "upgrade"]);
  });

  test("a server without attach() serves through handleRequest/handleUpgrade", async () => {
    const engine = new Server();
    const http = createServer((req, res) => engine.handleRequest(req, res));
    http.on("upgrade", (req, socket, head) => engine.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
    onCleanup(
      () =>
        new Promise<void>(
          (r) => (engine.close(), http.closeAllConnections(), http.close(() => r())),
        ),
    );
    const port = (http.address() as AddressInfo).port;
    const server = {
      engine,
      http,
      port,
      url: `http://127.0.0.1:${port}`,
      nextConnection: () => once(engine, "connection"),
    } as never;
    const client = await connect(server, {
      transports: ["polling", "websocket"],
      waitUpgrade: true,
    });
    expect(client.transport.name).toBe("websocket");
  });
});

describe("HTTP details", () => {
  test("large polling responses are gzipped when accepted, small ones are not", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    socket.send("x".repeat(5000));
    const big = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`, undefined, {
      "Accept-Encoding": "gzip",
    });
    expect(big.headers["content-encoding"]).toBe("gzip");
    socket.send("small");
    const small = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`, undefined, {
      "Accept-Encoding": "gzip",
    });
    expect(small.headers["content-encoding"]).toBeUndefined();
    expect(small.body).toBe("4small");
  });

  test("the gzipped body decodes to the payload", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    socket.send("y".repeat(3000));
    const body = await new Promise<Buffer>((resolve, reject) => {
      import("node:http").then(({ get }) => {
        get(
          {
            host: "127.0.0.1",
            port: server.port,
            path: `/engine.io/?EIO=4&transport=polling&sid=${sid}`,
            headers: { "Accept-Encoding": "gzip" },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () => resolve(Buffer.concat(chunks)));
          },
        ).on("error", reject);
      }, reject);
    });
    expect(gunzipSync(body).toString()).toBe("4" + "y".repeat(3000));
  });

  test("httpCompression: false sends plain bodies", async () => {
    const server = await startServer({ httpCompression: false });
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    (await connection).send("z".repeat(5000));
    const res = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`, undefined, {
      "Accept-Encoding": "gzip",
    });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.length).toBe(5001);
  });

  test("CORS is off by default and on when configured (smoke)", async () => {
    const plain = await startServer();
    const res = await raw(plain, "GET", "EIO=4&transport=polling", undefined, {
      Origin: "http://a.example",
    });
    expect(Object.keys(res.headers).filter((h) => h.startsWith("access-control-"))).toEqual([]);
    const withCors = await startServer({ cors: { origin: "http://a.example", credentials: true } });
    const pre = await raw(withCors, "OPTIONS", "EIO=4&transport=polling", undefined, {
      Origin: "http://a.example",
    });
    expect(pre.status).toBe(204);
    const err = await raw(withCors, "GET", "EIO=4&transport=nope", undefined, {
      Origin: "http://a.example",
    });
    expect(err.status).toBe(400);
    expect(err.headers["access-control-allow-origin"]).toBe("http://a.example");
    expect(err.headers["content-type"]).toBe("application/json");
  });

  test("double GET: 400 for the second, `1` for the first, session closed with `transport error`", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const closed = once<[string]>(socket, "close");
    const first = raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    await waitFor(() => socket.transport.writable, "the first GET pending");
    const second = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(second.status).toBe(400);
    expect((await first).body).toBe("1");
    expect((await closed)[0]).toBe("transport error");
  });
  test("close() over polling: queued packets leave first, the `1` in a response of its own", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const sid = await rawHandshake(server);
    const socket = await connection;
    const closed = once<[string]>(socket, "close");
    socket.send("a");
    socket.send("b");
    socket.close();
    const first = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    expect(first.body).toBe("4a\x1e4b");
    const second = await raw(server, "GET", `EIO=4&transport=polling&sid=${sid}`);
    // As on the reference: a close that waited for its GET follows a noop (docs/protocol.md §1.7).
    expect(second.body).toBe("6\x1e1");
    expect((await closed)[0]).toBe("forced close");
  });
});
