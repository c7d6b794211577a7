import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";

describe.each(TRANSPORTS)("connection state recovery over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("restores id, rooms, data and missed packets after a transport close", async () => {
    ctx = await setup({ connectionStateRecovery: {} });
    const first = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: [...transports], reconnection: true, reconnectionDelay: 10, reconnectionDelayMax: 20 });
    await connected(client);
    const socket = await first;
    expect(socket.recovered).toBe(false);
    await socket.join("room");
    socket.data = { user: "alice" };
    // A first broadcast gives the client an offset.
    const tick = once<unknown[]>(client, "tick");
    ctx.io.emit("tick", 1);
    const tickArgs = await tick;
    expect(tickArgs[0]).toBe(1);
    expect(typeof tickArgs[1]).toBe("string"); // the offset travels as the last argument

    const serverReason = once<[string]>(socket, "disconnect");
    const clientDisconnect = once(client, "disconnect");
    // Cut the transport: the client sees `transport close` and reconnects.
    socket.conn.close();
    expect((await serverReason)[0]).toBe("forced close");
    await clientDisconnect;

    // Missed while disconnected.
    ctx.io.to("room").emit("missed", "a");
    ctx.io.to("elsewhere").emit("missed", "not for us");
    ctx.io.emit("missed", "b");

    const missed: unknown[] = [];
    client.on("missed", (value: unknown) => missed.push(value));
    const second = nextConnection<Socket>(ctx.io);
    await once(client, "connect");
    const restored = await second;
    expect(client.recovered).toBe(true);
    expect(restored.recovered).toBe(true);
    expect(restored.id).toBe(socket.id);
    expect(restored.rooms).toEqual(new Set([socket.id, "room"]));
    expect(restored.data).toEqual({ user: "alice" });
    expect(missed).toEqual(["a", "b"]);
  });

  it("does not recover after an explicit disconnect", async () => {
    ctx = await setup({ connectionStateRecovery: {} });
    const client = ctx.client("/", { transports: [...transports] });
    await connected(client);
    const firstId = client.id;
    const tick = once(client, "tick");
    ctx.io.emit("tick");
    await tick;
    client.disconnect();
    client.connect();
    await once(client, "connect");
    expect(client.recovered).toBe(false);
    expect(client.id).not.toBe(firstId);
  });

  it("runs the middlewares on recovery when skipMiddlewares is false", async () => {
    ctx = await setup({ connectionStateRecovery: { skipMiddlewares: false } });
    let runs = 0;
    ctx.io.use((_socket, next) => {
      runs++;
      next();
    });
    const client = ctx.client("/", { transports: [...transports], reconnection: true, reconnectionDelay: 10, reconnectionDelayMax: 20 });
    await connected(client);
    const tick = once(client, "tick");
    ctx.io.emit("tick");
    await tick;
    ctx.io.sockets.sockets.get(client.id as string)?.conn.close();
    await once(client, "disconnect");
    await once(client, "connect");
    expect(client.recovered).toBe(true);
    expect(runs).toBe(2);
  });
});
