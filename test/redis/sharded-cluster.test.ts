// The sharded pub/sub adapter (`createShardedAdapter`) on a real Redis Cluster: three masters started here, three
// Switchboard servers in this process, each with its own pair of cluster clients (node-redis `createCluster`, then
// ioredis `Cluster` with `shardedSubscribers`), and official socket.io-client clients. Rooms whose channels hash to
// slots on different masters, acks, fetchSockets, bulk operations, serverSideEmit, serverCount, recovery on the same
// node (the stored session keeps the room's shard subscription), then a restart of one master. Without
// redis-server/redis-cli it skips loudly, and fails under CI=true.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { Cluster } from "ioredis";
import { createCluster } from "redis";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server } from "@switchboard/server";
import {
  createShardedAdapter,
  RedisAdapterErrorCode,
  type ShardedRedisAdapter,
} from "@switchboard/redis-adapter";
import { clusterForTests, startCluster, type TestCluster } from "../support/redis-cluster.js";
import { waitFor, waitUntil } from "../support/wait.js";
import { drop, reconnect } from "./recovery-helpers.js";

const ok = clusterForTests("redis-adapter: sharded adapter on a Redis Cluster");

type Lib = "redis" | "ioredis";

interface Node {
  name: string;
  io: Server;
  http: HttpServer;
  port: number;
  url: string;
  /** serverSideEmit calls without ack this node received. */
  serverSide: unknown[];
  close(): Promise<void>;
}

interface Client {
  socket: ClientSocket;
  /** `[event, arg]` of every "e" event, in arrival order. */
  got: unknown[];
}

let seq = 0;

async function clusterPair(lib: Lib, ports: number[]) {
  if (lib === "redis") {
    const pub = createCluster({
      rootNodes: ports.map((p) => ({ url: `redis://127.0.0.1:${p}` })),
    });
    const sub = pub.duplicate();
    pub.on("error", () => undefined);
    sub.on("error", () => undefined);
    await Promise.all([pub.connect(), sub.connect()]);
    const close = async (): Promise<void> => {
      await Promise.all([pub.close(), sub.close()]).catch(() => undefined);
    };
    return { pub, sub, close };
  }
  // Sharded subscriptions on an ioredis Cluster need `shardedSubscribers` (one subscriber per shard).
  const make = () => {
    const c = new Cluster(
      ports.map((port) => ({ host: "127.0.0.1", port })),
      { shardedSubscribers: true },
    );
    c.on("error", () => undefined);
    return c;
  };
  const pub = make();
  const sub = make();
  await Promise.all(
    [pub, sub].map((c) => new Promise<void>((resolve) => c.once("ready", () => resolve()))),
  );
  const close = async (): Promise<void> => {
    pub.disconnect();
    sub.disconnect();
  };
  return { pub, sub, close };
}

async function startNode(
  lib: Lib,
  cluster: TestCluster,
  prefix: string,
  name: string,
  recovery: boolean,
) {
  const { pub, sub, close: closeClients } = await clusterPair(lib, cluster.ports);
  const http = createServer();
  const io = new Server(http, {
    adapter: createShardedAdapter(pub, sub, { channelPrefix: prefix, requestsTimeout: 3000 }),
    transports: ["websocket"],
    ...(recovery ? { connectionStateRecovery: { maxDisconnectionDuration: 30_000 } } : {}),
  });
  const serverSide: unknown[] = [];
  io.on("connection", (socket) => {
    if (socket.recovered) return;
    socket.data = { node: name };
    const rooms = (socket.handshake.auth as { rooms?: string[] }).rooms ?? [];
    void socket.join(rooms);
  });
  io.on("ping-node", (arg: unknown, cb?: (v: string) => void) => {
    if (typeof cb === "function") cb(`${name}:${String(arg)}`);
    else serverSide.push(arg);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const node: Node = {
    name,
    io,
    http,
    port,
    url,
    serverSide,
    async close() {
      await io.close();
      await closeClients();
    },
  };
  return node;
}

/** `count` room names whose dynamic channels (`<prefix>#/#<room>#`) live on `count` different masters. */
function roomsOnDistinctMasters(cluster: TestCluster, prefix: string, count: number): string[] {
  const byMaster = new Map<number, string>();
  for (let i = 0; byMaster.size < count; i++) {
    if (i > 10_000) throw new Error("could not spread rooms over the masters");
    const room = `room-${i}`;
    const master = cluster.masterOf(`${prefix}#/#${room}#`);
    if (!byMaster.has(master)) byMaster.set(master, room);
  }
  return [...byMaster.values()];
}

describe("sharded adapter: ioredis Cluster clients", () => {
  it("refuses a subscriber Cluster without shardedSubscribers (it would never get a sharded message)", () => {
    const nodes = [{ host: "127.0.0.1", port: 1 }];
    const pub = new Cluster(nodes, { lazyConnect: true });
    const deaf = new Cluster(nodes, { lazyConnect: true });
    const sharded = new Cluster(nodes, { lazyConnect: true, shardedSubscribers: true });
    expect(() => createShardedAdapter(pub, deaf)).toThrow(
      expect.objectContaining({
        code: RedisAdapterErrorCode.UNSUPPORTED_CLIENT,
        message: expect.stringContaining("shardedSubscribers: true"),
      }),
    );
    expect(typeof createShardedAdapter(pub, sharded)).toBe("function");
  });
});

describe.runIf(ok)("sharded adapter on a Redis Cluster", () => {
  let cluster: TestCluster;
  const nodes: Node[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    cluster = await startCluster();
  }, 30_000);
  afterAll(async () => {
    await cluster?.close();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) {
      c.socket.disconnect();
      c.socket.io._close();
    }
    await Promise.all(nodes.splice(0).map((n) => n.close()));
  });

  async function setUp(lib: Lib, recovery = false) {
    const prefix = `sb-sharded-${lib}-${process.pid}-${seq++}`;
    for (const name of ["A", "B", "C"])
      nodes.push(await startNode(lib, cluster, prefix, name, recovery));
    const [a, b, c] = nodes as [Node, Node, Node];
    await Promise.all(nodes.map((n) => n.io.of("/").adapter.init?.()));
    const connect = async (node: Node, rooms: string[]): Promise<Client> => {
      const socket = ioc(node.url, {
        forceNew: true,
        reconnection: false,
        transports: ["websocket"],
        auth: { rooms },
      });
      const client: Client = { socket, got: [] };
      clients.push(client);
      socket.on("e", (arg: unknown) => client.got.push(arg));
      socket.on("ask", (arg: unknown, cb: (v: string) => void) =>
        cb(`${node.name}:${String(arg)}`),
      );
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      return client;
    };
    return { prefix, a, b, c, connect };
  }

  /** The number of nodes subscribed to a sharded channel, asked of the master that owns its slot. */
  const shardSubscribers = (channel: string): number =>
    Number(cluster.cli(cluster.masterOf(channel), "pubsub", "shardnumsub", channel).split("\n")[1]);

  for (const lib of ["redis", "ioredis"] as Lib[]) {
    it(`rooms on three shards, acks, fetchSockets, serverSideEmit with ${lib}`, async () => {
      const { prefix, a, b, c, connect } = await setUp(lib);
      const [x, y, z] = roomsOnDistinctMasters(cluster, prefix, 3) as [string, string, string];
      const c1 = await connect(a, [x]);
      const c2 = await connect(b, [y]);
      const c3 = await connect(c, [x, y, z]);
      // Each node holds its own rooms' channels on their shards, and no other (dynamic mode).
      await waitUntil(
        () =>
          shardSubscribers(`${prefix}#/#${x}#`) === 2 &&
          shardSubscribers(`${prefix}#/#${y}#`) === 2 &&
          shardSubscribers(`${prefix}#/#${z}#`) === 1 &&
          shardSubscribers(`${prefix}#/#`) === 3,
        "the room and namespace channels subscribed on their shards",
        5000,
      );
      expect(await a.io.of("/").adapter.serverCount()).toBe(3);

      a.io.to(x).emit("e", "x1");
      await waitFor(() => c1.got.length === 1 && c3.got.length === 1, "x1 on A and C");
      a.io.to(y).emit("e", "y1");
      await waitFor(() => c2.got.length === 1 && c3.got.length === 2, "y1 on B and C");
      b.io.to(z).emit("e", "z1");
      await waitFor(() => c3.got.length === 3, "z1 on C");
      c.io.except(x).emit("e", "not-x");
      await waitFor(() => c2.got.length === 2, "not-x on B");
      c.io.emit("e", "all");
      await waitFor(
        () => c1.got.length === 2 && c2.got.length === 3 && c3.got.length === 4,
        "the broadcast to everyone",
      );
      expect(c1.got).toEqual(["x1", "all"]);
      expect(c2.got).toEqual(["y1", "not-x", "all"]);
      expect(c3.got).toEqual(["x1", "y1", "z1", "all"]);

      // Acks from clients on every node (acks travel on the namespace channel and the response channels).
      const everyone = await a.io.timeout(3000).emitWithAck("ask", "q");
      expect([...(everyone as string[])].sort()).toEqual(["A:q", "B:q", "C:q"]);
      const inY = await b.io.to(y).timeout(3000).emitWithAck("ask", "r");
      expect([...(inY as string[])].sort()).toEqual(["B:r", "C:r"]);

      // fetchSockets across the shards, with the remote sockets' data and rooms.
      const inX = await b.io.in(x).fetchSockets();
      expect(inX.map((s) => s.id).sort()).toEqual([c1.socket.id, c3.socket.id].sort());
      expect(inX.map((s) => (s.data as { node: string }).node).sort()).toEqual(["A", "C"]);
      const remote = inX.find((s) => s.id === c3.socket.id);
      expect([...(remote?.rooms ?? [])].sort()).toEqual([c3.socket.id, x, y, z].sort());

      // A bulk operation from another node: c1 (on A) joins z, whose channel lives on another shard.
      b.io.in(c1.socket.id!).socketsJoin(z);
      await waitUntil(
        async () => (await c.io.in(z).fetchSockets()).length === 2,
        "c1 joined z remotely",
        5000,
      );
      await waitUntil(
        () => shardSubscribers(`${prefix}#/#${z}#`) === 2,
        "A subscribed to z's channel",
        5000,
      );
      c.io.to(z).emit("e", "z2");
      await waitFor(() => c1.got.includes("z2") && c3.got.includes("z2"), "z2 on A and C");

      // serverSideEmit, with and without ack.
      const pongs = await a.io.serverSideEmitWithAck("ping-node", "p");
      expect([...(pongs as string[])].sort()).toEqual(["B:p", "C:p"]);
      a.io.serverSideEmit("ping-node", "fire");
      await waitFor(
        () => b.serverSide.length === 1 && c.serverSide.length === 1,
        "serverSideEmit on B and C",
      );
      expect(a.serverSide).toEqual([]);
    }, 45_000);

    it(`recovers a client on its node with what another node sent to a room on another shard, with ${lib}`, async () => {
      const { prefix, a, b, connect } = await setUp(lib, true);
      const [x] = roomsOnDistinctMasters(cluster, prefix, 1) as [string];
      const c1 = await connect(a, [x]);
      await waitUntil(() => shardSubscribers(`${prefix}#/#${x}#`) === 1, "A subscribed to x", 5000);
      b.io.to(x).emit("e", "live");
      await waitFor(() => c1.got.length === 1, "the live event");
      const id = c1.socket.id;
      await drop(a, c1.socket);
      b.io.to(x).emit("e", "missed-1");
      b.io.to(`${x}-other`).emit("e", "not-for-you");
      b.io.emit("e", "missed-2");
      // A stored both for the session ("live" is the first packet) before the client comes back.
      await waitUntil(
        () => (a.io.of("/").adapter as ShardedRedisAdapter).recoveryStats()?.packetsStored === 3,
        "A stored the missed broadcasts",
        5000,
      );
      // c1 was A's only socket in x: the stored session kept A subscribed to x's channel (on its shard).
      expect(shardSubscribers(`${prefix}#/#${x}#`)).toBe(1);
      const server = await reconnect(a, c1.socket);
      expect(server.recovered).toBe(true);
      expect(c1.socket.recovered).toBe(true);
      expect(server.id).toBe(id);
      expect([...server.rooms].sort()).toEqual([id, x].sort());
      expect(server.data).toEqual({ node: "A" });
      await waitFor(() => c1.got.length === 3, "the replayed events");
      // Each once. missed-1 (x's channel) and missed-2 (the namespace channel) came to A over two shards, so A may
      // have stored them in either order (see the README: order holds per channel only on a cluster).
      expect(c1.got[0]).toBe("live");
      expect(c1.got.slice(1).sort()).toEqual(["missed-1", "missed-2"]);
    }, 45_000);

    it(`keeps working after a restart of a master with ${lib}`, async () => {
      const { prefix, a, b, c, connect } = await setUp(lib);
      const [x, y] = roomsOnDistinctMasters(cluster, prefix, 2) as [string, string];
      const c1 = await connect(a, [x]);
      const c2 = await connect(b, [x, y]);
      const c3 = await connect(c, [y]);
      // Joining subscribes to the room's channel asynchronously: emit once A and B are subscribed to x's.
      await waitFor(
        () => shardSubscribers(`${prefix}#/#${x}#`) === 2,
        "A and B subscribed to x's channel",
        10_000,
      );
      a.io.to(x).emit("e", "before");
      await waitFor(() => c1.got.length === 1 && c2.got.length === 1, "before the restart");

      // The master of the namespace channel: every node's main subscription lives there.
      const victim = cluster.masterOf(`${prefix}#/#`);
      await cluster.restart(victim);

      // Pub/sub is at most once: a message published before a node has resubscribed is lost. Probe until the
      // subscriptions are back, then everything must work again.
      let n = 0;
      await waitUntil(
        async () => {
          a.io.emit("e", `probe-${n++}`);
          await new Promise((r) => setTimeout(r, 100));
          return [c1, c2, c3].every((cl) => cl.got.some((g) => String(g).startsWith("probe-")));
        },
        "a broadcast reaching every node after the restart",
        20_000,
        100,
      );
      for (const cl of [c1, c2, c3]) cl.got.length = 0;
      await waitUntil(
        () =>
          shardSubscribers(`${prefix}#/#${x}#`) === 2 &&
          shardSubscribers(`${prefix}#/#${y}#`) === 2,
        "the room channels subscribed again",
        15_000,
        100,
      );
      b.io.to(x).emit("e", "x-after");
      c.io.to(y).emit("e", "y-after");
      await waitFor(
        () =>
          c1.got.includes("x-after") &&
          c2.got.includes("x-after") &&
          c2.got.includes("y-after") &&
          c3.got.includes("y-after"),
        "room broadcasts after the restart",
        5000,
      );
      expect(c1.got.filter((g) => !String(g).startsWith("probe-"))).toEqual(["x-after"]);
      expect(c3.got.filter((g) => !String(g).startsWith("probe-"))).toEqual(["y-after"]);
      const all = await c.io.fetchSockets();
      expect(all.map((s) => s.id).sort()).toEqual(
        [c1.socket.id, c2.socket.id, c3.socket.id].sort(),
      );
      const acks = await a.io.timeout(3000).emitWithAck("ask", "again");
      expect([...(acks as string[])].sort()).toEqual(["A:again", "B:again", "C:again"]);
      const pongs = await b.io.serverSideEmitWithAck("ping-node", "p");
      expect([...(pongs as string[])].sort()).toEqual(["A:p", "C:p"]);
      expect(await a.io.of("/").adapter.serverCount()).toBe(3);
    }, 60_000);
  }
});
