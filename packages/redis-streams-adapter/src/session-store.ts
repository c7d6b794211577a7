// Durable sessions: a connected socket's session is in Redis from its connection on, rewritten when its rooms or
// `socket.data` change and every `refreshInterval`, so a node killed without warning leaves every session of its
// clients behind, fresh. Each record expires on its own (`maxDisconnectionDuration` + `refreshInterval` + slack) once
// nobody refreshes it. Writes are coalesced per socket (one SET per tick whatever the number of joins).
//
// Ownership: beside each record, `<record key>:owner` names the socket instance allowed to write it. A node that
// recovers a session takes the record and the ownership in one step (TAKE), so the node that held the socket before
// (still alive, not yet aware its client left: a half-open connection) can no longer overwrite it with stale rooms or
// data, nor resurrect it after it was deleted; that node stops tracking the session at its first refused write.
import type { AdapterSocket, Room, SessionToPersist, SocketId } from "@switchboard/adapter";
import createDebug from "debug";
import { script, type Commands } from "./client.js";
import { encodeRecord, type SessionRecord } from "./session-record.js";

const debug = createDebug("socket.io-redis-streams-adapter:sessions");

/** Extra lifetime of a record beyond what recovery allows, so "expired" can be told apart from "unknown". */
export const EXPIRY_SLACK_MS = 2000;

/** KEYS: record, owner; ARGV: token, value, ttl. 1 if written, 0 if another instance owns the record. */
const WRITE = script(`
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return 1
`);

/** KEYS: record, owner; ARGV: token. Deletes both unless another instance owns the record. */
const DELETE = script(`
local owner = redis.call('GET', KEYS[2])
if owner and owner ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
`);

/** KEYS: record, owner; ARGV: new token, ttl. GETDEL of the record; its ownership passes to the new token. */
const TAKE = script(`
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
end
return value
`);

export interface SessionStoreOptions {
  keyPrefix: string;
  /** `connectionStateRecovery.maxDisconnectionDuration`. */
  maxDisconnectionDuration: number;
  /** How often the records of connected sockets are rewritten. */
  refreshInterval: number;
  /** Largest record written, in bytes of msgpack (larger ones are skipped and counted). */
  maxSessionSize: number;
  /** Prefix of this node's ownership tokens (unique per node). */
  tokenPrefix: string;
}

interface Tracked {
  pid: string;
  socket: AdapterSocket;
  since: string | undefined;
  token: string;
}

/** The owner key of a record key, in the record's hash slot. */
function ownerKey(key: string): string {
  const open = key.indexOf("{");
  const close = open === -1 ? -1 : key.indexOf("}", open + 1);
  return open !== -1 && close > open + 1 ? `${key}:owner` : `{${key}}:owner`;
}

/** @internal */
export class SessionStore {
  /** Records not written because they were larger than `maxSessionSize`. */
  oversized = 0;
  readonly #cmds: Commands;
  readonly #opts: SessionStoreOptions;
  readonly #roomsOf: (sid: SocketId) => ReadonlySet<Room> | undefined;
  readonly #tracked = new Map<SocketId, Tracked>();
  readonly #dirty = new Set<SocketId>();
  readonly #inflight = new Set<Promise<unknown>>();
  #scheduled = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #tokens = 0;

  constructor(
    cmds: Commands,
    opts: SessionStoreOptions,
    roomsOf: (sid: SocketId) => ReadonlySet<Room> | undefined,
  ) {
    this.#cmds = cmds;
    this.#opts = opts;
    this.#roomsOf = roomsOf;
  }

  /** Connected sockets whose session this node keeps in Redis. */
  get size(): number {
    return this.#tracked.size;
  }

  /** A fresh ownership token (a recovery takes the record with it, the admitted socket then writes with it). */
  newToken(): string {
    return `${this.#opts.tokenPrefix}:${(++this.#tokens).toString(36)}`;
  }

  /** A socket connected (fresh or recovered): its session is written now and kept up to date. */
  track(socket: AdapterSocket, pid: string, since: string | undefined, token?: string): void {
    this.#tracked.set(socket.id, { pid, socket, since, token: token ?? this.newToken() });
    this.changed(socket.id);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#refresh(), this.#opts.refreshInterval);
      this.#timer.unref?.();
    }
  }

  /** Rooms or data of `sid` changed: rewrite its record (coalesced). */
  changed(sid: SocketId): void {
    if (!this.#tracked.has(sid)) return;
    this.#dirty.add(sid);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#flush());
  }

  /** A recoverable disconnection: the final record (not live), kept `maxDisconnectionDuration`. */
  persist(session: SessionToPersist): void {
    const tracked = this.#tracked.get(session.sid);
    this.#untrack(session.sid);
    const record: SessionRecord = {
      sid: session.sid,
      pid: session.pid,
      rooms: session.rooms,
      data: session.data,
      sb: { v: 1, at: Date.now(), live: false },
    };
    if (tracked?.since !== undefined && record.sb) record.sb.since = tracked.since;
    const ttl = this.#opts.maxDisconnectionDuration + EXPIRY_SLACK_MS;
    this.#write(record, ttl, tracked?.token ?? this.newToken());
  }

  /** The socket left for good (not recoverable): its record goes. */
  forget(sid: SocketId): void {
    const tracked = this.#tracked.get(sid);
    if (tracked === undefined) return;
    this.#untrack(sid);
    const key = this.#opts.keyPrefix + tracked.pid;
    this.#run(this.#cmds.eval(DELETE, [key, ownerKey(key)], [tracked.token]));
  }

  /** Take a record (at most once) and its ownership, for `token`. */
  async take(pid: string, token: string): Promise<string | null> {
    const key = this.#opts.keyPrefix + pid;
    const ttl = this.#opts.maxDisconnectionDuration + this.#opts.refreshInterval + EXPIRY_SLACK_MS;
    const raw = await this.#cmds.eval(TAKE, [key, ownerKey(key)], [token, ttl]);
    if (raw === null || raw === undefined || raw === false) return null;
    return Buffer.isBuffer(raw) ? raw.toString() : String(raw);
  }

  /** Write what is pending and wait for every write in flight. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#flush();
    await Promise.allSettled([...this.#inflight]);
  }

  #untrack(sid: SocketId): void {
    this.#tracked.delete(sid);
    this.#dirty.delete(sid);
    if (this.#tracked.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #flush(): void {
    this.#scheduled = false;
    for (const sid of this.#dirty) this.#writeLive(sid);
    this.#dirty.clear();
  }

  #refresh(): void {
    // Rewritten rather than only re-expired: nested `socket.data` mutations are saved here too.
    for (const sid of this.#tracked.keys()) this.#writeLive(sid);
    this.#dirty.clear();
  }

  #writeLive(sid: SocketId): void {
    const t = this.#tracked.get(sid);
    if (t === undefined) return;
    const record: SessionRecord = {
      sid,
      pid: t.pid,
      rooms: [...(this.#roomsOf(sid) ?? [sid])],
      data: t.socket.data,
      sb: { v: 1, at: Date.now(), live: true },
    };
    if (t.since !== undefined && record.sb) record.sb.since = t.since;
    const o = this.#opts;
    this.#write(record, o.maxDisconnectionDuration + o.refreshInterval + EXPIRY_SLACK_MS, t.token);
  }

  #write(record: SessionRecord, ttl: number, token: string): void {
    let value: string;
    try {
      value = encodeRecord(record);
    } catch (err) {
      debug("session of socket %s not encodable: %s", record.sid, (err as Error).message);
      this.oversized++;
      return;
    }
    if (value.length > (this.#opts.maxSessionSize * 4) / 3 + 4) {
      debug("session of socket %s over maxSessionSize, not stored", record.sid);
      this.oversized++;
      return;
    }
    const key = this.#opts.keyPrefix + record.pid;
    const written = this.#cmds.eval(WRITE, [key, ownerKey(key)], [token, value, Math.ceil(ttl)]);
    this.#run(
      written.then((ok) => {
        if (Number(ok) === 1) return;
        // Another node recovered this session: this one must not write it any more.
        debug("session of socket %s taken over by another node", record.sid);
        if (this.#tracked.get(record.sid)?.token === token) this.#untrack(record.sid);
      }),
    );
  }

  #run(p: Promise<unknown>): void {
    const tracked = p.catch((err: unknown) =>
      debug("session write failed: %s", (err as Error).message),
    );
    this.#inflight.add(tracked);
    void tracked.finally(() => this.#inflight.delete(tracked));
  }
}
