import {
  Adapter,
  RequestTracker,
  msgpackEncode,
  type AdapterNamespace,
  type AdapterSocket,
  type BroadcastOptions,
  type DroppedMessages,
  type PeerDirectory,
  type PrivateSessionId,
  type RecoveryLimits,
  type RecoveryStats,
  type RemoteSocketDetails,
  type RequestDone,
  type Room,
  type Session,
  type SessionToPersist,
} from "@switchboard/adapter";
import {
  droppedMessages,
  recoveryFor,
  stamp,
  toLocalSocketOnly,
  type RecoveryLog,
} from "@switchboard/adapter/internal";
import type { Packet } from "@switchboard/parser";
import createDebug from "debug";
import { randomBytes } from "node:crypto";
import {
  MalformedMessage,
  RequestType,
  SB_CLOSE,
  SB_HEARTBEAT,
  channelsFor,
  decodeBroadcast,
  decodeRequest,
  decodeResponse,
  toWire,
  type Channels,
  type WireRequest,
  type WireResponse,
} from "./classic-protocol.js";
import { answerRequest, type RequestHost } from "./classic-requests.js";
import { Liveness, liveCount, type LivenessOptions } from "./liveness.js";
import { peerDirectoryFor } from "./peer-kv.js";
import { createDriver, type PubSubDriver, type RedisClient } from "./redis-client.js";
import { reportError } from "./report.js";

const debug = createDebug("socket.io-redis");
/** The uid `@socket.io/redis-emitter` (and `@switchboard/redis-emitter`) sends with: a publisher, not a node. */
const EMITTER = "emitter";

export interface RedisAdapterOptions extends LivenessOptions {
  /** Channel prefix. Default `"socket.io"`. */
  key?: string;
  /** How long fetchSockets / serverSideEmit-with-ack wait for the other nodes, in ms. Default 5000. */
  requestsTimeout?: number;
  /** Answer each request on the requester's own channel instead of the shared response channel. Default false. */
  publishOnSpecificResponseChannel?: boolean;
  /** Messages larger than this many bytes are dropped unread (counted in `dropped.oversized`). Default 10 MiB. */
  maxMessageSize?: number;
  /** Memory limits of connection state recovery on this node (used when the server enables recovery). */
  recoveryLimits?: RecoveryLimits;
}

interface AckRequest {
  clientCountCallback: (count: number) => void;
  ack: (...args: unknown[]) => void;
}

/**
 * The Redis adapter, wire-compatible with `@socket.io/redis-adapter`'s classic `createAdapter`: a cluster may mix
 * Socket.IO and Switchboard nodes. Local delivery never waits for Redis; while Redis is down, cross-node calls fail
 * fast with {@link RedisUnavailableError} and broadcasts reach this node's clients only.
 */
export class RedisAdapter extends Adapter {
  readonly uid: string = randomBytes(8).toString("hex");
  /** Messages dropped on receipt, by reason. */
  readonly dropped: DroppedMessages = droppedMessages();
  /** Resolves once the subscriptions are in place (never rejects; a failure is logged and retried by the client). */
  readonly subscribed: Promise<void>;
  /**
   * Where nodes publish their address for request forwarding (docs/scaling.md): keys `<key>#sb-peer#<tag>` on the
   * publisher client, shared by every namespace. The server uses it unless `forwarding: false`.
   */
  readonly peerDirectory: PeerDirectory;
  readonly requestsTimeout: number;
  readonly #driver: PubSubDriver;
  readonly #channels: Channels;
  readonly #specific: boolean;
  readonly #maxSize: number;
  readonly #requests = new RequestTracker();
  readonly #kinds = new Map<string, RequestType>();
  readonly #acks = new Map<string, AckRequest>();
  /** Nodes heard from, so a timed-out request can name the ones that stayed silent. */
  readonly #seen = new Set<string>();
  readonly #liveness: Liveness;
  readonly #host: RequestHost;
  readonly #onBroadcast = (channel: string, raw: Buffer): void =>
    this.#safely(() => this.#handleBroadcast(channel, raw));
  readonly #onRequestOrResponse = (channel: string, raw: Buffer): void =>
    this.#safely(() =>
      channel === this.#channels.request ? this.#handleRequest(raw) : this.#handleResponse(raw),
    );
  /** Connection state recovery on this node, when the server enables it (docs/protocol.md §2.9). */
  readonly #recovery: RecoveryLog | undefined;
  #closed = false;

  constructor(
    nsp: AdapterNamespace,
    pubClient: RedisClient,
    subClient: RedisClient,
    opts: RedisAdapterOptions = {},
  ) {
    super(nsp);
    this.requestsTimeout = opts.requestsTimeout ?? 5000;
    this.#specific = opts.publishOnSpecificResponseChannel === true;
    this.#maxSize = opts.maxMessageSize ?? 10 * 1024 * 1024;
    this.#driver = createDriver(pubClient, subClient);
    this.#channels = channelsFor(opts.key ?? "socket.io", nsp.name, this.uid);
    this.peerDirectory = peerDirectoryFor(pubClient, opts.key ?? "socket.io");
    this.#recovery = recoveryFor(nsp, opts.recoveryLimits);
    this.#liveness = new Liveness(
      opts,
      () => this.#request({ type: SB_HEARTBEAT }),
      (uid) => this.#requests.nodeGone(uid),
      () => this.#driver.unavailable() === undefined,
    );
    // Requests from other nodes act on this node's sockets only: the base (in-memory) operations.
    this.#host = {
      nsp,
      rooms: this.rooms,
      socketRooms: (id) => this.socketRooms(id),
      local: {
        sockets: (rooms) => super.sockets(rooms),
        fetchSockets: (o) => super.fetchSockets(o),
        addSockets: (o, rooms) => super.addSockets(o, rooms),
        delSockets: (o, rooms) => super.delSockets(o, rooms),
        disconnectSockets: (o, close) => super.disconnectSockets(o, close),
        broadcastWithAck: (packet, o, count, ack) => super.broadcastWithAck(packet, o, count, ack),
      },
      respond: (req, body, msgpack) => this.#respond(req, body, msgpack),
    };
    const c = this.#channels;
    this.subscribed = Promise.all([
      this.#driver.psubscribe(`${c.broadcast}*`, this.#onBroadcast),
      this.#driver.subscribe([c.request, c.response, c.ownResponse], this.#onRequestOrResponse),
    ]).then(
      () => undefined,
      (err: unknown) => reportError(`subscription failed for ${nsp.name}`, err),
    );
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

  // ---- outgoing ----

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    if (
      opts.flags?.local !== true &&
      !(this.#recovery !== undefined && toLocalSocketOnly(opts, this.nsp.sockets))
    ) {
      const rooms = opts.rooms;
      const channel =
        rooms.size === 1
          ? `${this.#channels.broadcast}${rooms.values().next().value as string}#`
          : this.#channels.broadcast;
      this.#publish(channel, () => msgpackEncode([this.uid, packet, toWire(opts, true)]));
    }
    this.#deliver(packet, opts);
  }

  /**
   * Local delivery of a broadcast, from this node or another: with recovery on, the EVENT gets this node's offset
   * (other nodes, official ones included, see the packet without it and stamp their own).
   */
  #deliver(packet: Packet, opts: BroadcastOptions): void {
    super.broadcast(stamp(this.#recovery, packet, opts, this.rooms, this.nsp.sockets), opts);
  }

  override persistSession(session: SessionToPersist): void {
    this.#recovery?.persist(session);
  }

  override restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    return Promise.resolve(this.#recovery?.restore(pid, offset) ?? null);
  }

  /** Recovery figures of this namespace on this node (read by `/metrics`); undefined when recovery is off. */
  recoveryStats(): RecoveryStats | undefined {
    return this.#recovery?.stats();
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    packet.nsp = this.nsp.name;
    if (opts.flags?.local !== true && this.#driver.unavailable() === undefined) {
      const requestId = randomBytes(8).toString("hex");
      this.#acks.set(requestId, { clientCountCallback, ack });
      // No way to know when every remote client has answered: forget the request once its timeout is over.
      setTimeout(
        () => this.#acks.delete(requestId),
        opts.flags?.timeout ?? this.requestsTimeout,
      ).unref?.();
      const request = {
        uid: this.uid,
        requestId,
        type: RequestType.BROADCAST,
        packet,
        opts: toWire(opts, true),
      };
      this.#publish(this.#channels.request, () => msgpackEncode(request));
    }
    super.broadcastWithAck(packet, opts, clientCountCallback, ack);
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true)
      this.#request({
        type: RequestType.REMOTE_JOIN,
        opts: toWire(opts, false),
        rooms: [...rooms],
      });
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true)
      this.#request({
        type: RequestType.REMOTE_LEAVE,
        opts: toWire(opts, false),
        rooms: [...rooms],
      });
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (opts.flags?.local !== true)
      this.#request({ type: RequestType.REMOTE_DISCONNECT, opts: toWire(opts, false), close });
    super.disconnectSockets(opts, close);
  }

  override async fetchSockets(
    opts: BroadcastOptions,
  ): Promise<(AdapterSocket | RemoteSocketDetails)[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags?.local === true) return local;
    const expected = (await this.serverCount()) - 1;
    if (expected <= 0) return local;
    const remote = await new Promise<unknown[]>((resolve, reject) =>
      this.#ask(RequestType.REMOTE_FETCH, { opts: toWire(opts, false) }, expected, (err, all) =>
        err ? reject(err) : resolve(all),
      ),
    );
    return [...local, ...(remote as RemoteSocketDetails[])];
  }

  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== "function") {
      this.#request({ type: RequestType.SERVER_SIDE_EMIT, data: packet });
      return;
    }
    const ack = last as RequestDone;
    const data = packet.slice(0, -1);
    this.serverCount().then(
      (count) => {
        if (count <= 1) return ack(null, []);
        this.#ask(RequestType.SERVER_SIDE_EMIT, { data }, count - 1, ack);
      },
      (err: unknown) => ack(err as Error, []),
    );
  }

  /**
   * Every room of this namespace on every node (as `@socket.io/redis-adapter`'s `allRooms()`).
   * @example
   * const rooms = await (io.of("/").adapter as RedisAdapter).allRooms();
   */
  async allRooms(): Promise<Set<Room>> {
    const local = new Set(this.rooms.keys());
    const expected = (await this.serverCount()) - 1;
    if (expected <= 0) return local;
    const remote = await new Promise<unknown[]>((resolve, reject) =>
      this.#ask(RequestType.ALL_ROOMS, {}, expected, (err, all) =>
        err ? reject(err) : resolve(all),
      ),
    );
    for (const room of remote) if (typeof room === "string") local.add(room);
    return local;
  }

  /** Nodes subscribed to this namespace's request channel (`PUBSUB NUMSUB`), this one included. */
  override async serverCount(): Promise<number> {
    const down = this.#driver.unavailable();
    if (down !== undefined) throw down;
    const total = await this.#driver.numsub("NUMSUB", this.#channels.request);
    // Nodes that stopped beating but are still subscribed (hung, cut off) do not count.
    return liveCount(total, this.#liveness, (uid) =>
      this.#driver.numsub("NUMSUB", `${this.#channels.response}${uid}#`),
    );
  }

  override async close(): Promise<void> {
    if (this.#closed) return;
    this.#request({ type: SB_CLOSE });
    this.#closed = true;
    this.#recovery?.close();
    this.#liveness.stop();
    this.#requests.failAll(new Error("adapter closed"));
    this.#acks.clear();
    const c = this.#channels;
    const unsubscribed = Promise.allSettled([
      this.#driver.punsubscribe(`${c.broadcast}*`, this.#onBroadcast),
      this.#driver.unsubscribe([c.request, c.response, c.ownResponse], this.#onRequestOrResponse),
    ]);
    // While Redis is down the client queues the commands until it is back: do not hold close() for that.
    if (this.#driver.unavailable() === undefined) await unsubscribed;
    this.#driver.close();
  }

  /** Publish, never throwing: a failure (Redis down) costs the other nodes this message, not this node. */
  #publish(channel: string, payload: () => string | Buffer): void {
    if (this.#closed) return;
    const down = this.#driver.unavailable();
    if (down !== undefined) {
      debug("not publishing to %s: %s", channel, down.message);
      return;
    }
    let bytes: string | Buffer;
    try {
      bytes = payload();
    } catch (err) {
      reportError("cannot encode a message", err);
      return;
    }
    this.#driver
      .publish(channel, bytes)
      .catch((err: unknown) => debug("publish to %s failed: %o", channel, err));
  }

  /** A fire-and-forget request (JSON) to every node. */
  #request(body: Omit<WireRequest, "uid">): void {
    this.#publish(this.#channels.request, () => JSON.stringify({ uid: this.uid, ...body }));
  }

  /** A request expecting `expected` answers, tracked until done or `requestsTimeout`. */
  #ask(type: RequestType, body: Partial<WireRequest>, expected: number, done: RequestDone): void {
    const down = this.#driver.unavailable();
    if (down !== undefined) {
      queueMicrotask(() => done(down, []));
      return;
    }
    const requestId = this.#requests.start({
      expected,
      nodes: [...this.#seen],
      timeout: this.requestsTimeout,
      done: (err, responses) => {
        this.#kinds.delete(requestId);
        done(err, responses);
      },
    });
    this.#kinds.set(requestId, type);
    const message = JSON.stringify({ uid: this.uid, requestId, type, ...body });
    this.#driver
      .publish(this.#channels.request, message)
      .catch((err: unknown) => this.#requests.fail(requestId, err as Error));
  }

  // ---- incoming ----

  /** A bad message must never take the node down: count it and go on. */
  #safely(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === "ERR_SB_MSGPACK_TOO_LARGE") this.dropped.oversized++;
      else if (err instanceof MalformedMessage) this.dropped.malformed++;
      else this.dropped.undecodable++;
      debug("dropped a message: %s", (err as Error).message);
    }
  }

  #tooLarge(raw: Buffer): boolean {
    if (raw.length <= this.#maxSize) return false;
    this.dropped.oversized++;
    return true;
  }

  #handleBroadcast(channel: string, raw: Buffer): void {
    if (this.#closed || !channel.startsWith(this.#channels.broadcast) || this.#tooLarge(raw))
      return;
    const room = channel.slice(this.#channels.broadcast.length, -1);
    // A single-room broadcast for a room with no local member nor stored session: nothing to decode.
    if (room !== "" && !this.rooms.has(room) && this.#recovery?.wants(room) !== true) return;
    const { uid, packet, opts } = decodeBroadcast(raw, this.#maxSize);
    if (uid === this.uid) return;
    if (uid !== EMITTER) {
      this.#seen.add(uid);
      this.#liveness.heard(uid, false);
    }
    if (packet.nsp !== this.nsp.name) return;
    this.#deliver(packet, opts);
  }

  #handleRequest(raw: Buffer): void {
    if (this.#closed || this.#tooLarge(raw)) return;
    const req = decodeRequest(raw, this.#maxSize);
    if (req.uid === this.uid) return; // our own request, echoed by Redis: applied locally already
    if (typeof req.uid === "string" && req.uid !== EMITTER) {
      if (req.type === SB_CLOSE) {
        this.#seen.delete(req.uid);
        this.#liveness.left(req.uid);
        return;
      }
      this.#seen.add(req.uid);
      this.#liveness.heard(req.uid, req.type === SB_HEARTBEAT);
    }
    if (req.type === SB_HEARTBEAT) return;
    if (!answerRequest(this.#host, req)) this.dropped.unknownType++;
  }

  /** Answer a request; our `uid` rides along (official nodes ignore it) so requesters can tell who answered. */
  #respond(req: WireRequest, body: Omit<WireResponse, "requestId" | "uid">, msgpack = false): void {
    const channel =
      this.#specific && typeof req.uid === "string"
        ? `${this.#channels.response}${req.uid}#`
        : this.#channels.response;
    const response = { ...body, requestId: req.requestId, uid: this.uid };
    this.#publish(channel, () => (msgpack ? msgpackEncode(response) : JSON.stringify(response)));
  }

  #handleResponse(raw: Buffer): void {
    if (this.#closed || this.#tooLarge(raw)) return;
    const res = decodeResponse(raw, this.#maxSize);
    const ackRequest = this.#acks.get(res.requestId);
    if (ackRequest !== undefined) {
      if (res.type === RequestType.BROADCAST_CLIENT_COUNT)
        ackRequest.clientCountCallback(Number(res.clientCount) || 0);
      else if (res.type === RequestType.BROADCAST_ACK) ackRequest.ack(res.packet);
      return;
    }
    const kind = this.#kinds.get(res.requestId);
    if (kind === undefined) return; // someone else's request, or one already finished
    const from = typeof res.uid === "string" ? res.uid : undefined;
    if (from !== undefined) this.#liveness.heard(from, false);
    if (kind === RequestType.REMOTE_FETCH) {
      if (!Array.isArray(res.sockets))
        throw new MalformedMessage("REMOTE_FETCH response without sockets");
      this.#requests.answer(res.requestId, from, res.sockets);
    } else if (kind === RequestType.SERVER_SIDE_EMIT) {
      this.#requests.answer(res.requestId, from, [res.data]);
    } else if (kind === RequestType.ALL_ROOMS) {
      if (!Array.isArray(res.rooms)) throw new MalformedMessage("ALL_ROOMS response without rooms");
      this.#requests.answer(res.requestId, from, res.rooms);
    }
  }
}
