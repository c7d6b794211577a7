// Appends that survive a lost connection or a restarted Redis. A command written to a connection that then drops
// fails without telling whether Redis ran it; ioredis re-sends such commands itself, node-redis does not. A restarted
// Redis answers LOADING while it reads its data back, and NOSCRIPT until the script is loaded again. Here such a
// failed append is retried once Redis can take it, and every append made meanwhile waits behind it, so the stream
// keeps this node's order (the first attempt is EVALSHA only, so that no append falls back to EVAL out of turn). At
// least once: a retried append Redis had in fact run is there twice.
import createDebug from "debug";
import type { Commands } from "./client.js";

const debug = createDebug("socket.io-redis-streams-adapter");

/** How often readiness is checked while waiting for Redis to come back. */
const POLL_MS = 50;
/** Appends waiting for Redis at most; beyond, new ones fail at once (a broadcast is then delivered on this node only). */
export const MAX_WAITING_APPENDS = 10_000;

interface Queued {
  send: () => Promise<string>;
  resolve: (id: string) => void;
  reject: (err: unknown) => void;
}

/** Error replies that mean "not now" rather than "never". */
const TRANSIENT_REPLY = /^(NOSCRIPT|LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|BUSY)\b/;

/** Whether a failure is worth retrying: the connection's, or a transient error reply. */
function isRetryable(err: unknown): boolean {
  const cause = (err as { cause?: unknown }).cause ?? err;
  const name = (cause as { name?: string } | undefined)?.name ?? "";
  const isReply = name === "ErrorReply" || name === "ReplyError" || name === "SimpleError";
  return !isReply || TRANSIENT_REPLY.test(String((cause as Error).message));
}

/** @internal */
export class AppendQueue {
  readonly #cmds: Commands;
  readonly #queue: Queued[] = [];
  #draining = false;
  #closed = false;

  constructor(cmds: Commands) {
    this.#cmds = cmds;
  }

  /**
   * Run `first` now, or `retry` after the appends waiting for Redis. `first` must fail rather than recover out of
   * turn (EVALSHA without fallback); `retry` may (EVAL when the script is unknown).
   */
  run(first: () => Promise<string>, retry: () => Promise<string>): Promise<string> {
    if (this.#queue.length > 0) return this.#enqueue(retry);
    return first().catch((err: unknown) => {
      if (this.#closed || !isRetryable(err)) throw err;
      debug("append failed (%s), retrying in order", (err as Error).message);
      return this.#enqueue(retry);
    });
  }

  #enqueue(send: () => Promise<string>): Promise<string> {
    if (this.#queue.length >= MAX_WAITING_APPENDS)
      return Promise.reject(new Error("too many appends waiting for Redis"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ send, resolve, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    while (this.#queue.length > 0 && !this.#closed) {
      if (!this.#cmds.ready()) {
        await new Promise((r) => setTimeout(r, POLL_MS));
        continue;
      }
      const head = this.#queue[0] as Queued;
      try {
        head.resolve(await head.send());
        this.#queue.shift();
      } catch (err) {
        if (isRetryable(err)) {
          // Still down (a cluster client reports itself open while a node is away): try again a bit later.
          await new Promise((r) => setTimeout(r, POLL_MS));
          continue;
        }
        head.reject(err);
        this.#queue.shift();
      }
    }
    this.#draining = false;
  }

  close(): void {
    this.#closed = true;
    for (const q of this.#queue.splice(0)) q.reject(new Error("adapter closed"));
  }
}
