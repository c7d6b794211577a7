import pg from "pg";
import {
  buildStats,
  rowToOrder,
  StoreError,
  TOP_USERS,
  windowStart,
  type OrderStore,
} from "./store.js";
import type { Order, OrderInput, Stats } from "./types.js";

export interface PgStoreOptions {
  connectionString: string;
  /** Table name (letters, digits, `_`); also the NOTIFY channel. Tests use a unique one per run. Default `orders`. */
  table?: string;
  /** Shown in `pg_stat_activity`. Default `switchboard-dashboard`. */
  applicationName?: string;
  /** Delay before the LISTEN connection is re-opened after it dropped (ms). Default 1000. */
  relistenDelay?: number;
}

const COLUMNS = `id, "user", item, amount, created_at`;

/**
 * Orders in PostgreSQL (used when `DATABASE_URL` is set). An `AFTER INSERT` trigger runs `pg_notify(<table>, id)`
 * and {@link PgStore.watch} keeps a dedicated `LISTEN` connection, so a row inserted by any program (psql, a
 * batch job) reaches the dashboards. The pool and the listener reconnect by themselves.
 * @example
 * const store = new PgStore({ connectionString: process.env.DATABASE_URL! });
 * await store.init();
 * await store.watch((id) => console.log("new order", id));
 */
export class PgStore implements OrderStore {
  readonly table: string;
  #opts: PgStoreOptions;
  #pool: pg.Pool;
  #listener: pg.Client | undefined;
  #onInsert: ((id: number) => void) | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(opts: PgStoreOptions) {
    const table = opts.table ?? "orders";
    // The name is spliced into SQL, so it is checked here, never taken from user data.
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,40}$/.test(table))
      throw new StoreError(`invalid table name ${JSON.stringify(table)}`);
    this.table = table;
    this.#opts = opts;
    this.#pool = new pg.Pool({
      connectionString: opts.connectionString,
      max: 5,
      connectionTimeoutMillis: 5000,
      application_name: opts.applicationName ?? "switchboard-dashboard",
    });
    // An idle client losing its connection emits on the pool; without a listener that would crash the process.
    this.#pool.on("error", (err) =>
      console.error(`dashboard: PostgreSQL connection lost (${err.message}); will reconnect`),
    );
  }

  async init(): Promise<void> {
    const t = this.table;
    try {
      // Defaults for id and created_at, and CHECKs mirroring validate.ts, so `psql` writers get the same rules.
      await this.#pool.query(`CREATE TABLE IF NOT EXISTS ${t} (
        id BIGSERIAL PRIMARY KEY,
        "user" TEXT NOT NULL CHECK (char_length("user") BETWEEN 1 AND 32),
        item TEXT NOT NULL CHECK (char_length(item) BETWEEN 1 AND 64),
        amount DOUBLE PRECISION NOT NULL CHECK (amount >= 0.01 AND amount <= 1000000),
        created_at BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::bigint
      )`);
      await this.#pool.query(`CREATE INDEX IF NOT EXISTS ${t}_created_at ON ${t} (created_at)`);
      await this.#pool
        .query(`CREATE OR REPLACE FUNCTION ${t}_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_notify('${t}', NEW.id::text); RETURN NEW; END $$`);
      await this.#pool.query(`DROP TRIGGER IF EXISTS ${t}_notify ON ${t}`);
      await this.#pool.query(
        `CREATE TRIGGER ${t}_notify AFTER INSERT ON ${t} FOR EACH ROW EXECUTE FUNCTION ${t}_notify()`,
      );
    } catch (err) {
      throw new StoreError(`cannot use PostgreSQL: ${(err as Error).message}`, { cause: err });
    }
  }

  async add(input: OrderInput): Promise<Order> {
    const res = await this.#pool.query(
      `INSERT INTO ${this.table} ("user", item, amount) VALUES ($1, $2, $3) RETURNING ${COLUMNS}`,
      [input.user, input.item, input.amount],
    );
    return rowToOrder(res.rows[0] as Record<string, unknown>);
  }

  async get(id: number): Promise<Order | undefined> {
    const res = await this.#pool.query(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1`, [id]);
    const row = res.rows[0] as Record<string, unknown> | undefined;
    return row && rowToOrder(row);
  }

  async latest(limit: number): Promise<Order[]> {
    const res = await this.#pool.query(
      `SELECT ${COLUMNS} FROM ${this.table} ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return (res.rows as Record<string, unknown>[]).map(rowToOrder);
  }

  async stats(now: number): Promise<Stats> {
    const t = this.table;
    const [minutes, top, total] = await Promise.all([
      this.#pool.query(
        `SELECT created_at / 60000 AS minute, count(*) AS n, sum(amount) AS revenue FROM ${t} WHERE created_at >= $1 GROUP BY minute`,
        [windowStart(now)],
      ),
      this.#pool.query(
        `SELECT "user", count(*) AS n FROM ${t} GROUP BY "user" ORDER BY n DESC, "user" ASC LIMIT $1`,
        [TOP_USERS],
      ),
      this.#pool.query(`SELECT count(*) AS n, coalesce(sum(amount), 0) AS revenue FROM ${t}`),
    ]);
    return buildStats(
      now,
      minutes.rows as Record<string, unknown>[],
      top.rows as Record<string, unknown>[],
      total.rows[0]?.n,
      total.rows[0]?.revenue,
    );
  }

  /** Opens the `LISTEN` connection; resolves once it listens. A dropped connection is re-opened in the background. */
  async watch(onInsert: (id: number) => void): Promise<void> {
    this.#onInsert = onInsert;
    await this.#listen();
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.#opts.connectionString,
      application_name: this.#opts.applicationName ?? "switchboard-dashboard",
      connectionTimeoutMillis: 5000,
    });
    let lost = false;
    const onLost = (err?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.#listener === client) this.#listener = undefined;
      client.end().catch(() => undefined);
      if (this.#closed) return;
      console.error(
        `dashboard: LISTEN connection lost${err ? ` (${err.message})` : ""}; re-listening`,
      );
      this.#retry = setTimeout(() => {
        this.#retry = undefined;
        this.#listen().catch(() => undefined);
      }, this.#opts.relistenDelay ?? 1000);
    };
    client.on("error", onLost);
    client.on("end", () => onLost());
    client.on("notification", (msg) => {
      const id = Number(msg.payload);
      if (msg.channel === this.table && Number.isSafeInteger(id)) this.#onInsert?.(id);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.table}`);
      this.#listener = client;
    } catch (err) {
      onLost(err as Error);
      throw new StoreError(`cannot LISTEN on PostgreSQL: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  /** Drops the table and its trigger function: for tests that use a throw-away table. */
  async drop(): Promise<void> {
    await this.#pool.query(`DROP TABLE IF EXISTS ${this.table}`);
    await this.#pool.query(`DROP FUNCTION IF EXISTS ${this.table}_notify()`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.end().catch(() => undefined);
    await this.#pool.end();
  }
}
