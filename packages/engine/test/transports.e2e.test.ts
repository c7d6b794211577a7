// End-to-end with the official engine.io-client as peer, over polling only, websocket only and
// polling upgraded to websocket.
import { afterEach, describe, expect, test } from "vitest";
import type { Socket as ClientSocket } from "engine.io-client";
import { preEncode, type CloseReason, type PacketInfo, type Socket } from "../src/index.js";
import { cleanup, collect, connect, once, startServer, type TestServer } from "./helpers.js";

afterEach(cleanup);

interface Mode {
  name: string;
  transports: ("polling" | "websocket")[];
  upgrade: boolean;
  final: "polling" | "websocket";
}

const modes: Mode[] = [
  { name: "polling only", transports: ["polling"], upgrade: false, final: "polling" },
  { name: "websocket only", transports: ["websocket"], upgrade: false, final: "websocket" },
  {
    name: "polling upgraded to websocket",
    transports: ["polling", "websocket"],
    upgrade: true,
    final: "websocket",
  },
];

function bytes(data: unknown): number[] {
  if (data instanceof ArrayBuffer) return [...new Uint8Array(data)];
  if (ArrayBuffer.isView(data))
    return [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)];
  throw new Error(`not binary: ${typeof data}`);
}

describe.each(modes)("$name", (mode) => {
  async function pair(
    opts: Parameters<typeof startServer>[0] = {},
  ): Promise<{ server: TestServer; client: ClientSocket; socket: Socket }> {
    const server = await startServer(opts);
    const connection = server.nextConnection();
    const client = await connect(server, {
      transports: mode.transports,
      waitUpgrade: mode.upgrade,
    });
    const socket = await connection;
    // The client reports its upgrade once it sent `5`; the server switches when it reads it.
    if (mode.upgrade && !socket.upgraded) await once(socket, "upgrade");
    return { server, client, socket };
  }

  test("connects over the expected transport", async () => {
    const { server, client, socket } = await pair();
    expect(socket.transport.name).toBe(mode.final);
    expect(client.transport.name).toBe(mode.final);
    expect(socket.upgraded).toBe(mode.upgrade);
    expect(socket.readyState).toBe("open");
    expect(socket.protocol).toBe(4);
    expect(socket.id).toBe(client.id);
    expect(socket.request.headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(socket.remoteAddress).toMatch(/127\.0\.0\.1/);
    expect(server.engine.clientsCount).toBe(1);
    expect(server.engine.clients[socket.id]).toBe(socket);
  });

  test("text both ways, including non-ASCII", async () => {
    const { client, socket } = await pair();
    const received = once<[string]>(socket, "message");
    const dataEvent = once<[string]>(socket, "data");
    client.send("héllo 😀 \u0000 end");
    expect((await received)[0]).toBe("héllo 😀 \u0000 end");
    expect((await dataEvent)[0]).toBe("héllo 😀 \u0000 end");
    const back = once<[string]>(client, "message");
    socket.send("wörld 🌍");
    expect((await back)[0]).toBe("wörld 🌍");
  });

  test("binary both ways; the server receives a Buffer", async () => {
    const { client, socket } = await pair();
    const all = new Uint8Array(256).map((_, i) => i);
    const received = once<[Buffer]>(socket, "message");
    client.send(all);
    const [data] = await received;
    expect(Buffer.isBuffer(data)).toBe(true);
    expect([...data]).toEqual([...all]);
    const back = once<[unknown]>(client, "message");
    socket.send(Buffer.from([255, 0, 1, 2]));
    expect(bytes((await back)[0])).toEqual([255, 0, 1, 2]);
  });

  test("many mixed messages keep their order both ways", async () => {
    const { client, socket } = await pair();
    const expected = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `b${i}` : `t${i}`));
    const serverGot = collect<string | Buffer>(socket, "message", 60);
    for (let i = 0; i < 60; i++) client.send(i % 3 === 0 ? Buffer.from(`b${i}`) : `t${i}`);
    expect((await serverGot).map((d) => d.toString())).toEqual(expected);
    const clientGot = collect<unknown>(client as never, "message", 60);
    for (let i = 0; i < 60; i++) socket.send(i % 3 === 0 ? Buffer.from(`b${i}`) : `t${i}`);
    const got = (await clientGot).map((d) =>
      typeof d === "string" ? d : Buffer.from(bytes(d)).toString(),
    );
    expect(got).toEqual(expected);
  });

  test("stays alive through many heartbeats with short intervals", async () => {
    const { client, socket } = await pair({ pingInterval: 30, pingTimeout: 400 });
    let closed: CloseReason | undefined;
    socket.on("close", (reason) => (closed = reason));
    const beats = collect<void>(socket as never, "heartbeat", 10);
    const pings = collect<void>(client as never, "ping", 10);
    await Promise.all([beats, pings]);
    expect(closed).toBeUndefined();
    expect(socket.readyState).toBe("open");
    const echo = once<[string]>(socket, "message");
    client.send("still alive");
    expect((await echo)[0]).toBe("still alive");
  });

  test("client close is reported as `transport close`", async () => {
    const { server, client, socket } = await pair();
    const closed = once<[CloseReason]>(socket, "close");
    client.close();
    expect((await closed)[0]).toBe("transport close");
    expect(socket.readyState).toBe("closed");
    expect(server.engine.clientsCount).toBe(0);
  });

  test("server close delivers queued messages, then closes with `forced close`", async () => {
    const { server, client, socket } = await pair();
    const message = once<[string]>(client, "message");
    const clientClosed = once<[string]>(client, "close");
    const closed = once<[CloseReason]>(socket, "close");
    socket.send("last words");
    socket.close();
    expect((await closed)[0]).toBe("forced close");
    expect((await message)[0]).toBe("last words");
    await clientClosed;
    expect(server.engine.clientsCount).toBe(0);
    // Sending after close is a silent no-op.
    socket.send("ignored");
  });

  test("preEncode: one packet sent to several sockets, text and binary", async () => {
    const server = await startServer();
    const clients: ClientSocket[] = [];
    const sockets: Socket[] = [];
    for (let i = 0; i < 3; i++) {
      const connection = server.nextConnection();
      clients.push(
        await connect(server, { transports: mode.transports, waitUpgrade: mode.upgrade }),
      );
      sockets.push(await connection);
    }
    const text = preEncode("broadcast ✓");
    const binary = preEncode(Buffer.from([1, 2, 3]));
    const received = clients.map((c) => collect<unknown>(c as never, "message", 3));
    for (const s of sockets) {
      s.send(text);
      s.send(binary);
      s.send(text, { compress: false });
    }
    for (const got of await Promise.all(received)) {
      expect(got[0]).toBe("broadcast ✓");
      expect(bytes(got[1])).toEqual([1, 2, 3]);
      expect(got[2]).toBe("broadcast ✓");
    }
  });

  test("send callbacks run once written and `drain` follows", async () => {
    const { socket } = await pair();
    const order: string[] = [];
    const drained = once(socket, "drain");
    socket.send("a", () => order.push("a"));
    socket.write("b", {}, () => order.push("b"));
    await drained;
    expect(order).toEqual(["a", "b"]);
  });

  test("`packet` and `packetCreate` describe traffic", async () => {
    const { client, socket } = await pair();
    const incoming: PacketInfo[] = [];
    const outgoing: PacketInfo[] = [];
    socket.on("packet", (p) => incoming.push(p));
    socket.on("packetCreate", (p) => outgoing.push(p));
    const got = once(socket, "message");
    client.send("up");
    await got;
    const back = once(client, "message");
    socket.send("down");
    await back;
    expect(incoming).toContainEqual({ type: "message", data: "up" });
    // `options` as on engine.io (Socket.IO's tests read `packet.options.compress`).
    expect(outgoing).toContainEqual({ type: "message", data: "down", options: { compress: true } });
  });
});

describe("upgrade details", () => {
  test("emits `upgrading` then `upgrade`, and loses nothing sent during the upgrade", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const clientPromise = connect(server, { transports: ["polling", "websocket"] });
    const socket = await connection;
    const events: string[] = [];
    socket.on("upgrading", (t) => events.push(`upgrading:${t.name}`));
    const upgraded = once(socket, "upgrade");
    socket.on("upgrade", (t) => events.push(`upgrade:${t.name}`));
    const client = await clientPromise;
    const received = collect<string>(client as never, "message", 40);
    for (let i = 0; i < 20; i++) socket.send(`before ${i}`);
    await upgraded;
    for (let i = 0; i < 20; i++) socket.send(`after ${i}`);
    const got = await received;
    expect(got).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `before ${i}`),
      ...Array.from({ length: 20 }, (_, i) => `after ${i}`),
    ]);
    expect(events).toEqual(["upgrading:websocket", "upgrade:websocket"]);
    expect(socket.upgraded).toBe(true);
    expect(socket.upgrading).toBe(false);
  });

  test("allowUpgrades: false keeps the session on polling", async () => {
    const server = await startServer({ allowUpgrades: false });
    const connection = server.nextConnection();
    const client = await connect(server, { transports: ["polling", "websocket"] });
    const socket = await connection;
    const echo = once<[string]>(socket, "message");
    client.send("x");
    await echo;
    expect(client.transport.name).toBe("polling");
    expect(socket.transport.name).toBe("polling");
  });
});

describe("close during an upgrade", () => {
  test("queued packets and the close still reach the client", async () => {
    const server = await startServer();
    const connection = server.nextConnection();
    const clientPromise = connect(server, { transports: ["polling", "websocket"] });
    const socket = await connection;
    const closed = once<[CloseReason]>(socket, "close");
    socket.once("upgrading", () => {
      socket.send("bye");
      socket.close();
    });
    const client = await clientPromise;
    const message = once<[string]>(client, "message");
    const clientClosed = once(client, "close");
    expect((await message)[0]).toBe("bye");
    expect((await closed)[0]).toBe("forced close");
    await clientClosed;
    expect(server.engine.clientsCount).toBe(0);
  });
});
