import type { Server, Socket } from "@switchboard/server";

/** One order as stored and as sent to dashboards. */
export interface Order {
  id: number;
  user: string;
  item: string;
  amount: number;
  /** Milliseconds since the epoch, database clock for rows written by others. */
  created_at: number;
}

/** What a writer supplies; the database picks `id` and `created_at`. */
export interface OrderInput {
  user: string;
  item: string;
  amount: number;
}

/** The live aggregates every dashboard shows. */
export interface Stats {
  /** Start (ms since the epoch) of the oldest one-minute bucket in `perMinute`. */
  since: number;
  /** Orders per minute over the last 15 minutes, oldest first; the last bucket is the current minute. */
  perMinute: number[];
  /** Revenue (sum of amounts, rounded to cents) per minute, same buckets as `perMinute`. */
  revenuePerMinute: number[];
  /** Top 5 users by number of orders, most first. */
  topUsers: { user: string; count: number }[];
  /** Number of orders in the table. */
  total: number;
  /** Sum of every order's amount, rounded to cents. */
  revenue: number;
}

/** Sent once to every dashboard on connect. */
export interface Snapshot {
  /** The latest orders, newest first. */
  orders: Order[];
  stats: Stats;
}

export type AckResult = { ok: true; order: Order } | { ok: false; code: string; error: string };

export type ClientEvents = Record<"order:add", (payload: unknown, ack?: unknown) => void>;
export interface ServerEvents {
  snapshot: (snapshot: Snapshot) => void;
  "order:new": (order: Order) => void;
  stats: (stats: Stats) => void;
}

export type DashboardIO = Server<ClientEvents, ServerEvents>;
export type DashboardSocket = Socket<ClientEvents, ServerEvents>;
