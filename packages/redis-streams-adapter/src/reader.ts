// One blocking XREAD loop per stream (docs/protocol.md §5.3), on a client of its own so it blocks nobody. It keeps the
// id of the last entry it handed on: after an error (Redis away, a failover) it resumes from there, so no entry is
// skipped, and a recovery can wait until this node has read up to a client's offset.
import createDebug from "debug";
import type { Commands } from "./client.js";
import { entryFields, type StreamEntry } from "./entries.js";
import { compareIds } from "./ids.js";

const debug = createDebug("socket.io-redis-streams-adapter:reader");

/** Pause between attempts while XREAD fails (Redis away), doubling up to the maximum. */
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;
/** How often the stream lag is measured. */
const LAG_INTERVAL_MS = 5000;

export interface ReaderOptions {
  readCount: number;
  blockTimeInMs: number;
}

interface Waiter {
  id: string;
  resolve: (reached: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** @internal */
export class StreamReader {
  readonly stream: string;
  /** Id of the last entry handed on ("0-0" before any). */
  position = "0-0";
  /** Entries read since start. */
  read = 0;
  /** Entries behind the tip of the stream (Redis 7+), refreshed every LAG_INTERVAL_MS; undefined before. */
  lag: number | undefined;
  readonly #blocking: Promise<Commands>;
  #cmds: Commands | undefined;
  readonly #main: Commands;
  readonly #opts: ReaderOptions;
  /** `entries-added` of the stream when this reader started, so position + read = entries handed on. */
  #base: number | undefined;
  #lagTimer: ReturnType<typeof setInterval> | undefined;
  readonly #onEntries: (entries: StreamEntry[]) => void;
  readonly #waiters = new Set<Waiter>();
  #closed = false;
  /** Resolves once the starting position is known. */
  readonly started: Promise<void>;

  constructor(
    blocking: Promise<Commands>,
    stream: string,
    opts: ReaderOptions,
    onEntries: (entries: StreamEntry[]) => void,
    main: Commands,
  ) {
    this.#blocking = blocking;
    this.#main = main;
    this.stream = stream;
    this.#opts = opts;
    this.#onEntries = onEntries;
    this.started = this.#start();
  }

  async #start(): Promise<void> {
    // Start at the tip (as "$" would), but as a concrete id a recovery can compare offsets with.
    let delay = RETRY_MIN_MS;
    while (!this.#closed) {
      try {
        this.#cmds ??= await this.#blocking;
        const info = await this.#info();
        if (info !== undefined) {
          this.position = info.last;
          this.#base = info.added;
        }
        break;
      } catch (err) {
        debug("cannot read the tip of %s: %s", this.stream, (err as Error).message);
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
      }
    }
    if (this.#closed) return;
    this.#lagTimer = setInterval(() => void this.#measureLag(), LAG_INTERVAL_MS);
    this.#lagTimer.unref?.();
    void this.#loop();
  }

  /** XINFO STREAM: the last id and (Redis 7+) how many entries were ever added; undefined when no stream yet. */
  async #info(): Promise<{ last: string; added: number | undefined } | undefined> {
    let reply: unknown;
    try {
      reply = await this.#main.send(["XINFO", "STREAM", this.stream], this.stream);
    } catch (err) {
      if (/no such key/i.test(String((err as Error).message))) return undefined;
      throw err;
    }
    const fields = new Map<string, unknown>();
    if (Array.isArray(reply))
      for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
    const last = String(fields.get("last-generated-id") ?? "0-0");
    const added = fields.get("entries-added");
    return { last, added: added === undefined ? undefined : Number(added) };
  }

  async #measureLag(): Promise<void> {
    if (this.#base === undefined) return;
    try {
      const info = await this.#info();
      if (info?.added !== undefined) this.lag = Math.max(0, info.added - this.#base - this.read);
    } catch {
      // Redis away: keep the last figure.
    }
  }

  async #loop(): Promise<void> {
    let delay = RETRY_MIN_MS;
    while (!this.#closed) {
      let reply: unknown;
      try {
        const cmds = (this.#cmds ??= await this.#blocking);
        reply = await cmds.send(
          [
            "XREAD",
            "COUNT",
            String(this.#opts.readCount),
            "BLOCK",
            String(this.#opts.blockTimeInMs),
            "STREAMS",
            this.stream,
            this.position,
          ],
          this.stream,
        );
        delay = RETRY_MIN_MS;
      } catch (err) {
        if (this.#closed) return;
        debug("XREAD failed, resuming from %s: %s", this.position, (err as Error).message);
        await sleep(delay);
        delay = Math.min(delay * 2, RETRY_MAX_MS);
        continue;
      }
      if (this.#closed) return;
      const entries = parseXread(reply);
      if (entries.length === 0) continue;
      this.read += entries.length;
      const last = entries[entries.length - 1] as StreamEntry;
      try {
        this.#onEntries(entries);
      } catch (err) {
        debug("entry handler failed: %s", (err as Error).message);
      }
      this.position = last.id;
      this.#notify();
    }
  }

  /** Resolves true once this reader has handed on `id` (or a later entry), false after `timeoutMs`. */
  reached(id: string, timeoutMs: number): Promise<boolean> {
    if (compareIds(this.position, id) >= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        id,
        resolve,
        timer: setTimeout(() => {
          this.#waiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.#waiters.add(waiter);
    });
  }

  #notify(): void {
    for (const w of this.#waiters) {
      if (compareIds(this.position, w.id) < 0) continue;
      clearTimeout(w.timer);
      this.#waiters.delete(w);
      w.resolve(true);
    }
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
    this.#waiters.clear();
    if (this.#lagTimer !== undefined) clearInterval(this.#lagTimer);
    void this.#blocking.then((c) => c.close()).catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref?.());
}

/** `[[stream, [[id, fields], ...]]]` (or null on timeout) to entries. */
function parseXread(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: StreamEntry[] = [];
  // `[[stream, entries], ...]`; ioredis' `call` may hand one stream's reply unwrapped (`[stream, entries]`).
  const streams = typeof reply[0] === "string" || Buffer.isBuffer(reply[0]) ? [reply] : reply;
  for (const stream of streams) {
    const items = Array.isArray(stream) ? (stream[1] as unknown) : undefined;
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      if (!Array.isArray(item)) continue;
      const id = Buffer.isBuffer(item[0]) ? item[0].toString() : item[0];
      if (typeof id === "string") out.push({ id, fields: entryFields(item[1]) });
    }
  }
  return out;
}
