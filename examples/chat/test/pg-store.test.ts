// PostgreSQL: the same store contract as SQLite, plus the chat's history across a restart.
// Uses DATABASE_URL, else 127.0.0.1:5432, else a private server it starts. None: skipped with a warning locally,
// a failure under CI=true. Every run uses its own table, dropped afterwards.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { postgresForTests } from "../../../test/support/postgres.js";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { PgStore } from "../src/pg-store.js";
import type { ChatStore } from "../src/store.js";
import { ask, cleanup, join, startChat, stopChat } from "./helpers.js";
import { storeContract } from "./store-contract.js";

// DATABASE_URL, else 127.0.0.1:5432, else a private server (see test/support/postgres.ts).
const db = await postgresForTests("PostgreSQL store");
const { connectionString, problem } = db;
const runId = `chat_test_${process.pid}_${randomBytes(3).toString("hex")}`;

const tables = new Set<string>();
const open = new Set<ChatStore>();
let counter = 0;
function newTable(): string {
  const table = `${runId}_${counter++}`;
  tables.add(table);
  return table;
}

afterEach(async () => {
  await cleanup();
  await Promise.all([...open].map((s) => s.close().catch(() => undefined)));
  open.clear();
});

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
  for (const t of tables) await c.query(`DROP TABLE IF EXISTS ${t}`);
  const left = await c.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE $1", [
    `${runId}%`,
  ]);
  await c.end();
  expect(left.rows[0].n).toBe(0);
}

function store(table: string): PgStore {
  const s = new PgStore({ connectionString, table });
  open.add(s);
  return s;
}

describe.runIf(!problem)("PostgreSQL", () => {
  storeContract("PostgreSQL", async () => {
    const table = newTable();
    const s = store(table);
    await s.init();
    return {
      store: s,
      reopen: async () => {
        const again = store(table);
        await again.init();
        return again;
      },
    };
  });

  describe("PostgreSQL chat", () => {
    it("keeps a room's history across a chat restart", async () => {
      const table = newTable();
      const first = await startChat({ store: new PgStore({ connectionString, table }) });
      const alice = await join(first, "alice");
      for (let i = 1; i <= 3; i++)
        await ask(alice.socket, "message", { room: "general", text: `pg${i}` });
      await stopChat(first); // waits for the pending inserts
      const second = await startChat({ store: new PgStore({ connectionString, table }) });
      const bob = await join(second, "bob");
      expect(bob.welcome.joined[0]!.history.map((m) => m.text)).toEqual(["pg1", "pg2", "pg3"]);
    });

    it("survives the database dropping its connections while running", async () => {
      const appName = `chat-drop-${runId}`;
      const table = newTable();
      const chat = await startChat({
        store: new PgStore({ connectionString, table, applicationName: appName }),
      });
      const alice = await join(chat, "alice");
      await ask(alice.socket, "message", { room: "general", text: "before drop" });
      // The ack does not wait for the insert: wait until it lands, then kill every connection of this
      // store from the database side.
      await vi.waitFor(
        async () =>
          expect((await chat.store.recent("general", 50)).map((m) => m.text)).toEqual([
            "before drop",
          ]),
        {
          timeout: 10_000,
        },
      );
      const admin = new pg.Client({ connectionString });
      await admin.connect();
      const killed = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [appName],
      );
      await admin.end();
      expect(killed.rowCount).toBeGreaterThan(0);
      expect(
        await ask(alice.socket, "message", { room: "general", text: "after drop" }),
      ).toMatchObject({ ok: true });
      await stopChat(chat); // waits for the pending insert
      const check = new PgStore({ connectionString, table });
      open.add(check);
      expect((await check.recent("general", 50)).map((m) => m.text)).toEqual([
        "before drop",
        "after drop",
      ]);
    });

    it("reports an unreachable database with a clear error", async () => {
      const s = new PgStore({ connectionString: "postgres://nobody@127.0.0.1:1/none", table: "t" });
      open.add(s);
      await expect(s.init()).rejects.toMatchObject({
        code: "ERR_CHAT_STORE",
        message: expect.stringContaining("cannot use PostgreSQL"),
      });
    });

    it("refuses a table name that is not a plain identifier", () => {
      expect(() => new PgStore({ connectionString, table: "x; DROP TABLE y" })).toThrow(
        /invalid table name/,
      );
    });
  });
});
