// Disconnection on both sides with Socket.IO's exact reason strings (docs/protocol.md §2.6, §3).
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import {
  cleanup,
  clientOptions,
  connectPair,
  manager,
  once,
  startServer,
  waitConnect,
} from "./helpers.js";
import { RawClient } from "./raw-client.js";

afterEach(cleanup.run);

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("disconnect over $label", (setting) => {
    it("client disconnect() → server 'client namespace disconnect', client 'io client disconnect'", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const serverSide = once(server, "disconnect");
      const clientSide = once(client, "disconnect");
      client.disconnect();
      expect((await serverSide)[0]).toBe("client namespace disconnect");
      expect((await clientSide)[0]).toBe("io client disconnect");
      expect(server.connected).toBe(false);
      expect(server.disconnected).toBe(true);
      expect(started.io.of("/").sockets.has(server.id)).toBe(false);
      expect(started.io.of("/").adapter.rooms.has(server.id)).toBe(false);
    });

    it("server socket.disconnect() → client 'io server disconnect', server 'server namespace disconnect'", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const serverSide = once(server, "disconnect");
      const clientSide = once(client, "disconnect");
      server.disconnect();
      expect((await clientSide)[0]).toBe("io server disconnect");
      expect((await serverSide)[0]).toBe("server namespace disconnect");
      expect(client.connected).toBe(false);
    });

    it("socket.disconnect(true) disconnects every namespace of the client and closes the engine", async () => {
      const started = await startServer(Server);
      started.io.of("/other");
      const m = manager(started.url, clientOptions(setting));
      const main = m.socket("/");
      const other = m.socket("/other");
      main.connect();
      other.connect();
      await Promise.all([waitConnect(main), waitConnect(other)]);
      const serverMain = started.io.of("/").sockets.get(main.id!)!;
      const serverOther = started.io.of("/other").sockets.get(other.id!)!;
      const reasons = Promise.all([once(main, "disconnect"), once(other, "disconnect")]);
      const serverReasons = Promise.all([
        once(serverMain, "disconnect"),
        once(serverOther, "disconnect"),
      ]);
      const engineClosed = once(serverMain.conn, "close");
      serverMain.disconnect(true);
      expect((await reasons).map((r) => r[0])).toEqual([
        "io server disconnect",
        "io server disconnect",
      ]);
      expect((await serverReasons).map((r) => r[0])).toEqual([
        "server namespace disconnect",
        "server namespace disconnect",
      ]);
      expect((await engineClosed)[0]).toBe("forced close");
      expect(started.io.engine.clientsCount).toBe(0);
    });

    it("the client closing its transport → server 'transport close'", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const serverSide = once(server, "disconnect");
      client.io.engine.close();
      expect((await serverSide)[0]).toBe("transport close");
    });

    it("io.close() → server 'server shutting down', client loses the transport; the HTTP server stops", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const serverSide = once(server, "disconnect");
      const clientSide = once(client, "disconnect");
      await started.io.close();
      expect((await serverSide)[0]).toBe("server shutting down");
      // Over websocket the client sees the close; over polling the reference's client may instead see its
      // pending request fail ("transport error"), depending on whether a GET was in flight.
      const expected =
        setting.transports?.[0] === "websocket"
          ? ["transport close"]
          : ["transport close", "transport error"];
      expect(expected).toContain((await clientSide)[0]);
      expect(started.httpServer.listening).toBe(false);
    });

    it("the official client answers pings: still connected after several ping intervals", async () => {
      const started = await startServer(Server, { pingInterval: 50, pingTimeout: 500 });
      const { client, server } = await connectPair(started, setting);
      let disconnected = false;
      server.on("disconnect", () => (disconnected = true));
      for (let i = 0; i < 4; i++) await once(client.io.engine, "ping");
      expect(disconnected).toBe(false);
      expect(client.connected).toBe(true);
      server.on("echo", (x: unknown, cb: (x: unknown) => void) => cb(x));
      await expect(client.timeout(2000).emitWithAck("echo", 1)).resolves.toBe(1);
      expect(server.connected).toBe(true);
    });

    it("a server-side engine close makes the client reconnect automatically to a new socket", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting, "/", {
        reconnection: true,
        reconnectionDelay: 20,
        reconnectionDelayMax: 20,
        randomizationFactor: 0,
      });
      const gone = once(client, "disconnect");
      const connection = once(started.io, "connection");
      const reconnected = Promise.all([once(client.io, "reconnect"), once(client, "connect")]);
      server.conn.close();
      expect((await gone)[0]).toBe("transport close");
      const [again] = await connection;
      await reconnected;
      expect(again.id).toBe(client.id);
      expect(again.id).not.toBe(server.id);
    });

    it("'disconnecting' still sees the rooms; after 'disconnect' they are gone", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      await server.join(["r1", "r2"]);
      let during: string[] = [];
      server.on("disconnecting", (reason: string) => {
        during = [reason, ...[...server.rooms].sort()];
      });
      const done = once(server, "disconnect");
      client.disconnect();
      await done;
      expect(during).toEqual(["client namespace disconnect", ...[server.id, "r1", "r2"].sort()]);
      expect(server.rooms.size).toBe(0);
      expect(started.io.of("/").adapter.rooms.has("r1")).toBe(false);
    });
  });

  it("io.disconnectSockets(true) closes every Engine.IO connection", async () => {
    const started = await startServer(Server);
    const ws = { label: "websocket", transports: ["websocket" as const] };
    const a = await connectPair(started, ws);
    const b = await connectPair(started, { label: "polling", transports: ["polling"] });
    const closed = Promise.all([once(a.server.conn, "close"), once(b.server.conn, "close")]);
    const reasons = Promise.all([once(a.client, "disconnect"), once(b.client, "disconnect")]);
    started.io.disconnectSockets(true);
    await closed;
    expect((await reasons).map((r) => r[0])).toEqual([
      "io server disconnect",
      "io server disconnect",
    ]);
    expect(started.io.engine.clientsCount).toBe(0);
  });

  it("a client that never answers pings → server 'ping timeout'", async () => {
    const started = await startServer(Server, { pingInterval: 100, pingTimeout: 100 });
    const connection = once(started.io, "connection");
    const raw = await RawClient.open(started.port, { autoPong: false });
    await raw.connect();
    const [socket] = await connection;
    const [reason] = await once(socket, "disconnect");
    expect(reason).toBe("ping timeout");
    await raw.closedWithin();
  });

  it("a connection dropped without a close handshake → server 'transport close'", async () => {
    const started = await startServer(Server);
    const connection = once(started.io, "connection");
    const raw = await RawClient.open(started.port);
    await raw.connect();
    const [socket] = await connection;
    const gone = once(socket, "disconnect");
    raw.ws.terminate();
    expect((await gone)[0]).toBe("transport close");
    expect(started.io.engine.clientsCount).toBe(0);
  });

  it("a client answering pings stays connected past several ping intervals", async () => {
    const started = await startServer(Server, { pingInterval: 50, pingTimeout: 100 });
    const raw = await RawClient.open(started.port, { autoPong: false });
    await raw.connect();
    for (let i = 0; i < 4; i++) {
      expect(await raw.next((f) => f === "2")).toBe("2");
      raw.send("3");
    }
    expect(raw.isOpen).toBe(true);
    expect(started.io.of("/").sockets.size).toBe(1);
  });
});
