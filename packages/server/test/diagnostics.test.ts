// The server's diagnostics channels (README "Diagnostics channels"), each observed end to end over real sockets.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import {
  ServerChannels,
  type AckTimeoutMessage,
  type BroadcastMessage,
  type ConnectionMessage,
  type DisconnectMessage,
  type EventMessage,
  type RoomMessage,
  type ServerOptions,
  type Socket,
} from "@switchboard/server";
import { connected, nextConnection, once, setup, type TestContext } from "./helpers.js";

let ctx: TestContext | undefined;
const subscriptions: [string, (message: unknown) => void][] = [];

afterEach(async () => {
  for (const [name, fn] of subscriptions.splice(0)) unsubscribe(name, fn);
  await ctx?.cleanup();
  ctx = undefined;
});

/** Collects the messages of `name` until the test ends. */
function record<T>(name: string): T[] {
  const messages: T[] = [];
  const fn = (message: unknown): void => void messages.push(message as T);
  subscribe(name, fn);
  subscriptions.push([name, fn]);
  return messages;
}

/** A connected client on `/` and its server-side socket. */
async function connect(opts: Partial<ServerOptions> = {}) {
  ctx ??= await setup(opts);
  const serverSide = nextConnection<Socket>(ctx.io);
  const client = ctx.client("/", { transports: ["websocket"] });
  await connected(client);
  return { client, socket: await serverSide };
}

describe("diagnostics channels", () => {
  it("exports the channel names", () => {
    expect(ServerChannels).toEqual({
      connection: "switchboard:server:connection",
      disconnect: "switchboard:server:disconnect",
      join: "switchboard:server:join",
      leave: "switchboard:server:leave",
      broadcast: "switchboard:server:broadcast",
      ackTimeout: "switchboard:server:ack-timeout",
      event: "switchboard:server:event",
    });
  });

  it("connection: the admitted socket, before the connection listeners run", async () => {
    const messages = record<ConnectionMessage>(ServerChannels.connection);
    ctx = await setup();
    let seenByListener = -1;
    ctx.io.on("connection", () => (seenByListener = messages.length));
    const { socket } = await connect();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.socket).toBe(socket);
    expect(messages[0]!.nsp).toBe("/");
    expect(seenByListener).toBe(1);
  });

  it("connection: nothing for a socket a middleware refused", async () => {
    const messages = record<ConnectionMessage>(ServerChannels.connection);
    ctx = await setup();
    ctx.io.use((_socket, next) => next(new Error("no")));
    const client = ctx.client("/", { transports: ["websocket"] });
    await expect(connected(client)).rejects.toThrow("no");
    expect(messages).toEqual([]);
  });

  it("disconnect: the reason, for a client and for a server disconnect", async () => {
    const messages = record<DisconnectMessage>(ServerChannels.disconnect);
    const first = await connect();
    const gone = once(first.socket, "disconnect");
    first.client.disconnect();
    await gone;
    const second = await connect();
    second.socket.disconnect();
    expect(messages.map((m) => [m.socket, m.nsp, m.reason])).toEqual([
      [first.socket, "/", "client namespace disconnect"],
      [second.socket, "/", "server namespace disconnect"],
    ]);
  });

  it("join and leave: one message per room actually entered or left, own room included", async () => {
    const joins = record<RoomMessage>(ServerChannels.join);
    const leaves = record<RoomMessage>(ServerChannels.leave);
    const { socket } = await connect();
    expect(joins.map((m) => m.room)).toEqual([socket.id]);
    await socket.join(["a", "b"]);
    await socket.join("a"); // already in: no message
    await socket.leave("b");
    await socket.leave("b"); // not in: no message
    expect(joins.map((m) => m.room)).toEqual([socket.id, "a", "b"]);
    expect(leaves.map((m) => m.room)).toEqual(["b"]);
    expect(joins.every((m) => m.socket === socket && m.nsp === "/")).toBe(true);
    socket.disconnect();
    expect(
      leaves
        .slice(1)
        .map((m) => m.room)
        .sort(),
    ).toEqual(["a", socket.id].sort());
  });

  it("broadcast: targets, flags and packets written, never the payload", async () => {
    const messages = record<BroadcastMessage>(ServerChannels.broadcast);
    const one = await connect();
    const two = await connect();
    const three = await connect();
    await one.socket.join("r");
    await two.socket.join("r");
    await three.socket.join(["r", "x"]);
    const received = Promise.all([once(one.client, "news"), once(two.client, "news")]);
    ctx!.io.to("r").except("x").compress(false).emit("news", "secret-payload");
    await received;
    expect(messages).toHaveLength(1);
    const adapter = ctx!.io.sockets.adapter;
    expect(messages[0]).toEqual({
      nsp: "/",
      adapter,
      rooms: ["r"],
      except: ["x"],
      flags: { compress: false },
      ack: false,
      packets: 2,
    });
    expect(JSON.stringify({ ...messages[0], adapter: undefined })).not.toContain("secret-payload");

    one.client.on("poll", (cb: (n: number) => void) => cb(1));
    two.client.on("poll", (cb: (n: number) => void) => cb(2));
    three.client.on("poll", (cb: (n: number) => void) => cb(3));
    const responses = await ctx!.io.timeout(5000).emitWithAck("poll");
    expect((responses as number[]).sort()).toEqual([1, 2, 3]);
    expect(messages[1]).toEqual({
      nsp: "/",
      adapter,
      rooms: [],
      except: [],
      flags: { timeout: 5000 },
      ack: true,
      packets: 3,
    });

    one.socket.broadcast.emit("news", "x");
    expect(messages[2]).toMatchObject({
      rooms: [],
      except: [one.socket.id],
      ack: false,
      packets: 2,
    });
  });

  it("ack-timeout: a socket's ack (evicted by maxPendingAcks) and a broadcast's", async () => {
    const messages = record<AckTimeoutMessage>(ServerChannels.ackTimeout);
    const { socket } = await connect({ maxPendingAcks: 1 });
    const failed = new Promise<Error>((resolve) =>
      socket.timeout(60_000).emit("never", (err: Error) => resolve(err)),
    );
    socket.timeout(60_000).emit("never", () => {});
    expect((await failed).message).toBe("operation has timed out");
    const adapter = ctx!.io.sockets.adapter;
    expect(messages).toEqual([{ nsp: "/", adapter, broadcast: false, socket }]);

    // The client has no listener for "poll", so it never answers; the broadcast's share of the ack evicts the
    // socket's last pending one (maxPendingAcks: 1), then the broadcast times out.
    await expect(ctx!.io.timeout(0).emitWithAck("poll")).rejects.toThrow("operation has timed out");
    expect(messages.slice(1)).toEqual([
      { nsp: "/", adapter, broadcast: false, socket },
      { nsp: "/", adapter, broadcast: true, socket: undefined },
    ]);
  });

  it("event: each event received, and each written (socket.emit, every recipient of a broadcast), not acks", async () => {
    const messages = record<EventMessage>(ServerChannels.event);
    const one = await connect();
    const two = await connect();
    one.socket.on("ask", (cb: (v: number) => void) => cb(1));
    expect(await one.client.emitWithAck("ask")).toBe(1);
    expect(messages.map((m) => [m.socket, m.nsp, m.direction])).toEqual([[one.socket, "/", "in"]]);
    const received = Promise.all([
      once(one.client, "news"),
      once(two.client, "news"),
      once(two.client, "hi"),
    ]);
    ctx!.io.emit("news");
    two.socket.emit("hi");
    await received;
    const out = messages.slice(1);
    expect(out.map((m) => m.direction)).toEqual(["out", "out", "out"]);
    expect(out.filter((m) => m.socket === two.socket)).toHaveLength(2);
  });

  it("publishes nothing to a channel whose subscriber left", async () => {
    const messages: unknown[] = [];
    const fn = (message: unknown): void => void messages.push(message);
    subscribe(ServerChannels.broadcast, fn);
    unsubscribe(ServerChannels.broadcast, fn);
    await connect();
    ctx!.io.emit("news");
    expect(messages).toEqual([]);
  });
});
