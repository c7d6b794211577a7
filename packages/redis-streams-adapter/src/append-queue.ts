// Appends that survive a lost connection or a restarted Redis. A command written to a connection that then drops
// fails without telling whether Redis ran it; ioredis re-sends such commands itself, node-redis does not. A restarted
// Redis answers LOADING while it reads its data back, and NOSCRIPT until the script is loaded again. Here such a
// failed append is retried once Redis can take it, in the order the appends were made: each append has a sequence
// number, a failed one takes its place in the waiting line by it, and the line is not sent while an earlier first
// attempt is still unanswered (it may yet fail and need its place). Appends made while Redis is away wait in that
// line too, not in the client's offline queue. The first attempt is EVALSHA only, so that no append falls back to
// EVAL out of turn. At least once: a retried append Redis had in fact run is there twice.
import createDebug from "debug";
import type { Commands } from "./client.js";

const debug = createDebug("socket.io-redis-streams-adapter");

/** How often readiness is checked while waiting for Redis to come back. */
const POLL_MS = 50;
/** Appends waiting for Redis at most; beyond, new ones fail at once (a broadcast is then delivered on this node only). */
export const MAX_WAITING_APPENDS = 10_000;

interface Queued {
  seq: number;
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

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** @internal */
export class AppendQueue {
  readonly #cmds: Commands;
  /** Appends waiting to be (re)sent, in sequence order. */
  readonly #queue: Queued[] = [];
  /** Sequence numbers of first attempts not answered yet. */
  readonly #inflight = new Set<number>();
  #seq = 0;
  #draining = false;
  #closed = false;

  constructor(cmds: Commands) {
    this.#cmds = cmds;
  }

  /** Appends waiting for Redis (for tests and diagnostics). */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Run `first` now, or `retry` after the appends waiting for Redis. `first` must fail rather than recover out of
   * turn (EVALSHA without fallback); `retry` may (EVAL when the script is unknown).
   */
  run(first: () => Promise<string>, retry: () => Promise<string>): Promise<string> {
    const seq = ++this.#seq;
    // While Redis is away the append waits here rather than in the client's offline queue, which a reconnecting
    // client sends before the appends waiting here are retried.
    const away = !this.#cmds.ready() && !this.#cmds.notStarted();
    if (this.#queue.length > 0 || away) return this.#enqueue(seq, retry);
    this.#inflight.add(seq);
    return first().then(
      (id) => {
        this.#inflight.delete(seq);
        return id;
      },
      (err: unknown) => {
        this.#inflight.delete(seq);
        if (this.#closed || !isRetryable(err)) throw err;
        debug("append %d failed (%s), retrying in order", seq, (err as Error).message);
        return this.#enqueue(seq, retry);
      },
    );
  }

  #enqueue(seq: number, send: () => Promise<string>): Promise<string> {
    if (this.#queue.length >= MAX_WAITING_APPENDS)
      return Promise.reject(new Error("too many appends waiting for Redis"));
    return new Promise((resolve, reject) => {
      // Usually the newest; a first attempt failing late goes back to its place.
      let at = this.#queue.length;
      while (at > 0 && (this.#queue[at - 1] as Queued).seq > seq) at--;
      this.#queue.splice(at, 0, { seq, send, resolve, reject });
      void this.#drain();
    });
  }

  /** Whether a first attempt older than `seq` is still unanswered. */
  #earlierInFlight(seq: number): boolean {
    for (const s of this.#inflight) if (s < seq) return true;
    return false;
  }

  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    while (this.#queue.length > 0 && !this.#closed) {
      const head = this.#queue[0] as Queued;
      if (!this.#cmds.ready() || this.#earlierInFlight(head.seq)) {
        await sleep(POLL_MS);
        continue;
      }
      try {
        const id = await head.send();
        this.#remove(head);
        head.resolve(id);
      } catch (err) {
        if (isRetryable(err)) {
          // Still down (a cluster client reports itself open while a node is away): try again a bit later.
          await sleep(POLL_MS);
          continue;
        }
        this.#remove(head);
        head.reject(err);
      }
    }
    this.#draining = false;
  }

  #remove(q: Queued): void {
    const i = this.#queue.indexOf(q);
    if (i >= 0) this.#queue.splice(i, 1);
  }

  close(): void {
    this.#closed = true;
    for (const q of this.#queue.splice(0)) q.reject(new Error("adapter closed"));
  }
}
