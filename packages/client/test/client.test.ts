import { afterEach, describe, expect, it } from "vitest";
import { io, Manager, type Socket } from "@switchboard/client";
import { advance, useFakeClock, useRealClock } from "../../../test/support/clock.js";
import { waitFor } from "../../../test/support/wait.js";
import { next, peers, stop, type Started } from "./peers.js";

const FAST = { reconnectionDelay: 10, reconnectionDelayMax: 20, randomizationFactor: 0 };

describe.each(peers)("client against $name", (peer) => {
  let server: Started | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    useRealClock();
    for (const c of clients.splice(0)) {
      c.io.reconnection(false);
      c.disconnect();
      c.io.disconnect();
    }
    await stop(server);
    server = undefined;
  });

  function client(path = "", opts: Record<string, unknown> = {}): Socket {
    const s = io(server!.url + path, { forceNew: true, ...opts });
    clients.push(s);
    return s;
  }

  async function connected(path = "", opts: Record<string, unknown> = {}): Promise<Socket> {
    const s = client(path, opts);
    await next(s, "connect");
    return s;
  }

  for (const [label, transports, finalTransport] of [
    ["default transports (upgrade)", undefined, "websocket"],
    ["websocket only", ["websocket"], "websocket"],
    ["polling only", ["polling"], "polling"],
  ] as const) {
    it(`exchanges events, binary and acks with ${label}`, async () => {
      server = await peer.start();
      server.io.on("connection", (s) => {
        s.on("echo", (...args: unknown[]) => {
          const cb = args.pop() as (...a: unknown[]) => void;
          cb(...args);
        });
        s.emit("welcome", Buffer.from([1, 2, 3]), { nested: [Buffer.from([4])] });
      });
      const socket = client("", transports ? { transports: [...transports] } : {});
      const [[bin, nested]] = await Promise.all([next(socket, "welcome"), next(socket, "connect")]);
      expect([...(bin as Buffer)]).toEqual([1, 2, 3]);
      expect([...(nested as { nested: Buffer[] }).nested[0]!]).toEqual([4]);
      if (finalTransport === "websocket" && socket.io.engine.transport.name !== "websocket")
        await next(socket.io.engine, "upgrade");
      expect(socket.io.engine.transport.name).toBe(finalTransport);
      const res = await socket.emitWithAck("echo", "a", new Uint8Array([9, 8]), { x: 1 });
      expect(res).toBe("a");
      const all = await new Promise<unknown[]>((resolve) =>
        socket.emit("echo", 1, Buffer.from([7]), (...a: unknown[]) => resolve(a)),
      );
      expect(all[0]).toBe(1);
      expect([...(all[1] as Buffer)]).toEqual([7]);
    });
  }

  it("answers server acks and times out unanswered ones, at the deadline (fake clock)", async () => {
    useFakeClock();
    server = await peer.start();
    const answered = new Promise<unknown>((resolve) => {
      server!.io.on("connection", (s) => {
        s.timeout(2000).emit("ask", 20, (err: Error | null, res: unknown) => resolve(err ?? res));
        s.on("ignore", () => {});
      });
    });
    const socket = client();
    socket.on("ask", (n: number, cb: (r: number) => void) => cb(n + 1));
    await next(socket, "connect");
    expect(await answered).toBe(21);
    let err: Error | null | undefined;
    socket.timeout(5000).emit("ignore", (e: Error | null) => (err = e));
    await advance(4999);
    expect(err).toBeUndefined();
    await advance(1);
    expect(err?.message).toBe("operation has timed out");
    const rejected = expect(socket.timeout(5000).emitWithAck("ignore")).rejects.toThrow(
      "operation has timed out",
    );
    await advance(5000);
    await rejected;
    const withDefault = await connected("", { ackTimeout: 5000 });
    const defaulted = expect(withDefault.emitWithAck("ignore")).rejects.toThrow(
      "operation has timed out",
    );
    await advance(5000);
    await defaulted;
  });

  it("retries until acknowledged, one packet in flight (fake clock)", async () => {
    useFakeClock();
    server = await peer.start();
    const seen: number[] = [];
    server.io.on("connection", (s) =>
      s.on("job", (n: number, cb: (r: string) => void) => {
        seen.push(n);
        // Drop the first two tries of job 1.
        if (n === 1 && seen.filter((x) => x === 1).length < 3) return;
        cb(`done ${n}`);
      }),
    );
    const socket = await connected("", { ackTimeout: 5000, retries: 3 });
    const both = Promise.all([socket.emitWithAck("job", 1), socket.emitWithAck("job", 2)]);
    for (const tries of [1, 2]) {
      await waitFor(() => seen.length === tries, `try ${tries} of job 1 at the server`);
      await advance(4999);
      expect(seen).toHaveLength(tries); // no retry before the ack timeout
      await advance(1);
    }
    const [r1, r2] = await both;
    expect([r1, r2]).toEqual(["done 1", "done 2"]);
    expect(seen).toEqual([1, 1, 1, 2]);
  });

  it("gives up after the retries and reports the error", async () => {
    server = await peer.start();
    let count = 0;
    const third = new Promise<void>((resolve) =>
      server!.io.on("connection", (s) => s.on("never", () => ++count === 3 && resolve())),
    );
    const socket = await connected("", { ackTimeout: 40, retries: 2, transports: ["websocket"] });
    const err = await new Promise<unknown>((resolve) =>
      socket.emit("never", (e: unknown) => resolve(e)),
    );
    expect((err as Error).message).toBe("operation has timed out");
    await third; // 1 try + 2 retries reached the server
    expect(count).toBe(3);
  });

  it("multiplexes namespaces over one Manager unless told not to", async () => {
    server = await peer.start();
    server.io.of("/admin").on("connection", () => {});
    const main = io(server.url, {});
    const admin = io(`${server.url}/admin`, {});
    clients.push(main, admin);
    expect(admin.io).toBe(main.io);
    await Promise.all([next(main, "connect"), next(admin, "connect")]);
    expect(main.io.engine.id).toBe(admin.io.engine.id);
    const again = io(server.url, {});
    const fresh = io(`${server.url}/admin`, { multiplex: false });
    clients.push(again, fresh);
    expect(again.io).not.toBe(main.io); // same namespace twice: new Manager
    expect(fresh.io).not.toBe(main.io);
    await Promise.all([next(again, "connect"), next(fresh, "connect")]);
    expect(again.io.engine.id).not.toBe(main.io.engine.id);
  });

  it("sends auth (object or function, re-evaluated on reconnection)", async () => {
    server = await peer.start();
    const auths: unknown[] = [];
    server.io.on("connection", (s) => auths.push(s.handshake.auth));
    await connected("", { auth: { token: "abc" } });
    let n = 0;
    const socket = await connected("", {
      ...FAST,
      auth: (cb: (d: object) => void) => cb({ n: ++n }),
    });
    const [serverSocket] = [...server.io.of("/").sockets.values()].filter(
      (s: any) => s.handshake.auth.n === 1,
    );
    serverSocket.conn.close();
    await next(socket, "connect");
    expect(auths).toEqual([{ token: "abc" }, { n: 1 }, { n: 2 }]);
  });

  it("reports a middleware refusal with err.data and does not retry", async () => {
    server = await peer.start();
    server.io.use((_s, nxt) => {
      const err = new Error("not authorized") as Error & { data: unknown };
      err.data = { reason: "no token" };
      nxt(err);
    });
    const socket = client("", FAST);
    const [err] = await next<[Error & { data: unknown }]>(socket, "connect_error");
    expect(err.message).toBe("not authorized");
    expect(err.data).toEqual({ reason: "no token" });
    expect(socket.active).toBe(false);
    expect(socket.connected).toBe(false);
  });

  it("connects after a refusal once the auth is fixed and connect() is called", async () => {
    server = await peer.start();
    server.io.use((s, nxt) =>
      nxt(s.handshake.auth.token === "good" ? undefined : new Error("bad token")),
    );
    const socket = client("", { auth: { token: "bad" } });
    const [err] = await next<[Error]>(socket, "connect_error");
    expect(err.message).toBe("bad token");
    socket.auth = { token: "good" };
    socket.connect();
    await next(socket, "connect");
    expect(socket.connected).toBe(true);
  });

  it("keeps the shared connection while another namespace stays", async () => {
    server = await peer.start();
    server.io.of("/a").on("connection", () => {});
    const main = io(server.url, {});
    const a = io(`${server.url}/a`, {});
    clients.push(main, a);
    await Promise.all([next(main, "connect"), next(a, "connect")]);
    a.disconnect();
    expect(main.io.engine.readyState).toBe("open");
    server.io.emit("still-here");
    await next(main, "still-here");
    const closed = next(main.io.engine, "close");
    main.disconnect(); // the last namespace: the DISCONNECT is flushed, then the connection closes
    expect((await closed)[0]).toBe("forced close");
  });

  it("drops a buffered packet whose ack timed out", async () => {
    server = await peer.start();
    const socket = client("", { autoConnect: false });
    const err = await new Promise<Error>((resolve) =>
      socket.timeout(10).emit("late", (e: Error) => resolve(e)),
    );
    expect(err.message).toBe("operation has timed out");
    expect(socket.sendBuffer).toEqual([]);
  });

  it("refuses an unknown namespace", async () => {
    server = await peer.start();
    const socket = client("/nope");
    const [err] = await next<[Error]>(socket, "connect_error");
    expect(err.message).toBe("Invalid namespace");
  });

  it("does not reconnect after io server disconnect or io client disconnect", async () => {
    server = await peer.start();
    server.io.on("connection", (s) => s.on("kick", () => s.disconnect()));
    const socket = await connected("", FAST);
    let attempts = 0;
    socket.io.on("reconnect_attempt", () => attempts++);
    socket.emit("kick");
    const [reason] = await next(socket, "disconnect");
    expect(reason).toBe("io server disconnect");
    expect(socket.active).toBe(false);
    const other = await connected("", FAST);
    const closed = next(other.io, "close");
    other.disconnect();
    const [reason2] = await closed;
    expect(reason2).toBe("forced close");
    expect(other.connected).toBe(false);
    expect(attempts).toBe(0);
    expect(socket.io.engine.readyState).toBe("closed");
  });

  it("emits disconnect(io client disconnect) and can connect again", async () => {
    server = await peer.start();
    const socket = await connected();
    const reasons: string[] = [];
    socket.on("disconnect", (r) => reasons.push(r));
    socket.disconnect();
    expect(reasons).toEqual(["io client disconnect"]);
    expect(socket.id).toBeUndefined();
    socket.connect();
    await next(socket, "connect");
    expect(socket.connected).toBe(true);
  });

  it("reports transport error when polling requests fail, transport close when the WebSocket drops", async () => {
    server = await peer.start();
    const polling = await connected("", { ...FAST, transports: ["polling"] });
    const ws = await connected("", { ...FAST, transports: ["websocket"] });
    const reasons = Promise.all([
      next<[string]>(polling, "disconnect"),
      next<[string]>(ws, "disconnect"),
    ]);
    server.dropAll(); // TCP connections destroyed under both clients
    const [[r1], [r2]] = await reasons;
    expect(r1).toBe("transport error");
    expect(r2).toBe("transport close");
    await Promise.all([next(polling, "connect"), next(ws, "connect")]);
  });

  it("reconnects after the server drops the transport, after reconnectionDelay (fake clock)", async () => {
    useFakeClock();
    server = await peer.start();
    const socket = await connected("", { randomizationFactor: 0 });
    const firstId = socket.id;
    const events: string[] = [];
    socket.io.on("reconnect_attempt", (n) => events.push(`attempt ${n}`));
    socket.io.on("reconnect", (n) => events.push(`reconnect ${n}`));
    const reason = next(socket, "disconnect");
    for (const s of server.io.of("/").sockets.values()) s.conn.close();
    expect((await reason)[0]).toBe("transport close");
    expect(socket.active).toBe(true);
    await advance(999); // reconnectionDelay: 1000 ms by default
    expect(events).toEqual([]);
    const reconnected = next(socket, "connect");
    await advance(1);
    await reconnected;
    expect(socket.id).not.toBe(firstId);
    expect(events).toEqual(["attempt 1", "reconnect 1"]);
  });

  it("reconnects after a server restart on the same port, flushing the offline buffer in order", async () => {
    server = await peer.start();
    const port = server.port;
    const socket = await connected("", FAST);
    const down = next(socket, "disconnect");
    await stop(server);
    server = undefined;
    await down;
    expect(socket.connected).toBe(false);
    socket.emit("buffered", 1);
    socket.emit("buffered", 2);
    socket.volatile.emit("buffered", 99);
    expect(socket.sendBuffer.length).toBe(2);
    server = await peer.start({}, port);
    const got: number[] = [];
    const both = new Promise<void>((resolve) =>
      server!.io.on("connection", (s) =>
        s.on("buffered", (n: number) => {
          got.push(n);
          if (got.length === 2) resolve();
        }),
      ),
    );
    await next(socket.io, "reconnect");
    await both;
    expect(got).toEqual([1, 2]);
    expect(socket.sendBuffer.length).toBe(0);
  });

  it("stops after reconnectionAttempts with reconnect_failed", async () => {
    server = await peer.start();
    const url = server.url;
    await stop(server);
    server = undefined;
    const socket = io(url, { forceNew: true, ...FAST, reconnectionAttempts: 2 });
    clients.push(socket);
    const errors: string[] = [];
    socket.io.on("reconnect_error", (e) => errors.push(e.message));
    await next(socket.io, "reconnect_failed");
    expect(errors).toEqual(["xhr poll error", "xhr poll error"]);
    expect(socket.connected).toBe(false);
  });

  it("drops volatile packets while not writable and delivers them when connected", async () => {
    server = await peer.start();
    const got: unknown[] = [];
    server.io.on("connection", (s) =>
      s.on("v", (x: unknown, cb?: () => void) => {
        got.push(x);
        cb?.();
      }),
    );
    const socket = client("", { autoConnect: false });
    socket.volatile.emit("v", "dropped");
    expect(socket.sendBuffer.length).toBe(0);
    socket.connect();
    await next(socket, "connect");
    if (socket.io.engine.transport.name !== "websocket") await next(socket.io.engine, "upgrade");
    socket.volatile.emit("v", "kept");
    // An acknowledged emit sent after it proves the volatile one arrived first (or not at all).
    await new Promise((resolve) => socket.emit("v", "marker", resolve));
    expect(got).toEqual(["kept", "marker"]);
  });

  it("calls onAny and onAnyOutgoing listeners, and removes them", async () => {
    server = await peer.start();
    server.io.on("connection", (s) => s.on("ping-me", () => s.emit("pong-you", 1, 2)));
    const socket = await connected();
    const incoming: unknown[][] = [];
    const outgoing: unknown[][] = [];
    const inc = (...a: unknown[]) => incoming.push(a);
    socket.onAny(inc);
    socket.prependAny(() => incoming.push(["first"]));
    socket.onAnyOutgoing((...a: unknown[]) => outgoing.push(a));
    const pong = next(socket, "pong-you");
    socket.emit("ping-me", "x");
    await pong;
    expect(outgoing).toEqual([["ping-me", "x"]]);
    expect(incoming).toEqual([["first"], ["pong-you", 1, 2]]);
    expect(socket.listenersAny().length).toBe(2);
    socket.offAny(inc);
    expect(socket.listenersAny().length).toBe(1);
    socket.offAny();
    socket.offAnyOutgoing();
    expect(socket.listenersAny()).toEqual([]);
    expect(socket.listenersAnyOutgoing()).toEqual([]);
  });

  it("throws on reserved event names", async () => {
    server = await peer.start();
    const socket = client("", { autoConnect: false });
    expect(() => socket.emit("disconnect" as never)).toThrow(
      '"disconnect" is a reserved event name',
    );
  });

  it("recovers the session (pid/offset) and receives the missed events", async () => {
    server = await peer.start({ connectionStateRecovery: {} });
    const socket = await connected("", FAST);
    expect(socket.recovered).toBe(false);
    const firstId = socket.id;
    const tick = next(socket, "tick");
    server.io.emit("tick", 1);
    await tick;
    const down = next(socket, "disconnect");
    for (const s of server.io.of("/").sockets.values()) s.conn.close();
    await down;
    server.io.emit("tick", 2); // missed while away
    const missed = next(socket, "tick");
    await next(socket, "connect");
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(firstId);
    expect((await missed)[0]).toBe(2);
  });

  it("fails pending acks with a timeout on disconnect, keeps buffered ones", async () => {
    server = await peer.start();
    server.io.on("connection", (s) => s.on("slow", () => s.conn.close()));
    const socket = await connected("", { ...FAST, transports: ["websocket"] });
    const failed = new Promise<Error>((resolve) =>
      socket.timeout(10_000).emit("slow", (err: Error) => resolve(err)),
    );
    expect((await failed).message).toBe("socket has been disconnected");
    await next(socket, "connect");
  });

  it("emits Manager ping and packet events, and send() emits message", async () => {
    server = await peer.start({ pingInterval: 20, pingTimeout: 1000 });
    const got = new Promise<unknown[]>((resolve) =>
      server!.io.on("connection", (s) => s.on("message", (...a: unknown[]) => resolve(a))),
    );
    const socket = await connected();
    const types: number[] = [];
    socket.io.on("packet", (p) => types.push(p.type));
    await next(socket.io, "ping");
    socket.send("a", 1);
    expect(await got).toEqual(["a", 1]);
    server.io.emit("x");
    await next(socket, "x");
    expect(types).toContain(2);
    expect(socket.io.engine.transport.name).toBeDefined();
  });

  it("accepts a custom parser with socket.io-parser's shape (the official one here)", async () => {
    const official = await import("socket.io-parser");
    server = await peer.start();
    server.io.on("connection", (s) =>
      s.on("echo", (x: unknown, cb: (y: unknown) => void) => cb(x)),
    );
    const socket = await connected("", { parser: official });
    expect(await socket.emitWithAck("echo", { a: [1, Buffer.from([2])] })).toEqual({
      a: [1, Buffer.from([2])],
    });
  });

  it("exposes Manager option getters and setters", async () => {
    server = await peer.start();
    const m = new Manager(server.url, { autoConnect: false });
    expect(m.reconnection()).toBe(true);
    expect(m.reconnectionAttempts()).toBe(Infinity);
    expect(m.reconnectionDelay()).toBe(1000);
    expect(m.reconnectionDelayMax()).toBe(5000);
    expect(m.randomizationFactor()).toBe(0.5);
    expect(m.timeout()).toBe(20000);
    m.reconnection(false)
      .reconnectionAttempts(3)
      .reconnectionDelay(5)
      .reconnectionDelayMax(6)
      .randomizationFactor(0)
      .timeout(100);
    expect([
      m.reconnection(),
      m.reconnectionAttempts(),
      m.reconnectionDelay(),
      m.reconnectionDelayMax(),
      m.randomizationFactor(),
      m.timeout(),
    ]).toEqual([false, 3, 5, 6, 0, 100]);
    const s = m.socket("/");
    clients.push(s);
    expect(s.connected).toBe(false);
    s.connect();
    await next(s, "connect");
    expect(s.io).toBe(m);
  });
});
