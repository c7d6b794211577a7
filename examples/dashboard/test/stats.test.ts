// The per-minute window: 15 one-minute buckets, the last one holding "now"; rows outside are ignored.
import { describe, expect, it } from "vitest";
import { buildStats, MINUTES, windowStart } from "../src/store.js";
import { checkOrder } from "../src/validate.js";

describe("stats window", () => {
  it("puts counts into the right minute and drops rows outside the window", () => {
    const now = Date.UTC(2026, 0, 1, 12, 30, 45);
    const since = windowStart(now);
    expect(since).toBe(Date.UTC(2026, 0, 1, 12, 16, 0));
    const minute = (t: number): number => Math.floor(t / 60_000);
    const stats = buildStats(
      now,
      [
        { minute: String(minute(now)), n: "4" }, // pg returns bigint columns as strings
        { minute: minute(since), n: 2 },
        { minute: minute(since) - 1, n: 99 },
      ],
      [{ user: "ada", n: "3" }],
      "7",
    );
    expect(stats.perMinute).toHaveLength(MINUTES);
    expect(stats.perMinute[0]).toBe(2);
    expect(stats.perMinute[MINUTES - 1]).toBe(4);
    expect(stats.perMinute.reduce((a, b) => a + b, 0)).toBe(6);
    expect(stats.topUsers).toEqual([{ user: "ada", count: 3 }]);
    expect(stats.total).toBe(7);
  });

  it("trims text fields and keeps the amount", () => {
    expect(checkOrder({ user: "  ada ", item: " tea", amount: 0.01, extra: true })).toEqual({
      user: "ada",
      item: "tea",
      amount: 0.01,
    });
    expect(() => checkOrder({ user: "ada", item: "tea", amount: Infinity })).toThrow(
      /from 0.01 to/,
    );
  });
});
