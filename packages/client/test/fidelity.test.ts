// Drop-in details that socket.io-client's own tests check: `_close()`, acknowledgements upon disconnection, the
// throttled-timer path, binary as ArrayBuffer, the retry queue, `useNativeTimers`, options that are never written
// to, `maxAttachments`, transport classes, and a Socket.IO v2 server.
import type { Server as HttpServer } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  Fetch,
  io,
  Manager,
  NodeWebSocket,
  NodeXHR,
  WebSocket,
  XHR,
  type Socket,
} from "@switchboard/client";
import { Polling, WebSocketTransport } from "@switchboard/engine-client";
import { next, peers, stop, type Started } from "./peers.js";

const FAST = { reconnectionDelay: 10, reconnectionDelayMax: 20, randomizationFactor: 0 };

/** socket.io-client's internals that its tests read, mirrored under the same names. */
type Mirrored = {
  acks: Record<number, unknown>;
  _queue: unknown[];
  io: { engine: { _pingTimeoutTime: number } };
};

/** Freezes an object and everything in it, so that any write throws (ES modules are strict). */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe.each(peers)("socket.io-client fidelity against $name", (peer) => {
  let server: Started | undefined;
  const clients: Socket[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const c of clients.splice(0)) {
      c.io.reconnection(false);
      c.disconnect();
      c.io._close();
    }
    await stop(server);
    server = undefined;
  });

  async function connected(opts: Record<string, unknown> = {}, path = ""): Promise<Socket> {
    server ??= await peer.start();
    const s = io(server.url + path, { forceNew: true, ...opts });
    clients.push(s);
    await next(s, "connect");
    return s;
  }

  it("manager._close() (and its alias disconnect()) closes for good; a dropped transport reconnects", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    for (const close of ["_close", "disconnect", "engine"] as const) {
      const socket = await connected(FAST);
      let attempts = 0;
      socket.io.on("reconnect_attempt", () => attempts++);
      const closed = next<[string]>(socket.io, "close");
      if (close === "engine") socket.io.engine.close();
      else socket.io[close]();
      expect((await closed)[0]).toBe("forced close");
      expect(socket.connected).toBe(false);
      // The reconnection delay (10 ms) sits on the fake clock: move past it (not as far as the connect timeout).
      vi.advanceTimersByTime(20);
      expect(attempts).toBe(close === "engine" ? 1 : 0);
    }
  });

  it("drops plain ack callbacks upon disconnection, fails error-first ones (callback and promise)", async () => {
    server = await peer.start();
    server.io.on("connection", (s) =>
      s.on("echo", (v: unknown, cb: (v: unknown) => void) => v !== "ignored" && cb(v)),
    );
    const socket = await connected(FAST);
    let plainCalled = false;
    socket.emit("echo", "ignored", () => (plainCalled = true));
    const withTimeout = new Promise<Error>((resolve) =>
      socket.timeout(10_000).emit("echo", "ignored", (err: Error) => resolve(err)),
    );
    const promised = socket.emitWithAck("echo", "ignored").catch((err: Error) => err);
    socket.disconnect();
    expect(Object.keys((socket as unknown as Mirrored).acks)).toHaveLength(0);
    expect((await withTimeout).message).toBe("socket has been disconnected");
    expect(((await promised) as Error).message).toBe("socket has been disconnected");
    // Back online: a round trip completes, the dropped callback stays uncalled.
    socket.connect();
    expect(await socket.emitWithAck("echo", "back")).toBe("back");
    expect(plainCalled).toBe(false);
  });

  it("buffers an emit once the heartbeat expired by the wall clock (throttled timer) and sends it after reconnecting", async () => {
    server = await peer.start();
    server.io.on("connection", (s) =>
      s.on("echo", (v: unknown, cb: (v: unknown) => void) => cb(v)),
    );
    const socket = await connected(FAST);
    let reconnected = false;
    socket.io.once("reconnect", () => (reconnected = true));
    // What a throttled background tab looks like: the deadline passed, the timer has not fired.
    (socket as unknown as Mirrored).io.engine._pingTimeoutTime = Date.now() - 1;
    const answer = new Promise((resolve) => socket.emit("echo", "123", resolve));
    expect(socket.sendBuffer).toHaveLength(1);
    expect(await answer).toBe("123");
    expect(reconnected).toBe(true);
  });

  it('hands binary out as ArrayBuffers when the engine\'s binaryType is "arraybuffer"', async () => {
    server = await peer.start();
    server.io.on("connection", (s) => s.emit("bin", Buffer.from([1, 2, 3])));
    const socket = io(server.url, { forceNew: true });
    clients.push(socket);
    socket.io.engine.binaryType = "arraybuffer";
    const [data] = await next<[unknown]>(socket, "bin");
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3]);
  });

  it("keeps retried packets in order, one in flight, the queue shrinking as each is acknowledged", async () => {
    server = await peer.start();
    const received: number[] = [];
    server.io.on("connection", (s) =>
      s.on("echo", (v: number, cb: (v: number) => void) => {
        received.push(v);
        cb(v);
      }),
    );
    const socket = await connected({ retries: 3, ackTimeout: 5_000 });
    const queue = (socket as unknown as Mirrored)._queue;
    const lengths: number[] = [];
    const done = [1, 2, 3].map(
      (n) =>
        new Promise((resolve) =>
          socket.emit("echo", n, (err: unknown, v: unknown) => {
            lengths.push(queue.length);
            resolve([err, v]);
          }),
        ),
    );
    expect(queue).toHaveLength(3);
    expect(await Promise.all(done)).toEqual([
      [null, 1],
      [null, 2],
      [null, 3],
    ]);
    expect(lengths).toEqual([2, 1, 0]);
    expect(received).toEqual([1, 2, 3]);
  });

  it("useNativeTimers keeps the reconnection delay on the real clock while a fake one is installed", async () => {
    server = await peer.start();
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const socket = await connected({ ...FAST, useNativeTimers: true });
    const attempt = next(socket.io, "reconnect_attempt");
    socket.io.engine.close();
    await attempt; // never, if the delay were on the fake clock
    await next(socket, "connect");
  });

  it("never writes to the caller's options (io() with a query in the URL, Manager)", async () => {
    server = await peer.start();
    const opts = deepFreeze({
      forceNew: true,
      transports: ["polling", "websocket"],
      auth: { token: "t" },
      extraHeaders: { "x-a": "1" },
    });
    const copy = structuredClone(opts);
    const socket = io(`${server.url}/?x=1`, opts);
    clients.push(socket);
    await next(socket, "connect");
    const manager = new Manager(server.url, opts);
    const other = manager.socket("/", opts);
    clients.push(other);
    await next(other, "connect");
    expect(opts).toEqual(copy);
  });

  it("maxAttachments bounds the binary attachments of a received packet (default 10)", async () => {
    server = await peer.start();
    const bufs = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from([i]));
    server.io.on("connection", (s) => s.on("send", (n: number) => s.emit("bins", ...bufs(n))));
    for (const [maxAttachments, n, refused] of [
      [2, 3, true],
      [undefined, 10, false],
      [undefined, 11, true],
      [11, 11, false],
    ] as const) {
      const socket = await connected(
        maxAttachments === undefined ? FAST : { ...FAST, maxAttachments },
      );
      socket.emit("send", n);
      const outcome = await Promise.race([
        next<[string]>(socket, "disconnect"),
        next<Buffer[]>(socket, "bins"),
      ]);
      expect(refused ? outcome : outcome.length).toEqual(
        refused ? ["parse error", expect.anything()] : n,
      );
    }
  });

  it("transportImplementations takes socket.io-client's transport exports", async () => {
    expect([Fetch, XHR, NodeXHR]).toEqual([Polling, Polling, Polling]);
    expect([WebSocket, NodeWebSocket]).toEqual([WebSocketTransport, WebSocketTransport]);
    const socket = await connected({ transportImplementations: [WebSocket] });
    expect(socket.io.engine.transport).toBeInstanceOf(WebSocketTransport);
    expect(socket.io.engine.transports).toEqual(["websocket"]);
  });
});

describe("a Socket.IO v2 server", () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
  });

  it("answers CONNECT without a sid: connect_error (ERR_SIO_CLIENT_BAD_CONNECT), as socket.io-client reports it", async () => {
    const { attach } = await import("engine.io");
    http = createServer();
    // A v2 server acknowledges the default namespace with a bare `0`.
    attach(http, { path: "/socket.io" }).on(
      "connection",
      (conn: { on(ev: "message", fn: (m: string) => void): void; send(m: string): void }) =>
        conn.on("message", (m) => m === "0" && conn.send("0")),
    );
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const socket = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      forceNew: true,
      reconnection: false,
    });
    const [err] = await next<[Error & { code?: string }]>(socket, "connect_error");
    expect(err.code).toBe("ERR_SIO_CLIENT_BAD_CONNECT");
    expect(socket.connected).toBe(false);
    socket.io._close();
  });
});
