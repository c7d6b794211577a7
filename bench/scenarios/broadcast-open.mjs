// Scenario 1b, broadcast fan-out, open loop: `clients` sockets; one of them emits `bcast` at a fixed `rate`
// per second for `ms` milliseconds, whatever the server's pace, and the server re-emits each to everyone
// with `io.emit` (the same app as `broadcast`). Unit: one delivered message. Each payload carries its
// scheduled send time; every client records now − that time on delivery, so latency includes the hop to the
// server, the fan-out and the client's decode, and a late broadcast delays no later one's clock (no
// coordinated omission). Clients and sender share this process, hence one clock.
import { performance } from "node:perf_hooks";
import { closeAll, connectMany, measure, perUnit, until, waitForCount } from "../lib/harness.mjs";
import { Latencies } from "../lib/stats.mjs";

export const name = "broadcast-open";
export const servers = ["switchboard", "socket.io", "raw-ws"];

/**
 * A `bytes`-long payload `<seq>:<sent ms>:xxx…` carrying its sequence number and send time.
 * @example
 * stampedPayload(3, 1234.5, 20); // "3:1234.500:xxxxxxxxx"
 */
export function stampedPayload(seq, at, bytes) {
  const head = `${seq}:${at.toFixed(3)}:`;
  return head + "x".repeat(Math.max(0, bytes - head.length));
}

/**
 * The `{ seq, at }` of a payload made by {@link stampedPayload}, or null when it is not one.
 * @example
 * parseStamp(stampedPayload(3, 1234.5, 20)); // { seq: 3, at: 1234.5 }
 */
export function parseStamp(s, bytes) {
  if (typeof s !== "string" || s.length !== bytes) return null;
  const a = s.indexOf(":");
  const b = s.indexOf(":", a + 1);
  if (a < 1 || b < 0) return null;
  const seq = Number(s.slice(0, a));
  const at = Number(s.slice(a + 1, b));
  return Number.isInteger(seq) && seq >= 0 && Number.isFinite(at) ? { seq, at } : null;
}

/**
 * One open-loop pass: broadcast `k`, due at `t0 + k / rate`, is emitted by `send(k, dueTime)` once its time
 * has come (a late timer sends every broadcast already due at once, each with its own due time). Resolves
 * when every client got every broadcast, or after `drainMs` more once all are sent (then `lost` > 0).
 */
export function openBroadcastPass({ clients, rate, ms, send, drainMs = 10_000 }) {
  const count = Math.max(1, Math.round((rate * ms) / 1000));
  const interval = 1000 / rate;
  const expected = count * clients;
  const received = new Uint32Array(clients);
  const lastSeq = new Int32Array(clients).fill(-1);
  const lat = new Latencies(expected);
  const st = { sent: 0, expected, delivered: 0, outOfOrder: 0, bad: 0, received, lat };
  /** Call on each delivery to client `i` of a payload parsed by parseStamp (null when malformed). */
  const receive = (i, stamp) => {
    const now = performance.now();
    if (stamp === null || stamp.seq >= st.sent) {
      st.bad++;
      return;
    }
    if (stamp.seq <= lastSeq[i]) st.outOfOrder++;
    lastSeq[i] = stamp.seq;
    received[i]++;
    st.delivered++;
    lat.add(now - stamp.at);
  };
  const start = async () => {
    const t0 = performance.now();
    let timer = null;
    // setTimeout to the next due time rather than a fast interval: the generator's cost stays per broadcast.
    const tick = () => {
      const due = Math.min(count, Math.floor((performance.now() - t0) / interval) + 1);
      while (st.sent < due) {
        const at = t0 + st.sent * interval;
        send(st.sent++, at);
      }
      if (st.sent < count)
        timer = setTimeout(tick, Math.max(0, t0 + st.sent * interval - performance.now()));
    };
    tick();
    try {
      await until(() => st.sent === count, ms + 60_000, "every broadcast to be sent");
      await until(
        () => st.delivered + st.bad >= expected,
        drainMs,
        "every broadcast to arrive",
      ).catch(
        () => {}, // reported as lost below
      );
    } finally {
      clearTimeout(timer);
    }
    st.lost = expected - st.delivered;
    return st;
  };
  return { receive, start, st };
}

export async function run({ port, ctl, size }) {
  const { clients: n, ms, rate, bytes, warm } = size.broadcastOpen;
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const sender = clients[0];
    const pass = (duration) => {
      const p = openBroadcastPass({
        clients: n,
        rate,
        ms: duration,
        send: (seq, at) => sender.emit("bcast", stampedPayload(seq, at, bytes)),
      });
      clients.forEach((c, i) => c.on("bcast", (args) => p.receive(i, parseStamp(args[0], bytes))));
      return p;
    };
    // Unmeasured warm-up at the same rate first, so that the JIT has settled.
    if (warm > 0) await pass(warm).start();
    const p = pass(ms);
    const m = await measure(ctl, p.start);
    const st = p.st;
    const checks = {
      sent: st.sent,
      expected_deliveries: st.expected,
      deliveries: st.delivered,
      lost: st.lost,
      clients_complete: Array.from(st.received).filter((r) => r === st.sent).length,
      out_of_order: st.outOfOrder,
      malformed: st.bad,
    };
    checks.ok =
      st.delivered === st.expected &&
      checks.clients_complete === n &&
      st.outOfOrder === 0 &&
      st.bad === 0;
    // perUnit reports p50/p99; the open-loop scenarios add the 99.9th percentile.
    return {
      metrics: { ...perUnit(m, st.delivered, st.lat), p999_ms: st.lat.summary().p999, rate },
      checks,
    };
  } finally {
    await closeAll(clients);
  }
}
