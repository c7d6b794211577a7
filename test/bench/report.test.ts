// The summary logic of bench/run.mjs: medians per server, paired ratios per round, targets marked, failed
// measurements reported.
import { describe, expect, it } from "vitest";
import { headline, summarise, table, type BenchRecord } from "../../bench/lib/report.mjs";
import { Latencies, median, pool } from "../../bench/lib/stats.mjs";

const rec = (
  round: number,
  scenario: string,
  impl: string,
  metrics: Record<string, number>,
): BenchRecord => ({
  round,
  scenario,
  impl,
  metrics,
  checks: { ok: true },
});

describe("bench report", () => {
  it("takes the median of the per-round ratios, not the ratio of medians", () => {
    const records = [
      rec(1, "broadcast", "switchboard", { cpu_us: 3, user_us: 3 }),
      rec(1, "broadcast", "socket.io", { cpu_us: 10, user_us: 6 }),
      rec(2, "broadcast", "switchboard", { cpu_us: 6, user_us: 3 }),
      rec(2, "broadcast", "socket.io", { cpu_us: 20, user_us: 6 }),
      rec(3, "broadcast", "switchboard", { cpu_us: 3.8, user_us: 3 }),
      rec(3, "broadcast", "socket.io", { cpu_us: 10, user_us: 6 }),
    ];
    const s = summarise(records, ["broadcast"], ["switchboard", "socket.io"]);
    const cpu = s.rows.find((r) => r.metric === "cpu_us")!;
    expect(cpu.medians).toEqual({ switchboard: 3.8, "socket.io": 10 });
    expect(cpu.ratio).toBeCloseTo(0.3); // ratios 0.3, 0.3, 0.38; the ratio of medians would say 0.38
    expect(cpu.ratios).toHaveLength(3);
    expect(table(s, ["switchboard", "socket.io"])).toContain(
      "| 3.80 | 10.0 | 0.30 (0.30–0.38) | ≤ 0.35 | ✓ |",
    );
    expect(cpu).toMatchObject({ target: "≤ 0.35", verdict: "✓" });
    const user = s.rows.find((r) => r.metric === "user_us")!;
    expect(user.ratio).toBeCloseTo(0.5);
    expect(user.verdict).toBe(""); // no target on user CPU
    expect(s.failures).toEqual([]);
  });

  it("marks a missed target and a throughput below socket.io's", () => {
    const records = [
      rec(1, "echo", "switchboard", { cpu_us: 9, throughput: 900 }),
      rec(1, "echo", "socket.io", { cpu_us: 10, throughput: 1000 }),
    ];
    const s = summarise(records, ["echo"], ["switchboard", "socket.io"]);
    expect(s.rows.find((r) => r.metric === "cpu_us")).toMatchObject({
      target: "≤ 0.68",
      verdict: "✗",
    });
    expect(s.rows.find((r) => r.metric === "throughput")).toMatchObject({
      target: "≥ 1.00",
      verdict: "✗",
    });
    expect(s.missed).toBe(2);
    expect(headline(s).split("\n")).toEqual([
      "| scenario | metric | Switchboard | socket.io | ratio | target | |",
      "|---|---|---:|---:|---:|---:|---|",
      "| echo | server CPU µs / round trip | 9.00 | 10.0 | 0.90 | ≤ 0.68 | ✗ |",
    ]);
    expect(table(s, ["switchboard", "socket.io"])).toContain(
      "| echo (per round trip) | server CPU µs / unit | 9.00 | 10.0 | 0.90 | ≤ 0.68 | ✗ |",
    );
  });

  it("holds open-loop latency to socket.io's at every percentile, p999 included", () => {
    const lat = (p50: number, p99: number, p999: number) => ({
      cpu_us: 1,
      throughput: 100,
      p50_ms: p50,
      p99_ms: p99,
      p999_ms: p999,
    });
    const records = [
      rec(1, "broadcast-open", "switchboard", lat(2, 5, 12)),
      rec(1, "broadcast-open", "socket.io", lat(4, 5, 10)),
      rec(1, "echo-open", "switchboard", lat(0.5, 1, 2)),
      rec(1, "echo-open", "socket.io", lat(0.5, 2, 4)),
    ];
    const s = summarise(records, ["broadcast-open", "echo-open"], ["switchboard", "socket.io"]);
    const row = (scenario: string, metric: string) =>
      s.rows.find((r) => r.scenario === scenario && r.metric === metric);
    expect(row("broadcast-open", "p50_ms")).toMatchObject({ ratio: 0.5, verdict: "✓" });
    expect(row("broadcast-open", "p99_ms")).toMatchObject({
      ratio: 1,
      target: "≤ 1.00",
      verdict: "✓",
    });
    expect(row("broadcast-open", "p999_ms")).toMatchObject({ ratio: 1.2, verdict: "✗" });
    expect(row("echo-open", "p999_ms")).toMatchObject({ ratio: 0.5, verdict: "✓" });
    // Open loop fixes the rate, so throughput carries no target there.
    expect(row("broadcast-open", "throughput")?.verdict).toBe("");
    const md = table(s, ["switchboard", "socket.io"]);
    expect(md).toContain("| broadcast-open (per delivery) | server CPU µs / unit |");
    expect(md).toContain("| p999 ms | 12.0 | 10.0 | 1.20 | ≤ 1.00 | ✗ |");
    expect(headline(s)).toContain("| broadcast-open | p999 ms | 12.0 | 10.0 | 1.20 | ≤ 1.00 | ✗ |");
  });

  it("lists errors and failed checks", () => {
    const records: BenchRecord[] = [
      { round: 1, scenario: "idle", impl: "switchboard", error: "boom\nstack" },
      {
        round: 1,
        scenario: "idle",
        impl: "socket.io",
        metrics: { heap_b: 1 },
        checks: { ok: false },
      },
    ];
    const s = summarise(records, ["idle"], ["switchboard", "socket.io"]);
    expect(s.failures).toHaveLength(2);
    expect(s.failures[0]).toBe("idle/switchboard round 1: boom");
  });

  it("computes percentiles, medians and a bounded pool", async () => {
    const l = new Latencies(2);
    for (let i = 1; i <= 100; i++) l.add(i);
    expect(l.count).toBe(100);
    expect(l.summary()).toEqual({ p50: 51, p99: 100, p999: 100 });
    const big = new Latencies();
    for (let i = 1; i <= 2000; i++) big.add(i);
    expect(big.summary()).toEqual({ p50: 1001, p99: 1981, p999: 1999 });
    expect(new Latencies().summary()).toEqual({ p50: null, p99: null, p999: null });
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
