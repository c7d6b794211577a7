// The summary logic of bench/run.mjs: medians per server, paired ratios per round, targets marked, failed
// measurements reported.
import { describe, expect, it } from "vitest";
import { headline, summarise, table, type BenchRecord } from "../../bench/lib/report.mjs";
import { Latencies, median, pool } from "../../bench/lib/stats.mjs";

const rec = (round: number, scenario: string, impl: string, metrics: Record<string, number>): BenchRecord => ({
  round, scenario, impl, metrics, checks: { ok: true },
});

describe("bench report", () => {
  it("takes the median of the per-round ratios, not the ratio of medians", () => {
    const records = [
      rec(1, "broadcast", "switchboard", { cpu_us: 8, user_us: 3 }),
      rec(1, "broadcast", "socket.io", { cpu_us: 10, user_us: 6 }),
      rec(2, "broadcast", "switchboard", { cpu_us: 16, user_us: 3 }),
      rec(2, "broadcast", "socket.io", { cpu_us: 20, user_us: 6 }),
      rec(3, "broadcast", "switchboard", { cpu_us: 9.5, user_us: 3 }),
      rec(3, "broadcast", "socket.io", { cpu_us: 10, user_us: 6 }),
    ];
    const s = summarise(records, ["broadcast"], ["switchboard", "socket.io"]);
    const cpu = s.rows.find((r) => r.metric === "cpu_us")!;
    expect(cpu.medians).toEqual({ switchboard: 9.5, "socket.io": 10 });
    expect(cpu.ratio).toBeCloseTo(0.8); // ratios 0.8, 0.8, 0.95; the ratio of medians would say 0.95
    expect(cpu.ratios).toHaveLength(3);
    expect(table(s, ["switchboard", "socket.io"])).toContain("| 9.50 | 10.0 | 0.80 (0.80–0.95) | ≤ 0.85 | ✓ |");
    expect(cpu).toMatchObject({ target: "≤ 0.85", verdict: "✓" });
    const user = s.rows.find((r) => r.metric === "user_us")!;
    expect(user.ratio).toBeCloseTo(0.5);
    expect(user.verdict).toBe("✓");
    expect(s.failures).toEqual([]);
  });

  it("marks a missed target and a throughput below socket.io's", () => {
    const records = [
      rec(1, "echo", "switchboard", { cpu_us: 9, throughput: 900 }),
      rec(1, "echo", "socket.io", { cpu_us: 10, throughput: 1000 }),
    ];
    const s = summarise(records, ["echo"], ["switchboard", "socket.io"]);
    expect(s.rows.find((r) => r.metric === "cpu_us")).toMatchObject({ target: "≤ 0.72", verdict: "✗" });
    expect(s.rows.find((r) => r.metric === "throughput")).toMatchObject({ target: "≥ 1.00", verdict: "✗" });
    expect(s.missed).toBe(2);
    expect(headline(s).split("\n")).toEqual([
      "| scenario | metric | Switchboard | socket.io | ratio | target | |",
      "|---|---|---:|---:|---:|---:|---|",
      "| echo | server CPU µs / round trip | 9.00 | 10.0 | 0.90 | ≤ 0.72 | ✗ |",
    ]);
    expect(table(s, ["switchboard", "socket.io"])).toContain("| echo (per round trip) | server CPU µs / unit | 9.00 | 10.0 | 0.90 | ≤ 0.72 | ✗ |");
  });

  it("lists errors and failed checks", () => {
    const records: BenchRecord[] = [
      { round: 1, scenario: "idle", impl: "switchboard", error: "boom\nstack" },
      { round: 1, scenario: "idle", impl: "socket.io", metrics: { heap_b: 1 }, checks: { ok: false } },
    ];
    const s = summarise(records, ["idle"], ["switchboard", "socket.io"]);
    expect(s.failures).toHaveLength(2);
    expect(s.failures[0]).toBe("idle/switchboard round 1: boom");
  });

  it("computes percentiles, medians and a bounded pool", async () => {
    const l = new Latencies(2);
    for (let i = 1; i <= 100; i++) l.add(i);
    expect(l.count).toBe(100);
    expect(l.summary()).toEqual({ p50: 51, p99: 100 });
    expect(new Latencies().summary()).toEqual({ p50: null, p99: null });
    expect(median([3, 1, null, 2, Number.NaN])).toBe(2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    let inFlight = 0;
    let peak = 0;
    const out = await pool(10, 3, async (i) => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setImmediate(r));
      inFlight--;
      return i * 2;
    });
    expect(out).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(peak).toBe(3);
  });
});
