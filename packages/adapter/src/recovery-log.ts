// Connection state recovery on one node (docs/protocol.md §2.9): the sessions of sockets that dropped, and the
// broadcast EVENTs they may have missed, each stamped with the offset its recipients see as last argument. Every
// adapter (in-memory, cluster, Redis) keeps one per namespace, so a client that comes back to the same process
// recovers whatever carried the broadcast to that process.
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import { channel } from "node:diagnostics_channel";
import { nextOffset } from "./offset.js";
import { RoomSeqIndex } from "./room-seq-index.js";
import type {
  AdapterNamespace,
  BroadcastOptions,
  PrivateSessionId,
  Room,
  Session,
  SessionToPersist,
} from "./types.js";

const debug = createDebug("socket.io-adapter:recovery");

/** Diagnostics channel with one message per recovery attempt (the streams adapter publishes the same shape). */
export const RECOVERY_CHANNEL = "switchboard:adapter:recovery";
const recoveryChannel = channel(RECOVERY_CHANNEL);

/** One recovery attempt, as published on {@link RECOVERY_CHANNEL}. Never carries the pid. */
export interface RecoveryMessage {
  nsp: string;
  recovered: boolean;
  reason?: RecoveryFailureReason;
  replayed: number;
  /** Stored packets looked at to find them. */
  entriesRead: number;
}

/** Why a recovery failed: the session timed out, the offset is no longer kept, or pid/offset were never known here. */
export type RecoveryFailureReason = "expired" | "trimmed" | "unknown";

/**
 * Recovery figures of one adapter (one namespace of one node), read by `/metrics` through `recoveryStats()`.
 * Counters only grow; `sessionsStored`, `packetsStored` and `streamLag` are current values.
 */
export interface RecoveryStats {
  /** Sessions stored right now, waiting for their client. */
  sessionsStored: number;
  /** Broadcast packets kept for replay right now. */
  packetsStored: number;
  /** CONNECTs that carried a pid and an offset. */
  attempted: number;
  succeeded: number;
  failed: Record<RecoveryFailureReason, number>;
  /** Packets written to recovered clients before their CONNECT reply. */
  replayed: number;
  /** Stored packets looked at to find the replayed ones. */
  entriesRead: number;
  /** Entries this node is behind the tip of its stream (stream-based adapters only). */
  streamLag?: number;
}

/** Memory limits of the recovery state of one namespace on one node (an adapter option, `recoveryLimits`). */
export interface RecoveryLimits {
  /** Packets kept at most; the oldest are dropped first (recovering from them then fails as `trimmed`). Default 100000. */
  maxPackets?: number;
  /** Sessions kept at most; the oldest are dropped first. Default 100000. */
  maxSessions?: number;
}

/** Options of a {@link RecoveryLog}. */
export interface RecoveryLogOptions extends RecoveryLimits {
  /** The namespace, for the diagnostics channel. Default `"/"`. */
  nsp?: string;
  /** How long a session and the packets it may miss are kept, in ms. Default 120000. */
  maxDisconnectionDuration?: number;
  /** Clock, for tests. Default `Date.now`. */
  now?: () => number;
}

interface StoredSession {
  session: SessionToPersist;
  disconnectedAt: number;
}

interface StoredPacket {
  offset: string;
  emittedAt: number;
  data: unknown[];
  rooms: Set<Room>;
  except: Set<Room> | undefined;
}

/** How often expired sessions and packets are dropped. One interval per log, unref'd. */
const SWEEP_INTERVAL = 10_000;

/**
 * Sessions and replayable packets of one namespace on one node.
 *
 * @example
 * ```ts
 * const log = new RecoveryLog({ maxDisconnectionDuration: 60_000 });
 * const delivered = log.record(packet, opts, true); // the packet with its offset appended
 * log.persist({ sid, pid, rooms, data });
 * const session = log.restore(pid, offset);         // null on failure (reason counted and logged)
 * ```
 */
export class RecoveryLog {
  readonly #maxDuration: number;
  readonly #maxPackets: number;
  readonly #maxSessions: number;
  readonly #now: () => number;
  readonly #sessions = new Map<PrivateSessionId, StoredSession>();
  /** Pids dropped by the last sweeps, so a late client is told `expired` rather than `unknown`. */
  #expired = new Set<PrivateSessionId>();
  #previouslyExpired = new Set<PrivateSessionId>();
  /** Rooms of the stored sessions, counted: a node must keep receiving broadcasts for them. */
  readonly #rooms = new Map<Room, number>();
  #packets: StoredPacket[] = [];
  /** Offset → position in `#packets` plus `#dropped` (absolute sequence). */
  readonly #index = new Map<string, number>();
  /** The same sequence numbers by target room, so a recovery reads only its rooms' packets. */
  readonly #byRoom = new RoomSeqIndex();
  #dropped = 0;
  /** When `maxPackets` last forced out a packet younger than `maxDisconnectionDuration`. */
  #trimmedAt = -Infinity;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  readonly #nsp: string;
  readonly #stats: RecoveryStats = {
    sessionsStored: 0,
    packetsStored: 0,
    attempted: 0,
    succeeded: 0,
    failed: { expired: 0, trimmed: 0, unknown: 0 },
    replayed: 0,
    entriesRead: 0,
  };
  /** Called when no stored session holds `room` any more (a node may then stop listening to it). */
  onRoomReleased: ((room: Room) => void) | undefined;

  constructor(opts: RecoveryLogOptions = {}) {
    this.#maxDuration = opts.maxDisconnectionDuration ?? 120_000;
    this.#maxPackets = opts.maxPackets ?? 100_000;
    this.#maxSessions = opts.maxSessions ?? 100_000;
    this.#now = opts.now ?? Date.now;
    this.#nsp = opts.nsp ?? "/";
    this.#sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL);
    this.#sweeper.unref?.();
  }

  /** The figures for `/metrics` (a copy). */
  stats(): RecoveryStats {
    const s = this.#stats;
    return {
      ...s,
      failed: { ...s.failed },
      sessionsStored: this.#sessions.size,
      packetsStored: this.#packets.length,
    };
  }

  /** Whether a stored session is in `room`: broadcasts to it must still reach this node's log. */
  wants(room: Room): boolean {
    return this.#rooms.has(room);
  }

  /** The rooms of the stored sessions. */
  rooms(): IterableIterator<Room> {
    return this.#rooms.keys();
  }

  /**
   * A broadcast about to be delivered on this node. A plain EVENT (no ack, not volatile) gets an offset appended and
   * is kept, when a local socket may receive it (`local`) or a stored session matches it. Returns the packet to
   * deliver: a copy with the offset, or `packet` itself.
   */
  record(packet: Packet, opts: BroadcastOptions, local: boolean): Packet {
    if (
      packet.type !== PacketType.EVENT ||
      packet.id !== undefined ||
      opts.flags?.volatile === true ||
      !Array.isArray(packet.data)
    )
      return packet;
    if (!local && !this.#sessionMayWant(opts)) return packet;
    const offset = nextOffset();
    // The offset travels as the last argument (docs/protocol.md §2.9, point 2).
    const data = [...(packet.data as unknown[]), offset];
    const seq = this.#dropped + this.#packets.length;
    this.#index.set(offset, seq);
    this.#byRoom.add(seq, opts.rooms);
    this.#packets.push({
      offset,
      emittedAt: this.#now(),
      data,
      rooms: opts.rooms,
      except: opts.except,
    });
    if (this.#packets.length > this.#maxPackets) {
      const oldest = this.#packets[0] as StoredPacket;
      if (oldest.emittedAt >= this.#now() - this.#maxDuration) this.#trimmedAt = this.#now();
      this.#drop(Math.max(1, Math.floor(this.#maxPackets / 100)));
    }
    return { ...packet, data };
  }

  /** Keep a session for `maxDisconnectionDuration`. The pid is a secret: it is never logged. */
  persist(session: SessionToPersist): void {
    this.#forget(session.pid);
    if (this.#sessions.size >= this.#maxSessions) {
      const oldest = this.#sessions.keys().next().value;
      if (oldest !== undefined) this.#forget(oldest);
    }
    this.#sessions.set(session.pid, { session, disconnectedAt: this.#now() });
    for (const room of session.rooms) this.#rooms.set(room, (this.#rooms.get(room) ?? 0) + 1);
    debug("session of %s stored", session.sid);
  }

  /**
   * The stored session of `pid` with the packets it missed after `offset`, oldest first; or null, with the reason
   * counted and logged. A session is used once: the reconnected socket takes it over.
   */
  restore(pid: PrivateSessionId, offset: string): Session | null {
    this.#stats.attempted++;
    const stored = this.#sessions.get(pid);
    if (stored === undefined) {
      const expired = this.#expired.has(pid) || this.#previouslyExpired.has(pid);
      return this.#fail(expired ? "expired" : "unknown", undefined);
    }
    this.#forget(pid);
    const sid = stored.session.sid;
    if (stored.disconnectedAt + this.#maxDuration < this.#now()) return this.#fail("expired", sid);
    const at = this.#index.get(offset);
    if (at === undefined) {
      const trimmed = this.#trimmedAt >= stored.disconnectedAt - this.#maxDuration;
      return this.#fail(trimmed ? "trimmed" : "unknown", sid);
    }
    const rooms = stored.session.rooms;
    const missedPackets: unknown[][] = [];
    const candidates = this.#byRoom.after(at, rooms);
    for (const seq of candidates) {
      const packet = this.#packets[seq - this.#dropped];
      if (packet !== undefined && reaches(packet, rooms)) missedPackets.push(packet.data);
    }
    const entriesRead = candidates.length;
    this.#stats.succeeded++;
    this.#stats.replayed += missedPackets.length;
    this.#stats.entriesRead += entriesRead;
    debug("session of %s restored, %d packet(s) to replay", sid, missedPackets.length);
    if (recoveryChannel.hasSubscribers)
      recoveryChannel.publish({
        nsp: this.#nsp,
        recovered: true,
        replayed: missedPackets.length,
        entriesRead,
      } satisfies RecoveryMessage);
    return { ...stored.session, missedPackets };
  }

  /** Drop expired sessions and packets (also runs on its own every 10 s). */
  sweep(): void {
    const cutoff = this.#now() - this.#maxDuration;
    this.#previouslyExpired = this.#expired;
    this.#expired = new Set();
    for (const [pid, stored] of this.#sessions) {
      if (stored.disconnectedAt >= cutoff) continue;
      this.#forget(pid);
      this.#expired.add(pid);
    }
    let drop = 0;
    while (drop < this.#packets.length && (this.#packets[drop] as StoredPacket).emittedAt < cutoff)
      drop++;
    if (drop > 0) this.#drop(drop);
  }

  close(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#sessions.clear();
    this.#rooms.clear();
    this.#packets = [];
    this.#index.clear();
    this.#byRoom.clear();
  }

  #fail(reason: RecoveryFailureReason, sid: string | undefined): null {
    this.#stats.failed[reason]++;
    debug("recovery failed (%s)%s", reason, sid === undefined ? "" : ` for ${sid}`);
    if (recoveryChannel.hasSubscribers)
      recoveryChannel.publish({
        nsp: this.#nsp,
        recovered: false,
        reason,
        replayed: 0,
        entriesRead: 0,
      } satisfies RecoveryMessage);
    return null;
  }

  #forget(pid: PrivateSessionId): void {
    const stored = this.#sessions.get(pid);
    if (stored === undefined) return;
    this.#sessions.delete(pid);
    for (const room of stored.session.rooms) {
      const n = (this.#rooms.get(room) ?? 1) - 1;
      if (n > 0) {
        this.#rooms.set(room, n);
        continue;
      }
      this.#rooms.delete(room);
      this.onRoomReleased?.(room);
    }
  }

  #drop(count: number): void {
    for (const p of this.#packets.splice(0, count)) this.#index.delete(p.offset);
    this.#dropped += count;
    this.#byRoom.prune(this.#dropped);
  }

  #sessionMayWant(opts: BroadcastOptions): boolean {
    if (this.#sessions.size === 0) return false;
    if (opts.rooms.size === 0) return true;
    for (const room of opts.rooms) if (this.#rooms.has(room)) return true;
    return false;
  }
}

/**
 * The recovery log of an adapter: one when the server enables recovery (`nsp.recovery`), else undefined.
 * @example
 * this.#recovery = recoveryFor(nsp, opts.recoveryLimits);
 */
export function recoveryFor(
  nsp: AdapterNamespace,
  limits: RecoveryLimits | undefined,
): RecoveryLog | undefined {
  const csr = nsp.recovery;
  if (csr === undefined) return undefined;
  return new RecoveryLog({
    ...limits,
    nsp: nsp.name,
    maxDisconnectionDuration: csr.maxDisconnectionDuration ?? 120_000,
  });
}

/**
 * The packet an adapter delivers to its local sockets: with a recovery log, a plain EVENT stamped with this node's
 * offset (and kept); without one, `packet` itself.
 * @example
 * super.broadcast(stamp(this.#recovery, packet, opts, this.rooms, this.nsp.sockets), opts);
 */
export function stamp(
  log: RecoveryLog | undefined,
  packet: Packet,
  opts: BroadcastOptions,
  rooms: ReadonlyMap<Room, unknown>,
  sockets: ReadonlyMap<string, unknown>,
): Packet {
  if (log === undefined) return packet;
  return log.record(packet, opts, reachesLocal(opts, rooms, sockets.size));
}

/**
 * With recovery on, `socket.emit` goes through `broadcast` to the socket's own room: when that socket is local, no
 * other node has it and cluster adapters need not publish.
 */
export function toLocalSocketOnly(
  opts: BroadcastOptions,
  sockets: ReadonlyMap<string, unknown>,
): boolean {
  if (opts.rooms.size !== 1 || (opts.except?.size ?? 0) > 0) return false;
  return sockets.has(opts.rooms.values().next().value as Room);
}

/**
 * Whether a broadcast may reach a socket of this node: it targets everyone and the namespace has sockets, or one of
 * its rooms exists here (`except` is not checked: keeping one packet too many is harmless).
 */
export function reachesLocal(
  opts: BroadcastOptions,
  rooms: ReadonlyMap<Room, unknown>,
  socketCount: number,
): boolean {
  if (opts.rooms.size === 0) return socketCount > 0;
  for (const room of opts.rooms) if (rooms.has(room)) return true;
  return false;
}

/** Whether a stored broadcast targeted a socket that was in `rooms`. */
function reaches(packet: StoredPacket, rooms: readonly Room[]): boolean {
  if (packet.except !== undefined && packet.except.size > 0) {
    for (const room of rooms) if (packet.except.has(room)) return false;
  }
  if (packet.rooms.size === 0) return true;
  for (const room of rooms) if (packet.rooms.has(room)) return true;
  return false;
}
