// Connection state recovery metrics, read at scrape time from each namespace's adapter through its
// `recoveryStats()` method (the in-memory, cluster, Redis and Redis Streams adapters have it; others are skipped).
// Admin wraps nothing: a method call per namespace per scrape. The private session id is never part of the stats.
import { namespacesOf } from "@switchboard/server";
import type { AnyServer } from "../types.js";
import { Counter, Gauge, type Registry } from "./registry.js";

/** What `adapter.recoveryStats()` returns (`RecoveryStats` of `@switchboard/adapter`), read structurally. */
interface RecoveryStatsLike {
  sessionsStored?: number;
  attempted?: number;
  succeeded?: number;
  failed?: Record<string, unknown>;
  replayed?: number;
  /** Entries behind the tip of the node's stream (stream adapters). */
  streamLag?: number;
}

const num = (n: unknown): number => (typeof n === "number" && Number.isFinite(n) ? n : 0);

/**
 * The `reason` label values of `recovery_failures_total`, a bounded set: the reasons every adapter reports
 * (`expired`, `trimmed`, `unknown`), those only the streams adapter has (`invalid`: a stored session that does not
 * decode, is too large or names another pid; `unavailable`: Redis could not be asked, or the node could not read up
 * to the offset), and `other` for any reason an adapter adds beyond these (summed, so a peer or a third-party adapter
 * can never grow the series count).
 */
export const RECOVERY_FAILURE_REASONS = [
  "expired",
  "trimmed",
  "unknown",
  "invalid",
  "unavailable",
  "other",
] as const;
export type RecoveryFailureLabel = (typeof RECOVERY_FAILURE_REASONS)[number];

const KNOWN_REASONS: ReadonlySet<string> = new Set(RECOVERY_FAILURE_REASONS);

/** Failures by bounded label: every label present (0 when the adapter has no such reason). */
export function failuresByLabel(
  failed: Record<string, unknown> | undefined,
): Record<RecoveryFailureLabel, number> {
  const out = Object.fromEntries(RECOVERY_FAILURE_REASONS.map((r) => [r, 0])) as Record<
    RecoveryFailureLabel,
    number
  >;
  if (typeof failed !== "object" || failed === null) return out;
  for (const [reason, count] of Object.entries(failed)) {
    const label = KNOWN_REASONS.has(reason) ? (reason as RecoveryFailureLabel) : "other";
    out[label] += num(count);
  }
  return out;
}

type StatsSource = { recoveryStats?: () => RecoveryStatsLike | undefined };

/** Each namespace's recovery stats, for the adapters that keep any. */
function* statsOf(io: AnyServer): Generator<[string, RecoveryStatsLike]> {
  for (const nsp of namespacesOf(io)) {
    const source = nsp.adapter as unknown as StatsSource;
    if (typeof source.recoveryStats !== "function") continue;
    let stats: RecoveryStatsLike | undefined;
    try {
      stats = source.recoveryStats();
    } catch {
      continue; // a broken adapter must not break the scrape
    }
    if (stats !== undefined) yield [nsp.name, stats];
  }
}

/**
 * Registers the recovery metrics in `registry`; returns the teardown. Names use `prefix` (default `switchboard_`):
 * `recovery_sessions_stored`, `recovery_attempts_total`, `recovery_successes_total`,
 * `recovery_failures_total{reason}` (reason in {@link RECOVERY_FAILURE_REASONS}), `recovery_replayed_events_total`, `recovery_stream_lag_entries`.
 */
export function collectRecoveryMetrics(
  io: AnyServer,
  registry: Registry,
  prefix: string,
): () => void {
  const scalar = (
    Kind: typeof Counter | typeof Gauge,
    name: string,
    help: string,
    labels: string[],
    fill: (m: Counter | Gauge, nsp: string, s: RecoveryStatsLike) => void,
  ) =>
    registry.register(
      new Kind(`${prefix}${name}`, help, ["namespace", ...labels], (m) => {
        m.reset();
        for (const [nsp, s] of statsOf(io)) fill(m as Counter | Gauge, nsp, s);
      }),
    );
  const metrics = [
    scalar(
      Gauge,
      "recovery_sessions_stored",
      "Disconnected sessions kept for recovery.",
      [],
      (m, n, s) => m.labels(n).set(num(s.sessionsStored)),
    ),
    scalar(
      Counter,
      "recovery_attempts_total",
      "CONNECTs that asked to recover a session.",
      [],
      (m, n, s) => m.labels(n).set(num(s.attempted)),
    ),
    scalar(Counter, "recovery_successes_total", "Sessions recovered.", [], (m, n, s) =>
      m.labels(n).set(num(s.succeeded)),
    ),
    scalar(
      Counter,
      "recovery_failures_total",
      "Recoveries that failed (the client got a new session), by reason.",
      ["reason"],
      (m, n, s) => {
        for (const [label, count] of Object.entries(failuresByLabel(s.failed)))
          m.labels(n, label).set(count);
      },
    ),
    scalar(
      Counter,
      "recovery_replayed_events_total",
      "Missed events sent to recovered clients.",
      [],
      (m, n, s) => m.labels(n).set(num(s.replayed)),
    ),
    scalar(
      Gauge,
      "recovery_stream_lag_entries",
      "Stream entries this node has not read yet (stream adapters only).",
      [],
      (m, n, s) => {
        if (s.streamLag !== undefined) m.labels(n).set(num(s.streamLag));
      },
    ),
  ];
  return () => {
    for (const m of metrics) registry.remove(m.name);
  };
}
