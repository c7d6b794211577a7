// Recovery that survives the node (issue #15): Switchboard nodes with the streams adapter, each its own process,
// behind a round-robin TCP balancer, official socket.io-client clients. The node a client is connected to is killed
// with SIGKILL; the client comes back through the balancer to another node and gets its id, rooms and data back, and
// every event broadcast to its rooms meanwhile exactly once, in order. A trimmed stream fails honestly.
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createClient } from "redis";
import { redisForTests } from "../support/redis.js";
import { Balancer, client, names, seq, StreamsNode, until, type Recorder } from "./helpers.js";

const redis = await redisForTests("redis-streams: node death");
afterAll(() => redis.close());

describe.runIf(redis.problem === undefined)("streams adapter: SIGKILL of the owning node", () => {
  const nodes: StreamsNode[] = [];
  const clients: Recorder[] = [];
  let balancer: Balancer | undefined;
  afterEach(async () => {
    for (const c of clients.splice(0)) c.socket.disconnect();
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    await balancer?.close();
  });

  async function cluster(n: number, extra: { maxLen?: number; lib?: "redis" | "ioredis" } = {}) {
    const { stream } = names();
    for (let i = 0; i < n; i++)
      nodes.push(
        await new StreamsNode({ name: `n${i}`, url: redis.url, stream, ...extra }).start(),
      );
    balancer = await new Balancer().listen();
    balancer.backends = nodes.slice(1); // nodes[0] publishes, the others serve clients
    return { stream, publisher: nodes[0] as StreamsNode };
  }

  for (const lib of ["redis", "ioredis"] as const) {
    it(`recovers on another node with every missed room event once, in order (${lib})`, async () => {
      const { stream, publisher } = await cluster(3, { lib });
      const victim = nodes[1] as StreamsNode;
      balancer!.target = victim;
      const c = await client(balancer!.port, { rooms: ["quiet"], user: "ann" });
      clients.push(c);
      await c.socket.timeout(5000).emitWithAck("set-data", { user: "ann", score: 7 });
      const before = await c.whoami();
      expect(before.node).toBe("n1");
      // The session is in Redis while the client is still connected (written at connect, updated on data changes).
      const raw = createClient({ url: redis.url });
      await raw.connect();
      try {
        const key = `${stream}:session:${(c.socket as unknown as { _pid: string })._pid}`;
        await until(async () => {
          const v = await raw.get(key);
          return v !== null && Buffer.from(v, "base64").includes(Buffer.from("score"));
        }, "the session record with its data");
        // 20 busy rooms nobody here is in, and the client's quiet room.
        await publisher.call("tick-start", { room: "quiet", ev: "q", every: 15 });
        for (let i = 0; i < 20; i++)
          await publisher.call("tick-start", { room: `busy-${i}`, ev: "b", every: 10 });
        await until(() => c.values("q").length >= 10, "some quiet ticks");
        balancer!.target = nodes[2];
        const back = c.nextConnect();
        await victim.kill();
        await back;
        expect(c.socket.recovered).toBe(true);
        await until(() => c.values("q").length >= 60, "more quiet ticks after recovery");
        const sent = await publisher.call<number>("tick-stop", { room: "quiet", ev: "q" });
        for (let i = 0; i < 20; i++)
          await publisher.call("tick-stop", { room: `busy-${i}`, ev: "b" });
        await until(() => c.values("q").length >= sent, `all ${sent} quiet ticks`);
        // Exactly once, in order, nothing from rooms it is not in.
        expect(c.values("q")).toEqual(seq(sent));
        expect(c.values("b")).toEqual([]);
        const after = await c.whoami();
        expect(after.node).toBe("n2");
        expect(after.id).toBe(before.id);
        expect(new Set(after.rooms)).toEqual(new Set(before.rooms));
        expect(after.data).toEqual({ user: "ann", score: 7 });
        const stats = await (nodes[2] as StreamsNode).call<Record<string, number>>("stats");
        expect(stats["succeeded"]).toBe(1);
        expect(stats["byIndex"]).toBe(1);
        // Replay cost follows the client's own room, not the 20 busy rooms' traffic.
        const replayed = stats["replayed"] as number;
        console.info(
          `[redis-streams] ${lib}: replayed ${replayed} event(s), read ${stats["entriesRead"]} entries`,
        );
        expect(stats["entriesRead"]).toBeLessThanOrEqual(2 * replayed + 2);
      } finally {
        await raw.close();
      }
    }, 40_000);
  }

  it("gives recovered: false with a fresh session when the offset was trimmed", async () => {
    const { stream, publisher } = await cluster(3);
    balancer!.target = nodes[1];
    const c = await client(balancer!.port, { rooms: ["r"] });
    clients.push(c);
    await publisher.call("emit", { room: "r", ev: "e", args: [1] });
    await until(() => c.values("e").length === 1, "one event");
    const before = await c.whoami();
    balancer!.hold();
    balancer!.target = nodes[2];
    const back = c.nextConnect();
    await (nodes[1] as StreamsNode).kill();
    const raw = createClient({ url: redis.url });
    await raw.connect();
    const length = async () => Number(await raw.sendCommand(["XLEN", stream]));
    const before20 = await length();
    await publisher.call("emit-many", { room: "r", ev: "later", from: 0, count: 20 });
    // The appends are queued: trim only once all 20 are in the stream, so the client's offset is surely gone.
    await until(async () => (await length()) >= before20 + 20, "20 entries appended");
    await raw.sendCommand(["XTRIM", stream, "MAXLEN", "5"]);
    await raw.close();
    balancer!.release();
    await back;
    expect(c.socket.recovered).toBe(false);
    const after = await c.whoami();
    expect(after.id).not.toBe(before.id);
    const stats = await (nodes[2] as StreamsNode).call<{ failed: Record<string, number> }>("stats");
    expect(stats.failed["trimmed"]).toBe(1);
  }, 30_000);
});
