// Per-socket memory work (issue #6): state created on first use must look exactly like state
// created eagerly, whenever it is first read.
import { afterEach, describe, expect, it } from "vitest";
import type { Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, type TestContext } from "./helpers.js";

let ctx: TestContext | undefined;
afterEach(async () => {
  await ctx?.cleanup();
  ctx = undefined;
});

describe("state built on first use", () => {
  it("a handshake first read after the disconnect still has the request's details", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const before = Date.now();
    const client = ctx.client("/", {
      transports: ["websocket"],
      auth: { token: "t" },
      extraHeaders: { "x-a": "1" },
    });
    await connected(client);
    const socket = await serverSide;
    const disconnected = once(socket, "disconnect");
    client.disconnect();
    await disconnected;
    const { handshake } = socket;
    expect(socket.handshake).toBe(handshake);
    expect(handshake.auth).toEqual({ token: "t" });
    expect(handshake.headers["x-a"]).toBe("1");
    expect(handshake.address).toMatch(/127\.0\.0\.1/);
    expect(handshake.query.EIO).toBe("4");
    expect(handshake.issued).toBeGreaterThanOrEqual(before - 1000);
    expect(handshake.issued).toBeLessThanOrEqual(Date.now());
    expect(new Date(handshake.time).getTime()).toBe(Math.floor(handshake.issued / 1000) * 1000);
  });

  it("an empty auth is an object of the handshake's own; data defaults to {} and can be replaced", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: ["websocket"] });
    await connected(client);
    const socket = await serverSide;
    expect(socket.handshake.auth).toEqual({});
    expect(socket.data).toEqual({});
    expect(socket.data).toBe(socket.data);
    socket.data = { user: "bob" };
    expect(socket.data).toEqual({ user: "bob" });
    expect(socket.recovered).toBe(false);
  });

  it("plain listeners are registered as given; async ones are still reported when they reject", async () => {
    ctx = await setup();
    const serverSide = nextConnection<Socket>(ctx.io);
    const client = ctx.client("/", { transports: ["websocket"] });
    await connected(client);
    const socket = await serverSide;
    const plain = (): void => {};
    const asyncFn = async (): Promise<void> => {};
    socket.on("a", plain);
    socket.on("b", asyncFn);
    expect(socket.listeners("a")).toEqual([plain]);
    expect(socket.listeners("b")).toEqual([asyncFn]);
    socket.off("b", asyncFn);
    expect(socket.listeners("b")).toEqual([]);
    const error = new Promise<Error>((resolve) => socket.on("error", resolve));
    socket.on("boom", async () => {
      throw new Error("async boom");
    });
    client.emit("boom");
    expect((await error).message).toBe("async boom");
  });
});
