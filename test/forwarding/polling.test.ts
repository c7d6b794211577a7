// Issue #16: polling-only clients behind a round-robin balancer that sends every request to the next of 3 nodes.
// With forwarding (the default with a Switchboard Redis adapter) every round trip is answered; without it, the
// same setup fails with "Session ID unknown" within a few requests (the negative control).
import { afterAll, describe, expect, it } from "vitest";
import { useCleanup } from "../support/cleanup.js";
import { redisForTests } from "../support/redis.js";
import type { ClientOptions } from "../support/net.js";
import {
  allConnected,
  allStats,
  client,
  echoRounds,
  startCluster,
  totalForwarded,
  type AdapterKind,
  type Tracked,
} from "./helpers.js";

const redis = await redisForTests("forwarding: polling");
afterAll(() => redis.close());

const POLLING: ClientOptions = { transports: ["polling"], timeout: 10_000 };

async function pollingRun(adapter: AdapterKind, clients: number, rounds: number): Promise<void> {
  const cluster = await startCluster({ redisUrl: redis.url, adapter });
  const tracked: Tracked[] = [];
  for (let i = 0; i < clients; i++) tracked.push(client(cluster, POLLING));
  await allConnected(tracked.map((t) => t.socket));

  // A failed round trip is kept as its message, so the assertions below show what went wrong.
  const answered = await Promise.all(
    tracked.map((t, i) =>
      echoRounds(t.socket, rounds, `c${i}`).catch((err: Error) => `failed: ${err.message}`),
    ),
  );

  expect(tracked.flatMap((t) => t.disconnects)).toEqual([]);
  expect(tracked.flatMap((t) => t.connectErrors)).toEqual([]);
  expect(Object.fromEntries(cluster.balancer.statuses)).toEqual({ 200: expect.any(Number) });
  expect(answered).toEqual(tracked.map(() => rounds));
  expect(tracked.every((t) => t.socket.io.engine.transport.name === "polling")).toBe(true);
  // The balancer spread the requests over all 3 nodes and never passed back a "Session ID unknown".
  expect(cluster.balancer.sessionUnknown).toBe(0);
  expect(cluster.balancer.badGateway).toBe(0);
  for (const n of cluster.nodes)
    expect(cluster.balancer.requests.get(n.name) ?? 0).toBeGreaterThan(0);
  // Each session lives on one node, and the requests that reached the others crossed over to it.
  const stats = await allStats(cluster.nodes);
  expect(stats.reduce((sum, s) => sum + s.clients, 0)).toBe(clients);
  expect(stats.every((s) => s.forwarding !== null)).toBe(true);
  expect(totalForwarded(stats)).toBeGreaterThan(0);
  expect(stats.reduce((sum, s) => sum + (s.forwarding?.refused ?? 0), 0)).toBe(0);
}

describe.runIf(redis.problem === undefined)("forwarding: polling-only clients, round robin", () => {
  useCleanup();

  it("classic adapter: 50 clients x 100 round trips with acks, none lost", async () => {
    await pollingRun("classic", 50, 100);
  }, 60_000);

  it("sharded adapter: 10 clients x 20 round trips", async () => {
    await pollingRun("sharded", 10, 20);
  });

  it("streams adapter: 10 clients x 20 round trips", async () => {
    await pollingRun("streams", 10, 20);
  });

  it("negative control: with forwarding off, round robin breaks polling sessions", async () => {
    const cluster = await startCluster({
      redisUrl: redis.url,
      adapter: "classic",
      forwarding: false,
    });
    const tracked: Tracked[] = [];
    for (let i = 0; i < 5; i++) tracked.push(client(cluster, POLLING));
    // Each client either fails to connect or fails within a few round trips.
    const outcomes = await Promise.all(
      tracked.map(async (t, i) => {
        try {
          await allConnected([t.socket]);
          await echoRounds(t.socket, 5, `c${i}`);
          return "ok";
        } catch {
          return "failed";
        }
      }),
    );
    expect(outcomes.filter((o) => o === "failed").length).toBeGreaterThan(0);
    expect(cluster.balancer.sessionUnknown).toBeGreaterThan(0);
    const stats = await allStats(cluster.nodes);
    expect(stats.every((s) => s.forwarding === null)).toBe(true);
  });
});
