import type { OutItem, Transport } from "./transports/transport.js";

/** Called once the packet has been written to the transport. */
export type SendCallback = () => void;

/**
 * @internal A session's outgoing packets. Double-buffered: a write swaps the arrays, so packets
 * queued while the transport writes go to the other one and no array is allocated per flush.
 * Compression flags are tracked only when permessage-deflate is enabled; callbacks only when given.
 */
export class WriteQueue {
  #items: OutItem[] = [];
  #spare: OutItem[] = [];
  #flags: boolean[] | null;
  #spareFlags: boolean[] | null;
  #callbacks: SendCallback[] | null = null;

  constructor(trackCompression: boolean) {
    this.#flags = trackCompression ? [] : null;
    this.#spareFlags = trackCompression ? [] : null;
  }

  get length(): number {
    return this.#items.length;
  }

  /** The last queued item. */
  get last(): OutItem | undefined {
    return this.#items[this.#items.length - 1];
  }

  /** The queued items (read-only view, valid until the next write). */
  get items(): readonly OutItem[] {
    return this.#items;
  }

  push(item: OutItem, compress = true, callback?: SendCallback): void {
    this.#items.push(item);
    this.#flags?.push(compress);
    if (callback !== undefined) (this.#callbacks ??= []).push(callback);
  }

  /** Drops the last item. */
  pop(): void {
    this.#items.pop();
    this.#flags?.pop();
  }

  /** Takes the callbacks of the queued items (they run once those are written). */
  takeCallbacks(): SendCallback[] | null {
    const callbacks = this.#callbacks;
    this.#callbacks = null;
    return callbacks;
  }

  /** Writes every queued item; the queue is empty (and open for new items) during the write. */
  writeTo(transport: Transport): boolean {
    const items = this.#items;
    const flags = this.#flags;
    this.#items = this.#spare;
    this.#flags = this.#spareFlags;
    try {
      return transport.send(items, flags);
    } finally {
      items.length = 0;
      this.#spare = items;
      if (flags !== null) {
        flags.length = 0;
        this.#spareFlags = flags;
      }
    }
  }

  /** Forgets everything queued. */
  clear(): void {
    this.#items.length = 0;
    if (this.#flags !== null) this.#flags.length = 0;
    this.#callbacks = null;
  }
}
