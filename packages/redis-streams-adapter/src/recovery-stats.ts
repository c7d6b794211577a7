// What recovery did, as data: counters an admin view or a metrics exporter reads (`adapter.recoveryStats()`), and one
// message per attempt on the `switchboard:adapter:recovery` diagnostics channel (only when someone subscribed), in the
// shapes every Switchboard adapter uses, with a few more figures. The private session id is never part of either.
import { RECOVERY_CHANNEL, type RecoveryMessage, type RecoveryStats } from "@switchboard/adapter";
import { channel } from "node:diagnostics_channel";

/** Why a recovery failed: the client then gets `recovered: false` and a fresh session, as in socket.io. */
export type RecoveryFailureReason =
  /** The session was found but its client came back after `maxDisconnectionDuration`. */
  | "expired"
  /** The client's offset is older than the oldest entry the stream still holds (`maxLen`). */
  | "trimmed"
  /** No session for this `pid` (never existed, already taken, or long gone), or an offset this stream never had. */
  | "unknown"
  /** The stored record does not decode, is too large or belongs to another `pid`. */
  | "invalid"
  /** Redis could not be asked (disconnected, command failed) or this node could not read up to the offset. */
  | "unavailable";

/**
 * Counters of one adapter (one namespace on this node): the figures every adapter reports through `recoveryStats()`
 * (`@switchboard/adapter`'s `RecoveryStats`), plus what only a stream-based recovery has.
 */
export interface StreamsRecoveryStats extends RecoveryStats {
  failed: Record<RecoveryFailureReason, number>;
  /** Recoveries that read the per-room index, and those that read the whole range (foreign entries in it). */
  byIndex: number;
  byRange: number;
  /** Session records not written: larger than `maxSessionSize`. */
  oversizedSessions: number;
}

/** One recovery attempt, as published on the `switchboard:adapter:recovery` channel (never the pid). */
export interface StreamsRecoveryMessage extends Omit<RecoveryMessage, "reason"> {
  reason?: RecoveryFailureReason;
  /** How the missed events were found. */
  method?: "index" | "range";
}

/** @internal The channel every adapter publishes recovery attempts on (`RECOVERY_CHANNEL` of @switchboard/adapter). */
export const recoveryChannel = channel(RECOVERY_CHANNEL);

/** @internal */
export function newStats(): StreamsRecoveryStats {
  return {
    sessionsStored: 0,
    packetsStored: 0,
    attempted: 0,
    succeeded: 0,
    failed: { expired: 0, trimmed: 0, unknown: 0, invalid: 0, unavailable: 0 },
    replayed: 0,
    entriesRead: 0,
    byIndex: 0,
    byRange: 0,
    oversizedSessions: 0,
  };
}
