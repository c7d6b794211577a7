// PostgreSQL: an INSERT made by another program (a separate `pg` client standing in for psql) becomes a live
// update through the trigger's NOTIFY and the dashboard's LISTEN connection. Uses DATABASE_URL, else 127.0.0.1:5432,
// else a private server it starts. None: skipped loudly locally, a failure under CI=true.
// Every run uses its own table (and trigger function), dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresForTests } from "../../../test/support/postgres.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PgStore } from "../src/pg-store.js";
import type { Order, Stats } from "../src/types.js";
import { cleanup, once, post, record, startDashboard, viewer } from "./helpers.js";

// DATABASE_URL, else 127.0.0.1:5432, else a private server (see test/support/postgres.ts).
const db = await postgresForTests("PostgreSQL dashboard");
const { connectionString, problem } = db;
const runId = `dash_test_${process.pid}_${randomBytes(3).toString("hex")}`;

const tables = new Set<string>();
let counter = 0;
function newStore(extra: { applicationName?: string } = {}): PgStore {
  const table = `${runId}_${counter++}`;
  tables.add(table);
  return new PgStore({ connectionString, table, relistenDelay: 100, ...extra });
}

afterEach(cleanup);

afterAll(async () => {
  try {
    if (!problem) await dropTables();
  } finally {
    await db.close();
  }
});

async function dropTables(): Promise<void> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  for (const t of tables) {
    await c.query(`DROP TABLE IF EXISTS ${t}`);
    await c.query(`DROP FUNCTION IF EXISTS ${t}_notify()`);
  }
  const left = await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1", [
    `${runId}%`,
  ]);
  await c.end();
  expect(left.rows[0].n).toBe(0);
}

async function psql(sql: string, values: unknown[] = []): Promise<pg.QueryResult> {
  const c = new pg.Client({ connectionString });
  await c.connect();
  try {
    return await c.query(sql, values);
  } finally {
    await c.end();
  }
}

describe.runIf(!problem)("PostgreSQL dashboard", () => {
  it("turns an INSERT made by another client into order:new and stats", async () => {
    const dash = await startDashboard({ store: newStore() });
    const table = (dash.store as PgStore).table;
    const { socket, snapshot } = await viewer(dash);
    expect(snapshot.orders).toEqual([]);
    const news = record<Order>(socket, "order:new");
    const got = once<[Order]>(socket, "order:new");
    const stats = once<[Stats]>(socket, "stats", (s) => s.total === 1);
    const res = await psql(
      `INSERT INTO ${table} ("user", item, amount) VALUES ($1, $2, $3) RETURNING id`,
      ["<script>x</script>", "psql", 9.5],
    );
    const [order] = await got;
    expect(order).toMatchObject({
      id: Number(res.rows[0].id),
      user: "<script>x</script>",
      item: "psql",
      amount: 9.5,
    });
    expect(Math.abs(order.created_at - Date.now())).toBeLessThan(60_000);
    expect((await stats)[0].topUsers).toEqual([{ user: "<script>x</script>", count: 1 }]);

    // An order added through the app is announced once, although the trigger notifies about it too.
    const againP = once<[Order]>(socket, "order:new");
    const posted = await post(dash, { user: "ada", item: "tea", amount: 1 });
    expect(posted.status).toBe(201);
    const [again] = await againP;
    expect(again.user).toBe("ada");
    const thirdP = once<[Order]>(socket, "order:new", (o) => o.user === "bob");
    const third = await psql(
      `INSERT INTO ${table} ("user", item, amount) VALUES ('bob', 'pie', 2) RETURNING id`,
    );
    expect((await thirdP)[0].id).toBe(Number(third.rows[0].id));
    expect(news.map((o) => o.user)).toEqual(["<script>x</script>", "ada", "bob"]);
  });

  it("keeps listening after the database kills its LISTEN connection", async () => {
    const applicationName = `dash-drop-${runId}`;
    const dash = await startDashboard({ store: newStore({ applicationName }) });
    const table = (dash.store as PgStore).table;
    const { socket } = await viewer(dash);
    const killed = await psql(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query ILIKE 'LISTEN%'",
      [applicationName],
    );
    expect(killed.rowCount).toBe(1);
    // Insert until the re-opened listener reports one (it needs a moment to reconnect; no fixed sleep).
    const got = once<[Order]>(socket, "order:new");
    let n = 0;
    let done = false;
    void got.then(() => (done = true));
    while (!done && n < 100) {
      await psql(`INSERT INTO ${table} ("user", item, amount) VALUES ('late', $1, 1)`, [`n${n++}`]);
      await Promise.race([got, new Promise((r) => setTimeout(r, 100))]);
    }
    expect((await got)[0].user).toBe("late");
  });

  it("enforces the same limits on other writers through CHECK constraints", async () => {
    const dash = await startDashboard({ store: newStore() });
    const table = (dash.store as PgStore).table;
    await expect(
      psql(`INSERT INTO ${table} ("user", item, amount) VALUES ('a', 'b', -1)`),
    ).rejects.toThrow(/check constraint/);
    await expect(
      psql(`INSERT INTO ${table} ("user", item, amount) VALUES ($1, 'b', 1)`, ["x".repeat(33)]),
    ).rejects.toThrow(/check constraint/);
  });

  it("reports an unreachable database with a clear error", async () => {
    const s = new PgStore({ connectionString: "postgres://nobody@127.0.0.1:1/none", table: "t" });
    await expect(startDashboard({ store: s })).rejects.toMatchObject({
      code: "ERR_DASH_STORE",
      message: expect.stringContaining("cannot use PostgreSQL"),
    });
  });
});
