// The order feed driven by a separate worker through @switchboard/redis-emitter: two dashboard servers on Redis share
// a SQLite file with the worker; every viewer of either server gets the worker's orders and the fresh stats.
import { randomBytes } from "node:crypto";
import { join as pathJoin } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisForTests } from "../../../test/support/redis.js";
import { SqliteStore } from "../src/sqlite-store.js";
import type { Order, Stats } from "../src/types.js";
import { startWorker } from "../src/worker.js";
import { cleanup, once, startDashboard, tempDir, viewer } from "./helpers.js";

const redis = await redisForTests("dashboard worker");
afterAll(() => redis.close());
afterEach(cleanup);

describe.runIf(redis.problem === undefined)("dashboard fed by a worker process", () => {
  it("a worker's orders reach the viewers of every dashboard server through Redis", async () => {
    const file = pathJoin(tempDir(), "dashboard.db");
    const redisKey = `dash${randomBytes(4).toString("hex")}`;
    const servers = [
      await startDashboard({ store: new SqliteStore(file), redisUrl: redis.url, redisKey }),
      await startDashboard({ store: new SqliteStore(file), redisUrl: redis.url, redisKey }),
    ];
    const viewers = await Promise.all(servers.map((s) => viewer(s)));
    const store = new SqliteStore(file);
    await store.init();
    const waits = viewers.flatMap(({ socket }) => [
      once<[Order]>(socket, "order:new", (o) => o.item === "from-worker"),
      once<[Stats]>(socket, "stats", (s) => s.total >= 1),
    ]);
    const worker = await startWorker({
      store,
      redisUrl: redis.url,
      key: redisKey,
      everyMs: 60_000, // the first order goes at once; one is enough
      next: () => ({ user: "worker", item: "from-worker", amount: 9.5 }),
    });
    try {
      const got = await Promise.all(waits);
      for (const [order] of got.filter((_, i) => i % 2 === 0) as [Order][])
        expect(order).toMatchObject({ user: "worker", item: "from-worker", amount: 9.5 });
      for (const [stats] of got.filter((_, i) => i % 2 === 1) as [Stats][])
        expect(stats.topUsers).toContainEqual({ user: "worker", count: 1 });
      expect(worker.sent).toBe(1);
      // A viewer connecting now gets the worker's order in its snapshot (same store).
      const late = await viewer(servers[1]!);
      expect(late.snapshot.orders[0]).toMatchObject({ item: "from-worker" });
    } finally {
      await worker.stop();
      await store.close();
    }
  });
});
