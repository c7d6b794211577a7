import type { Packet } from "@switchboard/parser";
import createDebug from "debug";
import { randomBytes } from "node:crypto";
import { RequestTracker, type RequestDone } from "./cluster-requests.js";
import { Adapter } from "./in-memory-adapter.js";
import {
  recoveryFor,
  stamp,
  toLocalSocketOnly,
  type RecoveryLog,
  type RecoveryStats,
} from "./recovery-log.js";
import {
  MessageType,
  type ClusterAdapterOptions,
  type ClusterMessage,
  type ClusterResponse,
  type SerializedOptions,
  type SerializedSocket,
  type ServerId,
} from "./cluster-messages.js";
import type {
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  PrivateSessionId,
  RemoteSocketDetails,
  Room,
  Session,
  SessionToPersist,
} from "./types.js";

const debug = createDebug("socket.io-adapter:cluster");

/** Messages a node received and dropped, by reason (never thrown: a bad message must not crash a node). */
export interface DroppedMessages {
  /** Bytes that did not decode. */
  undecodable: number;
  /** Larger than the transport's size limit. */
  oversized: number;
  /** A message type (or protocol version) this node does not know. */
  unknownType: number;
  /** Decoded, but the fields are not what the type requires. */
  malformed: number;
}

/** A fresh set of {@link DroppedMessages} counters. */
export function droppedMessages(): DroppedMessages {
  return { undecodable: 0, oversized: 0, unknownType: 0, malformed: 0 };
}

interface PendingAck {
  clientCountCallback: (clientCount: number) => void;
  ack: (...args: unknown[]) => void;
}

/**
 * The base of every multi-node adapter: everything is implemented on top of two transport
 * methods a subclass provides (`doPublish` to every node, `doPublishResponse` to one node) and
 * the two entry points it calls on receipt (`onMessage`, `onResponse`). `serverCount()` must be
 * provided too (see {@link ClusterAdapterWithHeartbeat}).
 *
 * @example
 * ```ts
 * class MyAdapter extends ClusterAdapterWithHeartbeat {
 *   protected doPublish(message) { bus.publish(message); return Promise.resolve(""); }
 *   protected doPublishResponse(uid, response) { bus.send(uid, response); return Promise.resolve(); }
 * }
 * ```
 */
export abstract class ClusterAdapter extends Adapter {
  readonly uid: ServerId = randomBytes(8).toString("hex");
  protected readonly requestsTimeout: number;
  /** Pending cross-node requests (shared bookkeeping, see {@link RequestTracker}). */
  protected readonly requests = new RequestTracker();
  /** Messages dropped on receipt, by reason; transports add their own (undecodable, oversized). */
  readonly dropped: DroppedMessages = droppedMessages();
  readonly #acks = new Map<string, PendingAck>();
  readonly #seen = new Set<ServerId>();
  /** Connection state recovery on this node, when the server enables it (docs/protocol.md §2.9). */
  readonly #recovery: RecoveryLog | undefined;
  #closed = false;

  constructor(nsp: AdapterNamespace, opts: ClusterAdapterOptions = {}) {
    super(nsp);
    this.requestsTimeout = opts.requestsTimeout ?? 5000;
    const log = recoveryFor(nsp, opts.recoveryLimits);
    // Deferred: a restored socket re-joins its rooms in the same tick, and must not lose them meanwhile.
    if (log !== undefined)
      log.onRoomReleased = (room) =>
        setImmediate(() => {
          if (!this.#closed) this.onRecoveryRoomReleased(room);
        });
    this.#recovery = log;
  }

  /** Send a message to every other node; resolves with an offset when the transport has one. */
  protected abstract doPublish(message: ClusterMessage): Promise<string>;
  /** Send a response to one node. */
  protected abstract doPublishResponse(
    requesterUid: ServerId,
    response: ClusterResponse,
  ): Promise<void>;

  /**
   * Why cross-node calls cannot be made right now (e.g. the broker is disconnected), or undefined when they can.
   * Requests then fail at once with this error instead of waiting for `requestsTimeout`; local delivery goes on.
   */
  protected unavailable(): Error | undefined {
    return undefined;
  }

  /**
   * The other nodes expected to answer a request, used to name the silent ones at a timeout. By default the nodes this
   * one has heard from (a best effort); {@link ClusterAdapterWithHeartbeat} knows them exactly.
   */
  protected knownNodes(): Iterable<string> | undefined {
    return this.#seen;
  }

  protected publish(type: MessageType, data?: ClusterMessage["data"]): void {
    const message: ClusterMessage = {
      uid: this.uid,
      nsp: this.nsp.name,
      type,
      ...(data === undefined ? {} : { data }),
    };
    this.doPublish(message).catch((err: unknown) => debug("publish failed: %o", err));
  }

  protected publishResponse(to: ServerId, type: MessageType, data: ClusterResponse["data"]): void {
    this.doPublishResponse(to, { uid: this.uid, nsp: this.nsp.name, type, data }).catch(
      (err: unknown) => debug("publish response failed: %o", err),
    );
  }

  // ---- outgoing ----

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (
      opts.flags?.local !== true &&
      !(this.#recovery !== undefined && toLocalSocketOnly(opts, this.nsp.sockets))
    )
      this.publish(MessageType.BROADCAST, { packet, opts: encodeOptions(opts) });
    this.#deliver(packet, opts);
  }

  /**
   * Local delivery of a broadcast, from this node or another: with recovery on, the EVENT gets this node's offset
   * (other nodes stamp their own: the offset a client holds is always one of its node's log).
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

  /** Whether a stored session is in `room`, so broadcasts to it must keep reaching this node. */
  protected recoveryWants(room: Room): boolean {
    return this.#recovery?.wants(room) === true;
  }

  /** The rooms of the stored sessions (transports that listen per room keep listening to them). */
  protected recoveryRooms(): Iterable<Room> {
    return this.#recovery?.rooms() ?? [];
  }

  /** No stored session holds `room` any more (transports that listen per room may stop). */
  protected onRecoveryRoomReleased(room: Room): void {
    void room;
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    if (opts.flags?.local !== true) {
      const requestId = randomId();
      this.#acks.set(requestId, { clientCountCallback, ack });
      // Forget the pending ack once no answer can matter any more.
      setTimeout(
        () => this.#acks.delete(requestId),
        opts.flags?.timeout ?? this.requestsTimeout,
      ).unref?.();
      this.publish(MessageType.BROADCAST, { packet, opts: encodeOptions(opts), requestId });
    }
    super.broadcastWithAck(packet, opts, clientCountCallback, ack);
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true)
      this.publish(MessageType.SOCKETS_JOIN, { opts: encodeOptions(opts), rooms });
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true)
      this.publish(MessageType.SOCKETS_LEAVE, { opts: encodeOptions(opts), rooms });
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (opts.flags?.local !== true)
      this.publish(MessageType.DISCONNECT_SOCKETS, { opts: encodeOptions(opts), close });
    super.disconnectSockets(opts, close);
  }

  override async fetchSockets(
    opts: BroadcastOptions,
  ): Promise<(AdapterSocket | RemoteSocketDetails)[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags?.local === true) return local;
    const down = this.unavailable();
    if (down !== undefined) throw down;
    const expected = (await this.serverCount()) - 1;
    if (expected <= 0) return local;
    const responses = await new Promise<unknown[]>((resolve, reject) => {
      this.#request(
        MessageType.FETCH_SOCKETS,
        { opts: encodeOptions(opts) },
        expected,
        opts.flags?.timeout,
        (err, all) => (err ? reject(err) : resolve(all)),
      );
    });
    return [...local, ...(responses as SerializedSocket[])];
  }

  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== "function") {
      this.publish(MessageType.SERVER_SIDE_EMIT, { packet });
      return;
    }
    const ack = last as RequestDone;
    const args = packet.slice(0, -1);
    const down = this.unavailable();
    if (down !== undefined) {
      queueMicrotask(() => ack(down, []));
      return;
    }
    this.serverCount().then(
      (count) => {
        if (count <= 1) return ack(null, []);
        this.#request(MessageType.SERVER_SIDE_EMIT, { packet: args }, count - 1, undefined, ack);
      },
      (err: unknown) => ack(err instanceof Error ? err : new Error(String(err)), []),
    );
  }

  #request(
    type: MessageType,
    data: ClusterMessage["data"],
    expected: number,
    timeout: number | undefined,
    done: RequestDone,
  ): void {
    const nodes = this.knownNodes();
    const requestId = this.requests.start({
      expected,
      ...(nodes === undefined ? {} : { nodes }),
      timeout: timeout ?? this.requestsTimeout,
      done,
    });
    const message: ClusterMessage = {
      uid: this.uid,
      nsp: this.nsp.name,
      type,
      data: { ...data, requestId },
    };
    this.doPublish(message).catch((err: unknown) => {
      debug("request publish failed: %o", err);
      this.requests.fail(requestId, err instanceof Error ? err : new Error(String(err)));
    });
  }

  // ---- incoming ----

  /** Handle a message published by another node (the subclass calls it). */
  onMessage(message: ClusterMessage): void {
    if (!isMessage(message)) {
      this.dropped.malformed++;
      return;
    }
    if (message.uid === this.uid || message.nsp !== this.nsp.name) return;
    if (message.type === MessageType.ADAPTER_CLOSE) this.#seen.delete(message.uid);
    else if (message.uid !== "emitter") this.#seen.add(message.uid);
    const data = message.data ?? {};
    if (typeof data !== "object" || (data.opts !== undefined && !isOptions(data.opts))) {
      this.dropped.malformed++;
      return;
    }
    const opts = data.opts === undefined ? undefined : decodeOptions(data.opts);
    switch (message.type) {
      case MessageType.BROADCAST: {
        if (opts === undefined) return;
        const requestId = data.requestId;
        if (requestId === undefined) {
          this.#deliver(data.packet as Packet, opts);
          return;
        }
        super.broadcastWithAck(
          data.packet as Packet,
          opts,
          (clientCount) =>
            this.publishResponse(message.uid, MessageType.BROADCAST_CLIENT_COUNT, {
              requestId,
              clientCount,
            }),
          (arg) =>
            this.publishResponse(message.uid, MessageType.BROADCAST_ACK, {
              requestId,
              packet: arg,
            }),
        );
        return;
      }
      case MessageType.SOCKETS_JOIN:
        if (opts !== undefined) super.addSockets(opts, data.rooms ?? []);
        return;
      case MessageType.SOCKETS_LEAVE:
        if (opts !== undefined) super.delSockets(opts, data.rooms ?? []);
        return;
      case MessageType.DISCONNECT_SOCKETS:
        if (opts !== undefined) super.disconnectSockets(opts, data.close === true);
        return;
      case MessageType.FETCH_SOCKETS: {
        const requestId = data.requestId;
        if (opts === undefined || requestId === undefined) return;
        // Nobody awaits an answer to another node: a failure (data that cannot be sent) is logged, never an
        // unhandled rejection; the requester's timeout reports the missing answer.
        super
          .fetchSockets(opts)
          .then((sockets) =>
            this.publishResponse(message.uid, MessageType.FETCH_SOCKETS_RESPONSE, {
              requestId,
              sockets: sockets.map((s) => ({
                id: s.id,
                handshake: s.handshake,
                rooms: [...(this.socketRooms(s.id) ?? [])],
                data: s.data,
              })),
            }),
          )
          .catch((err: unknown) => debug("fetchSockets answer failed: %o", err));
        return;
      }
      case MessageType.SERVER_SIDE_EMIT: {
        const packet = Array.isArray(data.packet) ? [...(data.packet as unknown[])] : [];
        const requestId = data.requestId;
        if (requestId !== undefined) {
          let called = false;
          packet.push((arg: unknown) => {
            if (called) return;
            called = true;
            this.publishResponse(message.uid, MessageType.SERVER_SIDE_EMIT_RESPONSE, {
              requestId,
              packet: arg,
            });
          });
        }
        this.nsp.onServerSideEmit?.(packet);
        return;
      }
      default:
        this.onOtherMessage(message);
    }
  }

  /** Messages the base does not handle (heartbeats); subclasses override and call super for the rest. */
  protected onOtherMessage(message: ClusterMessage): void {
    debug("dropping a message of unknown type %s", message.type);
    this.dropped.unknownType++;
  }

  /** Handle a response sent to this node (the subclass calls it). */
  onResponse(response: ClusterResponse): void {
    if (!isMessage(response) || typeof response.data?.requestId !== "string") {
      this.dropped.malformed++;
      return;
    }
    if (response.nsp !== this.nsp.name) return;
    const requestId = response.data.requestId;
    switch (response.type) {
      case MessageType.BROADCAST_CLIENT_COUNT:
        this.#acks.get(requestId)?.clientCountCallback(response.data.clientCount ?? 0);
        return;
      case MessageType.BROADCAST_ACK:
        this.#acks.get(requestId)?.ack(response.data.packet);
        return;
      case MessageType.FETCH_SOCKETS_RESPONSE: {
        const sockets = response.data.sockets;
        if (!Array.isArray(sockets)) {
          this.dropped.malformed++;
          return;
        }
        this.requests.answer(requestId, response.uid, sockets);
        return;
      }
      case MessageType.SERVER_SIDE_EMIT_RESPONSE:
        this.requests.answer(requestId, response.uid, [response.data.packet]);
        return;
      default:
        this.dropped.unknownType++;
        return;
    }
  }

  override close(): Promise<void> | void {
    this.#closed = true;
    this.#recovery?.close();
    this.requests.failAll(new Error("adapter closed"));
    this.#acks.clear();
  }
}

function randomId(): string {
  return randomBytes(8).toString("hex");
}

function encodeOptions(opts: BroadcastOptions): SerializedOptions {
  return { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} };
}

function isMessage(m: unknown): m is ClusterMessage {
  if (typeof m !== "object" || m === null) return false;
  const { uid, nsp, type } = m as Partial<ClusterMessage>;
  return typeof uid === "string" && typeof nsp === "string" && typeof type === "number";
}

function isOptions(o: unknown): o is SerializedOptions {
  if (typeof o !== "object" || o === null) return false;
  const { rooms, except } = o as Partial<SerializedOptions>;
  return Array.isArray(rooms) && (except === undefined || except === null || Array.isArray(except));
}

function decodeOptions(opts: SerializedOptions): BroadcastOptions {
  return {
    rooms: new Set(opts.rooms),
    except: new Set(opts.except ?? []),
    flags: opts.flags ?? {},
  };
}
