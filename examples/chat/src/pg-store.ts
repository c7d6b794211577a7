import pg from "pg";
import { rowToMessage, StoreError, type ChatMessage, type ChatStore } from "./store.js";

export interface PgStoreOptions {
  connectionString: string;
  /** Table name (letters, digits, `_`); tests use a unique one per run. Default `chat_messages`. */
  table?: string;
  /** Shown in `pg_stat_activity`. Default `switchboard-chat`. */
  applicationName?: string;
}

// Errors that mean "this connection is gone" (server shutdown/terminate, network): worth one retry on a fresh one.
const CONNECTION_LOST = new Set([
  "57P01",
  "57P02",
  "57P03",
  "08000",
  "08003",
  "08006",
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
]);

function isConnectionLoss(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return (
    (typeof e.code === "string" && CONNECTION_LOST.has(e.code)) ||
    (typeof e.message === "string" && /Connection terminated/i.test(e.message))
  );
}

/**
 * History in PostgreSQL (used when `DATABASE_URL` is set). The pool reconnects by itself: a database that
 * drops while the chat runs makes writes fail (logged) until it is back, it never stops the server.
 * @example
 * const store = new PgStore({ connectionString: process.env.DATABASE_URL! });
 * await store.init();
 */
export class PgStore implements ChatStore {
  readonly table: string;
  #pool: pg.Pool;
  #queue: { m: ChatMessage; resolve: () => void; reject: (err: unknown) => void }[] = [];
  #flushing = false;

  constructor(opts: PgStoreOptions) {
    const table = opts.table ?? "chat_messages";
    // The name is spliced into SQL, so it is checked, never quoted user data.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(table))
      throw new StoreError(`invalid table name ${JSON.stringify(table)}`);
    this.table = table;
    this.#pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: 5,
      connectionTimeoutMillis: 5000,
      application_name: opts.applicationName ?? "switchboard-chat",
    });
    // An idle client losing its connection emits on the pool; without a listener that would crash the process.
    this.#pool.on("error", (err) =>
      console.error(`chat: PostgreSQL connection lost (${err.message}); will reconnect`),
    );
  }

  async init(): Promise<void> {
    try {
      await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${this.table} (
        seq BIGSERIAL PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        room TEXT NOT NULL,
        sender TEXT NOT NULL,
        text TEXT NOT NULL,
        ts BIGINT NOT NULL
      )`);
      await this.#pool.query(
        `CREATE INDEX IF NOT EXISTS ${this.table}_room_seq ON ${this.table} (room, seq)`,
      );
    } catch (err) {
      throw new StoreError(`cannot use PostgreSQL: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Inserts keep the order in which messages were sent: a pool would run concurrent INSERTs on several
   * connections and let a later message take an earlier `seq`. So one batch is in flight at a time and the
   * messages that arrive meanwhile go into the next multi-row INSERT (order kept, fewer round trips).
   */
  add(m: ChatMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ m, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, 500);
      const values: unknown[] = [];
      const rows = batch.map(({ m }, i) => {
        values.push(m.id, m.room, m.from, m.text, m.ts);
        const b = i * 5;
        return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5})`;
      });
      const sql = `INSERT INTO ${this.table} (id, room, sender, text, ts) VALUES ${rows.join(", ")}`;
      try {
        await this.#query(sql, values);
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    this.#flushing = false;
  }

  /** A query, retried once on a fresh connection when the database dropped the one it ran on. */
  async #query(sql: string, values: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.#pool.query(sql, values);
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      console.error(`chat: PostgreSQL connection lost (${(err as Error).message}); retrying once`);
      return await this.#pool.query(sql, values);
    }
  }

  async recent(room: string, limit: number): Promise<ChatMessage[]> {
    const res = await this.#query(
      `SELECT id, room, sender, text, ts FROM (SELECT * FROM ${this.table} WHERE room = $1 ORDER BY seq DESC LIMIT $2) t ORDER BY seq ASC`,
      [room, limit],
    );
    return (res.rows as Record<string, unknown>[]).map(rowToMessage);
  }

  async rooms(limit: number): Promise<string[]> {
    const res = await this.#query(
      `SELECT room FROM ${this.table} GROUP BY room ORDER BY MAX(seq) DESC LIMIT $1`,
      [limit],
    );
    return (res.rows as { room: unknown }[]).map((r) => String(r.room));
  }

  /** Drops the table: for tests that use a throw-away table. */
  async drop(): Promise<void> {
    await this.#pool.query(`DROP TABLE IF EXISTS ${this.table}`);
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
