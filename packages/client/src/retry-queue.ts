import type { Flags } from "./socket.js";

interface Item {
  args: unknown[];
  flags: Flags;
  tries: number;
  pending: boolean;
}

/**
 * At-least-once delivery for sockets with `retries` (PROTOCOL.md §4): one packet in flight at a time, each
 * re-sent until acknowledged or out of retries; the user's ack, if any, is error-first.
 */
export class RetryQueue {
  readonly #items: Item[] = [];
  readonly #retries: number;
  readonly #send: (args: unknown[], flags: Flags) => boolean;

  /** `send` emits the args (their last element is the queue's ack) and returns false while disconnected. */
  constructor(retries: number, send: (args: unknown[], flags: Flags) => boolean) {
    this.#retries = retries;
    this.#send = send;
  }

  get enabled(): boolean {
    return this.#retries > 0;
  }

  add(args: unknown[], flags: Flags): void {
    const last = args[args.length - 1];
    const ack = typeof last === "function" ? (args.pop() as (...a: unknown[]) => void) : undefined;
    const item: Item = { args, flags: { ...flags, fromQueue: true }, tries: 0, pending: false };
    args.push((err: unknown, ...res: unknown[]) => {
      if (item !== this.#items[0]) return; // a late answer to an earlier try
      if (err !== null && err !== undefined) {
        if (item.tries > this.#retries) {
          this.#items.shift();
          ack?.(err);
        }
      } else {
        this.#items.shift();
        ack?.(null, ...res);
      }
      item.pending = false;
      this.drain();
    });
    this.#items.push(item);
    this.drain();
  }

  /** Sends the head of the queue unless it is in flight (`force`: re-send it, after a reconnection). */
  drain(force = false): void {
    const item = this.#items[0];
    if (!item || (item.pending && !force)) return;
    item.pending = true;
    item.tries++;
    if (!this.#send(item.args, item.flags)) {
      item.pending = false;
      item.tries--;
    }
  }
}
