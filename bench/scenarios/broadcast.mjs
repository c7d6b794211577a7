// Scenario 1, broadcast fan-out: `clients` sockets; one of them emits `bcast` `count` times (at most `window`
// in flight) and the server re-emits each to everyone with `io.emit`. Unit: one delivered message.
// An unmeasured pass of `warm` broadcasts comes first, so that the JIT has settled.
import { performance } from "node:perf_hooks";
import { closeAll, connectMany, measure, perUnit, until, waitForCount } from "../lib/harness.mjs";
import { Latencies } from "../lib/stats.mjs";

export const name = "broadcast";
export const servers = ["switchboard", "socket.io", "raw-ws"];

/** A `bytes`-long payload that starts with `<seq>:` (padded with "x"). */
export function payload(seq, bytes) {
  const head = `${seq}:`;
  return head + "x".repeat(Math.max(0, bytes - head.length));
}

/**
 * One pass of `count` windowed fan-outs: `send(seq)` starts one, `members(seq)` is how many deliveries it
 * makes, and the returned `receive(clientIndex, seq)` must be called on each delivery.
 */
export function fanOutPass({ clients, count, window, send, members, accept }) {
  const sentAt = new Float64Array(count);
  const perSeq = new Uint32Array(count);
  const received = new Uint32Array(clients);
  const lastSeq = new Int32Array(clients).fill(-1);
  const expected = Array.from({ length: count }, (_, s) => members(s)).reduce((a, b) => a + b, 0);
  const lat = new Latencies(expected);
  const st = { delivered: 0, outOfOrder: 0, bad: 0, expected, received, lat };
  let next = 0;
  let done = 0;
  const fill = () => {
    while (next < count && next - done < window) {
      sentAt[next] = performance.now();
      send(next++);
    }
  };
  const receive = (i, seq) => {
    const now = performance.now();
    if (!(seq >= 0 && seq < count) || !accept(i, seq)) {
      st.bad++;
      return;
    }
    if (seq <= lastSeq[i]) st.outOfOrder++;
    lastSeq[i] = seq;
    received[i]++;
    st.delivered++;
    lat.add(now - sentAt[seq]);
    if (++perSeq[seq] === members(seq)) {
      done++;
      fill();
    }
  };
  const start = async () => {
    fill();
    await until(() => st.delivered >= expected || st.bad > 0, 120_000, "every broadcast to arrive");
    return st;
  };
  return { receive, start, st };
}

export async function run({ port, ctl, size }) {
  const { clients: n, count, bytes, window, warm } = size.broadcast;
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const sender = clients[0];
    const pass = (k) => {
      const p = fanOutPass({
        clients: n,
        count: k,
        window,
        send: (seq) => sender.emit("bcast", payload(seq, bytes)),
        members: () => n,
        accept: () => true,
      });
      clients.forEach((c, i) =>
        c.on("bcast", (args) => {
          const s = args[0];
          p.receive(i, typeof s === "string" && s.length === bytes ? parseInt(s, 10) : -1);
        }),
      );
      return p;
    };
    if (warm > 0) await pass(warm).start();
    const p = pass(count);
    const m = await measure(ctl, p.start);
    const st = p.st;
    const checks = {
      expected_deliveries: st.expected,
      deliveries: st.delivered,
      clients_complete: Array.from(st.received).filter((r) => r === count).length,
      out_of_order: st.outOfOrder,
      malformed: st.bad,
    };
    checks.ok =
      st.delivered === st.expected &&
      checks.clients_complete === n &&
      st.outOfOrder === 0 &&
      st.bad === 0;
    return { metrics: perUnit(m, st.delivered, st.lat), checks };
  } finally {
    await closeAll(clients);
  }
}
