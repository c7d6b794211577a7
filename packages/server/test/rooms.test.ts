import { afterEach, describe, expect, it } from "vitest";
import type { Socket as ClientSocket } from "socket.io-client";
import type { Socket } from "@switchboard/server";
import { connected, setup, TRANSPORTS, type TestContext } from "./helpers.js";

describe.each(TRANSPORTS)("rooms and broadcasting over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  /** Connects `n` clients; returns them with their server sockets, in the same order. */
  async function clients(n: number): Promise<{ client: ClientSocket; socket: Socket }[]> {
    ctx = await setup({}, { transports: [...transports] });
    const out: { client: ClientSocket; socket: Socket }[] = [];
    for (let i = 0; i < n; i++) {
      const client = ctx.client();
      await connected(client);
      const socket = ctx.io.sockets.sockets.get(client.id as string);
      if (socket === undefined) throw new Error("server socket missing");
      out.push({ client, socket });
    }
    return out;
  }

  /**
   * Collects what each client receives of `event`, then sends a marker to every client directly and
   * waits for it: whatever a client has not received by its marker was not sent (packets keep order).
   */
  function recorder(list: { client: ClientSocket; socket: Socket }[], event: string) {
    const received = list.map(() => [] as unknown[][]);
    list.forEach(({ client }, i) => client.on(event, (...args: unknown[]) => received[i]?.push(args)));
    return {
      async settle(): Promise<unknown[][][]> {
        await Promise.all(
          list.map(
            ({ client, socket }) =>
              new Promise<void>((resolve) => {
                client.once("marker", () => resolve());
                socket.emit("marker");
              }),
          ),
        );
        return received;
      },
    };
  }

  it("io.emit reaches everyone", async () => {
    const list = await clients(3);
    const rec = recorder(list, "news");
    ctx.io.emit("news", 1);
    expect(await rec.settle()).toEqual([[[1]], [[1]], [[1]]]);
  });

  it("io.to(room), io.to([a, b]) without duplicates, except", async () => {
    const list = await clients(4);
    const [a, b, c, d] = list.map((x) => x.socket) as [Socket, Socket, Socket, Socket];
    await a.join(["r1", "r2"]);
    await b.join("r2");
    await c.join("r3");
    await d.join(["r1", "banned"]);
    const rec = recorder(list, "m");
    ctx.io.to("r1").emit("m", "r1");
    ctx.io.to(["r1", "r2"]).emit("m", "r1+r2");
    ctx.io.to("r1").to("r2").except("banned").emit("m", "except");
    ctx.io.in("r3").emit("m", "in");
    expect(await rec.settle()).toEqual([
      [["r1"], ["r1+r2"], ["except"]],
      [["r1+r2"], ["except"]],
      [["in"]],
      [["r1"], ["r1+r2"]],
    ]);
  });

  it("socket.broadcast and socket.to(room) exclude the sender", async () => {
    const list = await clients(3);
    const [a, b] = list.map((x) => x.socket) as [Socket, Socket, Socket];
    await a.join("room");
    await b.join("room");
    const rec = recorder(list, "m");
    a.broadcast.emit("m", "broadcast");
    a.to("room").emit("m", "to-room");
    a.except(b.id).emit("m", "except-b");
    expect(await rec.settle()).toEqual([[], [["broadcast"], ["to-room"]], [["broadcast"], ["except-b"]]]);
  });

  it("io.to(socket.id) is a private message", async () => {
    const list = await clients(3);
    const rec = recorder(list, "private");
    ctx.io.to(list[1]?.socket.id as string).emit("private", "hi");
    expect(await rec.settle()).toEqual([[], [["hi"]], []]);
  });

  it("leave() stops delivery", async () => {
    const list = await clients(2);
    const [a] = list.map((x) => x.socket) as [Socket, Socket];
    await a.join("room");
    await a.leave("room");
    const rec = recorder(list, "m");
    ctx.io.to("room").emit("m");
    expect(await rec.settle()).toEqual([[], []]);
    expect(a.rooms).toEqual(new Set([a.id]));
  });

  it("fetchSockets, socketsJoin, socketsLeave, disconnectSockets", async () => {
    const list = await clients(3);
    const [a, b, c] = list.map((x) => x.socket) as [Socket, Socket, Socket];
    await a.join("r");
    await b.join("r");
    const inRoom = await ctx.io.in("r").fetchSockets();
    expect(inRoom.map((s) => s.id).sort()).toEqual([a.id, b.id].sort());
    expect(inRoom[0]?.rooms.has("r")).toBe(true);
    ctx.io.in("r").socketsJoin("joined");
    expect(a.rooms.has("joined") && b.rooms.has("joined") && !c.rooms.has("joined")).toBe(true);
    ctx.io.except(a.id).socketsLeave("joined");
    expect(a.rooms.has("joined")).toBe(true);
    expect(b.rooms.has("joined")).toBe(false);
    expect(await ctx.io.allSockets()).toEqual(new Set([a.id, b.id, c.id]));
    const disconnected = new Promise((resolve) => list[0]?.client.once("disconnect", resolve));
    ctx.io.in("joined").disconnectSockets();
    expect(await disconnected).toBe("io server disconnect");
    expect(ctx.io.sockets.sockets.size).toBe(2);
  });

  it("broadcast with ack collects one response per client", async () => {
    const list = await clients(3);
    list.forEach(({ client }, i) => client.on("poll", (cb: (n: number) => void) => cb(i)));
    const [err, responses] = await new Promise<[Error | null, number[]]>((resolve) =>
      ctx.io.timeout(2000).emit("poll", (e: Error | null, r: number[]) => resolve([e, r])),
    );
    expect(err).toBeNull();
    expect([...responses].sort()).toEqual([0, 1, 2]);
    const viaPromise = await ctx.io.timeout(2000).emitWithAck("poll");
    expect([...(viaPromise as number[])].sort()).toEqual([0, 1, 2]);
  });

  it("broadcast with ack times out with the partial responses", async () => {
    const list = await clients(2);
    list[0]?.client.on("poll", (cb: (n: string) => void) => cb("fast"));
    list[1]?.client.on("poll", () => {});
    const error = await ctx.io
      .timeout(100)
      .emitWithAck("poll")
      .then(
        () => null,
        (e: Error & { responses?: unknown[] }) => e,
      );
    expect(error?.message).toBe("operation has timed out");
    expect(error?.responses).toEqual(["fast"]);
  });

  it("remote-style single socket from fetchSockets can be emitted to", async () => {
    const list = await clients(2);
    const rec = recorder(list, "direct");
    const [first] = await ctx.io.in(list[0]?.socket.id as string).fetchSockets();
    first?.emit("direct", "x");
    expect(await rec.settle()).toEqual([[["x"]], []]);
  });

  it("local, compress(false) and (over websocket) volatile broadcasts are delivered", async () => {
    const list = await clients(2);
    const rec = recorder(list, "flag");
    ctx.io.local.emit("flag", "local");
    ctx.io.compress(false).emit("flag", "uncompressed");
    ctx.io.of("/").local.to(list[0]?.socket.id as string).emit("flag", "local-to");
    const expected: unknown[][][] = [[["local"], ["uncompressed"], ["local-to"]], [["local"], ["uncompressed"]]];
    expect(await rec.settle()).toEqual(expected);
    if (transports.length === 1 && transports[0] === "websocket") {
      // Sent once the earlier packets left: a volatile packet queued behind others is dropped (engine.io's `writable`).
      ctx.io.volatile.emit("flag", "volatile");
      for (const e of expected) e.push(["volatile"]);
      expect(await rec.settle()).toEqual(expected);
    }
  });
});
