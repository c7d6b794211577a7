// Closed- and open-loop request drivers shared by the echo scenarios.
import { performance } from "node:perf_hooks";
import { Latencies } from "./stats.mjs";

/**
 * Closed loop: every client keeps exactly one request in flight until `ms` have passed.
 * `send(client, done)` starts a request and calls `done(replyArgs)`; `valid(replyArgs)` checks a reply.
 * @returns {Promise<{ ok: number, bad: number, lat: Latencies }>}
 */
export function closedLoop(clients, ms, send, valid) {
  const lat = new Latencies(4096);
  const deadline = performance.now() + ms;
  let ok = 0;
  let bad = 0;
  return new Promise((resolve) => {
    let running = clients.length;
    if (running === 0) resolve({ ok, bad, lat });
    for (const c of clients) {
      const one = () => {
        const t0 = performance.now();
        send(c, (args) => {
          const now = performance.now();
          if (valid(args)) {
            ok++;
            lat.add(now - t0);
          } else bad++;
          if (now < deadline) one();
          else if (--running === 0) resolve({ ok, bad, lat });
        });
      };
      one();
    }
  });
}

/**
 * Closed loop for promise-based clients (the polling client): `send(client)` resolves with the reply args.
 * @returns {Promise<{ ok: number, bad: number, lat: Latencies }>}
 */
export async function closedLoopAsync(clients, ms, send, valid) {
  const lat = new Latencies(4096);
  const deadline = performance.now() + ms;
  let ok = 0;
  let bad = 0;
  await Promise.all(
    clients.map(async (c) => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const args = await send(c);
        if (valid(args)) {
          ok++;
          lat.add(performance.now() - t0);
        } else bad++;
      }
    }),
  );
  return { ok, bad, lat };
}

/**
 * Open loop: starts `rate` requests per second, round-robin over the clients, for `ms` milliseconds, whatever
 * the replies do; latency counts from each request's scheduled time (no coordinated omission). Then waits up
 * to `drainMs` for the replies still in flight.
 * @returns {Promise<{ sent: number, ok: number, bad: number, lost: number, lat: Latencies }>}
 */
export function openLoop(clients, rate, ms, send, valid, drainMs = 10_000) {
  const lat = new Latencies(Math.ceil((rate * ms) / 1000) + 16);
  const total = Math.max(1, Math.round((rate * ms) / 1000));
  const interval = 1000 / rate;
  const t0 = performance.now();
  let sent = 0;
  let ok = 0;
  let bad = 0;
  return new Promise((resolve) => {
    let drainTimer = null;
    const finish = () => {
      clearInterval(tick);
      if (drainTimer) clearTimeout(drainTimer);
      resolve({ sent, ok, bad, lost: sent - ok - bad, lat });
    };
    const tick = setInterval(() => {
      // Catch up to where the schedule says we should be (timers are coarse).
      const due = Math.min(total, Math.floor((performance.now() - t0) / interval) + 1);
      while (sent < due) {
        const scheduled = t0 + sent * interval;
        const c = clients[sent % clients.length];
        sent++;
        send(c, (args) => {
          if (valid(args)) {
            ok++;
            lat.add(performance.now() - scheduled);
          } else bad++;
          if (sent === total && ok + bad === total) finish();
        });
      }
      if (sent === total) {
        clearInterval(tick);
        drainTimer ??= setTimeout(finish, drainMs);
      }
    }, 2);
  });
}
