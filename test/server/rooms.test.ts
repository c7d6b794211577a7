// Rooms and broadcasting: join/leave, to/in/except, de-duplication, sender exclusion, private messages,
// the server-side utilities (fetchSockets, socketsJoin/Leave, disconnectSockets) and broadcast acks.
import { afterEach, describe, expect, it } from "vitest";
import { impls, runnable, transportSettings, type TransportSetting } from "./impls.js";
import {
  barrier,
  bytes,
  cleanup,
  connectPair,
  eventsNamed,
  once,
  record,
  startServer,
  type Pair,
  type Started,
} from "./helpers.js";

afterEach(cleanup.run);

async function connectMany(
  started: Started,
  setting: TransportSetting,
  n: number,
): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < n; i++) pairs.push(await connectPair(started, setting));
  return pairs;
}

/** How many times each client got `event`, after a barrier. */
async function counts(pairs: Pair[], logs: unknown[][][], event: string): Promise<number[]> {
  await barrier(pairs);
  return logs.map((log) => eventsNamed(log, event).length);
}

describe.each(impls)("$name", (impl) => {
  if (!runnable(impl)) return;
  const { Server } = impl;

  describe.each(transportSettings)("rooms over $label", (setting) => {
    it("join/leave change socket.rooms and who io.to(room) reaches", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b] = pairs as [Pair, Pair, Pair];
      await a.server.join("r1");
      await b.server.join(["r1", "r2"]);
      expect([...b.server.rooms].sort()).toEqual([b.server.id, "r1", "r2"].sort());
      started.io.to("r1").emit("m", 1);
      expect(await counts(pairs, logs, "m")).toEqual([1, 1, 0]);
      await a.server.leave("r1");
      expect([...a.server.rooms]).toEqual([a.server.id]);
      started.io.to("r1").emit("m", 2);
      expect(await counts(pairs, logs, "m")).toEqual([1, 2, 0]);
      expect(eventsNamed(logs[1]!, "m")).toEqual([[1], [2]]);
    });

    it("io.to([a, b]) and chained to() reach a socket in both rooms once", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b, c] = pairs as [Pair, Pair, Pair];
      await a.server.join(["x", "y"]);
      await b.server.join("x");
      await c.server.join("y");
      started.io.to(["x", "y"]).emit("m");
      started.io.to("x").to("y").emit("m");
      started.io.in("x").in("y").emit("m");
      expect(await counts(pairs, logs, "m")).toEqual([3, 3, 3]);
    });

    it("except() removes the members of a room (or a socket id) from the broadcast", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b, c] = pairs as [Pair, Pair, Pair];
      await a.server.join("vip");
      started.io.except("vip").emit("m");
      started.io.to(b.server.id).to(c.server.id).except(c.server.id).emit("m");
      expect(await counts(pairs, logs, "m")).toEqual([0, 2, 1]);
    });

    it("socket.to(room) and socket.broadcast exclude the sender", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b] = pairs as [Pair, Pair, Pair];
      await a.server.join("r");
      await b.server.join("r");
      a.server.to("r").emit("room");
      a.server.broadcast.emit("all");
      a.server.except("r").emit("not-r"); // socket.except: broadcast without the sender nor room r
      expect(await counts(pairs, logs, "room")).toEqual([0, 1, 0]);
      expect(await counts(pairs, logs, "all")).toEqual([0, 1, 1]);
      expect(await counts(pairs, logs, "not-r")).toEqual([0, 0, 1]);
    });

    it("io.to(socket.id) is a private message", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      started.io.to(pairs[1]!.server.id).emit("private", "psst");
      expect(await counts(pairs, logs, "private")).toEqual([0, 1, 0]);
      expect(eventsNamed(logs[1]!, "private")).toEqual([["psst"]]);
    });

    it("io.emit and io.sockets.emit reach every socket with the same payload, binary included", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const got = pairs.map((p) => once(p.client, "all"));
      started.io.emit("all", { x: 1 }, Buffer.from([5]));
      for (const [obj, buf] of await Promise.all(got)) {
        expect(obj).toEqual({ x: 1 });
        expect(bytes(buf)).toEqual([5]);
      }
      const again = pairs.map((p) => once(p.client, "again"));
      started.io.sockets.emit("again", 2);
      expect(await Promise.all(again)).toEqual([[2], [2], [2]]);
    });

    it("io.in(room).fetchSockets() returns the members with id, rooms, data and handshake", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const [a, b] = pairs as [Pair, Pair, Pair];
      await a.server.join("f");
      await b.server.join("f");
      a.server.data = { n: 1 };
      const fetched = await started.io.in("f").fetchSockets();
      expect(fetched.map((s) => s.id).sort()).toEqual([a.server.id, b.server.id].sort());
      const fa = fetched.find((s) => s.id === a.server.id)!;
      expect([...fa.rooms].sort()).toEqual([a.server.id, "f"].sort());
      expect(fa.data).toEqual({ n: 1 });
      expect(fa.handshake.query.EIO).toBe("4");
      expect(await started.io.fetchSockets()).toHaveLength(3);
      expect(await started.io.in("nobody").fetchSockets()).toEqual([]);
    });

    it("socketsJoin / socketsLeave move matching sockets between rooms", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const logs = pairs.map((p) => record(p.client));
      const [a, b, c] = pairs as [Pair, Pair, Pair];
      await a.server.join("src");
      await b.server.join("src");
      started.io.in("src").socketsJoin(["dst", "dst2"]);
      started.io.in(c.server.id).socketsJoin("dst");
      expect(a.server.rooms.has("dst2")).toBe(true);
      started.io.to("dst").emit("m");
      expect(await counts(pairs, logs, "m")).toEqual([1, 1, 1]);
      started.io.in("dst").except(b.server.id).socketsLeave("dst");
      expect(c.server.rooms.has("dst")).toBe(false);
      started.io.to("dst").emit("m");
      expect(await counts(pairs, logs, "m")).toEqual([1, 2, 1]);
    });

    it("disconnectSockets() disconnects only the targeted sockets with 'io server disconnect'", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      const [a, b, c] = pairs as [Pair, Pair, Pair];
      await a.server.join("bye");
      await b.server.join("bye");
      const clientReasons = [once(a.client, "disconnect"), once(b.client, "disconnect")];
      const serverReasons = [once(a.server, "disconnect"), once(b.server, "disconnect")];
      started.io.in("bye").disconnectSockets();
      for (const [reason] of await Promise.all(clientReasons))
        expect(reason).toBe("io server disconnect");
      for (const [reason] of await Promise.all(serverReasons))
        expect(reason).toBe("server namespace disconnect");
      expect(c.client.connected).toBe(true);
      const echo = once(c.server, "still");
      c.client.emit("still", "here");
      expect(await echo).toEqual(["here"]);
      expect([...started.io.of("/").sockets.keys()]).toEqual([c.server.id]);
    });

    it("io.timeout(ms).emit collects one ack per client", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      pairs.forEach((p, i) => p.client.on("ask", (cb: (v: number) => void) => cb(i)));
      const [err, responses] = await new Promise<[Error | null, number[]]>((resolve) =>
        started.io.timeout(2000).emit("ask", (e: Error | null, r: number[]) => resolve([e, r])),
      );
      expect(err).toBeNull();
      expect([...responses].sort()).toEqual([0, 1, 2]);
      const viaPromise = (await started.io.timeout(2000).emitWithAck("ask")) as number[];
      expect([...viaPromise].sort()).toEqual([0, 1, 2]);
    });

    it("broadcast ack timeout gives an error with the partial responses", async () => {
      const started = await startServer(Server);
      const pairs = await connectMany(started, setting, 3);
      pairs
        .slice(0, 2)
        .forEach((p, i) => p.client.on("ask", (cb: (v: string) => void) => cb(`r${i}`)));
      pairs[2]!.client.on("ask", () => {}); // never answers
      const [err, responses] = await new Promise<[Error | null, string[]]>((resolve) =>
        started.io.timeout(200).emit("ask", (e: Error | null, r: string[]) => resolve([e, r])),
      );
      expect(err).toBeInstanceOf(Error);
      expect(err?.message).toBe("operation has timed out");
      expect([...responses].sort()).toEqual(["r0", "r1"]);
    });

    it("a broadcast ack to a room with no one resolves at once with no responses", async () => {
      const started = await startServer(Server);
      await connectMany(started, setting, 1);
      const [err, responses] = await new Promise<[Error | null, unknown[]]>((resolve) =>
        started.io
          .to("empty")
          .timeout(5000)
          .emit("ask", (e: Error | null, r: unknown[]) => resolve([e, r])),
      );
      expect(err).toBeNull();
      expect(responses).toEqual([]);
    });
  });
});
