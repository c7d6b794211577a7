// Issue #16, failure cases behind the round-robin balancer: a node killed mid-session (SIGKILL), Redis restarted
// mid-run, and a forged `sid` sent from outside. Clients reconnect by themselves; nothing hangs; no process dies.
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import type { Socket as ClientSocket } from "socket.io-client";
import { onCleanup, useCleanup } from "../support/cleanup.js";
import { canStartPrivateRedis, redisForTests, startPrivateRedis } from "../support/redis.js";
import { waitFor, waitUntil } from "../support/wait.js";
import {
  addNode,
  allConnected,
  allStats,
  client,
  echoRounds,
  RECONNECTING,
  startCluster,
  transportOf,
  type Cluster,
  type ForwardingNode,
  type Tracked,
} from "./helpers.js";

const redis = await redisForTests("forwarding: failure");
afterAll(() => redis.close());
const privateRedis = redis.problem === undefined && canStartPrivateRedis("forwarding: failure");

interface Who {
  node: string;
  id: string;
  recovered: boolean;
}

const TRANSPORTS = [["polling"], ["polling", "websocket"], ["websocket"]] as const;

/** 12 reconnecting clients, 4 of each kind, connected one after the other (so their sessions spread). */
async function spreadClients(cluster: Cluster): Promise<Tracked[]> {
  const tracked: Tracked[] = [];
  for (let i = 0; i < 12; i++) {
    const t = client(cluster, { ...RECONNECTING, transports: [...TRANSPORTS[i % 3]!] });
    tracked.push(t);
    await allConnected([t.socket]);
  }
  // The default clients finish their upgrade before the failure, so their route is known.
  await waitFor(
    () => tracked.every((t, i) => i % 3 !== 1 || transportOf(t.socket) === "websocket"),
    "default clients upgraded",
    10_000,
  );
  return tracked;
}

/** The node owning the most of these sessions (the one whose death matters most). */
function busiest(cluster: Cluster, owners: string[]): ForwardingNode {
  const count = (n: ForwardingNode): number => owners.filter((o) => o === n.name).length;
  return cluster.nodes.reduce((a, b) => (count(b) > count(a) ? b : a));
}

const whoami = (s: ClientSocket): Promise<Who> => s.timeout(5000).emitWithAck("whoami");

/** Sends a raw HTTP request to `port` and resolves with its status and body. */
function httpGet(
  port: number,
  path: string,
  method = "GET",
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
      let text = "";
      res.on("data", (d: Buffer) => (text += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** A WebSocket upgrade request with `sid`: resolves with the HTTP status the node answers instead of 101. */
function upgradeStatus(port: number, sid: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: `/socket.io/?EIO=4&transport=websocket&sid=${sid}`,
      agent: false,
      headers: {
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": randomBytes(16).toString("base64"),
      },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("upgrade", (_res, socket) => {
      socket.destroy();
      resolve(101);
    });
    req.on("error", reject);
    req.end();
  });
}

const SESSION_UNKNOWN = { code: 1, message: "Session ID unknown" };
const randomRest = (n: number): string => randomBytes(n).toString("base64url").slice(0, n);

describe.runIf(redis.problem === undefined)("forwarding: failures", () => {
  useCleanup();

  it("a node killed mid-session: its clients reconnect elsewhere, the others are untouched", async () => {
    const cluster = await startCluster({ redisUrl: redis.url, adapter: "classic" });
    const tracked = await spreadClients(cluster);
    const sockets = tracked.map((t) => t.socket);
    const owners = (await Promise.all(sockets.map(whoami))).map((w) => w.node);
    const victim = busiest(cluster, owners);
    expect(owners).toContain(victim.name);
    // Its clients: the sessions it owns, and the upgraded ones whose WebSocket is relayed through it.
    const hit = tracked.map(
      (t, i) =>
        owners[i] === victim.name ||
        cluster.balancer.upgradeRoutes.get(t.socket.io.engine.id) === victim.name,
    );
    expect(hit.filter((h) => !h).length).toBeGreaterThan(0); // some clients do not touch the victim

    // The balancer's health check takes the node out of the rotation; pending polls are answered (a broadcast),
    // so no other session's long poll is still passing through the node when it dies.
    cluster.balancer.backends = cluster.nodes.filter((n) => n !== victim);
    await cluster.nodes[0]!.call("emit", { spec: {}, ev: "flush", args: [] });
    await waitFor(
      () => (cluster.balancer.inFlight.get(victim.name) ?? 0) === 0,
      "no poll through the victim",
    );
    await victim.kill();

    await waitFor(
      () => tracked.every((t, i) => !hit[i] || (t.connects.length === 2 && t.socket.connected)),
      "the victim's clients back",
      15_000,
    );
    const after = await Promise.all(sockets.map(whoami));
    expect(after.map((w) => w.node)).not.toContain(victim.name);
    for (const [i, t] of tracked.entries()) {
      if (hit[i]) expect(t.disconnects.length).toBe(1);
      else expect(t.disconnects).toEqual([]); // untouched: same session, no disconnect
      if (!hit[i]) expect(t.connects).toEqual([false]);
    }
    expect(await Promise.all(sockets.map((s, i) => echoRounds(s, 5, `k${i}`)))).toEqual(
      sockets.map(() => 5),
    );
    const stats = await allStats(cluster.nodes);
    expect(stats.reduce((sum, s) => sum + s.clients, 0)).toBe(12);
  }, 40_000);

  it("streams adapter, a node crashes while the balancer still routes to it: its clients recover", async () => {
    const cluster = await startCluster({ redisUrl: redis.url, adapter: "streams" });
    const tracked = await spreadClients(cluster);
    const sockets = tracked.map((t) => t.socket);
    const before = await Promise.all(sockets.map(whoami));
    const victim = busiest(
      cluster,
      before.map((w) => w.node),
    );
    const owned = before.map((w) => w.node === victim.name);
    expect(owned).toContain(true);
    // Every client gets a broadcast first: its offset is what it presents to recover.
    const got = sockets.map(() => 0);
    sockets.forEach((s, i) => s.on("tick", () => got[i]!++));
    await cluster.nodes[0]!.call("emit", { spec: {}, ev: "tick", args: [1] });
    await waitFor(() => got.every((n) => n === 1), "the first tick everywhere");

    await victim.kill();
    // A dumb balancer keeps sending to the dead node until its health check notices (here: the first 502).
    await waitFor(() => cluster.balancer.badGateway > 0, "a 502 from the dead node", 10_000);
    cluster.balancer.backends = cluster.nodes.filter((n) => n !== victim);

    await waitFor(
      () => tracked.every((t, i) => !owned[i] || (t.connects.length >= 2 && t.socket.connected)),
      "the victim's clients back",
      20_000,
    );
    await waitFor(() => tracked.every((t) => t.socket.connected), "every client connected", 15_000);
    const after = await Promise.all(sockets.map(whoami));
    for (const [i, t] of tracked.entries()) {
      if (!owned[i]) continue;
      // Recovered on a live node: same id, `recovered` on both ends.
      expect(after[i]!.node).not.toBe(victim.name);
      expect(t.connects.at(-1)).toBe(true);
      expect(after[i]!.recovered).toBe(true);
      expect(after[i]!.id).toBe(before[i]!.id);
    }
    expect(await Promise.all(sockets.map((s, i) => echoRounds(s, 5, `s${i}`)))).toEqual(
      sockets.map(() => 5),
    );
  }, 60_000);

  it.runIf(privateRedis)(
    "Redis restarted mid-run: sessions keep working or reconnect, nothing hangs",
    async () => {
      const server = await startPrivateRedis();
      onCleanup(() => server.close());
      const cluster = await startCluster({ redisUrl: server.url, adapter: "classic" });
      const polling: Tracked[] = [];
      const ws: Tracked[] = [];
      for (let i = 0; i < 6; i++)
        polling.push(client(cluster, { ...RECONNECTING, transports: ["polling"] }));
      for (let i = 0; i < 3; i++)
        ws.push(client(cluster, { ...RECONNECTING, transports: ["websocket"] }));
      const tracked = [...polling, ...ws];
      const all = tracked.map((t) => t.socket);
      await allConnected(all);
      expect(await Promise.all(all.map((s, i) => echoRounds(s, 5, `a${i}`)))).toEqual(
        all.map(() => 5),
      );

      await server.kill();
      // A WebSocket is held by its owner: it needs no Redis to go on.
      expect(await Promise.all(ws.map((t, i) => echoRounds(t.socket, 5, `b${i}`)))).toEqual([
        5, 5, 5,
      ]);
      // Polling requests for sessions on other nodes: they work (peers already known) or fail fast with a
      // disconnect; a round trip that neither answers nor disconnects would be a hang.
      const during = await Promise.all(
        polling.map((t, i) => echoRounds(t.socket, 3, `c${i}`).catch(() => -1)),
      );
      expect(during.map((n, i) => n === 3 || polling[i]!.disconnects.length > 0)).toEqual(
        polling.map(() => true),
      );

      await server.restart();
      // A node started now knows its peers only through the restarted (empty) Redis: requests it gets for the
      // others' sessions work once they have published their addresses again, and its own sessions are reachable.
      const late = await addNode(cluster);
      for (let i = 0; i < 3; i++)
        polling.push(client(cluster, { ...RECONNECTING, transports: ["polling"] }));
      tracked.push(...polling.slice(6));
      all.push(...polling.slice(6).map((t) => t.socket));
      await waitUntil(
        async () => {
          if (!all.every((s) => s.connected)) return false;
          const ok = await Promise.all(
            all.map((s, i) =>
              echoRounds(s, 3, `d${i}`).then(
                () => true,
                () => false,
              ),
            ),
          );
          return ok.every(Boolean);
        },
        "every client answering after the restart",
        30_000,
        100,
      );
      const marks = tracked.map((t) => t.disconnects.length);
      const before = cluster.balancer.requests.get(late.name) ?? 0;
      expect(await Promise.all(all.map((s, i) => echoRounds(s, 10, `e${i}`)))).toEqual(
        all.map(() => 10),
      );
      expect(tracked.map((t) => t.disconnects.length)).toEqual(marks);
      expect(ws.flatMap((t) => t.disconnects)).toEqual([]);
      expect(cluster.balancer.requests.get(late.name) ?? 0).toBeGreaterThan(before);
      // The late node sees every client's socket across the cluster (sessions a client left behind when it
      // reconnected may still be there until their ping timeout).
      const seen = await late.call<{ id: string }[]>("fetchSockets", {});
      expect(seen.map((x) => x.id)).toEqual(expect.arrayContaining(all.map((s) => s.id)));
      expect(cluster.nodes.every((n) => n.alive)).toBe(true);
    },
    60_000,
  );

  it("a forged sid from outside gets 400 Session ID unknown, and every node stays up", async () => {
    const cluster = await startCluster({ redisUrl: redis.url, adapter: "classic" });
    const stats = await allStats(cluster.nodes);
    const tags = stats.map((s) => s.forwarding?.tag);
    expect(tags.every((t) => typeof t === "string" && t.length === 6)).toBe(true);
    const forged = [
      randomRest(26), // a random tag nobody holds
      `${tags[0]!}${randomRest(20)}`, // a real node's tag, a made-up session
      `${tags[1]!}${randomRest(20)}`,
      `${randomRest(6)}/../${randomRest(16)}`, // not even a tag's alphabet
    ];
    const ports = [cluster.balancer.port, ...cluster.nodes.map((n) => n.port)];
    for (const sid of forged) {
      for (const port of ports) {
        const q = `/socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`;
        const get = await httpGet(port, q);
        expect(get.status).toBe(400);
        expect(JSON.parse(get.body)).toEqual(SESSION_UNKNOWN);
        const post = await httpGet(port, q, "POST", "4hello", { "content-type": "text/plain" });
        expect(post.status).toBe(400);
        expect(JSON.parse(post.body)).toEqual(SESSION_UNKNOWN);
        expect(await upgradeStatus(port, encodeURIComponent(sid))).toBe(400);
      }
    }
    // Nothing crashed, nothing leaked, and the cluster still serves a real client.
    expect(cluster.nodes.every((n) => n.alive)).toBe(true);
    const after = await allStats(cluster.nodes);
    expect(after.map((s) => s.clients)).toEqual([0, 0, 0]);
    const t = client(cluster, { transports: ["polling"] });
    await allConnected([t.socket]);
    expect(await echoRounds(t.socket, 5, "real")).toBe(5);
  });
});
