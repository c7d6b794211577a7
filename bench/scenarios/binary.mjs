// Scenario 6a, binary payloads: `clients` sockets each echo a `bytes`-long Buffer (one attachment) with ack in
// a closed loop for `ms` milliseconds. Unit: one round trip (two binary frames each way with the header).
import { randomBytes } from "node:crypto";
import { closeAll, connectMany, measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { closedLoop } from "../lib/loops.mjs";

export const name = "binary";
export const servers = ["switchboard", "socket.io"];

export async function run({ port, ctl, size }) {
  const { clients: n, ms, bytes, warm } = size.binary;
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const blob = randomBytes(bytes);
    // Unmeasured warm-up first, so that the JIT has settled.
    if (warm > 0) {
      await closedLoop(
        clients,
        warm,
        (c, done) => c.emitCb("echo", [blob], done),
        (args) => args.length === 1 && Buffer.isBuffer(args[0]) && args[0].equals(blob),
      );
    }
    const m = await measure(ctl, () =>
      closedLoop(
        clients,
        ms,
        (c, done) => c.emitCb("echo", [blob], done),
        (args) => args.length === 1 && Buffer.isBuffer(args[0]) && args[0].equals(blob),
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
