import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { rowToMessage, StoreError, type ChatMessage, type ChatStore } from "./store.js";

/** Tries to open the file before giving up when other processes hold its lock (about 4 s in all). */
const OPEN_ATTEMPTS = 20;

/**
 * History in an embedded SQLite file (the default: nothing to install).
 * @example
 * const store = new SqliteStore("data/chat.db");
 * await store.init();
 */
export class SqliteStore implements ChatStore {
  readonly file: string;
  #db: Database.Database | undefined;
  #insert: Database.Statement | undefined;
  #recent: Database.Statement | undefined;
  #rooms: Database.Statement | undefined;

  constructor(file: string) {
    this.file = file;
  }

  async init(): Promise<void> {
    // Cluster workers open the same new file at once; switching it to WAL takes an exclusive lock that
    // SQLite's busy timeout does not wait for, so a worker that loses the race retries instead of failing.
    for (let attempt = 1; ; attempt++) {
      try {
        this.#open();
        return;
      } catch (err) {
        const busy = (err as { cause?: { code?: string } }).cause?.code === "SQLITE_BUSY";
        if (!busy || attempt >= OPEN_ATTEMPTS) throw err;
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  #open(): void {
    let db: Database.Database | undefined;
    try {
      if (this.file !== ":memory:") mkdirSync(dirname(this.file), { recursive: true });
      db = new Database(this.file, { timeout: 5000 });
      if (db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
      db.exec(`CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        room TEXT NOT NULL,
        sender TEXT NOT NULL,
        text TEXT NOT NULL,
        ts INTEGER NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_room_seq ON messages (room, seq);`);
      this.#insert = db.prepare(
        "INSERT INTO messages (id, room, sender, text, ts) VALUES (?, ?, ?, ?, ?)",
      );
      // Newest 50 by insertion order, then flipped to oldest first.
      this.#recent = db.prepare(
        "SELECT id, room, sender, text, ts FROM (SELECT * FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq ASC",
      );
      this.#rooms = db.prepare(
        "SELECT room FROM messages GROUP BY room ORDER BY MAX(seq) DESC LIMIT ?",
      );
      this.#db = db;
    } catch (err) {
      db?.close();
      throw new StoreError(
        `cannot open the SQLite database at ${this.file}: ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  async add(m: ChatMessage): Promise<void> {
    this.#ready().insert.run(m.id, m.room, m.from, m.text, m.ts);
  }

  async recent(room: string, limit: number): Promise<ChatMessage[]> {
    const rows = this.#ready().recent.all(room, limit) as Record<string, unknown>[];
    return rows.map(rowToMessage);
  }

  async rooms(limit: number): Promise<string[]> {
    if (!this.#rooms) throw new StoreError("the SQLite store is not open");
    return (this.#rooms.all(limit) as { room: unknown }[]).map((r) => String(r.room));
  }

  async close(): Promise<void> {
    this.#db?.close();
    this.#db = undefined;
  }

  #ready(): { insert: Database.Statement; recent: Database.Statement } {
    if (!this.#insert || !this.#recent) throw new StoreError("the SQLite store is not open");
    return { insert: this.#insert, recent: this.#recent };
  }
}
