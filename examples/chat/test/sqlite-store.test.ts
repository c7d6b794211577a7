import { spawn } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
    await expect(bad.init()).rejects.toMatchObject({
      code: "ERR_CHAT_STORE",
      message: expect.stringContaining("cannot open the SQLite database"),
    });
  });

  // Cluster workers open one new file together; whichever loses the race to switch it to WAL must
  // retry, not exit (CI once saw "database is locked" from a worker here).
  it("opens one new file from several processes at once", async () => {
    const built = fileURLToPath(new URL("../dist/sqlite-store.js", import.meta.url));
    expect(existsSync(built), "examples/chat/dist is missing: run `npm run build`").toBe(true);
    const script = `
      const { SqliteStore } = await import(${JSON.stringify(built)});
      const start = Number(process.argv[2]);
      while (Date.now() < start) {}
      const store = new SqliteStore(process.argv[1]);
      await store.init();
      await store.add({ id: String(process.pid), room: "r", from: "p", text: "t", ts: 1 });
      await store.close();`;
    for (let round = 0; round < 3; round++) {
      const file = join(tempDir(), `shared-${round}.db`);
      const start = Date.now() + 400;
      const codes = await Promise.all(
        Array.from(
          { length: 6 },
          () =>
            new Promise<{ code: number | null; stderr: string }>((resolve) => {
              const child = spawn(
                process.execPath,
                ["--input-type=module", "-e", script, file, String(start)],
                { stdio: ["ignore", "ignore", "pipe"] },
              );
              let stderr = "";
              child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
              child.on("close", (code) => resolve({ code, stderr }));
            }),
        ),
      );
      expect(codes).toEqual(Array.from({ length: 6 }, () => ({ code: 0, stderr: "" })));
      const check = new SqliteStore(file);
      await check.init();
      open.add(check);
      expect(await check.recent("r", 50)).toHaveLength(6);
    }
  });
});
