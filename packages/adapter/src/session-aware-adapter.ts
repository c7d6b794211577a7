import type { Packet } from "@switchboard/parser";
import { Adapter } from "./in-memory-adapter.js";
import { RecoveryLog, reachesLocal, type RecoveryStats } from "./recovery-log.js";
import type {
  AdapterNamespace,
  BroadcastOptions,
  PrivateSessionId,
  Session,
  SessionToPersist,
} from "./types.js";

/** The `connectionStateRecovery` options the session-aware adapter reads. */
export interface SessionAwareAdapterOptions {
  /** How long a disconnected session (and the packets it may miss) is kept, in ms. Default 120000. */
  maxDisconnectionDuration?: number;
  /** Packets kept for replay at most (oldest dropped first). Default 100000. */
  maxPackets?: number;
  /** Sessions kept at most (oldest dropped first). Default 100000. */
  maxSessions?: number;
}

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
  readonly #log: RecoveryLog;

  constructor(nsp: AdapterNamespace, opts?: SessionAwareAdapterOptions) {
    super(nsp);
    this.#log = new RecoveryLog({
      ...opts,
      nsp: nsp.name,
      maxDisconnectionDuration:
        opts?.maxDisconnectionDuration ?? nsp.recovery?.maxDisconnectionDuration ?? 120_000,
    });
  }

  /** Recovery figures of this namespace on this node (read by `/metrics`). */
  recoveryStats(): RecoveryStats {
    return this.#log.stats();
  }

  override close(): void {
    this.#log.close();
  }

  override persistSession(session: SessionToPersist): void {
    this.#log.persist(session);
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    return Promise.resolve(this.#log.restore(pid, offset));
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    const local = reachesLocal(opts, this.rooms, this.nsp.sockets.size);
    super.broadcast(this.#log.record(packet, opts, local), opts);
  }
}
