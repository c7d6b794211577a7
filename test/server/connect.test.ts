// Connecting: ids, handshake data, own room, `data`, engine connection, over every transport setting.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import {
  cleanup,
  clientOptions,
  connect,
  connectPair,
  once,
  startServer,
  waitConnect,
} from "./helpers.js";

afterEach(cleanup.run);

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("connect over $label", (setting) => {
    it("gives the server socket the client's id, which is not the Engine.IO id", async () => {
      const started = await startServer(Server);
      const connection = once(started.io, "connection");
      const client = connect(started.url, clientOptions(setting));
      const [socket] = await connection;
      await waitConnect(client);
      expect(typeof socket.id).toBe("string");
      expect(socket.id).toBe(client.id);
      expect(socket.id).not.toBe(socket.conn.id);
      expect(client.id).not.toBe(client.io.engine.id);
      expect(socket.conn.id).toBe(client.io.engine.id);
      expect(socket.connected).toBe(true);
      expect(socket.disconnected).toBe(false);
      expect(started.io.engine.clientsCount).toBe(1);
      expect(started.io.of("/").sockets.get(socket.id)).toBe(socket);
    });

    it("exposes the handshake: headers, query, auth, address, time, issued, url, xdomain, secure", async () => {
      const started = await startServer(Server);
      const before = Date.now();
      const { server } = await connectPair(started, setting, "/", {
        extraHeaders: { "x-switchboard-test": "yes" },
        query: { foo: "bar", n: "1" },
        auth: { token: "abc", nested: { k: [1, 2] } },
      });
      const after = Date.now();
      const hs = server.handshake;
      expect(hs.headers["x-switchboard-test"]).toBe("yes");
      expect(hs.headers.host).toBe(`127.0.0.1:${started.port}`);
      expect(hs.query.foo).toBe("bar");
      expect(hs.query.n).toBe("1");
      expect(hs.query.EIO).toBe("4");
      expect(hs.query.transport).toBe(setting.transports?.[0] ?? "polling");
      expect(hs.auth).toEqual({ token: "abc", nested: { k: [1, 2] } });
      expect(hs.address).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      expect(typeof hs.time).toBe("string");
      expect(Number.isNaN(new Date(hs.time).getTime())).toBe(false);
      expect(typeof hs.issued).toBe("number");
      expect(hs.issued).toBeGreaterThanOrEqual(before - 1000);
      expect(hs.issued).toBeLessThanOrEqual(after + 1000);
      expect(typeof hs.url).toBe("string");
      expect(hs.url.startsWith("/socket.io/?")).toBe(true);
      expect(hs.url).toContain("EIO=4");
      expect(hs.xdomain).toBe(false);
      expect(hs.secure).toBe(false);
      expect(server.request.headers.host).toBe(`127.0.0.1:${started.port}`);
    });

    it("sets handshake.xdomain when the request carries an Origin header", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, setting, "/", {
        extraHeaders: { origin: "http://example.test" },
      });
      expect(server.handshake.xdomain).toBe(true);
      expect(server.handshake.headers.origin).toBe("http://example.test");
    });

    it("puts the socket in a room named after its own id", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, setting);
      expect(server.rooms).toBeInstanceOf(Set);
      expect([...server.rooms]).toEqual([server.id]);
      expect(started.io.of("/").adapter.rooms.get(server.id)?.has(server.id)).toBe(true);
    });

    it("keeps socket.data, starting empty, visible through fetchSockets", async () => {
      const started = await startServer(Server);
      started.io.use((socket, next) => {
        expect(socket.data).toEqual({});
        socket.data.user = { name: "ada" };
        next();
      });
      const { server } = await connectPair(started, setting);
      expect(server.data).toEqual({ user: { name: "ada" } });
      const fetched = await started.io.fetchSockets();
      expect(fetched.map((s) => [s.id, s.data])).toEqual([[server.id, { user: { name: "ada" } }]]);
    });

    it("starts on the requested transport", async () => {
      const started = await startServer(Server);
      const { server } = await connectPair(started, setting);
      expect(server.conn.transport.name).toBe(setting.transports?.[0] ?? "polling");
    });
  });

  it("upgrades polling to websocket by default, visible on socket.conn", async () => {
    const started = await startServer(Server);
    const connection = once(started.io, "connection");
    const client = connect(started.url, clientOptions(undefined));
    const [socket] = await connection;
    const upgraded =
      socket.conn.transport.name === "websocket"
        ? Promise.resolve([])
        : once(socket.conn, "upgrade");
    await waitConnect(client);
    await upgraded;
    expect(socket.conn.transport.name).toBe("websocket");
    // Still usable after the upgrade.
    const echo = once(socket, "after-upgrade");
    client.emit("after-upgrade", 42);
    expect(await echo).toEqual([42]);
  });
});
