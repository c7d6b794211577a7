// Pushes new orders and fresh aggregates to the room of dashboard viewers. One instance per server: stats are
// recomputed at most once per event-loop turn however many orders arrive, and each order is announced once even
// when it is seen twice (our own INSERT and, with PostgreSQL, its NOTIFY).
import type { OrderStore } from "./store.js";
import type { DashboardIO, Order, Snapshot } from "./types.js";

export const VIEWERS = "dashboard";
export const LATEST = 20;
const SEEN_CAP = 1024;
/** The chart slides with the clock even when nobody orders. */
const REFRESH_EVERY = 30_000;

export class Broadcaster {
  #io: DashboardIO;
  #store: OrderStore;
  #seen = new Set<number>();
  #statsQueued = false;
  #pending = new Set<Promise<void>>();
  #timer: NodeJS.Timeout;
  #stopped = false;

  constructor(io: DashboardIO, store: OrderStore) {
    this.#io = io;
    this.#store = store;
    this.#timer = setInterval(() => this.scheduleStats(), REFRESH_EVERY);
    this.#timer.unref();
  }

  /** What a dashboard gets on connect. */
  async snapshot(): Promise<Snapshot> {
    const [orders, stats] = await Promise.all([
      this.#store.latest(LATEST),
      this.#store.stats(Date.now()),
    ]);
    return { orders, stats };
  }

  /** Sends `order:new` (once per id) and queues a `stats` update. */
  announce(order: Order): void {
    if (this.#stopped || this.#seen.has(order.id)) return;
    this.#seen.add(order.id);
    // Sets iterate in insertion order, so the first entry is the oldest id.
    if (this.#seen.size > SEEN_CAP) this.#seen.delete(this.#seen.values().next().value as number);
    this.#io.to(VIEWERS).emit("order:new", order);
    this.scheduleStats();
  }

  /** A row inserted by someone else (NOTIFY): read it, then announce it. */
  announceId(id: number): void {
    if (this.#stopped || this.#seen.has(id)) return;
    this.#track(
      this.#store.get(id).then((order) => {
        if (order) this.announce(order);
      }),
    );
  }

  scheduleStats(): void {
    if (this.#stopped || this.#statsQueued) return;
    this.#statsQueued = true;
    this.#track(
      new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        this.#statsQueued = false;
        if (this.#stopped) return;
        const stats = await this.#store.stats(Date.now());
        this.#io.to(VIEWERS).emit("stats", stats);
      }),
    );
  }

  #track(work: Promise<void>): void {
    const p = work.catch((err: unknown) =>
      console.error(`dashboard: cannot update dashboards: ${(err as Error).message}`),
    );
    this.#pending.add(p);
    void p.finally(() => this.#pending.delete(p));
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }

  /** Resolves when no store read started by this broadcaster is still running. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
  }
}
