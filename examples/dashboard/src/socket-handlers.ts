// The one client event, `order:add`: checked like the HTTP path, answered through the ack, never throwing.
import type { Broadcaster } from "./broadcaster.js";
import type { OrderStore } from "./store.js";
import type { AckResult, DashboardSocket } from "./types.js";
import { checkOrder, DashboardError } from "./validate.js";

/** Per connection: a burst of {@link BURST} orders, refilled at {@link PER_SECOND} per second. */
export const BURST = 20;
export const PER_SECOND = 5;
/** A client that keeps sending this many orders past its allowance is disconnected. */
const KICK_AFTER = 50;

const RATE_LIMITED: AckResult = {
  ok: false,
  code: "ERR_DASH_RATE_LIMITED",
  error: "Too many orders; slow down",
};

export function registerSocket(
  socket: DashboardSocket,
  store: OrderStore,
  broadcaster: Broadcaster,
): void {
  // A lazily refilled token bucket: no timer per connection.
  let tokens = BURST;
  let refilled = Date.now();
  let refused = 0;
  socket.on("order:add", (payload: unknown, ack?: unknown) => {
    const now = Date.now();
    tokens = Math.min(BURST, tokens + ((now - refilled) / 1000) * PER_SECOND);
    refilled = now;
    if (tokens < 1) {
      if (++refused >= KICK_AFTER) socket.disconnect(true);
      else if (typeof ack === "function") (ack as (r: AckResult) => void)(RATE_LIMITED);
      return;
    }
    tokens -= 1;
    refused = 0;
    void addOrder(store, broadcaster, payload).then((result) => {
      if (typeof ack === "function") (ack as (r: AckResult) => void)(result);
    });
  });
}

async function addOrder(
  store: OrderStore,
  broadcaster: Broadcaster,
  payload: unknown,
): Promise<AckResult> {
  try {
    const order = await store.add(checkOrder(payload));
    broadcaster.announce(order);
    return { ok: true, order };
  } catch (err) {
    if (err instanceof DashboardError) return { ok: false, code: err.code, error: err.message };
    console.error(`dashboard: cannot store an order: ${(err as Error).message}`);
    return { ok: false, code: "ERR_DASH_INTERNAL", error: "Cannot store the order right now" };
  }
}
