// engine.io-client 6.6.x compatibility: transport classes (`transportImplementations`, the older `transports`
// form, the class-name aliases), SocketWithUpgrade / SocketWithoutUpgrade, `binaryType`, `useNativeTimers`, and
// options that are never written to.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketServer } from "ws";
import {
  Fetch,
  NodeWebSocket,
  NodeXHR,
  Polling,
  Socket,
  SocketWithUpgrade,
  SocketWithoutUpgrade,
  WebSocket,
  WebSocketTransport,
  XHR,
  type SocketOptions,
} from "@switchboard/engine-client";
import { next, peers, stop, type PeerSocket } from "./peers.js";

/** A WebSocket transport that counts its instances: proves which class the socket actually used. */
function countingWebSocket(): { Transport: typeof WebSocketTransport; created: () => number } {
  let n = 0;
  class Counting extends WebSocketTransport {
    constructor(...args: ConstructorParameters<typeof WebSocketTransport>) {
      super(...args);
      n++;
    }
  }
  return { Transport: Counting, created: () => n };
}

/** Freezes an object and everything in it, so that any write throws (ES modules are strict). */
function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

describe("engine.io-client's transport class names", () => {
  it("are aliases of the two transports, each named on its prototype", () => {
    for (const alias of [Fetch, XHR, NodeXHR]) expect(alias).toBe(Polling);
    for (const alias of [WebSocket, NodeWebSocket]) expect(alias).toBe(WebSocketTransport);
    expect(Polling.prototype.name).toBe("polling");
    expect(WebSocketTransport.prototype.name).toBe("websocket");
    expect(SocketWithUpgrade).toBe(Socket);
  });

  it("refuses transportImplementations together with transports (TypeError, ERR_EIO_CLIENT_BAD_OPTIONS)", () => {
    const both = (): Socket =>
      new Socket("http://127.0.0.1:1", {
        transports: ["polling"],
        transportImplementations: [Polling],
      });
    expect(both).toThrow(TypeError);
    expect(both).toThrow(
      expect.objectContaining({
        code: "ERR_EIO_CLIENT_BAD_OPTIONS",
        message:
          "specifying both 'transportImplementations' and 'transports' options is not supported",
      }) as Error,
    );
  });
});

describe.each(peers)("engine-client compatibility against $name", (peer) => {
  let server: Awaited<ReturnType<typeof peer.start>> | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const c of clients.splice(0)) c.close();
    await stop(server);
    server = undefined;
  });

  async function open(opts: SocketOptions, Ctor: typeof Socket = Socket): Promise<Socket> {
    server ??= await peer.start({});
    const s = new Ctor(server.url, opts);
    clients.push(s);
    await next(s, "open");
    return s;
  }

  it("transportImplementations: [WebSocket] opens with that class, without polling", async () => {
    const ws = countingWebSocket();
    const socket = await open({ transportImplementations: [ws.Transport] });
    expect(socket.transport).toBeInstanceOf(ws.Transport);
    expect(socket.transports).toEqual(["websocket"]);
    expect(ws.created()).toBe(1);
  });

  it("transportImplementations: [Polling] stays on polling: the offered upgrade is not one of its transports", async () => {
    const socket = await open({ transportImplementations: [Polling] });
    expect(socket.transport.name).toBe("polling");
    expect(socket.transports).toEqual(["polling"]);
    // The server offered `websocket`; the handshake keeps only upgrades the socket has a class for.
    expect((socket as unknown as { upgrades: string[] }).upgrades).toEqual([]);
  });

  it("takes classes in `transports` too (engine.io-client's older form), and upgrades with the given class", async () => {
    const ws = countingWebSocket();
    const socket = await open({ transports: [Polling, ws.Transport] });
    await next(socket, "upgrade");
    expect(socket.transport).toBeInstanceOf(ws.Transport);
  });

  it("SocketWithoutUpgrade keeps its first transport; Socket probes the upgrade as soon as it is open", async () => {
    const withUpgrade = countingWebSocket();
    await open({ transportImplementations: [Polling, withUpgrade.Transport] });
    // The probe starts right after the `open` listeners, in the same task.
    await Promise.resolve();
    expect(withUpgrade.created()).toBe(1);
    const without = countingWebSocket();
    const socket = await open(
      { transportImplementations: [Polling, without.Transport] },
      SocketWithoutUpgrade,
    );
    await Promise.resolve();
    expect(without.created()).toBe(0);
    expect(socket.transport.name).toBe("polling");
  });

  for (const transports of [["polling"], ["websocket"]]) {
    it(`binaryType "arraybuffer" hands received binary out as ArrayBuffers over ${transports[0]}`, async () => {
      server = await peer.start({});
      const conn = next<[PeerSocket]>(server.engine, "connection");
      const socket = await open({ transports });
      expect(socket.binaryType).toBe("nodebuffer");
      socket.binaryType = "arraybuffer";
      const [ps] = await conn;
      const got = next<[unknown]>(socket, "message");
      ps.send(Buffer.from([1, 2, 3]));
      const [data] = await got;
      expect(data).toBeInstanceOf(ArrayBuffer);
      expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3]);
    });
  }

  it("never writes to the caller's options", async () => {
    const opts = deepFreeze({
      transports: ["polling", "websocket"],
      query: { a: "1" },
      extraHeaders: { "x-test": "1" },
      transportOptions: { polling: { extraHeaders: { "x-poll": "1" } } },
      path: "/engine.io",
    });
    const copy = structuredClone(opts);
    server = await peer.start({});
    for (const args of [
      [server.url, opts],
      [{ ...opts, hostname: "127.0.0.1", port: server.port }],
    ] as const) {
      const socket = new Socket(...(args as unknown as [string, SocketOptions]));
      clients.push(socket);
      await next(socket, "open");
    }
    expect(opts).toEqual(copy);
  });
});

describe("useNativeTimers", () => {
  let http: HttpServer | undefined;
  let wss: WebSocketServer | undefined;
  const clients: Socket[] = [];

  afterEach(async () => {
    vi.useRealTimers();
    for (const c of clients.splice(0)) c.close();
    for (const ws of wss?.clients ?? []) ws.terminate();
    wss?.close();
    http?.closeAllConnections();
    await new Promise<void>((resolve) => (http ? http.close(() => resolve()) : resolve()));
    http = wss = undefined;
  });

  it("keeps the heartbeat on the real clock while a fake one is installed", async () => {
    // A server that completes the handshake and never pings: only the client's heartbeat timer ends the session.
    http = createServer();
    wss = new WebSocketServer({ server: http });
    wss.on("connection", (ws) =>
      ws.send(
        `0${JSON.stringify({ sid: "s", upgrades: [], pingInterval: 20, pingTimeout: 20, maxPayload: 1000 })}`,
      ),
    );
    await new Promise<void>((resolve) => http!.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const faked = new Socket(url, { transports: ["websocket"] });
    const native = new Socket(url, { transports: ["websocket"], useNativeTimers: true });
    clients.push(faked, native);
    await Promise.all([next(faked, "open"), next(native, "open")]);
    const [reason] = await next<[string]>(native, "close");
    expect(reason).toBe("ping timeout");
    // Its twin's heartbeat sits on the fake clock, which has not moved.
    expect(faked.readyState).toBe("open");
    const fakedClose = next<[string]>(faked, "close");
    vi.advanceTimersByTime(40);
    expect((await fakedClose)[0]).toBe("ping timeout");
  });
});

describe("Node polling errors", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("are reported on a turn of the global timer queue, as engine.io-client's Node transport does", async () => {
    // A port nobody listens on: the connection is refused at once.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const socket = new Socket(`http://127.0.0.1:${port}`, { transports: ["polling"] });
    let error: Error | undefined;
    socket.on("error", (err) => (error = err));
    // The refusal arrives from the network; it then waits on the (fake) timer queue.
    while (vi.getTimerCount() === 0 && !error)
      await new Promise((resolve) => setImmediate(resolve));
    expect(error).toBeUndefined();
    vi.advanceTimersByTime(0);
    expect(error?.message).toBe("xhr poll error");
    expect(socket.readyState).toBe("closed");
  });
});
