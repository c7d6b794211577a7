import { PacketType, type Packet } from "@switchboard/parser";
import { Adapter } from "./in-memory-adapter.js";
import { nextOffset } from "./offset.js";
import type {
  AdapterNamespace,
  BroadcastOptions,
  PrivateSessionId,
  Room,
  Session,
  SessionToPersist,
} from "./types.js";

/** The `connectionStateRecovery` options the session-aware adapter reads. */
export interface SessionAwareAdapterOptions {
  /** How long a disconnected session (and the packets it may miss) is kept, in ms. Default 120000. */
  maxDisconnectionDuration?: number;
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

/** How often expired sessions and packets are dropped. One interval per adapter, unref'd. */
const SWEEP_INTERVAL = 60_000;

/**
 * The in-memory adapter with connection state recovery (docs/protocol.md §2.9): every broadcast EVENT
 * without ack and not volatile gets an offset appended to its arguments and is kept for
 * `maxDisconnectionDuration`; a session persisted at disconnection can be restored with the packets
 * it missed after its last offset.
 *
 * @example
 * ```ts
 * const io = new Server(httpServer, { connectionStateRecovery: {} }); // picks this adapter
 * ```
 */
export class SessionAwareAdapter extends Adapter {
  readonly #maxDuration: number;
  readonly #sessions = new Map<PrivateSessionId, StoredSession>();
  #packets: StoredPacket[] = [];
  #sweeper: ReturnType<typeof setInterval> | undefined;

  constructor(nsp: AdapterNamespace, opts?: SessionAwareAdapterOptions) {
    super(nsp);
    this.#maxDuration = opts?.maxDisconnectionDuration ?? nsp.recovery?.maxDisconnectionDuration ?? 120_000;
    this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL);
    this.#sweeper.unref?.();
  }

  override close(): void {
    if (this.#sweeper !== undefined) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
    this.#sessions.clear();
    this.#packets = [];
  }

  override persistSession(session: SessionToPersist): void {
    this.#sessions.set(session.pid, { session, disconnectedAt: Date.now() });
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    const stored = this.#sessions.get(pid);
    if (stored === undefined) return Promise.resolve(null);
    // A session is usable once: the reconnected socket takes it over.
    this.#sessions.delete(pid);
    if (stored.disconnectedAt + this.#maxDuration < Date.now()) return Promise.resolve(null);
    const packets = this.#packets;
    let index = -1;
    // Recent offsets are the likely ones: search from the end.
    for (let i = packets.length - 1; i >= 0; i--) {
      if ((packets[i] as StoredPacket).offset === offset) {
        index = i;
        break;
      }
    }
    if (index === -1) return Promise.resolve(null);
    const rooms = stored.session.rooms;
    const missedPackets: unknown[][] = [];
    for (let i = index + 1; i < packets.length; i++) {
      const packet = packets[i] as StoredPacket;
      if (reaches(packet, rooms)) missedPackets.push(packet.data);
    }
    return Promise.resolve({ ...stored.session, missedPackets });
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (
      packet.type === PacketType.EVENT &&
      packet.id === undefined &&
      opts.flags?.volatile !== true &&
      Array.isArray(packet.data)
    ) {
      const offset = nextOffset();
      // The offset travels as the last argument (docs/protocol.md §2.9, point 2).
      packet.data.push(offset);
      this.#packets.push({
        offset,
        emittedAt: Date.now(),
        data: packet.data,
        rooms: opts.rooms,
        except: opts.except,
      });
    }
    super.broadcast(packet, opts);
  }

  #sweep(): void {
    const cutoff = Date.now() - this.#maxDuration;
    for (const [pid, stored] of this.#sessions) {
      if (stored.disconnectedAt < cutoff) this.#sessions.delete(pid);
    }
    const packets = this.#packets;
    let drop = 0;
    while (drop < packets.length && (packets[drop] as StoredPacket).emittedAt < cutoff) drop++;
    if (drop > 0) packets.splice(0, drop);
  }
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
