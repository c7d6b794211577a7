// Resource limits of a server (issue #12): each bounds what one peer can make the server hold, and each refusal
// is the protocol's own answer, limited to the offending connection.
import { ErrorCode, SocketIOError } from "./errors.js";

/** Default `maxNamespacesPerConnection` (as Phoenix's `max_channels_per_transport`). */
export const DEFAULT_MAX_NAMESPACES = 100;
/**
 * Default `maxPendingAcks`: far above any sane request pipeline to one client, yet a peer that never answers
 * holds at most ~0.1 MB (plain callbacks, ~120 B each) to ~1 MB (`timeout().emitWithAck`, ~1 KB each).
 */
export const DEFAULT_MAX_PENDING_ACKS = 1000;

/** The limits after defaults and checks. @internal */
export interface Limits {
  namespaces: number;
  pendingAcks: number;
  /** Options for each connection's decoder, only when `maxAttachments` was given. */
  decoder: { maxAttachments: number } | undefined;
}

interface LimitOptions {
  maxNamespacesPerConnection?: number | undefined;
  maxPendingAcks?: number | undefined;
  maxAttachments?: number | undefined;
}

/** @internal Throws ERR_SB_INVALID_OPTION for a value that is not an integer >= `min` (or Infinity). */
export function resolveLimits(opts: LimitOptions): Limits {
  const maxAttachments = check("maxAttachments", opts.maxAttachments, 0);
  return {
    namespaces:
      check("maxNamespacesPerConnection", opts.maxNamespacesPerConnection, 1) ??
      DEFAULT_MAX_NAMESPACES,
    pendingAcks: check("maxPendingAcks", opts.maxPendingAcks, 1) ?? DEFAULT_MAX_PENDING_ACKS,
    decoder: maxAttachments === undefined ? undefined : { maxAttachments },
  };
}

function check(name: string, value: unknown, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "number" && value >= min && (Number.isInteger(value) || value === Infinity))
    return value;
  throw new SocketIOError(
    ErrorCode.INVALID_OPTION,
    `${name} must be an integer >= ${min} or Infinity, got ${String(value)}`,
  );
}
