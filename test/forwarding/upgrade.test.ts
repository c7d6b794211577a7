// Issue #16: default clients (polling, then the WebSocket upgrade with their sid) and WebSocket-only clients
// behind the round-robin balancer. The upgrade request lands on any of the 3 nodes; it must reach the session's
// owner, and every client ends on WebSocket with acks working.
import { afterAll, describe, expect, it } from "vitest";
import type { Socket as ClientSocket } from "socket.io-client";
import { useCleanup } from "../support/cleanup.js";
import { redisForTests } from "../support/redis.js";
import { withTimeout } from "../support/wait.js";
import {
  allConnected,
  allStats,
  client,
  echoRounds,
  startCluster,
  transportOf,
  type Tracked,
} from "./helpers.js";

const redis = await redisForTests("forwarding: upgrade");
afterAll(() => redis.close());

/** "upgrade" once the client's Engine.IO connection has upgraded, or the message of its "upgradeError". */
function upgraded(socket: ClientSocket): Promise<string> {
  const engine = socket.io.engine;
  if (transportOf(socket) === "websocket") return Promise.resolve("upgrade");
  return new Promise((resolve) => {
    engine.once("upgrade", () => resolve("upgrade"));
    engine.once("upgradeError", (err: Error) => resolve(`upgradeError: ${err.message}`));
  });
}

describe.runIf(redis.problem === undefined)("forwarding: upgrade through any node", () => {
  useCleanup();

  it("default clients all end on WebSocket, and echo works after", async () => {
    const cluster = await startCluster({ redisUrl: redis.url, adapter: "classic" });
    const tracked: Tracked[] = [];
    for (let i = 0; i < 24; i++) tracked.push(client(cluster, { timeout: 10_000 }));
    const sockets = tracked.map((t) => t.socket);
    // Listen for the upgrade as soon as the Engine.IO socket exists (it may upgrade before "connect").
    const ups = withTimeout(Promise.all(sockets.map(upgraded)), 15_000, "24 upgrades");
    await allConnected(sockets);
    expect(await ups).toEqual(sockets.map(() => "upgrade"));

    expect(sockets.map(transportOf)).toEqual(sockets.map(() => "websocket"));
    const answered = await Promise.all(sockets.map((s, i) => echoRounds(s, 10, `u${i}`)));
    expect(answered).toEqual(sockets.map(() => 10));
    expect(tracked.flatMap((t) => t.connectErrors)).toEqual([]);
    expect(tracked.flatMap((t) => t.disconnects)).toEqual([]);
    expect(cluster.balancer.sessionUnknown).toBe(0);
    // Each upgrade went to the next node, so most reached a node that does not own the session.
    const upgrades = [...cluster.balancer.upgrades.values()].reduce((a, b) => a + b, 0);
    expect(upgrades).toBe(24);
    const stats = await allStats(cluster.nodes);
    expect(stats.reduce((sum, s) => sum + s.clients, 0)).toBe(24);
    expect(
      stats.reduce((sum, s) => sum + (s.forwarding?.relayedWebSockets ?? 0), 0),
    ).toBeGreaterThan(0);
  });

  it("WebSocket-only clients connect through any node and echo", async () => {
    const cluster = await startCluster({ redisUrl: redis.url, adapter: "classic" });
    const tracked: Tracked[] = [];
    for (let i = 0; i < 12; i++) tracked.push(client(cluster, { transports: ["websocket"] }));
    const sockets = tracked.map((t) => t.socket);
    await allConnected(sockets);

    expect(sockets.map(transportOf)).toEqual(sockets.map(() => "websocket"));
    const answered = await Promise.all(sockets.map((s, i) => echoRounds(s, 10, `w${i}`)));
    expect(answered).toEqual(sockets.map(() => 10));
    expect(tracked.flatMap((t) => t.disconnects)).toEqual([]);
    // Round robin spread the 12 handshakes evenly: every node owns 4 sessions.
    const stats = await allStats(cluster.nodes);
    expect(stats.map((s) => s.clients)).toEqual([4, 4, 4]);
  });
});
