// Backpressure of one session's outgoing side (issue #18): how many bytes wait for a socket, when it
// counts as slow, and what happens at the cap. The queue itself is in send-queue.ts; this module
// holds the options, the byte count of a queued item and the counters the metrics read.
import { InvalidOptionError } from "./errors.js";
import { PreEncodedPacket } from "./pre-encoded.js";
import type { OutItem } from "./transports/transport.js";

/** What happens when a socket's queued bytes reach `maxBufferedBytes`. */
export type OverflowPolicy = "disconnect" | "drop-oldest";

/** The `backpressure` option. */
export interface BackpressureOptions {
  /** Bytes queued for one socket above which `emit()` returns false and packets are held. Default 1 MiB. */
  highWaterMark?: number;
  /** Hard cap of queued bytes per socket. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** `"disconnect"` (reason `slow consumer`, the default) or `"drop-oldest"`. */
  onOverflow?: OverflowPolicy;
}

/** `backpressure` after defaults (in `server.opts`, which the public `ResolvedOptions` types). */
export interface ResolvedBackpressure {
  readonly highWaterMark: number;
  readonly maxBufferedBytes: number;
  readonly onOverflow: OverflowPolicy;
}

/** Default `backpressure.highWaterMark`: 1 MiB, as a Node stream would hold many times over. */
export const DEFAULT_HIGH_WATER_MARK = 1_048_576;
/** Default `backpressure.maxBufferedBytes`: 64 MiB, far above what a healthy client falls behind by. */
export const DEFAULT_MAX_BUFFERED_BYTES = 67_108_864;
/** Longest conflation key, in UTF-16 code units. */
export const MAX_CONFLATION_KEY_LENGTH = 256;
/** Most distinct conflation keys one socket's queue tracks; further keys are queued, not conflated. */
export const MAX_CONFLATION_KEYS = 10_000;

/** @internal Applies the defaults; throws `InvalidOptionError` for a value out of range. */
export function resolveBackpressure(
  opts: BackpressureOptions | false | undefined,
): ResolvedBackpressure | false {
  if (opts === false) return false;
  if (opts !== undefined && (typeof opts !== "object" || opts === null))
    throw new InvalidOptionError("backpressure must be an object or false");
  const hwm = bytes("highWaterMark", opts?.highWaterMark, DEFAULT_HIGH_WATER_MARK);
  const max = bytes(
    "maxBufferedBytes",
    opts?.maxBufferedBytes,
    Math.max(hwm, DEFAULT_MAX_BUFFERED_BYTES),
  );
  if (max < hwm)
    throw new InvalidOptionError("backpressure.maxBufferedBytes must be >= highWaterMark");
  const policy = opts?.onOverflow ?? "disconnect";
  if (policy !== "disconnect" && policy !== "drop-oldest")
    throw new InvalidOptionError(
      `backpressure.onOverflow must be "disconnect" or "drop-oldest", got ${String(policy)}`,
    );
  return { highWaterMark: hwm, maxBufferedBytes: max, onOverflow: policy };
}

function bytes(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1)
    throw new InvalidOptionError(
      `backpressure.${name} must be an integer >= 1, got ${String(value)}`,
    );
  return value;
}

/** @internal The encoded size of a queued item as written (before WebSocket framing). */
export function itemBytes(item: OutItem): number {
  if (typeof item === "string") return Buffer.byteLength(item);
  if (item instanceof PreEncodedPacket) return item.byteLength;
  return item.length;
}

/**
 * Flow counters of one engine server, read by metrics (`engine.flow`). Plain numbers, bumped only on
 * the slow paths (a socket over its mark, a refused handshake): never per delivery.
 */
export class FlowCounters {
  /** Sockets that went over the high-water mark and have not drained since. */
  readonly overMark = new Set<object>();
  /** Times a socket fell back under the mark (`drain`). */
  drains = 0;
  /** Packets dropped by `onOverflow: "drop-oldest"`. */
  drops = 0;
  /** Packets replaced by a newer one with the same conflation key. */
  conflations = 0;
  /** Sessions closed with `slow consumer`. */
  slowConsumers = 0;
  /** Handshakes refused with 503 (`maxConnections`). */
  refusedMaxConnections = 0;
  /** Handshakes refused with 429 (`handshakeRate`). */
  refusedHandshakeRate = 0;
}
