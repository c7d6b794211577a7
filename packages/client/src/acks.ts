import { ClientError, ErrorCode } from "./errors.js";

export type AckFn = (...args: unknown[]) => void;

interface Entry {
  fn: AckFn;
  /** Error-first callback (registered with a timeout, or by the retry queue). */
  withError: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** What the registry needs from its socket: the packets not yet written. */
interface Owner {
  sendBuffer: Array<{ id?: number | undefined }>;
}

/** Pending acknowledgements of one socket, by ack id (PROTOCOL.md §2.5). */
export class AckRegistry {
  readonly #pending = new Map<number, Entry>();

  /** Registers `fn` for `id`; with a timeout it is called with an error when no ACK arrives in time. */
  register(owner: Owner, id: number, fn: AckFn, withError: boolean, timeout: number | undefined): void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (timeout !== undefined) {
      timer = setTimeout(() => {
        this.#pending.delete(id);
        // Never sent: it must not go out later either.
        const buf = owner.sendBuffer;
        for (let i = 0; i < buf.length; i++) {
          if (buf[i]!.id === id) {
            buf.splice(i, 1);
            break;
          }
        }
        fn.call(owner, new ClientError("operation has timed out", ErrorCode.ACK_TIMEOUT));
      }, timeout);
    }
    this.#pending.set(id, { fn, withError, timer });
  }

  /** An ACK arrived; unknown and duplicate ids are ignored. */
  settle(owner: Owner, id: number, args: unknown[]): void {
    const entry = this.#pending.get(id);
    if (!entry) return;
    this.#pending.delete(id);
    clearTimeout(entry.timer);
    if (entry.withError) entry.fn.call(owner, null, ...args);
    else entry.fn.apply(owner, args);
  }

  /**
   * On disconnect: error-first acks of packets already written fail with `socket has been disconnected`;
   * packets still in the send buffer keep theirs (PROTOCOL.md §2.5).
   */
  failSent(owner: Owner): void {
    for (const [id, entry] of this.#pending) {
      if (!entry.withError || owner.sendBuffer.some((p) => p.id === id)) continue;
      this.#pending.delete(id);
      clearTimeout(entry.timer);
      entry.fn.call(owner, new ClientError("socket has been disconnected", ErrorCode.DISCONNECTED));
    }
  }
}
