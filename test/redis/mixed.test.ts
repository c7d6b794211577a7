// Wire compatibility, proven: one official socket.io + @socket.io/redis-adapter node and one Switchboard node share
// a Redis, as during a node-by-node migration; broadcasts, room messages, acks, fetchSockets, bulk operations and
// serverSideEmit cross both ways. Then the same with the sharded adapters (Redis 7 SPUBLISH/SSUBSCRIBE).
import { randomBytes } from "node:crypto";
import { createClient } from "redis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import {
  ClusterNode,
  connectClient,
  names,
  until,
  type RecordingClient,
} from "./cluster-helpers.js";

const redis = await redisForTests("mixed socket.io / Switchboard cluster");
afterAll(() => redis.close());

for (const flavour of ["classic", "sharded"] as const) {
  describe.runIf(redis.problem === undefined)(
    `mixed cluster, ${flavour} adapters: socket.io node + Switchboard node`,
    () => {
      const key = `mx${randomBytes(4).toString("hex")}`;
      let official: ClusterNode;
      let ours: ClusterNode;
      const clients: RecordingClient[] = [];
      const admin = createClient({ url: redis.url });

      /**
       * The sharded adapters (both) subscribe to a room's own channel when its first local member joins (one subscriber per node with members), and the
       * subscription reaches Redis a moment later: a broadcast to the room waits until it has (as in socket.io, one
       * published before is lost). The classic adapters use one channel per namespace, so nothing to wait for.
       */
      async function subscribed(room: string, nodes: number): Promise<void> {
        if (flavour !== "sharded") return;
        const channel = `${key}#/#${room}#`;
        await until(async () => {
          const reply = (await admin.sendCommand(["PUBSUB", "SHARDNUMSUB", channel])) as unknown[];
          return Number(reply[1]) === nodes;
        }, `${nodes} subscriber(s) on ${channel}`);
      }

      beforeAll(async () => {
        await admin.connect();
        [official, ours] = await Promise.all([
          new ClusterNode({ name: "SIO", url: redis.url, key, impl: "socket.io", flavour }).start(),
          new ClusterNode({
            name: "SB",
            url: redis.url,
            key,
            impl: "switchboard",
            flavour,
          }).start(),
        ]);
        await until(
          async () =>
            (await official.call<number>("serverCount")) === 2 &&
            (await ours.call<number>("serverCount")) === 2,
          "2 nodes",
        );
      });
      afterEach(() => {
        for (const c of clients.splice(0)) c.socket.disconnect();
      });
      afterAll(async () => {
        await Promise.all([official?.kill(), ours?.kill()]);
        if (admin.isOpen) await admin.close();
      });

      async function client(
        node: ClusterNode,
        opts: { rooms?: string[]; user?: string } = {},
      ): Promise<RecordingClient> {
        const c = await connectClient(node, opts);
        clients.push(c);
        return c;
      }

      for (const dir of ["socket.io → Switchboard", "Switchboard → socket.io"] as const) {
        it(`broadcasts, rooms, except, binary and acks: ${dir}`, async () => {
          const [from, to] = dir.startsWith("socket.io") ? [official, ours] : [ours, official];
          const room = `r-${randomBytes(3).toString("hex")}`;
          const inRoom = await client(to, { rooms: [room], user: "in" });
          const outside = await client(to, { rooms: ["x"], user: "out" });
          await subscribed(room, 1);
          await from.call("emit", { ev: "all", args: [1, { a: "b" }] });
          await from.call("emit", { spec: { to: room }, ev: "room", args: [] });
          await from.call("emit", { spec: { except: "x" }, ev: "not-x", args: [] });
          await from.call("emit", { spec: { to: inRoom.socket.id }, ev: "direct", args: [] });
          await from.call("emit", { ev: "bin", args: [{ $bin: [9, 8, 7] }] });
          await from.call("emit", { ev: "end", args: [] });
          await Promise.all([inRoom.waitFor("end"), outside.waitFor("end")]);
          expect(names(inRoom)).toEqual(["all", "room", "not-x", "direct", "bin", "end"]);
          expect(names(outside)).toEqual(["all", "bin", "end"]);
          expect(inRoom.events[0]).toEqual(["all", 1, { a: "b" }]);
          expect(
            Buffer.from(inRoom.events.find((e) => e[0] === "bin")?.[1] as ArrayBuffer),
          ).toEqual(Buffer.from([9, 8, 7]));
          const responses = await from.call<string[]>("emitWithAck", {
            spec: { to: room, timeout: 3000 },
            ev: "q",
            args: [],
          });
          expect(responses).toEqual(["ack:q:in"]);
        });

        it(`fetchSockets, socketsJoin and serverSideEmit with ack: ${dir}`, async () => {
          const [from, to] = dir.startsWith("socket.io") ? [official, ours] : [ours, official];
          const room = `f-${randomBytes(3).toString("hex")}`;
          const remote = await client(to, { rooms: [room], user: "remote" });
          await client(from, { rooms: [room], user: "local" });
          const found = await from.call<{ id: string; rooms: string[]; data: { node: string } }[]>(
            "fetchSockets",
            { spec: { to: room } },
          );
          expect(found.map((s) => s.data.node).sort()).toEqual(["SB", "SIO"]);
          expect(found.find((s) => s.id === remote.socket.id)?.rooms).toEqual(
            [remote.socket.id, room].sort(),
          );
          const joined = `j-${randomBytes(3).toString("hex")}`;
          await from.call("socketsJoin", { spec: { to: room }, rooms: [joined] });
          await until(
            async () => (await to.call<string[]>("localRooms")).includes(joined),
            "socketsJoin across",
          );
          await subscribed(joined, 2); // members on both nodes
          await from.call("emit", { spec: { to: joined }, ev: "joined", args: [] });
          await remote.waitFor("joined");
          expect(await from.call("serverSideEmitWithAck", { arg: "hello" })).toEqual([
            `${to.spec.name}:hello`,
          ]);
        });
      }
    },
  );
}
