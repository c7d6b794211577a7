// Scenario 3, idle memory: heap and RSS of the server process per connected socket, after a forced GC, with
// `clients` Socket.IO connections open and idle. Baseline: the same server after a forced GC with none.
import { closeAll, connectMany, waitForCount } from "../lib/harness.mjs";
import { round3 } from "../lib/stats.mjs";

export const name = "idle";
export const servers = ["switchboard", "socket.io", "raw-ws"];

export async function run({ port, ctl, size }) {
  const { clients: n, concurrency } = size.idle;
  // Warm the server's code paths once so that lazily built code is in the baseline, not in the per-socket figure.
  await closeAll(await connectMany(port, Math.min(20, n)));
  await waitForCount(ctl, (c) => c === 0);
  const before = await ctl.gc();
  const clients = await connectMany(port, n, concurrency);
  try {
    const count = await waitForCount(ctl, (c) => c === n);
    const after = await ctl.gc();
    const per = (k) => round3((after.mem[k] - before.mem[k]) / n);
    const metrics = {
      units: n,
      heap_b: per("heapUsed"),
      rss_b: per("rss"),
      external_b: per("external"),
      array_buffers_b: per("arrayBuffers"),
      gc: after.gced,
    };
    const checks = {
      expected: n,
      connected: count,
      gc: after.gced,
      ok: count === n && after.gced === true,
    };
    return { metrics, checks };
  } finally {
    await closeAll(clients);
  }
}
