import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/sqlite-store.js";
import type { ChatStore } from "../src/store.js";
import { cleanup, tempDir } from "./helpers.js";
import { storeContract } from "./store-contract.js";

const open = new Set<ChatStore>();
afterEach(async () => {
  await Promise.all([...open].map((s) => s.close()));
  open.clear();
  await cleanup();
});

storeContract("SQLite", async () => {
  const file = join(tempDir(), "contract.db");
  const store = new SqliteStore(file);
  await store.init();
  open.add(store);
  return {
    store,
    reopen: async () => {
      const again = new SqliteStore(file);
      await again.init();
      open.add(again);
      return again;
    },
  };
});

describe("SqliteStore", () => {
  it("creates the data directory and reports an unusable path with a clear error", async () => {
    const nested = new SqliteStore(join(tempDir(), "a", "b", "chat.db"));
    await nested.init();
    open.add(nested);
    // A regular file where the directory should be.
    const blocker = join(tempDir(), "not-a-dir");
    writeFileSync(blocker, "");
    const bad = new SqliteStore(join(blocker, "chat.db"));
    await expect(bad.init()).rejects.toMatchObject({ code: "ERR_CHAT_STORE", message: expect.stringContaining("cannot open the SQLite database") });
  });
});
