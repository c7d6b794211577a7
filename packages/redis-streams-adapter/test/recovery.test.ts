// Several streams-adapter nodes in this process (each with its own client, as separate processes would have) over a
// real Redis: stream-ordered delivery with stream ids as offsets, durable sessions, recovery on another node with
// every missed event once and in order, the per-room index, the failure reasons, and bad input.
import { channel } from "node:diagnostics_channel";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { RECOVERY_CHANNEL, type Adapter } from "@switchboard/adapter";
import type { FakeSocket } from "@switchboard/adapter/testing";
import type { RedisStreamsAdapter } from "@switchboard/redis-streams-adapter";
import { msgpackEncode } from "@switchboard/adapter";
import { redisForTests } from "../../../test/support/redis.js";
import {
  event,
  node,
  RecoveringNamespace,
  testClient,
  unique,
  until,
  type Lib,
  type TestClient,
} from "./helpers.js";

const redis = await redisForTests("@switchboard/redis-streams-adapter recovery");
afterAll(() => redis.close());

const offsetOf = (s: FakeSocket, i: number): string => {
  const data = s.received[i]?.packet.data as unknown[];
  return data[data.length - 1] as string;
};

for (const lib of ["redis", "ioredis"] as Lib[]) {
  describe.runIf(redis.problem === undefined)(`streams adapter recovery with ${lib}`, () => {
    const clients: TestClient[] = [];
    const adapters: Adapter[] = [];
    afterEach(async () => {
      for (const a of adapters.splice(0)) await a.close();
      for (const c of clients.splice(0)) await c.close();
    });

    async function cluster(n: number, extra: Record<string, unknown> = {}) {
      const name = unique("sb-rec");
      const opts = {
        streamName: name,
        channelPrefix: name,
        sessionKeyPrefix: `${name}:session:`,
        blockTimeInMs: 200,
        ...extra,
      };
      const nodes: {
        nsp: RecoveringNamespace;
        adapter: RedisStreamsAdapter;
        client: TestClient;
      }[] = [];
      for (let i = 0; i < n; i++) {
        const client = await testClient(lib, redis.url);
        clients.push(client);
        const nsp = new RecoveringNamespace("/", 10_000);
        const adapter = await node(client, nsp, opts);
        adapters.push(adapter);
        nodes.push({ nsp, adapter, client });
      }
      const raw = await testClient(lib, redis.url);
      clients.push(raw);
      return { nodes, raw, name, opts };
    }

    it("delivers broadcasts on every node in stream order, the stream id as offset", async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const sa = await a.nsp.connect("sa", ["r"]);
      const sb = await b.nsp.connect("sb", ["r"]);
      for (let i = 0; i < 5; i++) {
        a.adapter.broadcast(event("n", i), { rooms: new Set(["r"]), except: new Set() });
        b.adapter.broadcast(event("n", 100 + i), { rooms: new Set(["r"]), except: new Set() });
      }
      await until(() => sa.received.length === 10 && sb.received.length === 10, "10 events each");
      const seen = (s: FakeSocket) => s.received.map((d) => (d.packet.data as unknown[]).slice());
      // Both sockets see the same sequence, and offsets are increasing stream ids.
      expect(seen(sa)).toEqual(seen(sb));
      const offsets = sa.received.map((_, i) => offsetOf(sa, i));
      for (const o of offsets) expect(o).toMatch(/^\d+-\d+$/);
      expect([...offsets].sort((x, y) => (x < y ? -1 : 1))).toHaveLength(10);
    });

    it("keeps the session in Redis from the connection on and recovers it on another node", async () => {
      const { nodes, raw, opts } = await cluster(2);
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const s = await a.nsp.connect("s1", ["quiet"]);
      s.data = { user: "ann" };
      a.adapter.trackSession(s, "pid-1");
      await s.join("room-2");
      const key = `${opts.sessionKeyPrefix}pid-1`;
      await until(async () => (await raw.send("GET", key)) !== null, "the session record");
      a.adapter.broadcast(event("first"), { rooms: new Set(["quiet"]), except: new Set() });
      await until(() => s.received.length === 1, "first event");
      const offset = offsetOf(s, 0);
      await until(async () => {
        const ttl = Number(await raw.send("PTTL", key));
        return ttl > 10_000;
      }, "a TTL beyond maxDisconnectionDuration");
      // …but not much beyond: maxDisconnectionDuration + refreshInterval (a quarter of it) + 2 s.
      expect(Number(await raw.send("PTTL", key))).toBeLessThanOrEqual(10_000 + 2_500 + 2_000);
      expect(Number(await raw.send("PTTL", `{${key}}:owner`))).toBeLessThanOrEqual(14_500);
      // Node A is gone without a word (no disconnect, no persistSession): traffic goes on meanwhile.
      await a.adapter.close();
      const busy = [];
      for (let i = 0; i < 20; i++) busy.push(`busy-${i}`);
      for (let i = 0; i < 3; i++) {
        for (const room of busy)
          b.adapter.broadcast(event("noise", i), { rooms: new Set([room]), except: new Set() });
        b.adapter.broadcast(event("q", i), { rooms: new Set(["quiet"]), except: new Set() });
        b.adapter.broadcast(event("r2", i), { rooms: new Set(["room-2"]), except: new Set() });
      }
      b.adapter.broadcast(event("all"), { rooms: new Set(), except: new Set() });
      b.adapter.broadcast(event("not-me"), { rooms: new Set(), except: new Set(["quiet"]) });
      await until(() => b.adapter.recoveryStats() !== undefined, "stats");
      const last = await raw.send("XREVRANGE", opts.streamName, "+", "-", "COUNT", "1");
      const tip = ((last as unknown[][])[0] as unknown[])[0] as string;
      const attempts: unknown[] = [];
      const onMessage = (m: unknown): void => void attempts.push(m);
      channel(RECOVERY_CHANNEL).subscribe(onMessage);
      await until(() => (b.adapter as unknown as { ready: Promise<void> }) !== undefined, "ready");
      // B must have read up to the tip before the replay ends there.
      const session = await b.adapter.restoreSession("pid-1", offset);
      channel(RECOVERY_CHANNEL).unsubscribe(onMessage);
      expect(session).not.toBeNull();
      expect(session?.sid).toBe("s1");
      expect(new Set(session?.rooms)).toEqual(new Set(["s1", "quiet", "room-2"]));
      expect(session?.data).toEqual({ user: "ann" });
      const names = session?.missedPackets.map((p) => `${String(p[0])}${p.length > 2 ? p[1] : ""}`);
      expect(names).toEqual(["q0", "r20", "q1", "r21", "q2", "r22", "all"]);
      const lastOffset = session?.missedPackets.at(-1)?.at(-1);
      expect(lastOffset).toBe(tip === lastOffset ? tip : lastOffset);
      const stats = b.adapter.recoveryStats();
      expect(stats.succeeded).toBe(1);
      expect(stats.byIndex).toBe(1);
      expect(stats.replayed).toBe(7);
      // Entries read follow the client's own rooms (index + fetch), not the 60 noise entries.
      expect(stats.entriesRead).toBeLessThan(20);
      expect(attempts).toEqual([
        expect.objectContaining({ recovered: true, replayed: 7, method: "index" }),
      ]);
      expect(JSON.stringify(attempts)).not.toContain("pid-1");
      // The record was taken: a second attempt fails as unknown.
      expect(await b.adapter.restoreSession("pid-1", offset)).toBeNull();
      expect(b.adapter.recoveryStats().failed.unknown).toBe(1);
    });

    it("reads entries in proportion to the client's own rooms: one quiet room, 100 busy rooms", async () => {
      const { nodes } = await cluster(2);
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const s = await a.nsp.connect("s1", ["quiet"]);
      a.adapter.trackSession(s, "pid-cost");
      b.adapter.broadcast(event("q", -1), { rooms: new Set(["quiet"]), except: new Set() });
      await until(() => s.received.length === 1, "first");
      const offset = offsetOf(s, 0);
      await a.adapter.close();
      let total = 0;
      for (let round = 0; round < 10; round++) {
        for (let r = 0; r < 100; r++) {
          b.adapter.broadcast(event("busy", round), {
            rooms: new Set([`busy-${r}`]),
            except: new Set(),
          });
          total++;
        }
        if (round % 2 === 0) {
          b.adapter.broadcast(event("q", round), { rooms: new Set(["quiet"]), except: new Set() });
          total++;
        }
      }
      const probe = await b.nsp.connect("probe", ["quiet"]);
      await until(() => probe.received.length === 5, "the quiet events on B");
      const session = await b.adapter.restoreSession("pid-cost", offset);
      expect(session?.missedPackets.map((p) => p[1])).toEqual([0, 2, 4, 6, 8]);
      const { entriesRead, replayed } = b.adapter.recoveryStats();
      console.info(
        `[redis-streams] ${lib}: 1 quiet room + 100 busy rooms, ${total} entries since the offset: ` +
          `${replayed} replayed, ${entriesRead} entries read (the official adapter reads all ${total})`,
      );
      expect(entriesRead).toBeLessThanOrEqual(2 * replayed);
    });

    it("falls back to the whole range when another writer's broadcasts may be missing from the index", async () => {
      const { nodes, raw, opts } = await cluster(1);
      const [a] = nodes as [(typeof nodes)[0]];
      const s = await a.nsp.connect("s1", ["r"]);
      a.adapter.trackSession(s, "pid-2");
      a.adapter.broadcast(event("first"), { rooms: new Set(["r"]), except: new Set() });
      await until(() => s.received.length === 1, "first");
      const offset = offsetOf(s, 0);
      a.adapter.persistSession({ sid: "s1", pid: "pid-2", rooms: ["s1", "r"], data: {} });
      s.disconnect();
      // An official node's broadcast (same entry format), not indexed.
      const data = JSON.stringify({
        packet: { type: 2, nsp: "/", data: ["official", 1] },
        opts: { rooms: ["r"], except: [], flags: {} },
      });
      await raw.send(
        "XADD",
        opts.streamName,
        "*",
        "uid",
        "official0000",
        "nsp",
        "/",
        "type",
        "3",
        "data",
        data,
      );
      a.adapter.broadcast(event("ours"), { rooms: new Set(["r"]), except: new Set() });
      await until(
        () => s.received.length === 1 && a.adapter.recoveryStats().sessionsStored === 0,
        "idle",
      );
      await until(async () => {
        const len = Number(await raw.send("XLEN", opts.streamName));
        return len >= 3;
      }, "entries");
      const session = await a.adapter.restoreSession("pid-2", offset);
      expect(session?.missedPackets.map((p) => p[0])).toEqual(["official", "ours"]);
      expect(a.adapter.recoveryStats().byRange).toBe(1);
    });

    it("fails honestly: unknown pid, forged offset, trimmed stream, expired and undecodable records", async () => {
      const { nodes, raw, opts } = await cluster(1);
      const [a] = nodes as [(typeof nodes)[0]];
      const s = await a.nsp.connect("s1", ["r"]);
      // Traffic before the session starts: its entries are below the session's first possible offset.
      a.adapter.broadcast(event("before"), { rooms: new Set(["r"]), except: new Set() });
      await until(() => s.received.length === 1, "before");
      const before = offsetOf(s, 0);
      a.adapter.trackSession(s, "pid-3");
      a.adapter.broadcast(event("e"), { rooms: new Set(["r"]), except: new Set() });
      await until(() => s.received.length === 2, "event");
      const offset = offsetOf(s, 1);
      const key = (pid: string) => `${opts.sessionKeyPrefix}${pid}`;
      await until(async () => (await raw.send("GET", key("pid-3"))) !== null, "record");
      const record = (await raw.send("GET", key("pid-3"))) as string;

      expect(await a.adapter.restoreSession("nobody", offset)).toBeNull();
      // Forged offsets: below the session's start (replaying what it never was sent), never in this stream, or
      // not an id at all.
      expect(await a.adapter.restoreSession("pid-3", before)).toBeNull();
      await raw.send("SET", key("pid-3"), record);
      expect(await a.adapter.restoreSession("pid-3", "99999999999999-0")).toBeNull();
      await raw.send("SET", key("pid-3"), record);
      expect(await a.adapter.restoreSession("pid-3", "not-an-offset")).toBeNull();
      expect(a.adapter.recoveryStats().failed.unknown).toBe(4);

      // Trimmed: the offset's entry is gone from the stream.
      await raw.send("SET", key("pid-3"), record);
      for (let i = 0; i < 3; i++)
        a.adapter.broadcast(event("later", i), { rooms: new Set(["x"]), except: new Set() });
      await until(async () => Number(await raw.send("XLEN", opts.streamName)) >= 4, "entries");
      await raw.send("XTRIM", opts.streamName, "MAXLEN", "1");
      expect(await a.adapter.restoreSession("pid-3", offset)).toBeNull();
      expect(a.adapter.recoveryStats().failed.trimmed).toBe(1);

      // Expired: a record last written long ago (a node that died before maxDisconnectionDuration).
      const old = msgpackEncode({
        sid: "s9",
        pid: "pid-9",
        rooms: ["s9"],
        data: {},
        sb: { v: 1, at: Date.now() - 60_000, live: false },
      }).toString("base64");
      await raw.send("SET", key("pid-9"), old);
      expect(await a.adapter.restoreSession("pid-9", offset)).toBeNull();
      expect(a.adapter.recoveryStats().failed.expired).toBe(1);

      // Invalid: undecodable, or a record of another pid.
      await raw.send("SET", key("pid-8"), "%%%not base64 msgpack%%%");
      expect(await a.adapter.restoreSession("pid-8", offset)).toBeNull();
      const other = msgpackEncode({ sid: "s7", pid: "someone-else", rooms: [], data: {} });
      await raw.send("SET", key("pid-7"), other.toString("base64"));
      expect(await a.adapter.restoreSession("pid-7", offset)).toBeNull();
      expect(a.adapter.recoveryStats().failed.invalid).toBe(2);
    });

    it("skips and counts undecodable, unknown and oversize stream entries", async () => {
      const { nodes, raw, opts } = await cluster(1, { maxMessageSize: 200 });
      const [a] = nodes as [(typeof nodes)[0]];
      const s = await a.nsp.connect("s1");
      const x = (...f: string[]) => raw.send("XADD", opts.streamName, "*", ...f);
      await x("uid", "u", "nsp", "/", "type", "3", "data", "{not json");
      await x("uid", "u", "nsp", "/", "type", "3", "data", "AAAA@@@");
      await x("uid", "u", "nsp", "/", "type", "99", "data", "{}");
      await x("uid", "u", "nsp", "/", "type", "3", "data", `{"x":"${"a".repeat(300)}"}`);
      await x("uid", "u", "nsp", "/", "type", "3", "data", '{"packet":{"type":2,"nsp":"/"}}');
      await x("junk", "1");
      a.adapter.broadcast(event("fine"), { rooms: new Set(), except: new Set() });
      await until(() => s.received.length === 1, "the good event");
      expect(s.events()).toEqual(["fine"]);
      const d = a.adapter.dropped;
      expect(d.undecodable).toBe(2);
      expect(d.oversized).toBe(1);
      expect(d.unknownType).toBe(1);
      expect(d.malformed).toBe(1);
    });

    it("a node that still holds a recovered socket (half-open) can no longer overwrite its session", async () => {
      const { nodes, raw, opts } = await cluster(2);
      const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
      const old = await a.nsp.connect("s1", ["r"]);
      a.adapter.trackSession(old, "pid-5");
      a.adapter.broadcast(event("e"), { rooms: new Set(["r"]), except: new Set() });
      await until(() => old.received.length === 1, "event");
      const key = `${opts.sessionKeyPrefix}pid-5`;
      await until(async () => (await raw.send("GET", key)) !== null, "record");
      // The client came back on B while A still believes it connected.
      const session = await b.adapter.restoreSession("pid-5", offsetOf(old, 0));
      expect(session?.sid).toBe("s1");
      const now = await b.nsp.connect("s1", ["r"]);
      b.adapter.trackSession(now, "pid-5");
      await now.join("on-b");
      await until(async () => {
        const v = (await raw.send("GET", key)) as string | null;
        return v !== null && Buffer.from(v, "base64").includes(Buffer.from("on-b"));
      }, "B's record");
      // A's stale writes (a join, then its late disconnection) are refused; A stops tracking the session.
      await old.join("stale-on-a");
      await until(() => a.adapter.recoveryStats().sessionsStored === 0, "A lets go");
      a.adapter.persistSession({ sid: "s1", pid: "pid-5", rooms: ["s1", "stale-on-a"], data: {} });
      await a.adapter.close();
      const v = Buffer.from((await raw.send("GET", key)) as string, "base64");
      expect(v.includes(Buffer.from("on-b"))).toBe(true);
      expect(v.includes(Buffer.from("stale-on-a"))).toBe(false);
    });

    for (const sharded of [false, true]) {
      it(`answers requests across nodes over ${sharded ? "sharded " : ""}pub/sub`, async () => {
        const { nodes } = await cluster(2, { useShardedPubSub: sharded, requestsTimeout: 2000 });
        const [a, b] = nodes as [(typeof nodes)[0], (typeof nodes)[0]];
        await a.nsp.connect("sa", ["r"]);
        const sb = await b.nsp.connect("sb", ["r"]);
        sb.data = { on: "b" };
        await until(async () => (await a.adapter.serverCount()) === 2, "two nodes");
        const found = await a.adapter.fetchSockets({ rooms: new Set(["r"]), except: new Set() });
        expect(found.map((s) => [s.id, s.data])).toEqual([
          ["sa", {}],
          ["sb", { on: "b" }],
        ]);
        const heard: unknown[] = [];
        (b.nsp as { onServerSideEmit?: (args: unknown[]) => void }).onServerSideEmit = (args) => {
          heard.push(args[0]);
          (args[1] as (v: unknown) => void)("pong");
        };
        const replies = await new Promise<unknown[]>((resolve, reject) =>
          a.adapter.serverSideEmit([
            "ping",
            (err: Error | null, r: unknown[]) => (err ? reject(err) : resolve(r)),
          ]),
        );
        expect(heard).toEqual(["ping"]);
        expect(replies).toEqual(["pong"]);
        // A broadcast with acks collects the clients' answers on every node.
        const acks: unknown[] = [];
        let counted = 0;
        a.adapter.broadcastWithAck(
          { type: 2, nsp: "/", data: ["q"] },
          { rooms: new Set(["r"]), except: new Set(), flags: { timeout: 2000 } },
          (n) => (counted += n),
          (v) => acks.push(v),
        );
        await until(() => sb.received.length === 1 && counted === 2, "delivered and counted");
        const id = sb.received[0]?.packet.id as number;
        sb.acks.get(id)?.("from b");
        await until(() => acks.length === 1, "b's ack");
        expect(acks).toEqual(["from b"]);
      });
    }

    it("deletes the session when the socket leaves for good, and re-writes it on data changes", async () => {
      const { nodes, raw, opts } = await cluster(1);
      const [a] = nodes as [(typeof nodes)[0]];
      const s = await a.nsp.connect("s1");
      a.adapter.trackSession(s, "pid-4");
      const key = `${opts.sessionKeyPrefix}pid-4`;
      await until(async () => (await raw.send("GET", key)) !== null, "record");
      s.data = { n: 2 };
      a.adapter.sessionChanged("s1");
      await until(async () => {
        const v = (await raw.send("GET", key)) as string | null;
        return v !== null && Buffer.from(v, "base64").includes(Buffer.from([0xa1, 0x6e, 0x02]));
      }, "the new data");
      s.disconnect();
      await until(async () => (await raw.send("GET", key)) === null, "the record deleted");
    });
  });
}
