// Redis killed and restarted under two running Switchboard nodes (one on `redis`, one on `ioredis`), each its own
// process, with a private redis-server (never the machine's): local delivery keeps working and cross-node calls fail
// fast while it is down; once it is back, cross-node delivery resumes without restarting any node.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  canStartPrivateRedis,
  redisForTests,
  startPrivateRedis,
  type PrivateRedis,
} from "../support/redis.js";
import { ClusterNode, connectClient, until, type RecordingClient } from "./cluster-helpers.js";

const redis = await redisForTests("Redis outage under a running cluster");

const killable = canStartPrivateRedis("Redis killed and restarted under a running cluster");

describe.runIf(redis.problem === undefined && killable)(
  "Redis killed and restarted under a running cluster",
  () => {
    let priv: PrivateRedis;
    let nodes: ClusterNode[] = [];
    const clients: RecordingClient[] = [];

    beforeAll(async () => {
      priv = await startPrivateRedis();
      const key = `out${randomBytes(4).toString("hex")}`;
      nodes = await Promise.all([
        new ClusterNode({ name: "A", url: priv.url, key, lib: "redis" }).start(),
        new ClusterNode({ name: "B", url: priv.url, key, lib: "ioredis" }).start(),
      ]);
      await until(async () => (await nodes[0]!.call<number>("serverCount")) === 2, "2 nodes");
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.socket.disconnect();
    });
    afterAll(async () => {
      await Promise.all(nodes.map((n) => n.kill()));
      await priv?.close();
      await redis.close();
    });

    it("serves local clients during the outage, fails cross-node calls fast, and resumes after", async () => {
      const [A, B] = nodes as [ClusterNode, ClusterNode];
      const a = await connectClient(A);
      const b = await connectClient(B);
      clients.push(a, b);
      await A.call("emit", { ev: "before", args: [] });
      await b.waitFor("before");

      await priv.kill();
      for (const node of nodes) {
        await until(
          () =>
            node.call("serverCount").then(
              () => false,
              () => true,
            ),
          `node ${node.spec.name} to notice`,
        );
      }
      await A.call("emit", { ev: "during", args: [] });
      await a.waitFor("during");
      await expect(A.call("fetchSockets", {})).rejects.toMatchObject({
        code: "ERR_SB_REDIS_UNAVAILABLE",
      });
      await expect(B.call("serverSideEmitWithAck", { arg: "x" })).rejects.toMatchObject({
        code: "ERR_SB_REDIS_UNAVAILABLE",
      });

      await priv.restart();
      await until(
        async () => {
          const counts = await Promise.all(
            nodes.map((n) => n.call<number>("serverCount").catch(() => 0)),
          );
          return counts.every((c) => c === 2);
        },
        "both nodes to resubscribe",
        10_000,
      );
      await A.call("emit", { ev: "after-a", args: [] });
      await B.call("emit", { ev: "after-b", args: [] });
      await Promise.all([b.waitFor("after-a"), a.waitFor("after-b")]);
      expect(b.events.map((e) => e[0])).not.toContain("during");
      expect(await A.call("serverSideEmitWithAck", { arg: "y" })).toEqual(["B:y"]);
    });
  },
);
