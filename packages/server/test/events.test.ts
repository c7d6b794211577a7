import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";

describe.each(TRANSPORTS)("events over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  async function pair() {
    ctx = await setup({}, { transports: [...transports] });
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client();
    await connected(client);
    return { client, socket: await serverSide };
  }

  it("emits server → client with 0..n arguments", async () => {
    const { client, socket } = await pair();
    const zero = once(client, "zero");
    const many = once(client, "many");
    socket.emit("zero");
    socket.emit("many", 1, "two", { three: [3] }, null, true);
    expect(await zero).toEqual([]);
    expect(await many).toEqual([1, "two", { three: [3] }, null, true]);
  });

  it("emits client → server", async () => {
    const { client, socket } = await pair();
    const got = once(socket, "hello");
    client.emit("hello", "world", { a: 1 });
    expect(await got).toEqual(["world", { a: 1 }]);
  });

  it("acknowledges client → server emits", async () => {
    const { client, socket } = await pair();
    socket.on("sum", (a: number, b: number, cb: (n: number) => void) => cb(a + b));
    expect(await client.emitWithAck("sum", 2, 3)).toBe(5);
  });

  it("acknowledges server → client emits", async () => {
    const { client, socket } = await pair();
    client.on("double", (n: number, cb: (n: number) => void) => cb(n * 2));
    const answer = await new Promise((resolve) => socket.emit("double", 21, resolve));
    expect(answer).toBe(42);
    expect(await socket.emitWithAck("double", 4)).toBe(8);
  });

  it("times out an ack that never comes with `operation has timed out`", async () => {
    const { client, socket } = await pair();
    client.on("ignore", () => {});
    const err = await new Promise<Error | null>((resolve) =>
      socket.timeout(50).emit("ignore", (e: Error | null) => resolve(e)),
    );
    expect(err?.message).toBe("operation has timed out");
    await expect(socket.timeout(50).emitWithAck("ignore")).rejects.toThrow(
      "operation has timed out",
    );
  });

  it("passes (null, value) to a timeout ack answered in time", async () => {
    const { client, socket } = await pair();
    client.on("ask", (cb: (v: string) => void) => cb("yes"));
    const args = await new Promise<unknown[]>((resolve) =>
      socket.timeout(1000).emit("ask", (...a: unknown[]) => resolve(a)),
    );
    expect(args).toEqual([null, "yes"]);
  });

  it("carries binary both ways, nested, also in acks", async () => {
    const { client, socket } = await pair();
    socket.on("upload", (meta: { file: Buffer }, cb: (b: unknown) => void) => {
      cb({ echoed: meta.file, extra: Buffer.from([9, 9]) });
    });
    const response = (await client.emitWithAck("upload", {
      file: new Uint8Array([1, 2, 3]).buffer,
    })) as {
      echoed: ArrayBuffer | Buffer;
      extra: ArrayBuffer | Buffer;
    };
    expect([...new Uint8Array(response.echoed as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect([...new Uint8Array(response.extra as ArrayBuffer)]).toEqual([9, 9]);
    const got = once<[{ nested: { buf: Buffer } }, Buffer]>(client, "bin");
    socket.emit("bin", { nested: { buf: Buffer.from("hi") } }, Buffer.from([0, 255]));
    const [obj, raw] = await got;
    expect(Buffer.from(obj.nested.buf as unknown as ArrayBuffer).toString()).toBe("hi");
    expect([...new Uint8Array(raw as unknown as ArrayBuffer)]).toEqual([0, 255]);
  });

  it("send() and the message event", async () => {
    const { client, socket } = await pair();
    const got = once(client, "message");
    socket.send("hi", 1);
    expect(await got).toEqual(["hi", 1]);
    const back = once(socket, "message");
    client.send("yo");
    expect(await back).toEqual(["yo"]);
  });

  it("refuses to emit reserved event names", async () => {
    const { socket } = await pair();
    expect(() => (socket.emit as (ev: string) => void)("disconnect")).toThrow(
      '"disconnect" is a reserved event name',
    );
    expect(() => (socket.emit as (ev: string) => void)("connect")).toThrow(/reserved/);
  });

  it("onAny / prependAny / offAny / listenersAny", async () => {
    const { client, socket } = await pair();
    const log: string[] = [];
    const a = (ev: string) => log.push(`a:${ev}`);
    const b = (ev: string) => log.push(`b:${ev}`);
    socket.onAny(a);
    socket.prependAny(b);
    expect(socket.listenersAny()).toEqual([b, a]);
    const got = once(socket, "x");
    client.emit("x", 1);
    await got;
    expect(log).toEqual(["b:x", "a:x"]);
    socket.offAny(b);
    expect(socket.listenersAny()).toEqual([a]);
    socket.offAny();
    expect(socket.listenersAny()).toEqual([]);
  });

  it("onAnyOutgoing sees emits and broadcasts", async () => {
    const { client, socket } = await pair();
    const out: unknown[][] = [];
    socket.onAnyOutgoing((...args: unknown[]) => out.push(args));
    const got = once(client, "b");
    socket.emit("a", 1);
    ctx.io.emit("b", 2);
    await got;
    expect(out).toEqual([
      ["a", 1],
      ["b", 2],
    ]);
    expect(socket.listenersAnyOutgoing()).toHaveLength(1);
    socket.offAnyOutgoing();
    expect(socket.listenersAnyOutgoing()).toHaveLength(0);
  });

  it("socket.use middlewares can drop an event with an error", async () => {
    const { client, socket } = await pair();
    socket.use(([event], next) =>
      event === "forbidden" ? next(new Error("not allowed")) : next(),
    );
    const error = once<[Error]>(socket, "error");
    const allowed = once(socket, "allowed");
    let forbiddenSeen = false;
    socket.on("forbidden", () => (forbiddenSeen = true));
    client.emit("forbidden");
    client.emit("allowed", 1);
    expect((await error)[0].message).toBe("not allowed");
    expect(await allowed).toEqual([1]);
    expect(forbiddenSeen).toBe(false);
  });

  it("volatile and compress(false) emits arrive when the transport is writable", async () => {
    const { client, socket } = await pair();
    // Over polling, a volatile packet is legitimately dropped while no GET is pending.
    if (transports[0] === "websocket") {
      const a = once(client, "v");
      socket.volatile.emit("v", 1);
      expect(await a).toEqual([1]);
    }
    const b = once(client, "c");
    socket.compress(false).emit("c", 2);
    expect(await b).toEqual([2]);
  });

  it("a throwing handler is reported, the server keeps serving", async () => {
    const { client, socket } = await pair();
    const errors: Error[] = [];
    socket.on("error", (e) => errors.push(e));
    socket.on("boom", () => {
      throw new Error("user bug");
    });
    socket.on("ping2", (cb: (v: string) => void) => cb("pong"));
    client.emit("boom");
    expect(await client.emitWithAck("ping2")).toBe("pong");
    expect(errors.map((e) => e.message)).toEqual(["user bug"]);
  });
});

describe("events (transport-independent)", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("a custom parser plugs in through the `parser` option (socket.io-parser)", async () => {
    const parser = await import("socket.io-parser");
    ctx = await setup({ parser }, { transports: ["websocket"] });
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client();
    await connected(client);
    const socket = await serverSide;
    socket.on("echo", (v: unknown, cb: (v: unknown) => void) => cb(v));
    expect(await client.emitWithAck("echo", { a: [1, 2] })).toEqual({ a: [1, 2] });
    const got = once(client, "news");
    ctx.io.emit("news", Buffer.from([1, 2]));
    const [buf] = await got;
    expect([...new Uint8Array(buf as ArrayBuffer)]).toEqual([1, 2]);
  });

  it("join() after disconnection is ignored (no leaked room)", async () => {
    ctx = await setup({}, { transports: ["websocket"] });
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client();
    await connected(client);
    const socket = await serverSide;
    const gone = once(socket, "disconnect");
    client.disconnect();
    await gone;
    await socket.join("late");
    expect(ctx.io.sockets.adapter.rooms.has("late")).toBe(false);
    expect(ctx.io.sockets.adapter.sids.has(socket.id)).toBe(false);
  });

  it("a rejecting async handler is reported on `error`; off() still removes guarded listeners", async () => {
    ctx = await setup({}, { transports: ["websocket"] });
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client();
    await connected(client);
    const socket = await serverSide;
    const error = once<[Error]>(socket, "error");
    const handler = async () => {
      await Promise.resolve();
      throw new Error("async bug");
    };
    socket.on("later", handler);
    expect(socket.listeners("later")).toEqual([handler]);
    client.emit("later");
    expect((await error)[0].message).toBe("async bug");
    socket.off("later", handler);
    expect(socket.listenerCount("later")).toBe(0);
    const onceHandler = () => {};
    socket.once("x", onceHandler);
    socket.off("x", onceHandler);
    expect(socket.listenerCount("x")).toBe(0);
  });
});
