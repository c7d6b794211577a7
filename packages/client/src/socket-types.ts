// The types a namespace socket shares with its helper modules (acks, retry queue, catch-all listeners).
import type { Packet } from "@switchboard/parser";
import type { DisconnectDescription } from "./manager.js";

/** @internal An acknowledgement callback. */
export type AckFn = (...args: unknown[]) => void;

/**
 * @internal A pending acknowledgement (docs/protocol.md §2.5): the callback, whether it is error-first (registered
 * with a timeout, or by the retry queue), and its timeout timer.
 */
export type PendingAck = [
  fn: AckFn,
  withError: boolean,
  timer: ReturnType<typeof setTimeout> | undefined,
];

/**
 * @internal An emit of the retry queue: its arguments (the queue's ack last), flags, tries so far, whether in flight.
 * A tuple, as {@link PendingAck}: its members are never named in the bundles.
 */
export type Queued = [args: unknown[], flags: Flags, tries: number, pending: boolean];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- socket.io's public listener type
export type AnyListener = (...args: any[]) => void;

/** Why a socket disconnected (docs/protocol.md §4); no automatic reconnection after the two `io …` ones. */
export type DisconnectReason =
  | "io server disconnect"
  | "io client disconnect"
  | "ping timeout"
  | "transport close"
  | "transport error"
  | "parse error";

export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (err: Error) => void;
  disconnect: (reason: DisconnectReason, description?: DisconnectDescription) => void;
}

/** A packet on its way out, with its send options; the namespace is set when it is written. */
export type OutgoingPacket = Omit<Packet, "nsp"> & {
  nsp?: string;
  options?: { compress?: boolean };
};

/** @internal */
export interface Flags {
  compress?: boolean;
  volatile?: boolean;
  timeout?: number;
  fromQueue?: boolean;
  /** The ack callback is error-first although no timeout applies (`emitWithAck`). */
  withError?: boolean;
}
