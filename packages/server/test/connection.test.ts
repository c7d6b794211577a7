import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "@switchboard/server";
import WebSocket from "ws";
import { connected, nextConnection, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";
import { advance, useFakeClock, useRealClock } from "../../../test/support/clock.js";

describe.each(TRANSPORTS)("connection over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("connects with a socket id that is not the engine id", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    await connected(client);
    const socket = await serverSide;
    expect(socket.id).toBe(client.id);
    expect(socket.id).not.toBe(socket.conn.id);
    expect(socket.id).toMatch(/^[\w-]{20}$/);
    expect(socket.connected).toBe(true);
    expect(socket.disconnected).toBe(false);
    expect(socket.recovered).toBe(false);
    expect(socket.rooms).toEqual(new Set([socket.id]));
    expect(ctx.io.sockets.sockets.get(socket.id)).toBe(socket);
    expect(socket.nsp).toBe(ctx.io.sockets);
  });

  it("exposes the handshake", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", {
      transports: [...transports],
      query: { foo: "bar" },
      auth: { token: "abc" },
      extraHeaders: { "x-custom": "1" },
    });
    await connected(client);
    const { handshake, request } = await serverSide;
    expect(handshake.auth).toEqual({ token: "abc" });
    expect(handshake.query.foo).toBe("bar");
    expect(handshake.query.EIO).toBe("4");
    expect(handshake.headers["x-custom"]).toBe("1");
    expect(handshake.address).toMatch(/127\.0\.0\.1/);
    expect(handshake.xdomain).toBe(false);
    expect(handshake.secure).toBe(false);
    expect(typeof handshake.time).toBe("string");
    expect(Math.abs(handshake.issued - Date.now())).toBeLessThan(60_000);
    expect(handshake.url.startsWith("/socket.io/")).toBe(true);
    expect(request.headers["x-custom"]).toBe("1");
  });

  it("keeps arbitrary data on socket.data", async () => {
    ctx = await setup();
    ctx.io.on("connection", (socket) => {
      socket.data.name = "alice";
    });
    const client = ctx.client("/", { transports: [...transports] });
    await connected(client);
    const [found] = await ctx.io.fetchSockets();
    expect(found?.data).toEqual({ name: "alice" });
  });

  it("client disconnect gives `client namespace disconnect`", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    const socket = await serverSide;
    await connected(client);
    const reason = once<[string]>(socket, "disconnect");
    client.disconnect();
    expect((await reason)[0]).toBe("client namespace disconnect");
    expect(socket.connected).toBe(false);
    expect(ctx.io.sockets.sockets.size).toBe(0);
  });

  it("server disconnect gives `io server disconnect` to the client", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    await connected(client);
    const socket = await serverSide;
    const clientReason = once<[string]>(client, "disconnect");
    const serverReason = once<[string]>(socket, "disconnect");
    socket.disconnect();
    expect((await clientReason)[0]).toBe("io server disconnect");
    expect((await serverReason)[0]).toBe("server namespace disconnect");
  });

  it("disconnect(true) closes the underlying connection", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    await connected(client);
    const socket = await serverSide;
    const engineClosed = once(
      socket.conn as never as { on(e: string, l: () => void): unknown },
      "close",
    );
    const serverReason = once<[string]>(socket, "disconnect");
    socket.disconnect(true);
    expect((await serverReason)[0]).toBe("server namespace disconnect");
    await engineClosed;
  });

  it("`disconnecting` still sees the rooms", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    const socket = await serverSide;
    await connected(client);
    await socket.join("room1");
    const seen = new Promise<Set<string>>((resolve) =>
      socket.on("disconnecting", () => resolve(new Set(socket.rooms))),
    );
    client.disconnect();
    expect(await seen).toEqual(new Set([socket.id, "room1"]));
    expect(socket.rooms.size).toBe(0);
    expect(ctx.io.sockets.adapter.rooms.has("room1")).toBe(false);
  });

  it("io.close() disconnects with `server shutting down`", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports] });
    const socket = await serverSide;
    await connected(client);
    const reason = once<[string]>(socket, "disconnect");
    const clientReason = once<[string]>(client, "disconnect");
    await ctx.io.close();
    expect((await reason)[0]).toBe("server shutting down");
    // As with socket.io (verified): a pending poll fails with `transport error`, a WebSocket closes.
    const expected =
      transports.length === 1
        ? [transports[0] === "polling" ? "transport error" : "transport close"]
        : ["transport error", "transport close"];
    expect(expected).toContain((await clientReason)[0]);
  });
});

describe("connection (transport-independent)", () => {
  let ctx: TestContext;
  afterEach(() => {
    useRealClock();
    return ctx?.cleanup();
  });

  it("reports `ping timeout` when the client stops answering pings (fake clock)", async () => {
    useFakeClock();
    ctx = await setup(); // pingInterval 25 s, pingTimeout 20 s
    const serverSide = nextConnection<Socket>(ctx.io);
    // A raw client that joins "/" and never answers the pings.
    const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket`);
    ws.on("message", (data) => {
      if (String(data).startsWith("0")) ws.send("40");
    });
    const socket = await serverSide;
    let reason: string | undefined;
    socket.on("disconnect", (r) => (reason = r));
    await advance(25_000 + 20_000 - 1);
    expect(reason).toBeUndefined();
    await advance(1);
    expect(reason).toBe("ping timeout");
    ws.terminate();
  });

  it("exposes the engine and its client count", async () => {
    ctx = await setup();
    const client = ctx.client("/", { transports: ["websocket"] });
    await connected(client);
    expect(ctx.io.engine.clientsCount).toBe(1);
    expect(ctx.io.path()).toBe("/socket.io");
    expect(ctx.io.connectTimeout()).toBe(45000);
    expect(ctx.io.serveClient()).toBe(true);
  });
});
