// Scenario 6b, polling transport: `clients` HTTP long-polling sessions each echo with ack in a closed loop for
// `ms` milliseconds (POST the event, GET the ack). Unit: one round trip.
import { measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { closedLoopAsync } from "../lib/loops.mjs";
import { PollingClient } from "../lib/polling-client.mjs";
import { pool } from "../lib/stats.mjs";

export const name = "polling";
export const servers = ["switchboard", "socket.io", "raw-ws"];

export async function run({ port, ctl, size }) {
  const { clients: n, ms, bytes, warm } = size.polling;
  const clients = await pool(n, 20, () => PollingClient.connect(port));
  try {
    await waitForCount(ctl, (c) => c === n);
    const data = { s: "x".repeat(bytes), n: 3 };
    // Unmeasured warm-up first, so that the JIT has settled.
    if (warm > 0) {
      await closedLoopAsync(
        clients,
        warm,
        (c) => c.emitWithAck("echo", data),
        (args) => args.length === 1 && args[0]?.n === 3 && args[0]?.s === data.s,
      );
    }
    const m = await measure(ctl, () =>
      closedLoopAsync(
        clients,
        ms,
        (c) => c.emitWithAck("echo", data),
        (args) => args.length === 1 && args[0]?.n === 3 && args[0]?.s === data.s,
      ),
    );
    const loop = m.result;
    const checks = {
      round_trips: loop.ok,
      bad_replies: loop.bad,
      ok: loop.ok > 0 && loop.bad === 0,
    };
    return { metrics: perUnit(m, loop.ok, loop.lat), checks };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
