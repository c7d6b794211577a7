// Connection state recovery on every adapter, for a client that comes back to the same process: the in-process
// cluster adapter, the classic and the sharded Redis adapters (real Redis). Two Switchboard nodes in this process,
// official socket.io-client clients. Broadcasts that reach a node through the cluster get that node's offsets, are
// replayed once and in order, and the failures are honest (recovered: false, counted by reason).
import { InProcessBus, InProcessClusterAdapter } from "@switchboard/adapter/testing";
import type { RecoveryStats } from "@switchboard/adapter";
import { createAdapter, createShardedAdapter } from "@switchboard/redis-adapter";
import { Emitter } from "@switchboard/redis-emitter";
import { Server } from "@switchboard/server";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { cleanups, connect, drop, received, reconnect, waitUntil } from "./recovery-helpers.js";

const redis = await redisForTests("recovery on the Redis adapters");
afterAll(() => redis.close());

type Flavour = "in-process cluster" | "classic" | "sharded";
const flavours: Flavour[] = ["in-process cluster", "classic", "sharded"];
type AdapterFactory = any;

interface Node {
  io: Server;
  port: number;
  stats(): RecoveryStats;
}

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Adapter factories for `n` nodes of one cluster. */
/** The channel prefix of the last Redis cluster made. */
let lastKey = "";

async function factories(flavour: Flavour, n: number, limits = {}): Promise<AdapterFactory[]> {
  if (flavour === "in-process cluster") {
    const bus = new InProcessBus();
    return Array.from(
      { length: n },
      () => (nsp: never) => new InProcessClusterAdapter(nsp, bus, { recoveryLimits: limits }),
    );
  }
  const key = `rc${randomBytes(4).toString("hex")}`;
  lastKey = key;
  const out: AdapterFactory[] = [];
  for (let i = 0; i < n; i++) {
    const pub = createClient({ url: redis.url });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    cleanups.push(() => Promise.allSettled([pub.close(), sub.close()]));
    out.push(
      flavour === "classic"
        ? createAdapter(pub, sub, { key, recoveryLimits: limits })
        : createShardedAdapter(pub, sub, { channelPrefix: key, recoveryLimits: limits }),
    );
  }
  return out;
}

async function startNode(adapter: AdapterFactory): Promise<Node> {
  const http = createServer();
  const io = new Server(http, {
    adapter,
    transports: ["websocket"],
    connectionStateRecovery: { maxDisconnectionDuration: 60_000 },
  });
  io.on("connection", (socket) => {
    if (socket.recovered) return;
    socket.data = { user: socket.handshake.auth.user };
    void socket.join(["news", ...((socket.handshake.auth.rooms as string[]) ?? [])]);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  await io.of("/").adapter.init?.();
  cleanups.push(() => io.close());
  return {
    io,
    port: (http.address() as AddressInfo).port,
    stats: () =>
      (io.of("/").adapter as unknown as { recoveryStats(): RecoveryStats }).recoveryStats(),
  };
}

async function cluster(flavour: Flavour, limits = {}): Promise<[Node, Node]> {
  const [fa, fb] = await factories(flavour, 2, limits);
  const nodes = [await startNode(fa), await startNode(fb)] as [Node, Node];
  await waitUntil(async () => (await nodes[0].io.of("/").adapter.serverCount()) === 2);
  return nodes;
}

const args = (events: unknown[][], from = 0) => events.slice(from).map((e) => e.slice(0, -1));

for (const flavour of flavours) {
  describe.runIf(flavour === "in-process cluster" || redis.problem === undefined)(
    `recovery, ${flavour} adapter`,
    () => {
      it("restores id, rooms and data, and replays the room events it missed from both nodes", async () => {
        const [a, b] = await cluster(flavour);
        const client = await connect(a, { user: "ada", rooms: ["vip"] });
        const witness = await connect(a, { rooms: ["w"] }); // in "news" too, connected throughout
        const id = client.socket.id;
        b.io.emit("tick", 0); // through the cluster: node A stamps it with its own offset
        await received(client.events, "tick");
        const tick = client.events[0] as unknown[];
        expect(typeof tick[2]).toBe("string");
        expect(witness.events[0]).toEqual(tick); // same packet, same offset for every client of A

        await drop(a, client.socket);
        b.io.to("vip").emit("m", 1);
        b.io.to("elsewhere").emit("not-for-you");
        b.io.emit("m", 2);
        b.io.to(["vip", "news"]).emit("m", 3); // once, though in both rooms
        b.io.except("vip").emit("not-for-you");
        b.io.volatile.emit("not-for-you");
        b.io.to("w").emit("fence"); // ordered after the above on A
        await received(witness.events, "fence");
        a.io.to("vip").emit("m", 4);
        a.io.to("elsewhere").emit("not-for-you");

        const from = client.events.length;
        const again = await reconnect(a, client.socket);
        expect(client.socket.recovered).toBe(true);
        expect(again.recovered).toBe(true);
        expect(client.socket.id).toBe(id);
        expect([...again.rooms].sort()).toEqual([id, "news", "vip"].sort());
        expect(again.data).toEqual({ user: "ada" });
        b.io.to("vip").emit("after");
        await waitUntil(() => client.events.slice(from).some((e) => e[0] === "after"));
        expect(args(client.events, from)).toEqual([
          ["m", 1],
          ["m", 2],
          ["m", 3],
          ["m", 4],
          ["after"],
        ]);
        // The replayed events carry the offsets A gave them when it first delivered them.
        const m2 = client.events.slice(from).find((e) => e[1] === 2);
        expect(witness.events.find((e) => e[0] === "m" && e[1] === 2)).toEqual(m2);
        const offsets = client.events.map((e) => e.at(-1));
        expect(new Set(offsets).size).toBe(offsets.length);
        expect(a.stats()).toMatchObject({ attempted: 1, succeeded: 1, replayed: 4 });
        // Node B never had the session.
        expect(b.stats().attempted).toBe(0);
      });

      it("a forged pid or an unknown offset fails honestly: recovered false, a new id, counted", async () => {
        const [a] = await cluster(flavour);
        const client = await connect(a);
        a.io.emit("tick");
        await received(client.events, "tick");
        const id = client.socket.id;
        await drop(a, client.socket);
        // The official client sends what it holds: tamper with it as a forger would.
        const internals = client.socket as unknown as { _pid: string; _lastOffset: string };
        const pid = internals._pid;
        internals._pid = "forged-pid";
        let again = await reconnect(a, client.socket);
        expect(client.socket.recovered).toBe(false);
        expect(again.recovered).toBe(false);
        expect(again.id).not.toBe(id);
        await drop(a, client.socket);
        internals._pid = pid; // the real pid, but its session was not taken: the forged one failed
        internals._lastOffset = "unknown-offset";
        again = await reconnect(a, client.socket);
        expect(again.recovered).toBe(false);
        expect(a.stats()).toMatchObject({
          attempted: 2,
          succeeded: 0,
          failed: { expired: 0, trimmed: 0, unknown: 2 },
        });
      });

      it("an offset pushed out by maxPackets fails as trimmed", async () => {
        const [a, b] = await cluster(flavour, { maxPackets: 50 });
        const client = await connect(a);
        const witness = await connect(a);
        a.io.emit("tick");
        await received(client.events, "tick");
        await drop(a, client.socket);
        for (let i = 0; i < 120; i++) b.io.emit("fill", i);
        await waitUntil(() => witness.events.some((e) => e[0] === "fill" && e[1] === 119));
        const again = await reconnect(a, client.socket);
        expect(again.recovered).toBe(false);
        expect(a.stats().failed.trimmed).toBe(1);
        expect(a.stats().packetsStored).toBeLessThanOrEqual(50);
      });
    },
  );
}

describe.runIf(redis.problem === undefined)("recovery of events sent by an emitter", () => {
  it("replays what @switchboard/redis-emitter sent while the client was away (classic adapter)", async () => {
    const [a] = await cluster("classic");
    const publisher = createClient({ url: redis.url });
    await publisher.connect();
    cleanups.push(() => publisher.close());
    const emitter = new Emitter(publisher, { key: lastKey });
    const client = await connect(a, { rooms: ["vip"] });
    const witness = await connect(a, { rooms: ["w"] });
    emitter.emit("tick");
    await received(client.events, "tick");
    await drop(a, client.socket);
    emitter.to("vip").emit("e", 1);
    emitter.to("nobody").emit("not-for-you");
    emitter.emit("e", 2);
    emitter.to("w").emit("fence");
    await received(witness.events, "fence");
    const from = client.events.length;
    const again = await reconnect(a, client.socket);
    expect(again.recovered).toBe(true);
    emitter.to("vip").emit("after");
    await waitUntil(() => client.events.slice(from).some((e) => e[0] === "after"));
    expect(args(client.events, from)).toEqual([["e", 1], ["e", 2], ["after"]]);
  });
});

describe.runIf(redis.problem === undefined)("recovery, sharded adapter subscriptions", () => {
  it("keeps a dropped session's room channel subscribed until the session is taken back", async () => {
    const [a] = await cluster("sharded");
    const admin = createClient({ url: redis.url });
    await admin.connect();
    cleanups.push(() => admin.close());
    const channel = `${lastKey}#/#solo-room#`;
    const subscribers = async () => {
      const reply = (await admin.sendCommand(["PUBSUB", "SHARDNUMSUB", channel])) as unknown[];
      return Number(reply[1]);
    };
    const client = await connect(a, { rooms: ["solo-room"] });
    await waitUntil(async () => (await subscribers()) === 1);
    a.io.emit("tick");
    await received(client.events, "tick");
    await drop(a, client.socket);
    expect(a.io.of("/").adapter.rooms.has("solo-room")).toBe(false);
    expect(await subscribers()).toBe(1); // no local member, but the stored session is in the room
    await reconnect(a, client.socket);
    client.socket.disconnect(); // explicit: no session is kept, the room is gone
    await waitUntil(async () => (await subscribers()) === 0);
  });
});
