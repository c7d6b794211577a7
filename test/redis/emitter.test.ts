// @switchboard/redis-emitter into real clusters: two Switchboard nodes, two official socket.io +
// @socket.io/redis-adapter nodes, and a mixed pair; each node its own process, official socket.io-client clients,
// the emitter on node-redis and on ioredis. Every modifier, the bulk operations and serverSideEmit.
import { Emitter } from "@switchboard/redis-emitter";
import { Redis } from "ioredis";
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

const redis = await redisForTests("redis emitter");
afterAll(() => redis.close());

const clusters = {
  switchboard: ["switchboard", "switchboard"],
  "socket.io": ["socket.io", "socket.io"],
  mixed: ["socket.io", "switchboard"],
} as const;

for (const [label, impls] of Object.entries(clusters)) {
  describe.runIf(redis.problem === undefined)(`emitter → ${label} cluster`, () => {
    const key = `em${randomBytes(4).toString("hex")}`;
    let nodes: ClusterNode[] = [];
    const clients: RecordingClient[] = [];
    const closers: (() => Promise<unknown>)[] = [];

    beforeAll(async () => {
      nodes = await Promise.all(
        impls.map((impl, i) =>
          new ClusterNode({ name: `N${i}`, url: redis.url, key, impl }).start(),
        ),
      );
      await until(
        async () =>
          (await Promise.all(nodes.map((n) => n.call<number>("serverCount")))).every(
            (c) => c === 2,
          ),
        "2 nodes",
      );
    });
    afterEach(() => {
      for (const c of clients.splice(0)) c.socket.disconnect();
    });
    afterAll(async () => {
      for (const close of closers.splice(0)) await close();
      await Promise.all(nodes.map((n) => n.kill()));
    });

    async function client(
      node: ClusterNode,
      opts: { rooms?: string[]; nsp?: string } = {},
    ): Promise<RecordingClient> {
      const c = await connectClient(node, opts);
      clients.push(c);
      return c;
    }

    async function emitter(lib: "redis" | "ioredis"): Promise<Emitter> {
      if (lib === "redis") {
        const c = createClient({ url: redis.url });
        await c.connect();
        closers.push(() => c.close());
        return new Emitter(c, { key });
      }
      const c = new Redis(redis.url);
      closers.push(() => c.quit());
      return new Emitter(c, { key });
    }

    for (const lib of ["redis", "ioredis"] as const) {
      it(`emit with every modifier reaches the right clients on both nodes (${lib})`, async () => {
        const [n0, n1] = nodes as [ClusterNode, ClusterNode];
        const e = await emitter(lib);
        const r1 = `r1-${lib}`;
        const a = await client(n0, { rooms: [r1] });
        const b = await client(n1, { rooms: ["r2"] });
        const c = await client(n1, { rooms: [r1, "x"] });
        const admin = await client(n0, { nsp: "/admin" });
        e.emit("all", 1, { k: "v" });
        e.to(r1).emit("r1");
        e.to([r1, "r2"]).emit("r1r2"); // c is in r1 only once
        e.except("x").emit("not-x");
        e.to("nobody").emit("nobody");
        e.compress(false).emit("nc");
        e.emit("bin", Buffer.from([7, 8, 9]));
        e.to(b.socket.id as string).emit("direct");
        e.of("admin").emit("admin", "only");
        e.emit("end");
        e.of("/admin").emit("end");
        await Promise.all([a, b, c, admin].map((x) => x.waitFor("end")));
        expect(names(a)).toEqual(["all", "r1", "r1r2", "not-x", "nc", "bin", "end"]);
        expect(names(b)).toEqual(["all", "r1r2", "not-x", "nc", "bin", "direct", "end"]);
        expect(names(c)).toEqual(["all", "r1", "r1r2", "nc", "bin", "end"]);
        expect(admin.events).toEqual([["admin", "only"], ["end"]]);
        expect(a.events[0]).toEqual(["all", 1, { k: "v" }]);
        const bin = c.events.find((ev) => ev[0] === "bin")?.[1] as ArrayBuffer;
        expect([...new Uint8Array(bin)]).toEqual([7, 8, 9]);
        // volatile: dropped by the nodes for a client whose transport is busy, so sent once everything is idle.
        e.to(r1).volatile.emit("vol", 1);
        e.to(r1).emit("end2");
        await Promise.all([a, c].map((x) => x.waitFor("end2")));
        expect(a.events.slice(-2)).toEqual([["vol", 1], ["end2"]]);
        expect(c.events.slice(-2)).toEqual([["vol", 1], ["end2"]]);
        expect(e.stats.failed).toBe(0);
      });

      it(`socketsJoin, socketsLeave, disconnectSockets and serverSideEmit (${lib})`, async () => {
        const [n0, n1] = nodes as [ClusterNode, ClusterNode];
        const e = await emitter(lib);
        const room = `j-${lib}`;
        const vip = `vip-${lib}`;
        const a = await client(n0, { rooms: [room] });
        const b = await client(n1, { rooms: [room] });
        const other = await client(n1, { rooms: ["other"] });
        e.in(room).socketsJoin([vip, `${vip}-2`]);
        const hasVip = async (n: ClusterNode) =>
          (await n.call<string[]>("localRooms")).includes(vip);
        await until(async () => (await hasVip(n0)) && (await hasVip(n1)), "socketsJoin");
        e.to(vip).emit("vip");
        e.emit("sync");
        await Promise.all([a, b, other].map((x) => x.waitFor("sync")));
        expect(names(a)).toEqual(["vip", "sync"]);
        expect(names(b)).toEqual(["vip", "sync"]);
        expect(names(other)).toEqual(["sync"]);

        e.in(room).except(`${vip}-none`).socketsLeave(vip);
        await until(async () => !(await hasVip(n0)) && !(await hasVip(n1)), "socketsLeave");
        expect(await n1.call<string[]>("localRooms")).toContain(`${vip}-2`);

        const gone = new Promise<string>((r) => b.socket.once("disconnect", r));
        e.in(room)
          .except(a.socket.id as string)
          .disconnectSockets();
        expect(await gone).toBe("io server disconnect");
        expect(a.socket.connected).toBe(true);

        const arg = `hi-${lib}`;
        e.serverSideEmit("ping-node", arg);
        await until(
          () => nodes.every((n) => n.serverSide.includes(arg)),
          "serverSideEmit on both nodes",
        );
        // A publisher is not a node: it never counts.
        for (const n of nodes) {
          expect(await n.call<number>("serverCount")).toBe(2);
          expect((await n.call<string[] | null>("liveNodes")) ?? []).not.toContain("emitter");
        }
      });
    }
  });
}
