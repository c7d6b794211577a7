// Middleware (io.use / nsp.use / socket.use), catch-all listeners and emit flags.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import { cleanup, clientOptions, connect, connectPair, once, startServer } from "./helpers.js";

afterEach(cleanup.run);

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("middleware over $label", (setting) => {
    it("io.use runs in order before connection and can read auth", async () => {
      const started = await startServer(Server);
      const order: string[] = [];
      started.io.use((socket, next) => {
        order.push(`first:${String(socket.handshake.auth.token)}`);
        next();
      });
      started.io.use((_socket, next) => {
        order.push("second");
        setImmediate(() => next()); // asynchronous middleware
      });
      started.io.on("connection", () => order.push("connection"));
      await connectPair(started, setting, "/", { auth: { token: "t1" } });
      expect(order).toEqual(["first:t1", "second", "connection"]);
    });

    it("io.use next(err) with err.data → client connect_error with message and data; no connection", async () => {
      const started = await startServer(Server);
      let connections = 0;
      started.io.on("connection", () => connections++);
      started.io.use((_socket, next) => {
        const err = new Error("not authorized") as Error & { data?: unknown };
        err.data = { content: "please retry later", code: 42 };
        next(err);
      });
      const client = connect(started.url, clientOptions(setting));
      const [err] = (await once(client, "connect_error")) as [Error & { data?: unknown }];
      expect(err.message).toBe("not authorized");
      expect(err.data).toEqual({ content: "please retry later", code: 42 });
      expect(client.connected).toBe(false);
      expect(connections).toBe(0);
      expect(started.io.of("/").sockets.size).toBe(0);
    });

    it("next(err) without data → connect_error with the message and no data", async () => {
      const started = await startServer(Server);
      started.io.use((_socket, next) => next(new Error("nope")));
      const client = connect(started.url, clientOptions(setting));
      const [err] = (await once(client, "connect_error")) as [Error & { data?: unknown }];
      expect(err.message).toBe("nope");
      expect(err.data).toBeUndefined();
    });

    it("nsp.use applies only to its namespace", async () => {
      const started = await startServer(Server);
      started.io.of("/locked").use((_socket, next) => next(new Error("locked")));
      await connectPair(started, setting, "/");
      const refused = connect(`${started.url}/locked`, clientOptions(setting));
      const [err] = (await once(refused, "connect_error")) as [Error];
      expect(err.message).toBe("locked");
    });

    it("socket.use next(err) drops the event and emits 'error' on the server socket", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const seenByMiddleware: unknown[][] = [];
      server.use((event, next) => {
        seenByMiddleware.push([...event]);
        if (event[0] === "forbidden") next(new Error("forbidden event"));
        else next();
      });
      const handled: string[] = [];
      server.on("forbidden", () => handled.push("forbidden"));
      const allowed = once(server, "allowed");
      const error = once(server, "error");
      client.emit("forbidden", 1);
      client.emit("allowed", 2);
      const [err] = (await error) as [Error];
      expect(err.message).toBe("forbidden event");
      expect(await allowed).toEqual([2]);
      expect(handled).toEqual([]);
      expect(seenByMiddleware).toEqual([
        ["forbidden", 1],
        ["allowed", 2],
      ]);
      expect(server.connected).toBe(true);
    });
  });

  describe.each(transportSettings)("listeners and flags over $label", (setting) => {
    it("onAny / prependAny / offAny / listenersAny see incoming events", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const seen: unknown[][] = [];
      const last = (event: string, ...args: unknown[]) => seen.push(["last", event, ...args]);
      server.onAny(last);
      server.prependAny((event: string) => seen.push(["first", event]));
      expect(server.listenersAny()).toHaveLength(2);
      const got = once(server, "e1");
      client.emit("e1", { a: 1 });
      await got;
      expect(seen).toEqual([
        ["first", "e1"],
        ["last", "e1", { a: 1 }],
      ]);
      server.offAny(last);
      expect(server.listenersAny()).toHaveLength(1);
      const got2 = once(server, "e2");
      client.emit("e2");
      await got2;
      expect(seen.slice(2)).toEqual([["first", "e2"]]);
    });

    it("onAnyOutgoing sees what the server socket emits", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const out: unknown[][] = [];
      server.onAnyOutgoing((event: string, ...args: unknown[]) => out.push([event, ...args]));
      expect(server.listenersAnyOutgoing()).toHaveLength(1);
      const got = once(client, "out");
      server.emit("out", 1, "two");
      await got;
      expect(out).toEqual([["out", 1, "two"]]);
    });

    it("compress(false).emit still delivers, on the socket and on a broadcast", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, setting);
      const a = once(client, "plain");
      server.compress(false).emit("plain", "x".repeat(2048));
      expect(await a).toEqual(["x".repeat(2048)]);
      const b = once(client, "plain2");
      started.io.compress(false).emit("plain2", 2);
      expect(await b).toEqual([2]);
    });

    it("local.emit delivers to local sockets", async () => {
      const started = await startServer(Server);
      const { client } = await connectPair(started, setting);
      const got = once(client, "loc");
      started.io.local.emit("loc", 1);
      expect(await got).toEqual([1]);
    });
  });

  it("volatile.emit delivers when the websocket is writable (socket and broadcast)", async () => {
    const started = await startServer(Server);
    const { client, server } = await connectPair(started, {
      label: "websocket",
      transports: ["websocket"],
    });
    const a = once(client, "vol");
    server.volatile.emit("vol", 1);
    expect(await a).toEqual([1]);
    const b = once(client, "vol2");
    started.io.volatile.emit("vol2", 2);
    expect(await b).toEqual([2]);
  });
});
