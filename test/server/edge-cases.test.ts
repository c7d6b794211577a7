// Behaviour apps lean on without thinking: immutable broadcast operators, adapter room events, joining in
// middleware, disconnecting in the connection handler, two servers on one http server, parent namespaces.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable } from "./impls.js";
import type { ServerSocket } from "./helpers.js";
import {
  barrier,
  cleanup,
  clientOptions,
  closeServer,
  connect,
  connectPair,
  eventsNamed,
  once,
  record,
  startServer,
  waitConnect,
} from "./helpers.js";

afterEach(cleanup.run);

const ws = { label: "websocket", transports: ["websocket" as const] };

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe("edge cases", () => {
    it("broadcast operators are immutable: deriving one does not change the original", async () => {
      const started = await startServer(Server);
      const a = await connectPair(started, ws);
      const b = await connectPair(started, ws);
      await a.server.join("ra");
      await b.server.join("rb");
      const logs = [record(a.client), record(b.client)];
      const toA = started.io.to("ra");
      toA.to("rb"); // result discarded
      toA.except("ra"); // result discarded
      toA.emit("m");
      await barrier([a, b]);
      expect(logs.map((l) => eventsNamed(l, "m").length)).toEqual([1, 0]);
    });

    it("the adapter emits create-room, join-room, leave-room and delete-room", async () => {
      const started = await startServer(Server);
      const events: string[] = [];
      const adapter = started.io.of("/").adapter;
      for (const name of ["create-room", "join-room", "leave-room", "delete-room"]) {
        adapter.on(name, (room: string) => events.push(`${name}:${room}`));
      }
      const { client, server } = await connectPair(started, ws);
      const id = server.id;
      await server.join("lobby");
      await server.leave("lobby");
      const gone = once(server, "disconnect");
      client.disconnect();
      await gone;
      expect(events).toEqual([
        `create-room:${id}`,
        `join-room:${id}`,
        "create-room:lobby",
        "join-room:lobby",
        "leave-room:lobby",
        "delete-room:lobby",
        `leave-room:${id}`,
        `delete-room:${id}`,
      ]);
    });

    it("broadcasting a reserved event name throws", async () => {
      const started = await startServer(Server);
      expect(() => started.io.emit("connect" as never)).toThrow();
      expect(() => started.io.to("x").emit("disconnecting" as never)).toThrow();
      expect(() => started.io.emit("newListener" as never)).toThrow();
    });

    it("a middleware may join rooms before the connection event", async () => {
      const started = await startServer(Server);
      // eslint-disable-next-line @typescript-eslint/no-misused-promises -- async, as users write it
      started.io.use(async (socket, next) => {
        await socket.join("early");
        next();
      });
      const { client, server } = await connectPair(started, ws);
      expect(server.rooms.has("early")).toBe(true);
      const got = once(client, "hi");
      started.io.to("early").emit("hi");
      await got;
    });

    it("disconnecting inside the connection handler: client sees connect then 'io server disconnect'", async () => {
      const started = await startServer(Server);
      started.io.on("connection", (socket) => {
        socket.emit("welcome");
        socket.disconnect();
      });
      const client = connect(started.url, clientOptions(ws));
      const log = record(client);
      const [reason] = await once(client, "disconnect");
      expect(reason).toBe("io server disconnect");
      expect(eventsNamed(log, "welcome")).toHaveLength(1);
      expect(started.io.of("/").sockets.size).toBe(0);
    });

    it("two servers on one http server with different paths stay independent", async () => {
      const httpServer = createServer();
      const one = new Server(httpServer, { path: "/one" });
      const two = new Server(httpServer, { path: "/two" });
      cleanup.add(() => closeServer(two, undefined));
      cleanup.add(() => closeServer(one, httpServer));
      await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
      const seen: string[] = [];
      one.on("connection", () => seen.push("one"));
      two.on("connection", () => seen.push("two"));
      for (const [path, transports] of [
        ["/one", ["polling"]],
        ["/two", ["websocket"]],
        ["/two", ["polling"]],
      ] as const) {
        const client = connect(
          url,
          clientOptions({ label: "", transports: [...transports] }, { path }),
        );
        await waitConnect(client);
      }
      expect(seen).toEqual(["one", "two", "two"]);
      expect(one.engine.clientsCount).toBe(1);
      expect(two.engine.clientsCount).toBe(2);
    });

    it("new_namespace fires for static namespaces too, once", async () => {
      const started = await startServer(Server);
      const created: string[] = [];
      started.io.on("new_namespace", (nsp) => created.push(nsp.name));
      started.io.of("/static");
      started.io.of("/static");
      expect(created).toEqual(["/static"]);
    });

    it("parent namespace middleware and connection handlers apply to every child", async () => {
      const started = await startServer(Server);
      const parent = started.io.of(/^\/team-\w+$/);
      parent.use((socket, next) => {
        socket.data.team = socket.nsp.name.slice(6);
        next();
      });
      const joined: string[] = [];
      parent.on("connection", (socket: ServerSocket) => joined.push(socket.data.team as string));
      const red = await connectPair(started, ws, "/team-red");
      const blue = await connectPair(started, ws, "/team-blue");
      expect(joined).toEqual(["red", "blue"]);
      const logs = [record(red.client), record(blue.client)];
      parent.emit("all-teams");
      started.io.of("/team-red").emit("red-only");
      await barrier([red, blue]);
      expect(logs.map((l) => l.map((e) => e[0]).filter((e) => e !== "__barrier"))).toEqual([
        ["all-teams", "red-only"],
        ["all-teams"],
      ]);
    });

    it("broadcast emitWithAck rejects on timeout", async () => {
      const started = await startServer(Server);
      const { client } = await connectPair(started, ws);
      client.on("ask", () => {}); // never answers
      await expect(started.io.timeout(100).emitWithAck("ask")).rejects.toThrow(
        "operation has timed out",
      );
    });

    it("fetchSockets gives sockets that can be used directly (emit, join, leave, disconnect)", async () => {
      const started = await startServer(Server);
      const { client } = await connectPair(started, ws);
      const [fetched] = await started.io.fetchSockets();
      const got = once(client, "direct");
      fetched!.emit("direct", 1);
      expect(await got).toEqual([1]);
      fetched!.join("via-fetch");
      expect((await started.io.in("via-fetch").fetchSockets()).map((s) => s.id)).toEqual([
        client.id,
      ]);
      fetched!.leave("via-fetch");
      expect(await started.io.in("via-fetch").fetchSockets()).toEqual([]);
      const gone = once(client, "disconnect");
      fetched!.disconnect();
      expect((await gone)[0]).toBe("io server disconnect");
    });
  });
});
