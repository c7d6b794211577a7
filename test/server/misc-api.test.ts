// Smaller parts of the API users rely on: listener management, io.sockets, serverSideEmit on one node,
// cleanupEmptyChildNamespaces, and the getters.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import { cleanup, connectPair, once, startServer } from "./helpers.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe("API details", () => {
    it("exports Server, Namespace and Socket classes that the live objects are instances of", async () => {
      const mod = impl.module!;
      for (const name of ["Server", "Namespace", "Socket"])
        expect(typeof mod[name]).toBe("function");
      const started = await startServer(Server);
      const { server } = await connectPair(started, ws);
      expect(started.io).toBeInstanceOf(mod.Server as typeof Server);
      expect(started.io.of("/")).toBeInstanceOf(mod.Namespace as new () => unknown);
      expect(server).toBeInstanceOf(mod.Socket as new () => unknown);
    });

    it("io.sockets is the main namespace and io.of('/') returns it", async () => {
      const started = await startServer(Server);
      expect(started.io.sockets).toBe(started.io.of("/"));
      expect(started.io.sockets.name).toBe("/");
      expect(started.io.sockets.server).toBe(started.io);
      const { server } = await connectPair(started, ws);
      expect(started.io.sockets.sockets.get(server.id)).toBe(server);
      expect(server.nsp).toBe(started.io.sockets);
    });

    it("socket once / off / removeAllListeners on incoming events", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, ws);
      const seen: string[] = [];
      server.once("a", () => seen.push("once"));
      const kept = () => seen.push("kept");
      const removed = () => seen.push("removed");
      server.on("a", kept);
      server.on("a", removed);
      server.off("a", removed);
      const done = () => new Promise<void>((resolve) => client.emit("a", () => resolve()));
      server.on("a", (cb: () => void) => cb());
      await done();
      await done();
      expect(seen).toEqual(["once", "kept", "kept"]);
      server.removeAllListeners("a");
      server.on("b", (cb: () => void) => cb());
      await new Promise<void>((resolve) => client.emit("b", () => resolve()));
      expect(seen).toEqual(["once", "kept", "kept"]);
    });

    it("serverSideEmit on a single node does not reach local listeners or clients, and refuses reserved names", async () => {
      const started = await startServer(Server);
      const { client } = await connectPair(started, ws);
      const calls: unknown[] = [];
      started.io.on("hello" as never, (...args: unknown[]) => void calls.push(args));
      client.onAny((event: string) => calls.push(event));
      const warn = console.warn;
      console.warn = () => {}; // the single-node warning is expected noise
      try {
        started.io.serverSideEmit("hello", 1);
      } finally {
        console.warn = warn;
      }
      expect(() => started.io.serverSideEmit("connection" as never)).toThrow();
      expect(() => started.io.serverSideEmit("new_namespace" as never)).toThrow();
      const ping = once(client, "after");
      started.io.emit("after");
      await ping;
      expect(calls).toEqual(["after"]);
    });

    it("cleanupEmptyChildNamespaces removes an empty child namespace so it is created again", async () => {
      const started = await startServer(Server, { cleanupEmptyChildNamespaces: true });
      const parent = started.io.of(/^\/room-\d+$/);
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      const first = await connectPair(started, ws, "/room-1");
      const gone = once(first.server, "disconnect");
      first.client.disconnect();
      await gone;
      const connection = once(parent, "connection");
      await connectPair(started, ws, "/room-1");
      const [socket] = (await connection) as [ServerSocket];
      expect(socket.nsp.name).toBe("/room-1");
      expect(created).toEqual(["/room-1", "/room-1"]);
    });

    it("without cleanupEmptyChildNamespaces the child namespace is kept", async () => {
      const started = await startServer(Server);
      started.io.of(/^\/room-\d+$/);
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      const first = await connectPair(started, ws, "/room-1");
      const gone = once(first.server, "disconnect");
      first.client.disconnect();
      await gone;
      await connectPair(started, ws, "/room-1");
      expect(created).toEqual(["/room-1"]);
    });

    it("adapter.rooms / adapter.sids expose room membership (the usual way to count a room)", async () => {
      const started = await startServer(Server);
      const a = await connectPair(started, ws);
      const b = await connectPair(started, ws);
      await a.server.join("r");
      await b.server.join(["r", "s"]);
      const adapter = started.io.of("/").adapter;
      expect(adapter.rooms.get("r")?.size).toBe(2);
      expect([...(adapter.rooms.get("s") ?? [])]).toEqual([b.server.id]);
      expect([...(adapter.sids.get(b.server.id) ?? [])].sort()).toEqual(
        [b.server.id, "r", "s"].sort(),
      );
      expect(adapter.rooms.has("nope")).toBe(false);
    });

    it("allSockets() (deprecated, still used) resolves to a Set of ids", async () => {
      const started = await startServer(Server);
      const a = await connectPair(started, ws);
      const b = await connectPair(started, ws);
      await a.server.join("r");
      expect(await started.io.allSockets()).toEqual(new Set([a.server.id, b.server.id]));
      expect(await started.io.in("r").allSockets()).toEqual(new Set([a.server.id]));
    });

    it("emit returns true; 'connect' is an alias of 'connection'; io.send/write emit 'message'", async () => {
      const started = await startServer(Server);
      const aliases: string[] = [];
      started.io.on("connect", () => aliases.push("connect"));
      started.io.on("connection", () => aliases.push("connection"));
      const { client, server } = await connectPair(started, ws);
      expect(aliases).toEqual(["connect", "connection"]);
      expect(server.emit("x")).toBe(true);
      expect(started.io.emit("x")).toBe(true);
      expect(started.io.to("r").emit("x")).toBe(true);
      const messages = new Promise<unknown[][]>((resolve) => {
        const got: unknown[][] = [];
        client.on("message", (...args: unknown[]) => got.push(args) === 2 && resolve(got));
      });
      started.io.send("one");
      started.io.write("two", 2);
      expect(await messages).toEqual([["one"], ["two", 2]]);
    });

    it("the outgoing catch-all family: prependAnyOutgoing, offAnyOutgoing, listenersAnyOutgoing", async () => {
      const started = await startServer(Server);
      const { client, server } = await connectPair(started, ws);
      const seen: string[] = [];
      const second = (event: string) => seen.push(`second:${event}`);
      server.onAnyOutgoing(second);
      server.prependAnyOutgoing((event: string) => seen.push(`first:${event}`));
      expect(server.listenersAnyOutgoing()).toHaveLength(2);
      const a = once(client, "a");
      server.emit("a");
      await a;
      server.offAnyOutgoing(second);
      const b = once(client, "b");
      server.emit("b");
      await b;
      server.offAnyOutgoing();
      expect(server.listenersAnyOutgoing()).toHaveLength(0);
      const c = once(client, "c");
      server.emit("c");
      await c;
      expect(seen).toEqual(["first:a", "second:a", "first:b"]);
    });

    it("getters: path(), connectTimeout(), serveClient()", async () => {
      const started = await startServer(Server, { connectTimeout: 1234 });
      expect(started.io.path()).toBe("/socket.io");
      expect(started.io.connectTimeout()).toBe(1234);
      expect(typeof started.io.serveClient()).toBe("boolean");
    });
  });
});
