// Redis away for a while loses nothing (issue #15): a private Redis (append-only file, fsync always) is killed and
// restarted while nodes run. Broadcasts made meanwhile wait in the adapter, in order; every reader resumes the
// stream from the last id it read; clients receive every event exactly once, in order, and sessions written before
// the outage still recover afterwards.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  canStartPrivateRedis,
  redisForTests,
  startPrivateRedis,
  type PrivateRedis,
} from "../support/redis.js";
import { Balancer, client, names, seq, StreamsNode, until, type Recorder } from "./helpers.js";

const shared = await redisForTests("redis-streams: Redis restart");
const ok = shared.problem === undefined && canStartPrivateRedis("redis-streams: Redis restart");
afterAll(() => shared.close());

describe.runIf(ok)("streams adapter: Redis restart", () => {
  let priv: PrivateRedis | undefined;
  const dir = mkdtempSync(join(tmpdir(), "sb-streams-aof-"));
  const nodes: StreamsNode[] = [];
  const clients: Recorder[] = [];
  let balancer: Balancer | undefined;
  afterAll(async () => {
    for (const c of clients.splice(0)) c.socket.disconnect();
    await Promise.all(nodes.splice(0).map((n) => n.kill()));
    await balancer?.close();
    await priv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const lib of ["redis", "ioredis"] as const) {
    it(`resumes every reader from its last id and loses no event (${lib})`, async () => {
      priv ??= await startPrivateRedis([
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--dir",
        dir,
      ]);
      const { stream } = names();
      const publisher = await new StreamsNode({ name: "pub", url: priv.url, stream, lib }).start();
      const serving = await new StreamsNode({ name: "s", url: priv.url, stream, lib }).start();
      nodes.push(publisher, serving);
      balancer = await new Balancer().listen();
      balancer.backends = [serving];
      const c = await client(balancer.port, { rooms: ["r"] });
      clients.push(c);
      await publisher.call("emit-many", { room: "r", ev: "n", from: 0, count: 10 });
      await until(() => c.values("n").length === 10, "the first 10");
      await priv.kill();
      // Emitted while Redis is down: they wait in the adapter and are appended, in order, once it is back.
      await publisher.call("emit-many", { room: "r", ev: "n", from: 10, count: 10 });
      await priv.restart();
      await publisher.call("emit-many", { room: "r", ev: "n", from: 20, count: 10 });
      await until(() => c.values("n").length >= 30, "all 30", 15_000).catch((err: Error) => {
        throw new Error(`${err.message}: got ${JSON.stringify(c.values("n"))}`);
      });
      expect(c.values("n")).toEqual(seq(30));
      // A session written before the outage still recovers on the other node after it.
      const before = await c.whoami();
      balancer.backends = [publisher];
      const back = c.nextConnect();
      await serving.kill();
      await publisher.call("emit-many", { room: "r", ev: "n", from: 30, count: 5 });
      await back;
      expect(c.socket.recovered).toBe(true);
      await until(() => c.values("n").length >= 35, "the last 5");
      expect(c.values("n")).toEqual(seq(35));
      expect((await c.whoami()).id).toBe(before.id);
      c.socket.disconnect();
      await Promise.all(nodes.splice(0).map((n) => n.kill()));
      await balancer.close();
      balancer = undefined;
    }, 45_000);
  }
});
