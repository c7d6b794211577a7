// The Redis Streams adapter (docs/protocol.md §5.3): cluster messages go through one Redis stream per namespace
// group, read by every node with a blocking XREAD, so a node that loses Redis for a while resumes where it was.
// Requests and responses (fetchSockets, serverSideEmit, broadcasts with ack) travel over pub/sub, as in the official
// adapter. With connection state recovery on, the offset of a broadcast is its stream id, a socket's session is kept
// in Redis from its connection on (session-store.ts), and a client can recover on any node (restore.ts).
import {
  Adapter,
  ClusterAdapter,
  MessageType,
  type AdapterSocket,
  type BroadcastOptions,
  type ClusterMessage,
  type ClusterResponse,
  type PeerDirectory,
  type PrivateSessionId,
  type Room,
  type SerializedOptions,
  type ServerId,
  type Session,
  type SessionToPersist,
  type SocketId,
  type AdapterNamespace,
} from "@switchboard/adapter";
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import {
  decodeEntry,
  decodePubSub,
  encodeEntry,
  encodePubSub,
  type StreamEntry,
} from "./entries.js";
import { PendingAdmissions } from "./admissions.js";
import { AppendQueue } from "./append-queue.js";
import { RedisUnavailableError } from "./errors.js";
import type { ResolvedOptions, Shared } from "./shared.js";
import type { StreamReader } from "./reader.js";
import {
  newStats,
  recoveryChannel,
  type RecoveryFailureReason,
  type StreamsRecoveryMessage,
  type StreamsRecoveryStats,
} from "./recovery-stats.js";
import { Recovery } from "./restore.js";
import { APPEND, indexKeys, type IndexKeys } from "./scripts.js";
import { EXPIRY_SLACK_MS, SessionStore } from "./session-store.js";

const debug = createDebug("socket.io-redis-streams-adapter");

/** The in-memory delivery to this node's sockets, without the cluster base's publishing or offsets. */
const deliverLocally = Adapter.prototype.broadcast;

/** Foreign entries APPEND looks at before assuming the worst (see scripts.ts). */
const SCAN_LIMIT = 256;
/** Extra length of a replay index over the stream's (approximate trimming keeps up to a node's worth more). */
const INDEX_SLACK = 1000;
const RESPONSE_TYPES = new Set<number>([
  MessageType.FETCH_SOCKETS_RESPONSE,
  MessageType.SERVER_SIDE_EMIT_RESPONSE,
  MessageType.BROADCAST_CLIENT_COUNT,
  MessageType.BROADCAST_ACK,
]);

/** Messages that travel over pub/sub rather than the stream (as the official adapter decides). */
function isEphemeral(message: ClusterMessage): boolean {
  return (
    (message.type === MessageType.BROADCAST && message.data?.requestId !== undefined) ||
    message.type === MessageType.SERVER_SIDE_EMIT ||
    message.type === MessageType.FETCH_SOCKETS
  );
}

/** A plain EVENT (no ack, not volatile): it gets an offset and can be replayed (§2.9 point 2). */
function storable(packet: Packet, flags: BroadcastOptions["flags"]): boolean {
  return (
    packet.type === PacketType.EVENT &&
    packet.id === undefined &&
    flags?.volatile !== true &&
    Array.isArray(packet.data)
  );
}

function encodeOptions(opts: BroadcastOptions): SerializedOptions {
  return { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} };
}

function decodeOptions(o: unknown): BroadcastOptions | undefined {
  if (typeof o !== "object" || o === null) return undefined;
  const { rooms, except, flags } = o as Partial<SerializedOptions>;
  if (!Array.isArray(rooms) || (except != null && !Array.isArray(except))) return undefined;
  return { rooms: new Set(rooms), except: new Set(except ?? []), flags: flags ?? {} };
}

/**
 * A cluster adapter over Redis Streams, wire-compatible with `@socket.io/redis-streams-adapter`. Built by
 * {@link createAdapter}; one instance per namespace.
 */
export class RedisStreamsAdapter extends ClusterAdapter {
  /** Resolves once this node is subscribed and reads its stream (never rejects). */
  readonly ready: Promise<void>;
  /**
   * Where nodes publish their address for request forwarding (docs/scaling.md): keys `<streamName>#sb-peer#<tag>` on
   * the user's client, one directory for every namespace. The server uses it unless `forwarding: false`.
   */
  readonly peerDirectory: PeerDirectory;
  readonly #shared: Shared;
  readonly #opts: ResolvedOptions;
  readonly #stream: string;
  readonly #keys: IndexKeys;
  readonly #publicChannel: string;
  readonly #reader: StreamReader;
  readonly #store: SessionStore | undefined;
  readonly #recovery: Recovery | undefined;
  readonly #indexTtl: number;
  readonly #stats = newStats();
  readonly #admissions: PendingAdmissions;
  readonly #appends: AppendQueue;

  /** @internal */
  constructor(nsp: AdapterNamespace, shared: Shared) {
    super(nsp, { requestsTimeout: shared.opts.requestsTimeout });
    this.#shared = shared;
    this.peerDirectory = shared.peerDirectory;
    this.#appends = new AppendQueue(shared.cmds);
    this.#admissions = new PendingAdmissions(nsp);
    const opts = (this.#opts = shared.opts);
    this.#stream = shared.streamName(nsp.name);
    this.#keys = indexKeys(this.#stream, nsp.name);
    this.#publicChannel = `${opts.channelPrefix}#${nsp.name}#`;
    const privateChannel = `${this.#publicChannel}${this.uid}#`;
    this.#reader = shared.reader(this.#stream);
    shared.register(this);
    const csr = nsp.recovery;
    const maxDuration = csr?.maxDisconnectionDuration ?? 120_000;
    // A connected socket's record is rewritten this often; it outlives a dead node by at most this much.
    const refreshInterval = Math.min(60_000, Math.max(1000, Math.floor(maxDuration / 4)));
    this.#indexTtl = maxDuration + refreshInterval + EXPIRY_SLACK_MS;
    if (csr !== undefined) {
      this.#store = new SessionStore(
        shared.cmds,
        {
          keyPrefix: opts.sessionKeyPrefix,
          tokenPrefix: this.uid,
          maxDisconnectionDuration: maxDuration,
          refreshInterval,
          maxSessionSize: opts.maxSessionSize,
        },
        (sid) => this.socketRooms(sid),
      );
      this.#recovery = new Recovery(
        {
          cmds: shared.cmds,
          reader: this.#reader,
          store: this.#store,
          stream: this.#stream,
          keys: this.#keys,
          nsp: nsp.name,
        },
        {
          maxDisconnectionDuration: maxDuration,
          refreshInterval,
          maxMessageSize: opts.maxMessageSize,
          maxSessionSize: opts.maxSessionSize,
          readTimeout: opts.blockTimeInMs + 2000,
        },
      );
    }
    const subscribed = shared
      .subscriber()
      .then((sub) =>
        sub.subscribe(opts.useShardedPubSub, [this.#publicChannel, privateChannel], (_c, raw) =>
          this.#onPubSub(raw),
        ),
      )
      .catch((err: unknown) => debug("subscription failed: %s", (err as Error).message));
    this.ready = Promise.all([subscribed, this.#reader.started]).then(() => undefined);
  }

  override serverCount(): Promise<number> {
    return this.#shared.cmds
      .numsub(this.#opts.useShardedPubSub, this.#publicChannel)
      .then((n) => Math.max(1, n));
  }

  protected override unavailable(): Error | undefined {
    return this.#shared.cmds.ready() ? undefined : new RedisUnavailableError();
  }

  // ---- transport ----

  protected doPublish(message: ClusterMessage): Promise<string> {
    if (isEphemeral(message)) {
      return this.#shared.cmds
        .publish(this.#opts.useShardedPubSub, this.#publicChannel, encodePubSub(message))
        .then(() => "");
    }
    return this.#append(message, []);
  }

  protected doPublishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void> {
    const channel = `${this.#publicChannel}${requesterUid}#`;
    return this.#shared.cmds.publish(this.#opts.useShardedPubSub, channel, encodePubSub(response));
  }

  /** XADD through the APPEND script (keeps the replay index, see scripts.ts). */
  #append(message: ClusterMessage, index: string[]): Promise<string> {
    const fields = encodeEntry(message, this.#opts.onlyPlaintext);
    const keys = [this.#stream, this.#keys.meta, ...index];
    const indexMaxLen = 2 * this.#opts.maxLen + INDEX_SLACK;
    const args = [this.#opts.maxLen, this.#indexTtl, SCAN_LIMIT, indexMaxLen, ...fields];
    const cmds = this.#shared.cmds;
    const id = (reply: unknown): string =>
      Buffer.isBuffer(reply) ? reply.toString() : String(reply);
    return this.#appends.run(
      () => cmds.evalsha(APPEND, keys, args).then(id),
      () => cmds.eval(APPEND, keys, args).then(id),
    );
  }

  // ---- broadcasts ----

  /**
   * With recovery on, a plain EVENT is only appended to the stream: every node, this one included, delivers it when
   * its reader reaches it, so each client sees events in stream order and its offset is always the newest it got.
   */
  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (opts.flags?.local === true) return deliverLocally.call(this, packet, opts);
    if (this.#store === undefined || !storable(packet, opts.flags)) {
      this.publish(MessageType.BROADCAST, { packet, opts: encodeOptions(opts) });
      return deliverLocally.call(this, packet, opts);
    }
    const index =
      opts.rooms.size === 0 ? [this.#keys.all] : [...opts.rooms].map((r) => this.#keys.room(r));
    const message: ClusterMessage = {
      uid: this.uid,
      nsp: this.nsp.name,
      type: MessageType.BROADCAST,
      data: { packet, opts: encodeOptions(opts) },
    };
    this.#append(message, index).catch((err: unknown) => {
      // Not stored: deliver here at least (no offset, so not replayable), as the official adapter does.
      debug("broadcast not appended: %s", (err as Error).message);
      deliverLocally.call(this, packet, opts);
    });
  }

  /** @internal A stream entry for this namespace (the shared reader calls it, in stream order). */
  onEntry(entry: StreamEntry): void {
    const message = decodeEntry(entry.fields, this.#opts.maxMessageSize);
    if (typeof message === "string") {
      this.dropped[message]++;
      debug("dropping a stream entry (%s)", message);
      return;
    }
    if (message.type === MessageType.BROADCAST && message.data?.requestId === undefined) {
      this.#onBroadcastEntry(message, entry.id);
      return;
    }
    if (message.uid === this.uid) return;
    this.onMessage(message);
  }

  #onBroadcastEntry(message: ClusterMessage, id: string): void {
    const packet = message.data?.packet as Packet | undefined;
    const opts = decodeOptions(message.data?.opts);
    if (opts === undefined || typeof packet !== "object" || packet === null) {
      this.dropped.malformed++;
      return;
    }
    const stored = this.#store !== undefined && storable(packet, opts.flags);
    // Our own entries were delivered when sent, unless they wait for the stream (see broadcast()).
    if (message.uid === this.uid && !stored) return;
    if (stored) {
      (packet.data as unknown[]).push(id);
      this.#admissions.hold(packet, opts);
    }
    deliverLocally.call(this, packet, opts);
  }

  #onPubSub(raw: Buffer): void {
    const decoded = decodePubSub(raw, this.#opts.maxMessageSize);
    if (decoded === undefined) {
      if (raw.length > this.#opts.maxMessageSize) this.dropped.oversized++;
      else this.dropped.undecodable++;
      return;
    }
    const type = (decoded as { type?: unknown }).type;
    if (typeof type === "number" && RESPONSE_TYPES.has(type))
      this.onResponse(decoded as ClusterResponse);
    else this.onMessage(decoded as ClusterMessage);
  }

  // ---- durable sessions (docs/protocol.md §2.9) ----

  /**
   * Server hook: a socket connected with recovery on. Its session is in Redis from now on, kept up to date, so it
   * survives this node.
   */
  trackSession(socket: AdapterSocket, pid: PrivateSessionId): void {
    const store = this.#store;
    if (store === undefined) return;
    const restored = this.#admissions.admit(socket);
    if (restored === undefined) store.track(socket, pid, this.#reader.position);
    else store.track(socket, pid, restored.since, restored.token);
  }

  /** Server hook: `socket.data` was assigned. Nested mutations are saved with the next write or refresh. */
  sessionChanged(sid: SocketId): void {
    this.#store?.changed(sid);
  }

  override addAll(id: SocketId, rooms: Set<Room>): Promise<void> | void {
    const result = super.addAll(id, rooms);
    this.#store?.changed(id);
    return result;
  }

  override del(id: SocketId, room: Room): Promise<void> | void {
    const result = super.del(id, room);
    this.#store?.changed(id);
    return result;
  }

  override delAll(id: SocketId): void {
    super.delAll(id);
    this.#store?.forget(id);
  }

  override persistSession(session: SessionToPersist): void {
    this.#store?.persist(session);
  }

  override async restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    const recovery = this.#recovery;
    if (recovery === undefined) return null;
    const stats = this.#stats;
    stats.attempted++;
    const result = await recovery.restore(pid, offset);
    stats.entriesRead += result.read;
    if (!result.ok) {
      this.#failed(result.reason, result.read);
      return null;
    }
    const { session } = result;
    stats.succeeded++;
    stats.replayed += session.missedPackets.length;
    if (result.method === "index") stats.byIndex++;
    else stats.byRange++;
    debug(
      "session of %s restored, %d event(s) to replay",
      session.sid,
      session.missedPackets.length,
    );
    if (recoveryChannel.hasSubscribers)
      recoveryChannel.publish({
        nsp: this.nsp.name,
        recovered: true,
        replayed: session.missedPackets.length,
        entriesRead: result.read,
        method: result.method,
      } satisfies StreamsRecoveryMessage);
    // From here until the socket is admitted, broadcasts for it are held (admissions.ts).
    this.#admissions.expect(session.sid, session.rooms, result.since, result.token);
    return session;
  }

  #failed(reason: RecoveryFailureReason, read: number): void {
    this.#stats.failed[reason]++;
    // Never the pid: it is the session's secret.
    debug("recovery failed (%s)", reason);
    if (recoveryChannel.hasSubscribers)
      recoveryChannel.publish({
        nsp: this.nsp.name,
        recovered: false,
        reason,
        replayed: 0,
        entriesRead: read,
      } satisfies StreamsRecoveryMessage);
  }

  /** Recovery figures of this namespace on this node (read by `/metrics` and admin views). */
  override recoveryStats(): StreamsRecoveryStats {
    const s = this.#stats;
    return {
      ...s,
      failed: { ...s.failed },
      sessionsStored: this.#store?.size ?? 0,
      oversizedSessions: this.#store?.oversized ?? 0,
      ...(this.#reader.lag === undefined ? {} : { streamLag: this.#reader.lag }),
    };
  }

  override async close(): Promise<void> {
    await super.close();
    this.#appends.close();
    this.#admissions.close();
    await this.#store?.close();
    this.#shared.release(this);
  }
}
