// Scenario 4, connection rate: `count` full handshakes (WebSocket upgrade, Engine.IO open, Socket.IO CONNECT)
// with at most `concurrency` in flight (after `warm` unmeasured ones); each client closes right after. The window ends once the server has
// seen every socket go. Unit: one handshake. Latency: WebSocket open to Socket.IO CONNECT reply.
import { performance } from "node:perf_hooks";
import { WsClient } from "../lib/eio-client.mjs";
import { measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { Latencies, pool } from "../lib/stats.mjs";

export const name = "connect";
export const servers = ["switchboard", "socket.io", "raw-ws"];

export async function run({ port, ctl, size }) {
  const { count, concurrency, warm } = size.connect;
  // Unmeasured warm-up handshakes first, so that the JIT has settled.
  if (warm > 0) {
    await pool(warm, concurrency, async () => (await WsClient.connect(port)).close());
    await waitForCount(ctl, (c) => c === 0);
  }
  const lat = new Latencies(count);
  let ok = 0;
  let failed = 0;
  const m = await measure(ctl, async () => {
    await pool(count, concurrency, async () => {
      const t0 = performance.now();
      try {
        const c = await WsClient.connect(port);
        lat.add(performance.now() - t0);
        ok++;
        await c.close();
      } catch {
        failed++;
      }
    });
    await waitForCount(ctl, (c) => c === 0);
  });
  const checks = { expected: count, connected: ok, failed, ok: ok === count && failed === 0 };
  return { metrics: perUnit(m, ok, lat), checks };
}
