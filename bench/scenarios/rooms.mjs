// Scenario 5, room broadcast: `clients` sockets spread over `rooms` rooms (joined with an acked `join`); one
// socket emits `room` `count` times round-robin over the rooms (at most `window` in flight) and the server
// sends each with `io.to(room).emit`. Unit: one delivered message. An unmeasured `warm` pass comes first.
import { closeAll, connectMany, measure, perUnit, waitForCount } from "../lib/harness.mjs";
import { pool } from "../lib/stats.mjs";
import { fanOutPass, payload } from "./broadcast.mjs";

export const name = "rooms";
export const servers = ["switchboard", "socket.io"];

export async function run({ port, ctl, size }) {
  const { clients: n, rooms: k, count, bytes, window, warm } = size.rooms;
  if (n < k) throw new Error("rooms: need at least one client per room");
  const clients = await connectMany(port, n);
  try {
    await waitForCount(ctl, (c) => c === n);
    const roomOf = (i) => `room-${i % k}`;
    const joined = await pool(n, 100, (i) => clients[i].emitWithAck("join", roomOf(i)));
    const joinOk = joined.every((args, i) => args[0] === roomOf(i));
    const members = (seq) => Math.floor(n / k) + (seq % k < n % k ? 1 : 0);
    const sender = clients[0];
    const pass = (c) => {
      const p = fanOutPass({
        clients: n,
        count: c,
        window,
        members,
        send: (seq) => sender.emit("room", roomOf(seq), payload(seq, bytes)),
        accept: (i, seq) => seq % k === i % k,
      });
      clients.forEach((cl, i) =>
        cl.on("room", (args) => {
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
      joins_acked: joinOk,
      expected_deliveries: st.expected,
      deliveries: st.delivered,
      wrong_room_or_malformed: st.bad,
      out_of_order: st.outOfOrder,
    };
    checks.ok = joinOk && st.delivered === st.expected && st.bad === 0 && st.outOfOrder === 0;
    return { metrics: perUnit(m, st.delivered, st.lat), checks };
  } finally {
    await closeAll(clients);
  }
}
