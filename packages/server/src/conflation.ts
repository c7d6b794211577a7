// Conflation, "the latest value wins" (issue #18): `conflate(key)` tags an emit so that a packet still
// queued for the same socket with the same key (and namespace) is replaced in place by the new one. The
// queue lives in the engine (send-queue.ts); this module checks keys and builds the engine's tag.
import { MAX_CONFLATION_KEY_LENGTH } from "@switchboard/engine/internal";
import type { BroadcastFlags } from "@switchboard/adapter";
import type { WriteOptions } from "./client.js";
import { ErrorCode, SocketIOError } from "./errors.js";
import { NO_FLAGS } from "./socket-state.js";

/** @internal Checks a key given to `conflate()`; throws ERR_SB_INVALID_CONFLATION_KEY. */
export function checkConflationKey(key: unknown): string {
  if (typeof key === "string" && key.length > 0 && key.length <= MAX_CONFLATION_KEY_LENGTH)
    return key;
  throw new SocketIOError(
    ErrorCode.INVALID_CONFLATION_KEY,
    `a conflation key is a string of 1 to ${MAX_CONFLATION_KEY_LENGTH} characters`,
  );
}

/** @internal The engine tag of a conflated packet: unique per namespace and key. */
export function conflationTag(nsp: string, key: string): string {
  return nsp + "\u0000" + key;
}

/** @internal Thrown by `timeout()` after `conflate()`, and by a conflated emit with an ack callback. */
export function conflatedAckError(): SocketIOError {
  return new SocketIOError(
    ErrorCode.CONFLATED_ACK,
    "a conflated emit cannot carry an acknowledgement (it may be replaced before it is sent)",
  );
}

/** @internal The write options of one emit to one socket (a packet without ack is droppable). */
export function writeOptions(flags: BroadcastFlags, nsp: string, droppable: boolean): WriteOptions {
  if (flags === NO_FLAGS) return droppable ? DROPPABLE_WRITE : DEFAULT_WRITE;
  const opts: WriteOptions = {
    volatile: flags.volatile === true,
    compress: flags.compress !== false,
    droppable,
  };
  if (flags.conflate !== undefined) opts.conflate = conflationTag(nsp, flags.conflate);
  return opts;
}

const DEFAULT_WRITE: WriteOptions = Object.freeze({ compress: true });
const DROPPABLE_WRITE: WriteOptions = Object.freeze({ compress: true, droppable: true });
