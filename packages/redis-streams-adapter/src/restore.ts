// Connection state recovery across nodes (docs/protocol.md §2.9, §5.3). A CONNECT with `{pid, offset}` takes the
// session record (GETDEL: at most once), checks it (not expired, offset genuine and still in the stream), waits until
// this node has read the stream up to the offset, then collects the broadcasts the client missed in its own rooms:
// from the per-room index when every broadcast after the offset was written by a Switchboard node, else from the
// whole range. The replay ends exactly where this node's reader is when the socket is admitted, so every later entry
// reaches it live: each missed event once, in stream order.
import { MessageType, type Room, type Session } from "@switchboard/adapter";
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import type { Commands } from "./client.js";
import { decodeEntry, parseRange, type StreamEntry } from "./entries.js";
import { compareIds, isStreamId } from "./ids.js";
import type { StreamReader } from "./reader.js";
import type { RecoveryFailureReason } from "./recovery-stats.js";
import { PROBE, type IndexKeys } from "./scripts.js";
import { decodeRecord, type SessionRecord } from "./session-record.js";
import type { SessionStore } from "./session-store.js";

const debug = createDebug("socket.io-redis-streams-adapter:recovery");

/** A private session id is a short random token: anything else is not looked up. */
const PID = /^[\w-]{1,128}$/;
/** Foreign entries PROBE looks at before assuming the worst. */
const SCAN_LIMIT = 256;
/** Page size of a full range read. */
const RANGE_PAGE = 1000;

export interface RecoveryOptions {
  maxDisconnectionDuration: number;
  refreshInterval: number;
  maxMessageSize: number;
  maxSessionSize: number;
  /** How long to wait for this node's reader to reach the client's offset. */
  readTimeout: number;
}

export type RestoreResult =
  | {
      ok: true;
      session: Session;
      since: string | undefined;
      token: string;
      method: "index" | "range";
      read: number;
    }
  | { ok: false; reason: RecoveryFailureReason; read: number };

interface Probe {
  first: string;
  top: string;
  exists: boolean;
  /** Newest foreign broadcast known ('' for none). */
  foreign: string;
}

/** @internal */
export class Recovery {
  readonly #cmds: Commands;
  readonly #reader: StreamReader;
  readonly #store: SessionStore;
  readonly #stream: string;
  readonly #keys: IndexKeys;
  readonly #nsp: string;
  readonly #opts: RecoveryOptions;

  constructor(
    deps: {
      cmds: Commands;
      reader: StreamReader;
      store: SessionStore;
      stream: string;
      keys: IndexKeys;
      nsp: string;
    },
    opts: RecoveryOptions,
  ) {
    this.#cmds = deps.cmds;
    this.#reader = deps.reader;
    this.#store = deps.store;
    this.#stream = deps.stream;
    this.#keys = deps.keys;
    this.#nsp = deps.nsp;
    this.#opts = opts;
  }

  async restore(pid: string, offset: string): Promise<RestoreResult> {
    const counter = { read: 0 };
    if (!PID.test(pid) || !isStreamId(offset)) return { ok: false, reason: "unknown", read: 0 };
    let raw: string | null;
    // The ownership of the record passes to the socket this recovery admits (session-store.ts).
    const token = this.#store.newToken();
    try {
      raw = await this.#store.take(pid, token);
    } catch (err) {
      debug("session lookup failed: %s", (err as Error).message);
      return { ok: false, reason: "unavailable", read: 0 };
    }
    if (raw === null) return { ok: false, reason: "unknown", read: 0 };
    const record = decodeRecord(raw, pid, this.#opts.maxSessionSize);
    if (record === undefined) return { ok: false, reason: "invalid", read: 0 };
    if (this.#expired(record)) return { ok: false, reason: "expired", read: 0 };
    const since = record.sb?.since;
    if (since !== undefined && compareIds(offset, since) <= 0)
      return { ok: false, reason: "unknown", read: 0 };
    try {
      await this.#reader.started;
      let probe = await this.#probe(offset);
      if (!probe.exists) {
        const trimmed = probe.first !== "" && compareIds(offset, probe.first) < 0;
        return { ok: false, reason: trimmed ? "trimmed" : "unknown", read: 0 };
      }
      if (!(await this.#reader.reached(offset, this.#opts.readTimeout)))
        return { ok: false, reason: "unavailable", read: 0 };
      const missed: unknown[][] = [];
      let from = offset;
      let method: "index" | "range" = "index";
      // Read up to where the reader is; if it moved meanwhile, read the rest. The last check and the return happen
      // in one synchronous step, so the socket is admitted before the reader hands on anything newer.
      for (;;) {
        const bound = this.#reader.position;
        if (compareIds(bound, from) > 0) {
          const useIndex = probe.foreign === "" || compareIds(probe.foreign, from) <= 0;
          if (!useIndex) method = "range";
          const entries = useIndex
            ? await this.#fromIndex(record.rooms, from, bound, counter)
            : await this.#fromRange(from, bound, counter);
          this.#collect(entries, record.rooms, missed);
          from = bound;
        }
        if (this.#reader.position === from) break;
        probe = await this.#probe(offset);
      }
      const session: Session = {
        sid: record.sid,
        pid,
        rooms: record.rooms,
        data: record.data,
        missedPackets: missed,
      };
      return { ok: true, session, since, token, method, read: counter.read };
    } catch (err) {
      debug("recovery failed on Redis: %s", (err as Error).message);
      return { ok: false, reason: "unavailable", read: counter.read };
    }
  }

  #expired(record: SessionRecord): boolean {
    const meta = record.sb;
    // A record of an official node carries no time: its key's own expiry is the limit.
    if (meta === undefined) return false;
    const allowance =
      this.#opts.maxDisconnectionDuration + (meta.live ? this.#opts.refreshInterval : 0);
    return meta.at + allowance < Date.now();
  }

  async #probe(offset: string): Promise<Probe> {
    const reply = await this.#cmds.eval(
      PROBE,
      [this.#stream, this.#keys.meta],
      [offset, SCAN_LIMIT],
    );
    const r = Array.isArray(reply) ? reply.map((v) => (Buffer.isBuffer(v) ? v.toString() : v)) : [];
    const [first, top, exists, foreign, tail] = r as [string?, string?, number?, string?, string?];
    let newest = typeof foreign === "string" ? foreign : "";
    if (typeof tail === "string" && tail !== "" && (newest === "" || compareIds(tail, newest) > 0))
      newest = tail;
    return {
      first: typeof first === "string" ? first : "",
      top: typeof top === "string" ? top : "",
      exists: Number(exists) > 0,
      foreign: newest,
    };
  }

  /** The entries in (from, to] addressed to `rooms` (or to everyone), through the index. */
  async #fromIndex(
    rooms: Room[],
    from: string,
    to: string,
    counter: { read: number },
  ): Promise<StreamEntry[]> {
    const keys = [...rooms.map((r) => this.#keys.room(r)), this.#keys.all];
    const replies = await Promise.all(
      keys.map((k) => this.#cmds.send(["XRANGE", k, `(${from}`, to], k)),
    );
    const ids = new Set<string>();
    for (const reply of replies) {
      for (const e of parseRange(reply)) {
        counter.read++;
        ids.add(e.id);
      }
    }
    const sorted = [...ids].sort(compareIds);
    const entries = await Promise.all(
      sorted.map((id) => this.#cmds.send(["XRANGE", this.#stream, id, id], this.#stream)),
    );
    const out: StreamEntry[] = [];
    for (const reply of entries) {
      for (const e of parseRange(reply)) {
        counter.read++;
        out.push(e);
      }
    }
    return out;
  }

  /** Every entry in (from, to], page by page. */
  async #fromRange(from: string, to: string, counter: { read: number }): Promise<StreamEntry[]> {
    const out: StreamEntry[] = [];
    let cursor = from;
    for (;;) {
      const page = parseRange(
        await this.#cmds.send(
          ["XRANGE", this.#stream, `(${cursor}`, to, "COUNT", String(RANGE_PAGE)],
          this.#stream,
        ),
      );
      counter.read += page.length;
      out.push(...page);
      if (page.length < RANGE_PAGE) return out;
      cursor = (page[page.length - 1] as StreamEntry).id;
    }
  }

  /** Keep the stored broadcasts of this namespace that reached `rooms`, offset appended (§2.9 point 2). */
  #collect(entries: StreamEntry[], rooms: Room[], missed: unknown[][]): void {
    for (const entry of entries) {
      if (
        entry.fields["nsp"] !== this.#nsp ||
        entry.fields["type"] !== String(MessageType.BROADCAST)
      )
        continue;
      const message = decodeEntry(entry.fields, this.#opts.maxMessageSize);
      if (typeof message === "string") continue;
      const data = message.data;
      const packet = data?.packet as Packet | undefined;
      const opts = data?.opts;
      if (packet === undefined || opts === undefined || data?.requestId !== undefined) continue;
      if (
        packet.type !== PacketType.EVENT ||
        packet.id !== undefined ||
        !Array.isArray(packet.data)
      )
        continue;
      if (opts.flags?.volatile === true) continue;
      if (!reaches(opts.rooms, opts.except ?? [], rooms)) continue;
      (packet.data as unknown[]).push(entry.id);
      missed.push(packet.data as unknown[]);
    }
  }
}

/** Whether a broadcast to `targets` except `except` reached a socket in `rooms`. */
function reaches(targets: Room[], except: Room[], rooms: Room[]): boolean {
  if (!Array.isArray(targets)) return false;
  for (const room of rooms) if (except.includes(room)) return false;
  if (targets.length === 0) return true;
  return rooms.some((room) => targets.includes(room));
}
