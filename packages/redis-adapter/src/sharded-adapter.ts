// The sharded variant (Redis 7 SPUBLISH/SSUBSCRIBE), wire-compatible with @socket.io/redis-adapter's
// `createShardedAdapter`: ClusterAdapter messages (docs/protocol.md §5.1) in JSON, or msgpack when they carry binary,
// on `<prefix>#<nsp>#` (every node), `<prefix>#<nsp>#<uid>#` (responses to one node) and, in the dynamic modes,
// `<prefix>#<nsp>#<room>#` for single-room broadcasts so a node only receives rooms it holds.
import {
  ClusterAdapter,
  MessageType,
  msgpackDecode,
  msgpackEncode,
  type AdapterNamespace,
  type ClusterMessage,
  type PeerDirectory,
  type ClusterResponse,
  type RecoveryLimits,
  type Room,
  type ServerId,
} from "@switchboard/adapter";
import createDebug from "debug";
import { Liveness, liveCount, type LivenessOptions } from "./liveness.js";
import { peerDirectoryFor } from "./peer-kv.js";
import { createDriver, type PubSubDriver, type RedisClient } from "./redis-client.js";
import { UnsupportedClientError } from "./errors.js";
import { reportError } from "./report.js";

const debug = createDebug("socket.io-redis");

export interface ShardedRedisAdapterOptions extends LivenessOptions {
  /** Channel prefix. Default `"socket.io"`. */
  channelPrefix?: string;
  /**
   * `"static"`: two channels per namespace; `"dynamic"` (default): plus one per public room; `"dynamic-private"`:
   * plus one per room, private rooms (socket ids) included.
   */
  subscriptionMode?: "static" | "dynamic" | "dynamic-private";
  /** How long requests wait for the other nodes, in ms. Default 5000. */
  requestsTimeout?: number;
  /** Messages larger than this many bytes are dropped unread. Default 10 MiB. */
  maxMessageSize?: number;
  /** Memory limits of connection state recovery on this node (used when the server enables recovery). */
  recoveryLimits?: RecoveryLimits;
}

const MAY_CONTAIN_BINARY = new Set<MessageType>([
  MessageType.BROADCAST,
  MessageType.BROADCAST_ACK,
  MessageType.FETCH_SOCKETS_RESPONSE,
  MessageType.SERVER_SIDE_EMIT,
  MessageType.SERVER_SIDE_EMIT_RESPONSE,
]);

/** Socket.IO socket ids are 20 characters; the official adapter keeps them off dynamic channels. */
const looksLikeASocketId = (room: unknown): boolean =>
  typeof room === "string" && room.length === 20;

/** A cluster adapter over Redis sharded pub/sub. See {@link createShardedAdapter}. */
export class ShardedRedisAdapter extends ClusterAdapter {
  /** Resolves once the base subscriptions are in place (never rejects). */
  readonly subscribed: Promise<void>;
  /**
   * Where nodes publish their address for request forwarding (docs/scaling.md): keys `<channelPrefix>#sb-peer#<tag>`
   * on the publisher client, shared by every namespace. The server uses it unless `forwarding: false`.
   */
  readonly peerDirectory: PeerDirectory;
  readonly #driver: PubSubDriver;
  readonly #channel: string;
  readonly #responseChannel: string;
  readonly #mode: "static" | "dynamic" | "dynamic-private";
  readonly #maxSize: number;
  readonly #handler = (channel: string, raw: Buffer): void => this.#onRaw(channel, raw);
  /** Room channels being subscribed, so `addAll` (hence `socket.join`) resolves once delivery to the room is live. */
  readonly #subscribing = new Map<Room, Promise<void>>();
  readonly #liveness: Liveness;
  #closed = false;

  constructor(
    nsp: AdapterNamespace,
    pubClient: RedisClient,
    subClient: RedisClient,
    opts: ShardedRedisAdapterOptions = {},
  ) {
    super(nsp, {
      ...(opts.requestsTimeout === undefined ? {} : { requestsTimeout: opts.requestsTimeout }),
      ...(opts.recoveryLimits === undefined ? {} : { recoveryLimits: opts.recoveryLimits }),
    });
    const prefix = opts.channelPrefix ?? "socket.io";
    this.#mode = opts.subscriptionMode ?? "dynamic";
    this.#maxSize = opts.maxMessageSize ?? 10 * 1024 * 1024;
    checkShardedSubscriber(subClient);
    this.#driver = createDriver(pubClient, subClient);
    this.peerDirectory = peerDirectoryFor(pubClient, prefix);
    this.#channel = `${prefix}#${nsp.name}#`;
    this.#responseChannel = `${this.#channel}${this.uid}#`;
    this.#liveness = new Liveness(
      opts,
      () => this.publish(MessageType.HEARTBEAT),
      (uid) => this.requests.nodeGone(uid),
      () => this.#driver.unavailable() === undefined,
    );
    this.subscribed = this.#driver
      .ssubscribe([this.#channel, this.#responseChannel], this.#handler)
      .catch((err: unknown) => {
        reportError(`sharded subscription failed for ${nsp.name}`, err);
      });
    if (this.#mode !== "static") {
      this.on("create-room", (room) => {
        if (!this.#separate(room)) return;
        const done = this.#driver
          .ssubscribe([this.#dynamic(room)], this.#handler)
          .catch((e: unknown) => debug("%o", e))
          .finally(() => this.#subscribing.delete(room));
        this.#subscribing.set(room, done);
      });
      this.on("delete-room", (room) => {
        // A stored recovery session still in the room keeps the channel: its missed broadcasts must arrive.
        if (this.#separate(room) && !this.recoveryWants(room))
          this.#driver
            .sunsubscribe([this.#dynamic(room)], this.#handler)
            .catch((e: unknown) => debug("%o", e));
      });
    }
  }

  /** uids of the other Switchboard nodes heard beating within `heartbeatTimeout` (official nodes never beat). */
  liveNodes(): string[] {
    return this.#liveness.live();
  }

  override init(): Promise<void> {
    // A namespace closed before its subscriptions were in place must not start beating.
    return this.subscribed.then(() => {
      if (!this.#closed) this.#liveness.start();
    });
  }

  override onMessage(message: ClusterMessage): void {
    const m = message as Partial<ClusterMessage> | null;
    if (typeof m?.uid === "string" && m.uid !== this.uid && m.nsp === this.nsp.name) {
      if (m.type === MessageType.ADAPTER_CLOSE) this.#liveness.left(m.uid);
      else
        this.#liveness.heard(
          m.uid,
          m.type === MessageType.HEARTBEAT || m.type === MessageType.INITIAL_HEARTBEAT,
        );
    }
    super.onMessage(message);
  }

  protected override onOtherMessage(message: ClusterMessage): void {
    // Liveness messages were handled in onMessage (official sharded nodes send none of them).
    const t = message.type;
    if (
      t === MessageType.HEARTBEAT ||
      t === MessageType.INITIAL_HEARTBEAT ||
      t === MessageType.ADAPTER_CLOSE
    )
      return;
    super.onOtherMessage(message);
  }

  override addAll(id: string, rooms: Set<Room>): Promise<void> | void {
    void super.addAll(id, rooms); // the local part is synchronous: the subscriptions below are what to wait for
    const pending: Promise<void>[] = [];
    for (const room of rooms) {
      const p = this.#subscribing.get(room);
      if (p !== undefined) pending.push(p);
    }
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }

  protected override onRecoveryRoomReleased(room: Room): void {
    if (this.#mode === "static" || this.#closed || this.rooms.has(room) || !this.#separate(room))
      return;
    this.#driver
      .sunsubscribe([this.#dynamic(room)], this.#handler)
      .catch((e: unknown) => debug("%o", e));
  }

  protected override unavailable(): Error | undefined {
    return this.#driver.unavailable();
  }

  /** Nodes subscribed to this namespace's channel (`PUBSUB SHARDNUMSUB`), this one included. */
  override async serverCount(): Promise<number> {
    const down = this.#driver.unavailable();
    if (down !== undefined) throw down;
    const total = await this.#driver.numsub("SHARDNUMSUB", this.#channel);
    return liveCount(total, this.#liveness, (uid) =>
      this.#driver.numsub("SHARDNUMSUB", `${this.#channel}${uid}#`),
    );
  }

  protected doPublish(message: ClusterMessage): Promise<string> {
    return this.#send(this.#channelFor(message), message).then(() => "");
  }

  protected doPublishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void> {
    return this.#send(`${this.#channel}${requesterUid}#`, response);
  }

  override async close(): Promise<void> {
    if (this.#closed) return;
    this.publish(MessageType.ADAPTER_CLOSE);
    this.#liveness.stop();
    // Rooms kept subscribed for stored recovery sessions only: read before the log is closed.
    const kept = [...this.recoveryRooms()];
    await super.close();
    this.#closed = true;
    const channels = [this.#channel, this.#responseChannel];
    if (this.#mode !== "static")
      for (const room of new Set([...this.rooms.keys(), ...kept]))
        if (this.#separate(room)) channels.push(this.#dynamic(room));
    const unsubscribed = this.#driver.sunsubscribe(channels, this.#handler).catch(() => undefined);
    // While Redis is down the client queues the command until it is back: do not hold close() for that.
    if (this.#driver.unavailable() === undefined) await unsubscribed;
    this.#driver.close();
  }

  #send(channel: string, message: ClusterMessage | ClusterResponse): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const down = this.#driver.unavailable();
    if (down !== undefined) return Promise.reject(down);
    const binary = MAY_CONTAIN_BINARY.has(message.type) && hasBinary(message.data);
    return this.#driver.spublish(
      channel,
      binary ? msgpackEncode(message) : JSON.stringify(message),
    );
  }

  #channelFor(message: ClusterMessage): string {
    // A broadcast with ack cannot use a room channel: serverCount() counts every node, not those holding the room.
    const rooms = message.data?.opts?.rooms;
    const single =
      message.type === MessageType.BROADCAST &&
      message.data?.requestId === undefined &&
      rooms?.length === 1;
    if (!single) return this.#channel;
    const room = rooms[0];
    const dynamic =
      (this.#mode === "dynamic" && !looksLikeASocketId(room)) || this.#mode === "dynamic-private";
    return dynamic ? this.#dynamic(room as Room) : this.#channel;
  }

  #dynamic(room: Room): string {
    return `${this.#channel}${room}#`;
  }

  #separate(room: Room): boolean {
    return (this.#mode === "dynamic" && !this.sids.has(room)) || this.#mode === "dynamic-private";
  }

  #onRaw(channel: string, raw: Buffer): void {
    if (this.#closed) return;
    if (raw.length > this.#maxSize) {
      this.dropped.oversized++;
      return;
    }
    let message: unknown;
    try {
      message =
        raw[0] === 0x7b
          ? JSON.parse(raw.toString())
          : msgpackDecode(raw, { maxSize: this.#maxSize });
    } catch (err) {
      this.dropped.undecodable++;
      debug("invalid message: %s", (err as Error).message);
      return;
    }
    try {
      if (channel === this.#responseChannel) this.onResponse(message as ClusterResponse);
      else this.onMessage(message as ClusterMessage);
    } catch (err) {
      this.dropped.malformed++;
      debug("message handling failed: %o", err);
    }
  }
}

function hasBinary(value: unknown, depth = 0): boolean {
  if (typeof value !== "object" || value === null || depth > 100) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some((v) => hasBinary(v, depth + 1));
  for (const key of Object.keys(value))
    if (hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === "function" && depth === 0
    ? hasBinary((toJSON as () => unknown).call(value), depth + 1)
    : false;
}

/**
 * The sharded adapter factory (Redis 7 sharded pub/sub), for `redis` (node-redis v4/v5) or `ioredis` clients.
 *
 * @example
 * ```ts
 * const io = new Server(3000, { adapter: createShardedAdapter(pubClient, subClient, { subscriptionMode: "dynamic" }) });
 * ```
 */
export function createShardedAdapter(
  pubClient: RedisClient,
  subClient: RedisClient,
  opts?: ShardedRedisAdapterOptions,
): (nsp: AdapterNamespace) => ShardedRedisAdapter {
  checkShardedSubscriber(subClient);
  return (nsp) => new ShardedRedisAdapter(nsp, pubClient, subClient, opts);
}

/**
 * An ioredis `Cluster` sends every subscription through one connection to one node unless created with
 * `shardedSubscribers: true`: SSUBSCRIBE then fails with MOVED for the channels of other shards, and no sharded message
 * arrives at all. Refuse it at once rather than run deaf.
 */
function checkShardedSubscriber(sub: RedisClient): void {
  const c = sub as { isCluster?: unknown; options?: { shardedSubscribers?: unknown } };
  if (c.isCluster === true && c.options?.shardedSubscribers !== true)
    throw new UnsupportedClientError(
      "subscriber",
      "an ioredis Cluster needs { shardedSubscribers: true } for sharded pub/sub",
    );
}
