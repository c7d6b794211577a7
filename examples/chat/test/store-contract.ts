// One contract, run against every ChatStore implementation (SQLite here, PostgreSQL in pg-store.test.ts).
import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatStore } from "../src/store.js";

export function storeContract(
  label: string,
  make: () => Promise<{ store: ChatStore; reopen: () => Promise<ChatStore> }>,
): void {
  describe(`${label} store contract`, () => {
    const msg = (i: number, room = "general"): ChatMessage => ({
      id: `m${i}-${room}`,
      room,
      from: `u${i % 3}`,
      text: `text ${i} <i>`,
      ts: 1_700_000_000_000 + i,
    });

    it("returns the last N messages of a room, oldest first, and nothing from other rooms", async () => {
      const { store } = await make();
      for (let i = 0; i < 60; i++) await store.add(msg(i));
      await store.add(msg(1, "other"));
      const recent = await store.recent("general", 50);
      expect(recent).toHaveLength(50);
      expect(recent[0]).toEqual(msg(10));
      expect(recent[49]).toEqual(msg(59));
      expect(await store.recent("other", 50)).toEqual([msg(1, "other")]);
      expect(await store.recent("empty", 50)).toEqual([]);
    });

    it("lists the rooms that have history, most recently active first, up to a limit", async () => {
      const { store } = await make();
      expect(await store.rooms(10)).toEqual([]);
      await store.add(msg(1, "a"));
      await store.add(msg(2, "b"));
      await store.add(msg(3, "a"));
      await store.add(msg(4, "c"));
      expect(await store.rooms(10)).toEqual(["c", "a", "b"]);
      expect(await store.rooms(2)).toEqual(["c", "a"]);
    });

    it("keeps messages across a close and reopen", async () => {
      const { store, reopen } = await make();
      await store.add(msg(1));
      await store.add(msg(2));
      await store.close();
      const again = await reopen();
      expect(await again.recent("general", 50)).toEqual([msg(1), msg(2)]);
    });

    it("rejects a duplicate id instead of storing it twice", async () => {
      const { store } = await make();
      await store.add(msg(1));
      await expect(store.add(msg(1))).rejects.toThrow();
      expect(await store.recent("general", 50)).toHaveLength(1);
    });
  });
}
