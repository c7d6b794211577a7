// The `reason` label of switchboard_recovery_failures_total is a bounded set: the reasons of every adapter, the streams
// adapter's `invalid` and `unavailable`, and `other` for anything else an adapter reports.
import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import parse from "parse-prometheus-text-format";
import {
  SessionAwareAdapter,
  type AdapterNamespace,
  type RecoveryStats,
} from "@switchboard/adapter";
import { metrics } from "@switchboard/admin";
import type { RecoveryFailureReason as StreamsFailureReason } from "@switchboard/redis-streams-adapter";
import { Server } from "@switchboard/server";
import {
  failuresByLabel,
  RECOVERY_FAILURE_REASONS,
  type RecoveryFailureLabel,
} from "../src/metrics/recovery.js";
import { closeAll, onCleanup } from "./helpers.js";

afterEach(closeAll);

// Compile-time: every reason the streams adapter reports is a label of its own (none falls into `other`).
const streamsReasons: Record<StreamsFailureReason, true> = {
  expired: true,
  trimmed: true,
  unknown: true,
  invalid: true,
  unavailable: true,
};
const asLabel = (r: StreamsFailureReason): RecoveryFailureLabel => r;

/** An adapter reporting the failures a streams adapter would, plus reasons no Switchboard adapter has. */
function failing(failed: Record<string, number>) {
  return class extends SessionAwareAdapter {
    constructor(nsp: AdapterNamespace) {
      super(nsp);
    }
    override recoveryStats(): RecoveryStats {
      return { ...super.recoveryStats(), failed } as unknown as RecoveryStats;
    }
  };
}

function scrape(failed: Record<string, number>) {
  const io = new Server(createServer(), {
    adapter: failing(failed),
    connectionStateRecovery: {},
  });
  io.of("/orders");
  const m = metrics(io, { path: false });
  onCleanup(async () => {
    m.close();
    await io.close();
  });
  const family = parse(m.registry.metrics()).find(
    (f) => f.name === "switchboard_recovery_failures_total",
  );
  const series = (family?.metrics ?? []) as { labels: Record<string, string>; value: string }[];
  return (nsp: string) =>
    Object.fromEntries(
      series.filter((s) => s.labels["namespace"] === nsp).map((s) => [s.labels["reason"], s.value]),
    );
}

describe("recovery failure reasons in /metrics", () => {
  it("lists the streams adapter's reasons under their own label", () => {
    for (const r of Object.keys(streamsReasons) as StreamsFailureReason[])
      expect(RECOVERY_FAILURE_REASONS).toContain(asLabel(r));
  });

  it("exports every reason with its count, and folds unknown reasons into `other`", () => {
    const byNsp = scrape({
      expired: 1,
      trimmed: 2,
      unknown: 3,
      invalid: 4,
      unavailable: 5,
      "made-up": 6,
      "another one": 7,
    });
    const expected = {
      expired: "1",
      trimmed: "2",
      unknown: "3",
      invalid: "4",
      unavailable: "5",
      other: "13",
    };
    expect(byNsp("/")).toEqual(expected);
    expect(byNsp("/orders")).toEqual(expected);
  });

  it("shows every label at 0 for an adapter with only the basic reasons", () => {
    const byNsp = scrape({ expired: 0, trimmed: 1, unknown: 0 });
    expect(byNsp("/")).toEqual({
      expired: "0",
      trimmed: "1",
      unknown: "0",
      invalid: "0",
      unavailable: "0",
      other: "0",
    });
  });

  it("keeps the label set bounded whatever the adapter reports", () => {
    const many = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`r${i}`, 1]));
    const out = failuresByLabel({ ...many, invalid: Number.NaN, unavailable: -0 });
    expect(Object.keys(out).sort()).toEqual([...RECOVERY_FAILURE_REASONS].sort());
    expect(out.other).toBe(1000);
    expect(out.invalid).toBe(0);
    expect(failuresByLabel(undefined)).toEqual(failuresByLabel({}));
  });
});
