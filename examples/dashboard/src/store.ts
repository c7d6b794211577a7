// Where orders live: one interface, two implementations (SQLite file, PostgreSQL).
import type { Order, OrderInput, Stats } from "./types.js";

export const MINUTES = 15;
export const TOP_USERS = 5;

/** The orders table. Implementations survive a restart of the dashboard server. */
export interface OrderStore {
  /** Creates the table (and, for PostgreSQL, the notify trigger); rejects clearly when the database is unreachable. */
  init(): Promise<void>;
  add(input: OrderInput): Promise<Order>;
  get(id: number): Promise<Order | undefined>;
  /** The latest `limit` orders, newest first. */
  latest(limit: number): Promise<Order[]>;
  stats(now: number): Promise<Stats>;
  /**
   * Calls `onInsert` with the id of every row inserted by anyone, including other programs (PostgreSQL's
   * LISTEN/NOTIFY). Stores that only see their own writes do not implement it.
   */
  watch?(onInsert: (id: number) => void): Promise<void>;
  close(): Promise<void>;
}

/** Storage could not be opened or used; `cause` holds the driver's error. */
export class StoreError extends Error {
  readonly code = "ERR_DASH_STORE";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreError";
  }
}

/** Maps a row with loosely typed columns (pg returns bigint and numeric as strings) to an order. */
export function rowToOrder(row: Record<string, unknown>): Order {
  return {
    id: Number(row["id"]),
    user: String(row["user"]),
    item: String(row["item"]),
    amount: Number(row["amount"]),
    created_at: Number(row["created_at"]),
  };
}

/** The first minute bucket's start for `now`: 15 buckets, the last one holding `now`. */
export function windowStart(now: number): number {
  return (Math.floor(now / 60_000) - (MINUTES - 1)) * 60_000;
}

/** Money rounded to cents (sums of doubles drift: 0.1 + 0.2). */
export const cents = (value: unknown): number => Math.round((Number(value) || 0) * 100) / 100;

/**
 * Builds {@link Stats} from per-minute rows (`minute` = floor(created_at / 60000), `n` orders, `revenue`
 * their sum), top-user rows, the order count and the revenue of the whole table.
 */
export function buildStats(
  now: number,
  minuteRows: Record<string, unknown>[],
  topRows: Record<string, unknown>[],
  total: unknown,
  revenue: unknown = 0,
): Stats {
  const since = windowStart(now);
  const first = since / 60_000;
  const perMinute: number[] = new Array<number>(MINUTES).fill(0);
  const revenuePerMinute: number[] = new Array<number>(MINUTES).fill(0);
  for (const row of minuteRows) {
    const i = Number(row["minute"]) - first;
    if (i >= 0 && i < MINUTES) {
      perMinute[i] = Number(row["n"]);
      revenuePerMinute[i] = cents(row["revenue"]);
    }
  }
  const topUsers = topRows.map((r) => ({ user: String(r["user"]), count: Number(r["n"]) }));
  return {
    since,
    perMinute,
    revenuePerMinute,
    topUsers,
    total: Number(total),
    revenue: cents(revenue),
  };
}
