// Scenario 2a, echo with ack, closed loop: `clients` sockets each keep one `echo` in flight for `ms`
// milliseconds; the server acks with the data. Unit: one round trip.
import { closeAll, connectMany, measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { closedLoop } from "../lib/loops.mjs";

export const name = "echo";
export const servers = ["switchboard", "socket.io", "raw-ws"];

export async function run({ port, ctl, size }) {
  const { clients: n, ms, bytes, warm } = size.echo;
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const data = { s: "x".repeat(bytes), n: 42 };
    // Unmeasured warm-up first, so that the JIT has settled.
    if (warm > 0) {
      await closedLoop(
        clients,
        warm,
        (c, done) => c.emitCb("echo", [data], done),
        (args) => args.length === 1 && args[0]?.n === 42 && args[0]?.s === data.s,
      );
    }
    const m = await measure(ctl, () =>
      closedLoop(
        clients,
        ms,
        (c, done) => c.emitCb("echo", [data], done),
        (args) => args.length === 1 && args[0]?.n === 42 && args[0]?.s === data.s,
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
    await closeAll(clients);
  }
}
