import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  buildStats,
  rowToOrder,
  StoreError,
  TOP_USERS,
  windowStart,
  type OrderStore,
} from "./store.js";
import type { Order, OrderInput, Stats } from "./types.js";

interface Statements {
  insert: Database.Statement;
  get: Database.Statement;
  latest: Database.Statement;
  perMinute: Database.Statement;
  top: Database.Statement;
  total: Database.Statement;
}

/**
 * Orders in an embedded SQLite file (the default: nothing to install). Only this process writes, so there is
 * no `watch()`: every insert goes through {@link SqliteStore.add}.
 * @example
 * const store = new SqliteStore("data/dashboard.db");
 * await store.init();
 * const order = await store.add({ user: "ada", item: "tea", amount: 3 });
 */
export class SqliteStore implements OrderStore {
  readonly file: string;
  #db: Database.Database | undefined;
  #s: Statements | undefined;

  constructor(file: string) {
    this.file = file;
  }

  async init(): Promise<void> {
    try {
      if (this.file !== ":memory:") mkdirSync(dirname(this.file), { recursive: true });
      const db = new Database(this.file);
      db.pragma("journal_mode = WAL");
      db.exec(`CREATE TABLE IF NOT EXISTS orders (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        "user" TEXT NOT NULL,
        item TEXT NOT NULL,
        amount REAL NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS orders_created_at ON orders (created_at);
      CREATE INDEX IF NOT EXISTS orders_user ON orders ("user");`);
      this.#s = {
        insert: db.prepare(
          `INSERT INTO orders ("user", item, amount, created_at) VALUES (?, ?, ?, ?)`,
        ),
        get: db.prepare(`SELECT id, "user", item, amount, created_at FROM orders WHERE id = ?`),
        latest: db.prepare(
          `SELECT id, "user", item, amount, created_at FROM orders ORDER BY id DESC LIMIT ?`,
        ),
        perMinute: db.prepare(
          "SELECT created_at / 60000 AS minute, count(*) AS n, sum(amount) AS revenue FROM orders WHERE created_at >= ? GROUP BY minute",
        ),
        top: db.prepare(
          `SELECT "user", count(*) AS n FROM orders GROUP BY "user" ORDER BY n DESC, "user" ASC LIMIT ?`,
        ),
        total: db.prepare("SELECT count(*) AS n, coalesce(sum(amount), 0) AS revenue FROM orders"),
      };
      this.#db = db;
    } catch (err) {
      throw new StoreError(
        `cannot open the SQLite database at ${this.file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async add(input: OrderInput): Promise<Order> {
    const created_at = Date.now();
    const info = this.#ready().insert.run(input.user, input.item, input.amount, created_at);
    return { id: Number(info.lastInsertRowid), ...input, created_at };
  }

  async get(id: number): Promise<Order | undefined> {
    const row = this.#ready().get.get(id) as Record<string, unknown> | undefined;
    return row && rowToOrder(row);
  }

  async latest(limit: number): Promise<Order[]> {
    return (this.#ready().latest.all(limit) as Record<string, unknown>[]).map(rowToOrder);
  }

  async stats(now: number): Promise<Stats> {
    const s = this.#ready();
    const minutes = s.perMinute.all(windowStart(now)) as Record<string, unknown>[];
    const top = s.top.all(TOP_USERS) as Record<string, unknown>[];
    const totals = s.total.get() as Record<string, unknown>;
    return buildStats(now, minutes, top, totals["n"], totals["revenue"]);
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
    this.#s = undefined;
  }

  #ready(): Statements {
    if (!this.#s) throw new StoreError("the SQLite store is not open");
    return this.#s;
  }
}
