import { afterEach, describe, expect, it } from "vitest";
import type { Namespace, Socket } from "@switchboard/server";
import { connected, nextConnection, once, setup, TRANSPORTS, type TestContext } from "./helpers.js";

describe.each(TRANSPORTS)("namespaces over $name", ({ transports }) => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("static namespaces, several multiplexed on one connection", async () => {
    ctx = await setup({}, { transports: [...transports] });
    const admin = ctx.io.of("/admin");
    expect(ctx.io.of("admin")).toBe(admin);
    const main = ctx.client("/");
    await connected(main);
    const adminSide = nextConnection<Socket>(admin);
    // Same Manager: the admin socket rides the main socket's connection.
    // (autoConnect: calling connect() too would send a second CONNECT, which closes over polling.)
    const adminClient = main.io.socket("/admin");
    await connected(adminClient);
    const socket = await adminSide;
    expect(socket.nsp.name).toBe("/admin");
    expect(socket.id).toBe(adminClient.id);
    expect(ctx.io.engine.clientsCount).toBe(1);
    expect(socket.conn).toBe(ctx.io.sockets.sockets.get(main.id as string)?.conn);
    const a = once(main, "where");
    const b = once(adminClient, "where");
    ctx.io.emit("where", "main");
    admin.emit("where", "admin");
    expect(await a).toEqual(["main"]);
    expect(await b).toEqual(["admin"]);
    adminClient.disconnect();
  });

  it("unknown namespace gives connect_error `Invalid namespace`", async () => {
    ctx = await setup({}, { transports: [...transports] });
    const client = ctx.client("/nope");
    const [err] = await once<[Error]>(client, "connect_error");
    expect(err.message).toBe("Invalid namespace");
  });

  it("dynamic namespaces by regex and by function, with new_namespace", async () => {
    ctx = await setup({}, { transports: [...transports] });
    const created: string[] = [];
    ctx.io.on("new_namespace", (nsp) => created.push(nsp.name));
    const parent = ctx.io.of(/^\/dyn-\d+$/);
    const byFn = ctx.io.of((name, auth, next) => next(null, name === "/fn" && auth.ok === true));
    const seen: string[] = [];
    parent.on("connection", (socket) => seen.push(socket.nsp.name));
    parent.use((_socket, next) => next());
    const c1 = ctx.client("/dyn-1");
    await connected(c1);
    const c2 = ctx.client("/fn", { auth: { ok: true } });
    const fnSide = nextConnection<Socket>(byFn);
    await connected(c2);
    expect((await fnSide).nsp.name).toBe("/fn");
    expect(seen).toEqual(["/dyn-1"]);
    expect(created).toEqual(["/dyn-1", "/fn"]);
    // Broadcasting on the parent reaches the children.
    const got = once(c1, "hello");
    parent.emit("hello", "children");
    expect(await got).toEqual(["children"]);
    // Once created, a child is a plain namespace: the matcher only decides unknown names.
    const refused = ctx.client("/fn-other", { auth: { ok: true } });
    expect((await once<[Error]>(refused, "connect_error"))[0].message).toBe("Invalid namespace");
  });

  it("io.use middleware: success, and next(err) with data", async () => {
    ctx = await setup({}, { transports: [...transports] });
    ctx.io.use((socket, next) => {
      if (socket.handshake.auth.token === "ok") return next();
      const err = new Error("not authorized") as Error & { data?: unknown };
      err.data = { content: "retry later" };
      next(err);
    });
    const ok = ctx.client("/", { auth: { token: "ok" } });
    await connected(ok);
    const refused = ctx.client("/", { auth: { token: "bad" } });
    const [err] = await once<[Error & { data?: unknown }]>(refused, "connect_error");
    expect(err.message).toBe("not authorized");
    expect(err.data).toEqual({ content: "retry later" });
    expect(ctx.io.sockets.sockets.size).toBe(1);
  });

  it("async middlewares run in order; a throwing middleware refuses without crashing", async () => {
    ctx = await setup({}, { transports: [...transports] });
    const order: number[] = [];
    const nsp: Namespace = ctx.io.of("/mw");
    nsp.use((_s, next) => {
      order.push(1);
      setTimeout(next, 5);
    });
    nsp.use(async (socket, next) => {
      order.push(2);
      if (socket.handshake.auth.crash) throw new Error("middleware bug");
      next();
    });
    const ok = ctx.client("/mw");
    await connected(ok);
    expect(order).toEqual([1, 2]);
    const crash = ctx.client("/mw", { auth: { crash: true } });
    expect((await once<[Error]>(crash, "connect_error"))[0].message).toBe("middleware bug");
  });

  it("cleanupEmptyChildNamespaces removes an empty child", async () => {
    ctx = await setup({ cleanupEmptyChildNamespaces: true }, { transports: [...transports] });
    const created: string[] = [];
    ctx.io.on("new_namespace", (nsp) => created.push(nsp.name));
    ctx.io.of(/^\/tmp-\w+$/);
    const first = ctx.client("/tmp-a");
    const firstSide = nextConnection<Socket>(ctx.io.of(/^\/tmp-\w+$/));
    await connected(first);
    const socket = await firstSide;
    const left = once(socket, "disconnect");
    first.disconnect();
    await left;
    // The child is gone: connecting again creates it anew.
    const second = ctx.client("/tmp-a");
    await connected(second);
    expect(created).toEqual(["/tmp-a", "/tmp-a"]);
  });
});

describe("namespaces (transport-independent)", () => {
  let ctx: TestContext;
  afterEach(() => ctx?.cleanup());

  it("serverSideEmit on a single node warns and calls nothing", async () => {
    ctx = await setup();
    let called = false;
    ctx.io.on("hello", () => (called = true));
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(ctx.io.serverSideEmit("hello", 1)).toBe(true);
    } finally {
      console.warn = original;
    }
    expect(called).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(() => (ctx.io.serverSideEmit as (ev: string) => void)("connection")).toThrow(/reserved/);
  });

  it("closes a connection that joins no namespace within connectTimeout", async () => {
    ctx = await setup({ connectTimeout: 100 });
    const WebSocket = (await import("ws")).default;
    const ws = new WebSocket(`ws://127.0.0.1:${ctx.port}/socket.io/?EIO=4&transport=websocket`);
    const [code] = await once<[number]>(ws, "close");
    expect(typeof code).toBe("number");
    expect(ctx.io.engine.clientsCount).toBe(0);
  });
});
