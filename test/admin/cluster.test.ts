// Two Switchboard nodes with the Redis adapter, both instrumented with a shared RedisStore: an admin socket
// on one node sees both servers in server_stats, and every socket of both nodes.
import { randomBytes } from "node:crypto";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { io as officialIo, type Socket as OfficialSocket } from "socket.io-client";
import { io as ioc, type Socket as ClientSocket } from "@switchboard/client";
import { RedisStore, type SerializedSocket, type ServerStats } from "@switchboard/admin";
import { createAdapter } from "@switchboard/redis-adapter";
import { redisForTests } from "../support/redis.js";
import { BASIC, closeAll, onCleanup, PASSWORD, startNode, USER, type Node } from "./helpers.js";

const redis = await redisForTests("admin cluster");
afterAll(() => redis.close());

async function redisClient(): Promise<Redis> {
  const client = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => 50 });
  client.on("error", () => undefined);
  await client.connect();
  onCleanup(() => client.disconnect());
  return client;
}

/** One node: its own pub/sub pair, the shared adapter key and session prefix. */
async function node(serverId: string, key: string): Promise<Node> {
  const [pub, sub, store] = await Promise.all([redisClient(), redisClient(), redisClient()]);
  return startNode(
    {
      auth: BASIC,
      mode: "development",
      serverId,
      statsInterval: 200,
      store: new RedisStore(store, { prefix: `${key}-admin` }),
    },
    { adapter: createAdapter(pub, sub, { key, requestsTimeout: 1000 }) },
  );
}

interface Admin {
  socket: OfficialSocket;
  events: [string, ...any[]][];
  wait(ev: string, pred?: (...args: any[]) => boolean): Promise<any[]>;
}

function admin(url: string, auth: Record<string, unknown>): Promise<Admin> {
  const socket = officialIo(`${url}/admin`, {
    auth,
    forceNew: true,
    reconnection: false,
    transports: ["websocket"],
  });
  onCleanup(() => socket.disconnect());
  const events: [string, ...any[]][] = [];
  const waiters: (() => void)[] = [];
  socket.onAny((ev: string, ...args: any[]) => {
    events.push([ev, ...args]);
    for (const w of waiters.splice(0)) w();
  });
  const wait = (ev: string, pred: (...args: any[]) => boolean = () => true): Promise<any[]> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for "${ev}"`)), 8000);
      const check = (): void => {
        const hit = events.find((e) => e[0] === ev && pred(...e.slice(1)));
        if (hit) {
          clearTimeout(timer);
          resolve(hit.slice(1));
        } else waiters.push(check);
      };
      check();
    });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve({ socket, events, wait }));
    socket.once("connect_error", reject);
  });
}

function client(url: string): Promise<ClientSocket> {
  const socket = ioc(url, { forceNew: true, reconnection: false, transports: ["websocket"] });
  onCleanup(() => socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

describe.runIf(redis.problem === undefined)("admin namespace over a two-node Redis cluster", () => {
  afterEach(closeAll);

  it("lists both servers with their stats and every socket of both nodes; sessions are shared", async () => {
    const key = `sb-admin-${randomBytes(4).toString("hex")}`;
    const a = await node("node-a", key);
    const b = await node("node-b", key);
    const onA = await client(a.url);
    const onB1 = await client(b.url);
    const onB2 = await client(b.url);

    const adm = await admin(a.url, { username: USER, password: PASSWORD });
    const [sessionId] = await adm.wait("session");
    // both nodes' stats reach the admin socket on node A
    const [statsA] = (await adm.wait(
      "server_stats",
      (s: ServerStats) => s.serverId === "node-a",
    )) as [ServerStats];
    const [statsB] = (await adm.wait(
      "server_stats",
      (s: ServerStats) =>
        s.serverId === "node-b" && s.namespaces.some((n) => n.name === "/" && n.socketsCount === 2),
    )) as [ServerStats];
    expect(statsA.namespaces.find((n) => n.name === "/")?.socketsCount).toBe(1);
    expect(statsB.clientsCount).toBe(2);

    // all_sockets: every socket of both nodes
    const [sockets] = (await adm.wait("all_sockets")) as [SerializedSocket[]];
    const ids = sockets.filter((s) => s.nsp === "/").map((s) => s.id);
    expect(ids.sort()).toEqual([onA.id, onB1.id, onB2.id].sort());

    // live updates from node B reach the admin socket on node A
    const late = await client(b.url);
    await adm.wait("socket_connected", (s: SerializedSocket) => s.id === late.id);

    // an action from node A's admin socket reaches a socket on node B
    const gone = new Promise<string>((resolve) =>
      onB1.once("disconnect", (r: string) => resolve(r)),
    );
    adm.socket.emit("_disconnect", "/", false, onB1.id);
    expect(await gone).toBe("io server disconnect");

    // the session issued by node A is accepted by node B (shared RedisStore)
    const again = await admin(b.url, { sessionId });
    await again.wait("config");
  });
});
