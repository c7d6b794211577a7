// Scenario 2b, echo with ack, open loop: `rate` requests per second spread over `clients` sockets for `ms`
// milliseconds, whatever the server's pace. Unit: one round trip. Latency (p50/p99/p999) counts from the
// scheduled send, so a slow reply delays no later request's clock (no coordinated omission).
import { closeAll, connectMany, measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { openLoop } from "../lib/loops.mjs";

export const name = "echo-open";
// raw-ws answers `echo` with its ack too (lib/server-app.mjs): the floor at the same offered load.
export const servers = ["switchboard", "socket.io", "raw-ws"];

export async function run({ port, ctl, size }) {
  const { clients: n, ms, rate, bytes, warm } = size.echoOpen;
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const data = { s: "x".repeat(bytes), n: 7 };
    // Unmeasured warm-up first, so that the JIT has settled.
    if (warm > 0) {
      await openLoop(
        clients,
        rate,
        warm,
        (c, done) => c.emitCb("echo", [data], done),
        (args) => args.length === 1 && args[0]?.n === 7 && args[0]?.s === data.s,
      );
    }
    const m = await measure(ctl, () =>
      openLoop(
        clients,
        rate,
        ms,
        (c, done) => c.emitCb("echo", [data], done),
        (args) => args.length === 1 && args[0]?.n === 7 && args[0]?.s === data.s,
      ),
    );
    const loop = m.result;
    const checks = {
      sent: loop.sent,
      round_trips: loop.ok,
      bad_replies: loop.bad,
      lost: loop.lost,
    };
    checks.ok = loop.sent > 0 && loop.ok === loop.sent;
    // perUnit reports p50/p99; the open-loop scenarios add the 99.9th percentile.
    return {
      metrics: { ...perUnit(m, loop.ok, loop.lat), p999_ms: loop.lat.summary().p999, rate },
      checks,
    };
  } finally {
    await closeAll(clients);
  }
}
