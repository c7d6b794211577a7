// A mixed cluster (issue #15): official socket.io + @socket.io/redis-streams-adapter nodes beside Switchboard nodes on
// one stream. Broadcasts cross both ways, and a session stored by one kind is recovered by the other, both ways.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { Balancer, client, names, seq, StreamsNode, until, type Recorder } from "./helpers.js";

const redis = await redisForTests("redis-streams: mixed cluster");
afterAll(() => redis.close());

describe.runIf(redis.problem === undefined)(
  "streams adapter: mixed cluster with official nodes",
  () => {
    const nodes: StreamsNode[] = [];
    const clients: Recorder[] = [];
    let balancer: Balancer | undefined;
    afterEach(async () => {
      for (const c of clients.splice(0)) c.socket.disconnect();
      await Promise.all(nodes.splice(0).map((n) => n.kill()));
      await balancer?.close();
    });

    async function cluster() {
      const { stream } = names();
      const sb = await new StreamsNode({ name: "sb", url: redis.url, stream }).start();
      const official = await new StreamsNode({
        name: "sio",
        url: redis.url,
        stream,
        impl: "socket.io",
      }).start();
      nodes.push(sb, official);
      balancer = await new Balancer().listen();
      balancer.backends = [sb, official];
      return { sb, official, balancer };
    }

    it("carries broadcasts both ways", async () => {
      const { sb, official, balancer: b } = await cluster();
      b.target = sb;
      const onSb = await client(b.port, { rooms: ["r"] });
      b.target = official;
      const onOfficial = await client(b.port, { rooms: ["r"] });
      clients.push(onSb, onOfficial);
      await sb.call("emit-many", { room: "r", ev: "from-sb", from: 0, count: 5 });
      await official.call("emit-many", { room: "r", ev: "from-sio", from: 0, count: 5 });
      for (const c of [onSb, onOfficial]) {
        await until(
          () => c.values("from-sb").length === 5 && c.values("from-sio").length === 5,
          "both",
        );
        expect(c.values("from-sb")).toEqual(seq(5));
        expect(c.values("from-sio")).toEqual(seq(5));
        // Offsets are stream ids whichever node delivered.
        for (const e of c.events) expect(e[e.length - 1]).toMatch(/^\d+-\d+$/);
      }
    });

    it("a session stored by a Switchboard node is recovered by an official node (owner killed)", async () => {
      const { sb, official, balancer: b } = await cluster();
      b.target = sb;
      const c = await client(b.port, { rooms: ["r"] });
      clients.push(c);
      await c.socket.timeout(5000).emitWithAck("set-data", { user: "ann" });
      await official.call("emit-many", { room: "r", ev: "n", from: 0, count: 3 });
      await until(() => c.values("n").length === 3, "3 events");
      const before = await c.whoami();
      // The Switchboard node wrote the session at connect (then on the data change): no disconnect handler needed.
      await until(
        async () => (await sb.call<{ sessionsStored: number }>("stats")).sessionsStored === 1,
        "stored",
      );
      b.target = official;
      const back = c.nextConnect();
      await sb.kill();
      await official.call("emit-many", { room: "r", ev: "n", from: 3, count: 3 });
      await back;
      expect(c.socket.recovered).toBe(true);
      await official.call("emit-many", { room: "r", ev: "n", from: 6, count: 2 });
      await until(() => c.values("n").length >= 8, "8 events");
      expect(c.values("n")).toEqual(seq(8));
      const after = await c.whoami();
      expect(after.node).toBe("sio");
      expect(after.id).toBe(before.id);
      expect(after.data).toEqual({ user: "ann" });
    });

    it("a session stored by an official node is recovered by a Switchboard node", async () => {
      const { sb, official, balancer: b } = await cluster();
      b.target = official;
      const c = await client(b.port, { rooms: ["r"] });
      clients.push(c);
      await sb.call("emit-many", { room: "r", ev: "n", from: 0, count: 3 });
      await until(() => c.values("n").length === 3, "3 events");
      const before = await c.whoami();
      // The official adapter stores a session when its socket drops: cut the connection, then come back to Switchboard.
      b.hold();
      b.target = sb;
      const back = c.nextConnect();
      b.cut();
      await until(() => c.socket.disconnected, "disconnected");
      await sb.call("emit-many", { room: "r", ev: "n", from: 3, count: 3 });
      await official.call("emit-many", { room: "r", ev: "n", from: 6, count: 2 });
      b.release();
      await back;
      expect(c.socket.recovered).toBe(true);
      await until(() => c.values("n").length >= 8, "8 events");
      // Each exactly once; each node's in the order it made them (two nodes' appends may interleave in the stream).
      const got = c.values("n") as number[];
      expect([...got].sort((x, y) => x - y)).toEqual(seq(8));
      expect(got.filter((n) => n >= 3 && n < 6)).toEqual([3, 4, 5]);
      expect(got.filter((n) => n >= 6)).toEqual([6, 7]);
      const after = await c.whoami();
      expect(after.node).toBe("sb");
      expect(after.id).toBe(before.id);
      const stats = await sb.call<{ byRange: number }>("stats");
      // Official nodes' broadcasts are not in the index: the whole range was read.
      expect(stats.byRange).toBe(1);
    });
  },
);
