// The acknowledgements of one socket (docs/protocol.md §2.5): the callbacks it hands to listeners whose event asked
// for one, and the table of acks it awaits from its client, bounded by `maxPendingAcks` (a peer that never answers
// must not grow the table for as long as it stays connected).
import type { Adapter } from "@switchboard/adapter";
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import { publishAckTimeout } from "./diagnostics.js";
import { AckTimeoutError } from "./errors.js";

const debug = createDebug("socket.io:socket");

/** Key of the function failing a `timeout()` ack at once (a symbol: a user's callback may have any property). */
export const EXPIRE: unique symbol = Symbol("expire");

/**
 * An awaited ack, called with the arguments of the client's ACK. `[EXPIRE]` (set on `timeout()` acks) fails it
 * at once with the timeout error, as if its timer had fired.
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ack callbacks take whatever the client sent
export type Ack = ((...args: any[]) => void) & { [EXPIRE]?: () => void };

/** What the ack functions need of a socket. @internal */
export interface AckHost {
  readonly nsp: { readonly name: string; readonly adapter: Adapter };
  _writePacket(packet: Packet): void;
  _onerror(err: Error): void;
}

/**
 * Registers `ack` under `id`. When `max` acks already wait, the oldest (the Map keeps insertion order) are
 * evicted first: a `timeout()` ack fails now with its timeout error, so code that handles timeouts handles this
 * too; any other ack (a plain callback, or a broadcast's share, whose own timer reports the broadcast) is
 * dropped, which is what a client that never answers looks like to it.
 * @internal
 */
export function addAck(acks: Map<number, Ack>, id: number, ack: Ack, max: number): void {
  while (acks.size >= max) {
    const oldest = acks.entries().next();
    if (oldest.done === true) break;
    const [oldId, evicted] = oldest.value;
    acks.delete(oldId);
    debug("maxPendingAcks (%d) reached: evicting ack %d", max, oldId);
    evicted[EXPIRE]?.();
  }
  acks.set(id, ack);
}

/**
 * Registers an ack awaited with `timeout()`: it fails with `AckTimeoutError` after `timeout` ms, or at once when
 * `maxPendingAcks` evicts it — the same error either way.
 * @internal
 */
export function addTimedAck(
  socket: AckHost,
  acks: Map<number, Ack>,
  id: number,
  ack: Ack,
  timeout: number,
  max: number,
): void {
  const expire = (): void => {
    clearTimeout(timer);
    acks.delete(id);
    publishAckTimeout(socket.nsp.adapter, socket);
    try {
      ack.call(socket, new AckTimeoutError());
    } catch (err) {
      socket._onerror(toError(err));
    }
  };
  const timer = setTimeout(expire, timeout);
  const pending: Ack = (...args: unknown[]) => {
    clearTimeout(timer);
    ack.call(socket, null, ...args);
  };
  pending[EXPIRE] = expire;
  addAck(acks, id, pending, max);
}

/** The ack (ACK packet) of the client for `packet.id`: calls and forgets the awaited callback. @internal */
export function settleAck(
  socket: AckHost,
  acks: Map<number, Ack> | undefined,
  packet: Packet,
): void {
  const id = packet.id;
  if (id === undefined) return;
  const ack = acks?.get(id);
  if (ack === undefined) return; // unknown or duplicate ack id: ignored (docs/protocol.md §2.5)
  acks!.delete(id);
  try {
    ack.apply(socket, Array.isArray(packet.data) ? packet.data : []);
  } catch (err) {
    socket._onerror(toError(err));
  }
}

/** The callback handed to a listener whose event asked for an acknowledgement: answers once. @internal */
export function ackCallback(socket: AckHost, id: number): Ack {
  let sent = false;
  return (...args: unknown[]) => {
    if (sent) return;
    sent = true;
    socket._writePacket({ type: PacketType.ACK, nsp: socket.nsp.name, id, data: args });
  };
}

/** @internal */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
