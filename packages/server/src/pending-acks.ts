// The acknowledgements a socket awaits from its client (docs/protocol.md §2.5), bounded by `maxPendingAcks`: a peer
// that never answers must not grow the table for as long as it stays connected.
import debugModule from "debug";

const debug = debugModule("socket.io:socket");

/** Key of the function failing a `timeout()` ack at once (a symbol: a user's callback may have any property). */
export const EXPIRE: unique symbol = Symbol("expire");

/**
 * An awaited ack, called with the arguments of the client's ACK. `[EXPIRE]` (set on `timeout()` acks) fails it
 * at once with the timeout error, as if its timer had fired.
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ack callbacks take whatever the client sent
export type Ack = ((...args: any[]) => void) & { [EXPIRE]?: () => void };

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
