// Drop-in details that socket.io's own server tests check (issue #13): option merging on attach, CORS on the served
// client files, the immutable broadcast operator's fields, rooms as the adapter keeps them, `leaveAll()`, child
// namespaces kept without cleanup, decoder errors (null, raw and empty binary), an event read after the DISCONNECT
// of the same payload, `connected` during middlewares, sessions without an HTTP request, `socket.use` arrays,
// broadcast ack tables after a timeout, and stateful RegExp namespaces.
import { createServer, type Server as HttpServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import {
  cleanup,
  closeServer,
  connectPair,
  once,
  startServer,
  type ServerSocket,
} from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };

/** Internals socket.io keeps (private in its typings) and tools read; both implementations have them. */
interface OperatorFields {
  rooms: ReadonlySet<string>;
  exceptRooms: ReadonlySet<string>;
  flags: Record<string, unknown>;
}
interface SocketInternals {
  acks: Map<number, unknown>;
  leaveAll(): void;
  client: { ondata(data: unknown): void };
}
const fields = (operator: unknown) => operator as OperatorFields;
const internals = (socket: ServerSocket) => socket as unknown as SocketInternals;

/** One Engine.IO polling session over plain HTTP: a whole payload reaches the server in one request. */
async function pollingSession(
  url: string,
): Promise<{ post(body: string): Promise<void>; get(): Promise<string> }> {
  const base = `${url}/socket.io/?EIO=4&transport=polling`;
  const open = await (await fetch(base)).text();
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  return {
    async post(body) {
      const res = await fetch(`${base}&sid=${sid}`, { method: "POST", body });
      expect(res.status).toBe(200);
      await res.text();
    },
    async get() {
      return (await fetch(`${base}&sid=${sid}`)).text();
    },
  };
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;
  const isReference = impl.name.startsWith("socket.io");

  describe("attaching", () => {
    it("attach() merges its options into the constructor's; the engine is also io.eio", async () => {
      const http: HttpServer = createServer();
      const io = new Server({ pingTimeout: 6000 });
      io.attach(http, { pingInterval: 24000 });
      cleanup.add(() => closeServer(io, http), true);
      // `eio` is private in socket.io's typings, and read by its tests.
      const eio = (
        io as unknown as { eio: { opts: { pingTimeout: number; pingInterval: number } } }
      ).eio;
      expect(eio).toBe(io.engine);
      expect(eio.opts.pingTimeout).toBe(6000);
      expect(eio.opts.pingInterval).toBe(24000);
    });

    it("the cors option applies to the served client files too (request and preflight)", async () => {
      const started = await startServer(Server, { cors: { origin: "https://good-origin.com" } });
      const url = `${started.url}/socket.io/socket.io.js`;
      const res = await fetch(url, { headers: { origin: "https://good-origin.com" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe("https://good-origin.com");
      expect((await res.text()).length).toBeGreaterThan(100);
      const preflight = await fetch(url, {
        method: "OPTIONS",
        headers: { origin: "https://good-origin.com" },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get("access-control-allow-methods")).toBe(
        "GET,HEAD,PUT,PATCH,POST,DELETE",
      );
      const plain = await startServer(Server);
      const none = await fetch(`${plain.url}/socket.io/socket.io.js`, {
        headers: { origin: "https://good-origin.com" },
      });
      expect(none.headers.get("access-control-allow-origin")).toBeNull();
      await none.text();
    });
  });

  describe("broadcast operators and rooms", () => {
    it("an operator never changes: derived operators leave its rooms, exceptRooms and flags alone", () => {
      const io = new Server();
      const operator = io.local.to(["room1", "room2"]).except("room3");
      operator.compress(true).emit("hello");
      operator.volatile.emit("hello");
      operator.to("room4").emit("hello");
      operator.except("room5").emit("hello");
      io.to("room6").emit("hello");
      expect([...fields(operator).rooms]).toEqual(["room1", "room2"]);
      expect([...fields(operator).exceptRooms]).toEqual(["room3"]);
      expect(fields(operator).flags).toEqual({ local: true });
    });

    it("a socket's operator keeps the sender excluded and its own flags", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, ws);
      const operator = server.local.compress(false).to(["room1", "room2"]).except("room3");
      operator.to("room4").emit("hello");
      server.to("room6").emit("hello");
      expect([...fields(operator).rooms]).toEqual(["room1", "room2"]);
      expect([...fields(operator).exceptRooms].sort()).toEqual([server.id, "room3"].sort());
      expect(fields(operator).flags).toEqual({ local: true, compress: false });
    });

    it("rooms are tracked in the adapter's rooms/sids maps; leaveAll() leaves every room, the own one too", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, ws);
      const adapter = server.nsp.adapter;
      await server.join(["a", "b", "c"]);
      await server.leave("b");
      await server.leave("unknown");
      expect([...server.rooms].sort()).toEqual([server.id, "a", "c"].sort());
      expect([...adapter.sids.get(server.id)!].sort()).toEqual([server.id, "a", "c"].sort());
      expect(adapter.rooms.get("a")?.has(server.id)).toBe(true);
      expect(adapter.rooms.has("b")).toBe(false);
      internals(server).leaveAll();
      expect(server.rooms.size).toBe(0);
      expect(adapter.sids.has(server.id)).toBe(false);
      expect(adapter.rooms.has("a")).toBe(false);
      expect(adapter.rooms.has(server.id)).toBe(false);
    });
  });

  describe("dynamic namespaces", () => {
    it("without cleanupEmptyChildNamespaces, a child whose only CONNECT was refused is kept, empty", async () => {
      const started = await startServer(Server, { cleanupEmptyChildNamespaces: false });
      started.io
        .of(/^\/dynamic-\d+$/)
        .use((_socket, next) => next(new Error("You shall not pass!")));
      const raw = await RawClient.open(started.port);
      raw.send("40/dynamic-101,");
      expect(await raw.next()).toBe('44/dynamic-101,{"message":"You shall not pass!"}');
      expect(started.io._nsps.has("/dynamic-101")).toBe(true);
      expect(started.io._nsps.get("/dynamic-101")!.sockets.size).toBe(0);
    });

    it("io.of() refuses a global or sticky RegExp (its test() depends on the previous call)", () => {
      const io = new Server();
      expect(() => io.of(/^\/dyn-\d+$/g)).toThrow("stateful regular expressions are not supported");
      expect(() => io.of(/^\/dyn-\d+$/y)).toThrow("stateful regular expressions are not supported");
      expect(() => io.of(/^\/dyn-\d+$/i)).not.toThrow();
    });
  });

  describe("decoder errors", () => {
    it("a null message from the transport: `error` on the socket, then the connection closes", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, ws);
      const error = once<[Error]>(server, "error");
      const gone = once<[string]>(server, "disconnect");
      internals(server).client.ondata(null);
      expect((await error)[0]).toBeInstanceOf(Error);
      // socket.io says `forced close`; Switchboard says `parse error` for every decoder error (docs/protocol.md §3).
      expect((await gone)[0]).toBe(isReference ? "forced close" : "parse error");
    });

    it.each([
      ["raw binary (`5woooot`)", "45woooot"],
      ["an empty binary packet (`5`)", "45"],
    ])(
      "%s: `error` with socket.io-parser's message, and the connection closes",
      async (_label, frame) => {
        const started = await startServer(Server);
        const raw = await RawClient.open(started.port);
        const connected = once<[ServerSocket]>(started.io, "connection");
        await raw.connect();
        const [socket] = await connected;
        const error = once<[Error]>(socket, "error");
        raw.send(frame);
        expect((await error)[0].message).toMatch(/Illegal attachments/);
        await raw.closedWithin();
      },
    );
  });

  describe("the connection's edge cases", () => {
    it("an event followed by DISCONNECT in the same payload is not delivered", async () => {
      const started = await startServer(Server);
      const events: unknown[] = [];
      const connected = once<[ServerSocket]>(started.io, "connection");
      const session = await pollingSession(started.url);
      await session.post("40");
      const [socket] = await connected;
      expect(await session.get()).toMatch(/^40\{"sid":/);
      socket.on("test", (...args: unknown[]) => events.push(args));
      const gone = once<[string]>(socket, "disconnect");
      await session.post('42["test",1]\x1e41');
      expect((await gone)[0]).toBe("client namespace disconnect");
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toEqual([]);
    });

    it("`connected` is false while the middlewares run, and true in `connection`", async () => {
      const started = await startServer(Server);
      const seen: unknown[] = [];
      started.io.use((socket, next) => {
        const pre = (started.io.of("/") as unknown as { _preConnectSockets: Map<string, unknown> })
          ._preConnectSockets;
        seen.push([
          "middleware",
          socket.connected,
          socket.disconnected,
          started.io.of("/").sockets.size,
          pre.get(socket.id) === socket,
        ]);
        next();
      });
      started.io.on("connection", (socket) => {
        const pre = (started.io.of("/") as unknown as { _preConnectSockets: Map<string, unknown> })
          ._preConnectSockets;
        seen.push([
          "connection",
          socket.connected,
          socket.disconnected,
          started.io.of("/").sockets.size,
          pre.size,
        ]);
      });
      await connectPair(started, ws);
      expect(seen).toEqual([
        ["middleware", false, true, 0, true],
        ["connection", true, false, 1, 0],
      ]);
    });

    it("a session without an HTTP request (WebTransport-only) handshakes: secure, no headers, no query", async () => {
      const started = await startServer(Server);
      started.io.engine.on("connection", (conn: object) => {
        Object.defineProperty(conn, "request", { value: undefined, configurable: true });
      });
      const { server } = await connectPair(started, ws);
      expect(server.handshake.secure).toBe(true);
      expect(server.handshake.headers).toEqual({});
      expect({ ...server.handshake.query }).toEqual({});
      expect(server.handshake.xdomain).toBe(false);
    });

    it("socket.use() gets `[event, ...args]` as received, and dispatch leaves a kept array alone", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, ws);
      const kept: unknown[][] = [];
      server.use((packet, next) => {
        kept.push(packet);
        next();
      });
      const got = once<unknown[]>(server, "hello");
      client.emit("hello", 1, "two");
      expect(await got).toEqual([1, "two"]);
      expect(kept).toEqual([["hello", 1, "two"]]);
    });
  });

  describe("broadcast acks", () => {
    it("a timed-out broadcast leaves no pending ack in any socket's table (socket.io 4.8.4)", async () => {
      const started = await startServer(Server);
      const answering = await connectPair(started, ws);
      const silent = await connectPair(started, ws);
      answering.client.on("q", (cb: (n: number) => void) => cb(1));
      silent.client.on("q", () => {});
      const failure = (await started.io
        .timeout(100)
        .emitWithAck("q")
        .then(
          () => undefined,
          (err: unknown) => err,
        )) as Error & { responses: unknown[] };
      expect(failure).toBeInstanceOf(Error);
      expect(failure.responses).toEqual([1]);
      for (const socket of started.io.of("/").sockets.values())
        expect(internals(socket).acks.size).toBe(0);
    });
  });
});
