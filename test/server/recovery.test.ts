// Connection state recovery with the default in-memory adapter (docs/protocol.md §2.9).
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings } from "./impls.js";
import type { ClientSocket, ServerSocket, Started } from "./helpers.js";
import {
  barrier,
  bytes,
  cleanup,
  connectPair,
  eventsNamed,
  once,
  record,
  startServer,
  waitConnect,
} from "./helpers.js";

afterEach(cleanup.run);

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("connection state recovery over $label", (setting) => {
    it("a forced transport close then reconnect restores id, rooms, data and missed broadcasts", async () => {
      const started = await startServer(Server, { connectionStateRecovery: {} });
      const { client, server } = await connectPair(started, setting);
      expect(client.recovered).toBe(false);
      expect(server.recovered).toBe(false);
      await server.join("room1");
      server.data = { user: "ada" };
      // One delivered event gives the client an offset to resume from (the offset rides as the last argument).
      const first = once(client, "tick");
      started.io.emit("tick", 1);
      const [one, offset] = await first;
      expect(one).toBe(1);
      expect(typeof offset).toBe("string");

      const id = client.id;
      const gone = once(server, "disconnect");
      client.io.engine.close(); // transport closed without a Socket.IO DISCONNECT: the session is kept
      expect((await gone)[0]).toBe("transport close");
      for (const n of [2, 3, 4]) started.io.to("room1").emit("missed", n); // sent while the client is away
      started.io.to("elsewhere").emit("not-for-you", 3);
      started.io.emit("missed-bin", { b: Buffer.from([5, 6]) }); // binary replays too

      const log = record(client);
      const connection = once(started.io, "connection");
      client.connect();
      const [again] = (await connection) as [ServerSocket];
      await waitConnect(client);
      expect(again.recovered).toBe(true);
      expect(client.recovered).toBe(true);
      expect(client.id).toBe(id);
      expect(again.id).toBe(id);
      expect(again.rooms.has("room1")).toBe(true);
      expect(again.data).toEqual({ user: "ada" });
      await barrier([{ client, server: again }]);
      const missed = eventsNamed(log, "missed");
      expect(missed.map((args) => args[0])).toEqual([2, 3, 4]); // replayed in order
      expect(eventsNamed(log, "not-for-you")).toEqual([]);
      const bin = eventsNamed(log, "missed-bin");
      expect(bin).toHaveLength(1);
      expect(bytes((bin[0]![0] as { b: unknown }).b)).toEqual([5, 6]);
      // Still fully working after recovery.
      const echo = once(again, "echo");
      client.emit("echo", "after");
      expect(await echo).toEqual(["after"]);
    });

    it("an explicit disconnect is not recoverable: a new session with a new id", async () => {
      const started = await startServer(Server, { connectionStateRecovery: {} });
      const { client, server } = await connectPair(started, setting);
      await server.join("room1");
      const first = once(client, "tick");
      started.io.emit("tick", 1);
      await first;
      const id = client.id;
      const gone = once(server, "disconnect");
      client.disconnect();
      expect((await gone)[0]).toBe("client namespace disconnect");
      const connection = once(started.io, "connection");
      client.connect();
      const [again] = (await connection) as [ServerSocket];
      await waitConnect(client);
      expect(again.recovered).toBe(false);
      expect(client.recovered).toBe(false);
      expect(again.id).not.toBe(id);
      expect(again.rooms.has("room1")).toBe(false);
    });
  });

  /** Connects over websocket, receives one event (for an offset), drops the transport, waits for the server. */
  async function dropped(opts: object, middlewareCalls?: string[]) {
    const started = await startServer(Server, { connectionStateRecovery: opts });
    if (middlewareCalls) {
      started.io.use((_socket, next) => {
        middlewareCalls.push("mw");
        next();
      });
    }
    const { client, server } = await connectPair(started, {
      label: "websocket",
      transports: ["websocket"],
    });
    const first = once(client, "tick");
    started.io.emit("tick", 1);
    await first;
    const gone = once(server, "disconnect");
    client.io.engine.close();
    await gone;
    return { started, client, id: server.id };
  }

  async function reconnect(started: Started, client: ClientSocket) {
    const connection = once(started.io, "connection");
    client.connect();
    const [again] = (await connection) as [ServerSocket];
    await waitConnect(client);
    return again;
  }

  it("recovery works for a socket of another namespace too", async () => {
    const started = await startServer(Server, { connectionStateRecovery: {} });
    const admin = started.io.of("/admin");
    const { client, server } = await connectPair(
      started,
      { label: "websocket", transports: ["websocket"] },
      "/admin",
    );
    await server.join("ops");
    const first = once(client, "tick");
    admin.emit("tick", 1);
    await first;
    const gone = once(server, "disconnect");
    client.io.engine.close();
    expect((await gone)[0]).toBe("transport close");
    admin.to("ops").emit("missed", 2);
    started.io.emit("main-only", 3); // another namespace: never part of this session
    const log = record(client);
    const connection = once(admin, "connection");
    client.connect();
    const [again] = (await connection) as [ServerSocket];
    await waitConnect(client);
    expect(again.recovered).toBe(true);
    expect(again.id).toBe(server.id);
    expect(again.rooms.has("ops")).toBe(true);
    await barrier([{ client, server: again }]);
    expect(eventsNamed(log, "missed").map((a) => a[0])).toEqual([2]);
    expect(eventsNamed(log, "main-only")).toEqual([]);
  });

  it("middlewares are skipped on recovery by default, and run with skipMiddlewares: false", async () => {
    const calls: string[] = [];
    const a = await dropped({}, calls);
    expect((await reconnect(a.started, a.client)).recovered).toBe(true);
    expect(calls).toEqual(["mw"]);
    const calls2: string[] = [];
    const b = await dropped({ skipMiddlewares: false }, calls2);
    expect((await reconnect(b.started, b.client)).recovered).toBe(true);
    expect(calls2).toEqual(["mw", "mw"]);
  });

  it("a session older than maxDisconnectionDuration is not recovered", async () => {
    const { started, client, id } = await dropped({ maxDisconnectionDuration: 50 });
    // Let the session expire (time has to pass here; nothing is asserted about speed).
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await reconnect(started, client);
    expect(again.recovered).toBe(false);
    expect(client.recovered).toBe(false);
    expect(again.id).not.toBe(id);
  });

  it("without connectionStateRecovery a reconnection is a new session", async () => {
    const started = await startServer(Server);
    const { client, server } = await connectPair(started, {
      label: "websocket",
      transports: ["websocket"],
    });
    const id = client.id;
    const gone = once(server, "disconnect");
    client.io.engine.close();
    await gone;
    const connection = once(started.io, "connection");
    client.connect();
    const [again] = (await connection) as [ServerSocket];
    await waitConnect(client);
    expect(again.recovered).toBe(false);
    expect(again.id).not.toBe(id);
  });
});
