// A node that hangs (SIGSTOP: its process frozen, its Redis connections still open, so Redis still counts its
// subscriptions) is dropped from serverCount() and from pending requests once it misses its heartbeats, without
// stalling the other nodes; when it wakes up (SIGCONT) it is counted again. Both adapter flavours.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { ClusterNode, until } from "./cluster-helpers.js";

const redis = await redisForTests("hung node in a Redis cluster");
afterAll(() => redis.close());

const env = {
  SB_HEARTBEAT_INTERVAL: "200",
  SB_HEARTBEAT_TIMEOUT: "1500",
  SB_REQUESTS_TIMEOUT: "12000",
};

for (const flavour of ["classic", "sharded"] as const) {
  describe.runIf(redis.problem === undefined)(`hung node, ${flavour} adapter`, () => {
    let nodes: ClusterNode[] = [];
    afterAll(async () => {
      nodes[2]?.resume();
      await Promise.all(nodes.map((n) => n.kill()));
    });

    it("is dropped from serverCount() and requests after the heartbeat timeout, and counted again when it wakes", async () => {
      const key = `hung${randomBytes(4).toString("hex")}`;
      nodes = await Promise.all(
        ["A", "B", "C"].map((name) =>
          new ClusterNode({ name, url: redis.url, key, flavour, env }).start(),
        ),
      );
      const [A, B, C] = nodes as [ClusterNode, ClusterNode, ClusterNode];
      await until(async () => (await A.call<number>("serverCount")) === 3, "3 nodes");
      // Let every node hear the others' heartbeats, so each knows the others as nodes that beat.
      await until(
        async () =>
          (await Promise.all(nodes.map((n) => n.call<string[]>("liveNodes")))).every(
            (l) => l.length === 2,
          ),
        "heartbeats",
      );
      expect(await A.call("serverSideEmitWithAck", { arg: "warm" })).toEqual(["B:warm", "C:warm"]);

      C.pause();
      // Asked while C is frozen: the request must not wait requestsTimeout (10 s) for it, only C's heartbeat timeout.
      const pending = A.call<string[]>("serverSideEmitWithAck", { arg: "x" });
      expect(await pending).toEqual(["B:x"]);
      await until(
        async () =>
          (await A.call<number>("serverCount")) === 2 &&
          (await B.call<number>("serverCount")) === 2,
        "C dropped",
      );
      const found = await A.call<{ data: { node: string } }[]>("fetchSockets", {});
      expect(found).toEqual([]);

      C.resume();
      await until(async () => (await A.call<number>("serverCount")) === 3, "C counted again");
      expect(await B.call("serverSideEmitWithAck", { arg: "y" })).toEqual(["A:y", "C:y"]);
    });
  });
}
