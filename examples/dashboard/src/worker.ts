// A separate process feeding the dashboards: it writes orders to the same store as the dashboard server and announces
// them through Redis with @switchboard/redis-emitter, as a job queue worker or a webhook handler would. The dashboard
// servers must run with REDIS_URL (they then use the Redis adapter) and the same store.
//   REDIS_URL=redis://127.0.0.1:6379 npm run start:dashboard        # one or more servers
//   REDIS_URL=redis://127.0.0.1:6379 node examples/dashboard/dist/worker.js
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Emitter } from "@switchboard/redis-emitter";
import { createClient } from "redis";
import { VIEWERS } from "./broadcaster.js";
import { storeFromEnv } from "./dashboard-server.js";
import type { OrderStore } from "./store.js";
import type { OrderInput, ServerEvents } from "./types.js";

export interface WorkerOptions {
  /** Where the orders go; the dashboard servers must read the same one. */
  store: OrderStore;
  /** Redis of the dashboard servers' adapter. */
  redisUrl: string;
  /** The adapter's channel prefix. Default `"socket.io"`. */
  key?: string;
  /** One order every this many ms. Default 2000. */
  everyMs?: number;
  /** The orders to write, in turn. Default: random ones. */
  next?: () => OrderInput;
}

export interface Worker {
  /** Orders written and announced so far. */
  readonly sent: number;
  /** Stops the timer, waits for the order in flight, closes the Redis client (not the store). */
  stop(): Promise<void>;
}

const USERS = ["ada", "grace", "linus", "margaret", "ken"];
const ITEMS = ["keyboard", "mouse", "monitor", "cable", "laptop stand"];
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;
const randomOrder = (): OrderInput => ({
  user: pick(USERS),
  item: pick(ITEMS),
  amount: Math.round(Math.random() * 20_000) / 100 + 1,
});

/**
 * Starts writing and announcing orders. With PostgreSQL the servers already see every insert (LISTEN/NOTIFY), so the
 * worker only writes; with SQLite it announces each order and the fresh stats through the emitter.
 * @example
 * const worker = await startWorker({ store, redisUrl: "redis://127.0.0.1:6379", everyMs: 500 });
 * await worker.stop();
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const redis = createClient({ url: opts.redisUrl });
  redis.on("error", (err: Error) => console.error(`worker: redis: ${err.message}`));
  await redis.connect();
  const viewers = new Emitter<ServerEvents>(redis, { key: opts.key ?? "socket.io" }).to(VIEWERS);
  const announce = opts.store.watch === undefined;
  let sent = 0;
  let inFlight: Promise<void> = Promise.resolve();
  const tick = (): void => {
    inFlight = (async () => {
      const order = await opts.store.add((opts.next ?? randomOrder)());
      if (announce) {
        viewers.emit("order:new", order);
        viewers.emit("stats", await opts.store.stats(Date.now()));
      }
      sent++;
    })().catch((err: unknown) => console.error(`worker: ${(err as Error).message}`));
  };
  const timer = setInterval(tick, opts.everyMs ?? 2000);
  tick();
  return {
    get sent() {
      return sent;
    },
    async stop() {
      clearInterval(timer);
      await inFlight;
      await redis.close();
    },
  };
}

function isMain(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMain()) {
  const store = storeFromEnv();
  const redisUrl = process.env["REDIS_URL"] ?? "redis://127.0.0.1:6379";
  const everyMs = Number(process.env["ORDER_EVERY_MS"] ?? 2000);
  if (!Number.isInteger(everyMs) || everyMs < 10) {
    console.error(`worker: ORDER_EVERY_MS must be an integer of ms, at least 10`);
    process.exit(1);
  }
  try {
    await store.init();
    const worker = await startWorker({
      store,
      redisUrl,
      everyMs,
    });
    console.log(
      `worker: an order every ${everyMs} ms via ${redisUrl.replace(/\/\/[^@/]*@/, "//***@")}`,
    );
    const stop = (): void => {
      void worker.stop().then(() => store.close().then(() => process.exit(0)));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  } catch (err) {
    console.error(`worker: cannot start: ${(err as Error).message}`);
    await store.close().catch(() => undefined);
    process.exit(1);
  }
}
