// Recovery in admin's /metrics: sessions stored, attempts, successes, failures by reason, events replayed and the
// stream lag, read from the adapters' recoveryStats(); the pid never shows.
import {
  SessionAwareAdapter,
  type AdapterNamespace,
  type RecoveryStats,
} from "@switchboard/adapter";
import { metrics } from "@switchboard/admin";
import { createAdapter } from "@switchboard/redis-adapter";
import { Server, type ServerOptions } from "@switchboard/server";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisForTests } from "../support/redis.js";
import { cleanups, connect, drop, received, reconnect } from "./recovery-helpers.js";

const redis = await redisForTests("recovery metrics");
afterAll(() => redis.close());
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(opts: Partial<ServerOptions>) {
  const http = createServer();
  const io = new Server(http, {
    ...opts,
    transports: ["websocket"],
    connectionStateRecovery: {},
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const m = metrics(io);
  cleanups.push(() => io.close());
  cleanups.push(() => m.close());
  const port = (http.address() as AddressInfo).port;
  const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return { io, port, scrape };
}

describe.runIf(redis.problem === undefined)("recovery metrics", () => {
  it("counts attempts, successes, failures by reason and replayed events (classic Redis adapter)", async () => {
    const pub = createClient({ url: redis.url });
    const sub = pub.duplicate();
    await Promise.all([pub.connect(), sub.connect()]);
    cleanups.push(() => Promise.allSettled([pub.close(), sub.close()]));
    const key = `rm${randomBytes(4).toString("hex")}`;
    const node = await serve({ adapter: createAdapter(pub, sub, { key }) });
    const client = await connect(node);
    node.io.emit("tick");
    await received(client.events, "tick");
    await drop(node, client.socket);
    node.io.emit("missed", 1);
    node.io.emit("missed", 2);
    const stored = await node.scrape();
    expect(stored).toContain('switchboard_recovery_sessions_stored{namespace="/"} 1');
    const again = await reconnect(node, client.socket);
    expect(again.recovered).toBe(true);
    await drop(node, client.socket);
    const internals = client.socket as unknown as { _pid: string };
    const pid = internals._pid;
    internals._pid = "forged";
    expect((await reconnect(node, client.socket)).recovered).toBe(false);
    const body = await node.scrape();
    expect(body).toContain('switchboard_recovery_attempts_total{namespace="/"} 2');
    expect(body).toContain('switchboard_recovery_successes_total{namespace="/"} 1');
    expect(body).toContain('switchboard_recovery_failures_total{namespace="/",reason="unknown"} 1');
    expect(body).toContain('switchboard_recovery_failures_total{namespace="/",reason="expired"} 0');
    expect(body).toContain('switchboard_recovery_replayed_events_total{namespace="/"} 2');
    // The dropped session of the second connection is still stored (its pid was never presented).
    expect(body).toContain('switchboard_recovery_sessions_stored{namespace="/"} 1');
    expect(body).not.toContain(pid);
  });

  it("shows the stream lag an adapter reports, per namespace", async () => {
    class Lagging extends SessionAwareAdapter {
      constructor(nsp: AdapterNamespace) {
        super(nsp);
      }
      override recoveryStats(): RecoveryStats {
        return { ...super.recoveryStats(), streamLag: 7 };
      }
    }
    const node = await serve({ adapter: Lagging });
    node.io.of("/orders");
    const body = await node.scrape();
    expect(body).toContain('switchboard_recovery_stream_lag_entries{namespace="/"} 7');
    expect(body).toContain('switchboard_recovery_stream_lag_entries{namespace="/orders"} 7');
    expect(body).toContain('switchboard_recovery_attempts_total{namespace="/orders"} 0');
  });
});
