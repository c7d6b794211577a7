// Both Redis adapters (classic and sharded) with both client libraries (redis, ioredis) against a real Redis:
// the adapter contract suite on one node, then several nodes in this process (each its own client pair, as separate
// processes would have), through the adapter API with the contract suite's fake namespace host.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { Adapter, AdapterNamespace } from "@switchboard/adapter";
import { adapterContract, FakeNamespace } from "@switchboard/adapter/testing";
import { PacketType, type Packet } from "@switchboard/parser";
import {
  createAdapter,
  createShardedAdapter,
  RedisAdapter,
  ShardedRedisAdapter,
} from "@switchboard/redis-adapter";
import { redisForTests } from "../../../test/support/redis.js";
import { clientPair, until, type ClientPair, type Lib } from "./clients.js";

const redis = await redisForTests("@switchboard/redis-adapter");
const ok = redis.problem === undefined;
afterAll(() => redis.close());

type Flavour = "classic" | "sharded";
const VARIANTS: [Lib, Flavour][] = [
  ["redis", "classic"],
  ["ioredis", "classic"],
  ["redis", "sharded"],
  ["ioredis", "sharded"],
];

class RecordingNamespace extends FakeNamespace {
  readonly serverSide: unknown[][] = [];
  onServerSideEmit(args: unknown[]): void {
    this.serverSide.push(args);
  }
}

function make(
  flavour: Flavour,
  pair: ClientPair,
  key: string,
  nsp: AdapterNamespace,
  maxMessageSize?: number,
): Adapter {
  const common = {
    requestsTimeout: 1000,
    ...(maxMessageSize === undefined ? {} : { maxMessageSize }),
  };
  return flavour === "classic"
    ? createAdapter(pair.pub, pair.sub, { key, ...common })(nsp)
    : createShardedAdapter(pair.pub, pair.sub, { channelPrefix: key, ...common })(nsp);
}

const event = (...data: unknown[]): Packet => ({ type: PacketType.EVENT, nsp: "/", data });

for (const [lib, flavour] of VARIANTS) {
  describe.runIf(ok)(`${flavour} adapter with ${lib}`, () => {
    const pairs: ClientPair[] = [];
    const adapters: Adapter[] = [];
    afterAll(async () => {
      for (const p of pairs.splice(0)) await p.close();
    });
    afterEach(async () => {
      for (const a of adapters.splice(0)) await a.close();
    });

    async function pair(): Promise<ClientPair> {
      const p = await clientPair(lib, redis.url);
      pairs.push(p);
      return p;
    }

    describe("contract", () => {
      let shared: ClientPair | undefined;
      adapterContract(
        `${flavour}/${lib}`,
        async (nsp) => {
          shared ??= await pair();
          return make(flavour, shared, `c${randomBytes(4).toString("hex")}`, nsp);
        },
        { sessionAware: true },
      );
    });

    /** `n` nodes sharing a fresh key prefix, each with its own clients, all subscribed and counting each other. */
    let lastKey = "";
    async function cluster(
      n: number,
      name = "/",
      maxMessageSize?: number,
    ): Promise<RecordingNamespace[]> {
      const key = `k${randomBytes(4).toString("hex")}`;
      lastKey = key;
      const nodes: RecordingNamespace[] = [];
      for (let i = 0; i < n; i++) {
        const nsp = new RecordingNamespace(name);
        nsp.adapter = make(flavour, await pair(), key, nsp, maxMessageSize);
        adapters.push(nsp.adapter);
        await nsp.adapter.init();
        nodes.push(nsp);
      }
      await until(async () => (await nodes[0]!.adapter.serverCount()) === n, "serverCount");
      return nodes;
    }

    it("counts the nodes with serverCount()", async () => {
      const nodes = await cluster(3);
      for (const nsp of nodes) expect(await nsp.adapter.serverCount()).toBe(3);
    });

    it("broadcasts to every node: all, rooms with de-duplication, except, binary, local", async () => {
      const [a, b, c] = (await cluster(3)) as [
        RecordingNamespace,
        RecordingNamespace,
        RecordingNamespace,
      ];
      const sa = await a.connect("sa", ["r1", "r2"]);
      const sb = await b.connect("sb", ["r1", "r2", "x"]);
      const scId = "S".repeat(20); // a Socket.IO-shaped id: sharded dynamic mode keeps those off room channels
      const sc = await c.connect(scId);
      a.adapter.broadcast(event("all"), { rooms: new Set(), except: new Set() });
      a.adapter.broadcast(event("rooms"), { rooms: new Set(["r1", "r2"]), except: new Set() });
      a.adapter.broadcast(event("one-room"), { rooms: new Set(["r1"]), except: new Set() });
      a.adapter.broadcast(event("except"), { rooms: new Set(), except: new Set(["x"]) });
      a.adapter.broadcast(event("to-id"), { rooms: new Set([scId]), except: new Set() });
      a.adapter.broadcast(event("bin", Buffer.from([1, 2, 3])), {
        rooms: new Set(),
        except: new Set(),
      });
      a.adapter.broadcast(event("local"), {
        rooms: new Set(),
        except: new Set(),
        flags: { local: true },
      });
      a.adapter.broadcast(event("end"), { rooms: new Set(), except: new Set() });
      await until(() => sb.events().includes("end") && sc.events().includes("end"), "end");
      expect(sa.events()).toEqual(["all", "rooms", "one-room", "except", "bin", "local", "end"]);
      expect(sb.events()).toEqual(["all", "rooms", "one-room", "bin", "end"]);
      expect(sc.events()).toEqual(["all", "except", "to-id", "bin", "end"]);
      const bin = sb.received.find((d) => (d.packet.data as unknown[])[0] === "bin");
      expect(Buffer.from((bin?.packet.data as unknown[])[1] as Uint8Array)).toEqual(
        Buffer.from([1, 2, 3]),
      );
    });

    it("keeps namespaces apart", async () => {
      const key = `k${randomBytes(4).toString("hex")}`;
      const p1 = await pair();
      const p2 = await pair();
      const root = new RecordingNamespace("/");
      const admin = new RecordingNamespace("/admin");
      const admin2 = new RecordingNamespace("/admin");
      for (const [nsp, p] of [
        [root, p1],
        [admin, p1],
        [admin2, p2],
      ] as const) {
        nsp.adapter = make(flavour, p, key, nsp);
        adapters.push(nsp.adapter);
        await nsp.adapter.init();
      }
      const s1 = await root.connect("s1");
      const s2 = await admin2.connect("s2");
      admin.adapter.broadcast(
        { type: PacketType.EVENT, nsp: "/admin", data: ["adm"] },
        { rooms: new Set(), except: new Set() },
      );
      await until(() => s2.events().length === 1, "admin broadcast");
      expect(s2.received[0]?.packet.nsp).toBe("/admin");
      expect(s1.events()).toEqual([]);
    });

    it("broadcastWithAck collects client counts and acks from every node", async () => {
      const [a, b, c] = (await cluster(3)) as [
        RecordingNamespace,
        RecordingNamespace,
        RecordingNamespace,
      ];
      await a.connect("sa");
      const sb = await b.connect("sb");
      const sc = await c.connect("sc");
      const counts: number[] = [];
      const acks: unknown[] = [];
      a.adapter.broadcastWithAck(
        event("q"),
        { rooms: new Set(), except: new Set(), flags: { timeout: 2000 } },
        (n) => counts.push(n),
        (r) => acks.push(r),
      );
      await until(
        () => counts.length === 3 && sb.acks.size === 1 && sc.acks.size === 1,
        "client counts",
      );
      expect(counts).toEqual([1, 1, 1]);
      sb.acks.values().next().value?.("from-b");
      sc.acks
        .values()
        .next()
        .value?.({ c: Buffer.from([7]) });
      await until(() => acks.length === 2, "acks");
      expect(acks).toContainEqual("from-b");
      expect(Buffer.from((acks.find((x) => typeof x === "object") as { c: Uint8Array }).c)).toEqual(
        Buffer.from([7]),
      );
    });

    it("fetchSockets returns remote sockets with id, handshake, rooms and data; bulk operations act remotely", async () => {
      const [a, b] = (await cluster(2)) as [RecordingNamespace, RecordingNamespace];
      await a.connect("sa", ["room"]);
      const sb = await b.connect("sb", ["room"]);
      sb.data = { name: "bee" };
      const found = await a.adapter.fetchSockets({ rooms: new Set(["room"]), except: new Set() });
      expect(found.map((s) => s.id).sort()).toEqual(["sa", "sb"]);
      const remote = found.find((s) => s.id === "sb") as {
        rooms: string[];
        data: unknown;
        handshake: unknown;
      };
      expect(remote.data).toEqual({ name: "bee" });
      expect(remote.handshake).toEqual({ auth: {} });
      expect(remote.rooms.sort()).toEqual(["room", "sb"]);
      a.adapter.addSockets({ rooms: new Set(["sb"]), except: new Set() }, ["joined"]);
      await until(() => b.adapter.rooms.get("joined")?.has("sb") === true, "remote join");
      a.adapter.delSockets({ rooms: new Set(["sb"]), except: new Set() }, ["joined"]);
      await until(() => !b.adapter.rooms.has("joined"), "remote leave");
      a.adapter.disconnectSockets({ rooms: new Set(["room"]), except: new Set() }, true);
      await until(() => sb.disconnected === true, "remote disconnect");
      expect(b.sockets.size).toBe(0);
    });

    // The classic adapter only (the sharded one has no allRooms, as in @socket.io/redis-adapter).
    if (flavour === "classic") {
      it("allRooms() lists the rooms of every node", async () => {
        const [a, b] = (await cluster(2)) as [RecordingNamespace, RecordingNamespace];
        await a.connect("sa", ["ra"]);
        await b.connect("sb", ["rb"]);
        const rooms = await (a.adapter as RedisAdapter).allRooms();
        expect([...rooms].sort()).toEqual(["ra", "rb", "sa", "sb"]);
      });
    }

    it("serverSideEmit reaches the other nodes, with and without acks", async () => {
      const [a, b, c] = (await cluster(3)) as [
        RecordingNamespace,
        RecordingNamespace,
        RecordingNamespace,
      ];
      a.adapter.serverSideEmit(["hello", 1]);
      await until(() => b.serverSide.length === 1 && c.serverSide.length === 1, "serverSideEmit");
      expect(b.serverSide[0]).toEqual(["hello", 1]);
      expect(a.serverSide).toEqual([]);
      const result = new Promise<[Error | null, unknown[]]>((resolve) =>
        a.adapter.serverSideEmit([
          "ask",
          (err: Error | null, responses: unknown[]) => resolve([err, responses]),
        ]),
      );
      await until(() => b.serverSide.length === 2 && c.serverSide.length === 2, "request");
      for (const nsp of [b, c])
        (nsp.serverSide[1]?.at(-1) as (v: unknown) => void)(nsp === b ? "B" : "C");
      const [err, responses] = await result;
      expect(err).toBeNull();
      expect(responses.sort()).toEqual(["B", "C"]);
    });

    it("drops undecodable, malformed, oversized and unknown messages, counting them, and keeps working", async () => {
      const [a, b] = (await cluster(2, "/", 4096)) as [RecordingNamespace, RecordingNamespace];
      const sb = await b.connect("sb");
      const adapter = b.adapter as RedisAdapter | ShardedRedisAdapter;
      const raw = (await pair()).pub as Record<string, (c: string, p: unknown) => Promise<unknown>>;
      const method = flavour === "classic" ? "publish" : lib === "redis" ? "sPublish" : "spublish";
      const publish = (channel: string, payload: string | Buffer): Promise<unknown> =>
        raw[method]!.call(raw, channel, payload);
      const channels = { main: `${lastKey}#/#`, request: `${lastKey}-request#/#` };
      const junk: [string, string | Buffer][] = [
        [channels.main, Buffer.from([0xc1, 0xff])],
        [channels.main, Buffer.from([0x93, 0xa1, 0x78])],
        [channels.main, "{not json"],
        [channels.main, JSON.stringify({ uid: "zz", nsp: "/", type: 99 })],
        [channels.main, Buffer.alloc(64, 0x90)],
        [channels.main, Buffer.alloc(5000, 0x61)],
      ];
      if (flavour === "classic")
        junk.push(
          [channels.request, JSON.stringify({ uid: "zz", type: 42 })],
          [channels.request, "[1,2]"],
        );
      for (const [ch, payload] of junk) await publish(ch, payload);
      a.adapter.broadcast(event("after"), { rooms: new Set(), except: new Set() });
      await until(() => sb.events().includes("after"), "broadcast after junk");
      const d = adapter.dropped;
      expect(d.undecodable + d.malformed + d.unknownType + d.oversized).toBe(junk.length);
      expect(d.undecodable).toBeGreaterThanOrEqual(2);
      expect(d.unknownType).toBeGreaterThanOrEqual(1);
      expect(d.oversized).toBe(1);
    });
  });
}

describe.runIf(ok)("ioredis subscriber shared by many namespaces", () => {
  it("adds one listener per event whatever the number of namespaces, and removes it when the last closes", async () => {
    const pair = await clientPair("ioredis", redis.url);
    const sub = pair.sub as { listenerCount(ev: string): number };
    const before = sub.listenerCount("messageBuffer");
    const adapters: Adapter[] = [];
    try {
      for (let i = 0; i < 12; i++) {
        const nsp = new FakeNamespace(`/n${i}`);
        const a = createAdapter(pair.pub, pair.sub, { key: `l${randomBytes(3).toString("hex")}` })(
          nsp,
        );
        nsp.adapter = a;
        await a.init();
        adapters.push(a);
      }
      expect(sub.listenerCount("messageBuffer")).toBe(before + 1);
      expect(sub.listenerCount("pmessageBuffer")).toBe(1);
      for (const a of adapters.splice(0)) await a.close();
      expect(sub.listenerCount("messageBuffer")).toBe(before);
      expect(sub.listenerCount("pmessageBuffer")).toBe(0);
    } finally {
      for (const a of adapters) await a.close();
      await pair.close();
    }
  });
});
