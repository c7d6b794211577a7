import type { Packet } from "@switchboard/parser";
import debugModule from "debug";
import { randomBytes } from "node:crypto";
import { Adapter } from "./in-memory-adapter.js";
import {
  MessageType,
  type ClusterAdapterOptions,
  type ClusterMessage,
  type ClusterResponse,
  type SerializedOptions,
  type SerializedSocket,
  type ServerId,
} from "./cluster-messages.js";
import type { AdapterNamespace, AdapterSocket, BroadcastOptions, RemoteSocketDetails, Room } from "./types.js";

const debug = debugModule("socket.io-adapter:cluster");

interface PendingRequest {
  expected: number;
  responses: unknown[];
  timer: ReturnType<typeof setTimeout>;
  done: (err: Error | null, responses: unknown[]) => void;
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
  readonly #requests = new Map<string, PendingRequest>();
  readonly #acks = new Map<string, PendingAck>();

  constructor(nsp: AdapterNamespace, opts: ClusterAdapterOptions = {}) {
    super(nsp);
    this.requestsTimeout = opts.requestsTimeout ?? 5000;
  }

  /** Send a message to every other node; resolves with an offset when the transport has one. */
  protected abstract doPublish(message: ClusterMessage): Promise<string>;
  /** Send a response to one node. */
  protected abstract doPublishResponse(requesterUid: ServerId, response: ClusterResponse): Promise<void>;

  protected publish(type: MessageType, data?: ClusterMessage["data"]): void {
    const message: ClusterMessage = { uid: this.uid, nsp: this.nsp.name, type, ...(data === undefined ? {} : { data }) };
    this.doPublish(message).catch((err: unknown) => debug("publish failed: %o", err));
  }

  protected publishResponse(to: ServerId, type: MessageType, data: ClusterResponse["data"]): void {
    this.doPublishResponse(to, { uid: this.uid, nsp: this.nsp.name, type, data }).catch((err: unknown) =>
      debug("publish response failed: %o", err),
    );
  }

  // ---- outgoing ----

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    if (opts.flags?.local !== true) this.publish(MessageType.BROADCAST, { packet, opts: encodeOptions(opts) });
    super.broadcast(packet, opts);
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
      setTimeout(() => this.#acks.delete(requestId), opts.flags?.timeout ?? this.requestsTimeout).unref?.();
      this.publish(MessageType.BROADCAST, { packet, opts: encodeOptions(opts), requestId });
    }
    super.broadcastWithAck(packet, opts, clientCountCallback, ack);
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true) this.publish(MessageType.SOCKETS_JOIN, { opts: encodeOptions(opts), rooms });
    super.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    if (opts.flags?.local !== true) this.publish(MessageType.SOCKETS_LEAVE, { opts: encodeOptions(opts), rooms });
    super.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    if (opts.flags?.local !== true) this.publish(MessageType.DISCONNECT_SOCKETS, { opts: encodeOptions(opts), close });
    super.disconnectSockets(opts, close);
  }

  override async fetchSockets(opts: BroadcastOptions): Promise<(AdapterSocket | RemoteSocketDetails)[]> {
    const local = await super.fetchSockets(opts);
    if (opts.flags?.local === true) return local;
    const expected = (await this.serverCount()) - 1;
    if (expected <= 0) return local;
    const responses = await new Promise<unknown[]>((resolve, reject) => {
      this.#request(MessageType.FETCH_SOCKETS, { opts: encodeOptions(opts) }, expected, (err, all) =>
        err ? reject(err) : resolve(all),
      );
    });
    return [...local, ...(responses as SerializedSocket[][]).flat()];
  }

  override serverSideEmit(packet: unknown[]): void {
    const last = packet[packet.length - 1];
    if (typeof last !== "function") {
      this.publish(MessageType.SERVER_SIDE_EMIT, { packet });
      return;
    }
    const ack = last as (err: Error | null, responses: unknown[]) => void;
    const args = packet.slice(0, -1);
    this.serverCount().then(
      (count) => {
        if (count <= 1) return ack(null, []);
        this.#request(MessageType.SERVER_SIDE_EMIT, { packet: args }, count - 1, ack);
      },
      (err: unknown) => ack(err instanceof Error ? err : new Error(String(err)), []),
    );
  }

  #request(type: MessageType, data: ClusterMessage["data"], expected: number, done: PendingRequest["done"]): void {
    const requestId = randomId();
    const timer = setTimeout(() => {
      const pending = this.#requests.get(requestId);
      if (pending === undefined) return;
      this.#requests.delete(requestId);
      pending.done(new Error(`timeout reached: missing ${pending.expected - pending.responses.length} responses`), pending.responses);
    }, this.requestsTimeout);
    timer.unref?.();
    this.#requests.set(requestId, { expected, responses: [], timer, done });
    this.publish(type, { ...data, requestId });
  }

  // ---- incoming ----

  /** Handle a message published by another node (the subclass calls it). */
  onMessage(message: ClusterMessage): void {
    if (message.uid === this.uid || message.nsp !== this.nsp.name) return;
    const data = message.data ?? {};
    const opts = data.opts === undefined ? undefined : decodeOptions(data.opts);
    switch (message.type) {
      case MessageType.BROADCAST: {
        if (opts === undefined) return;
        const requestId = data.requestId;
        if (requestId === undefined) {
          super.broadcast(data.packet as Packet, opts);
          return;
        }
        super.broadcastWithAck(
          data.packet as Packet,
          opts,
          (clientCount) => this.publishResponse(message.uid, MessageType.BROADCAST_CLIENT_COUNT, { requestId, clientCount }),
          (arg) => this.publishResponse(message.uid, MessageType.BROADCAST_ACK, { requestId, packet: arg }),
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
        void super.fetchSockets(opts).then((sockets) =>
          this.publishResponse(message.uid, MessageType.FETCH_SOCKETS_RESPONSE, {
            requestId,
            sockets: sockets.map((s) => ({
              id: s.id,
              handshake: s.handshake,
              rooms: [...(this.socketRooms(s.id) ?? [])],
              data: s.data,
            })),
          }),
        );
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
            this.publishResponse(message.uid, MessageType.SERVER_SIDE_EMIT_RESPONSE, { requestId, packet: arg });
          });
        }
        this.nsp.onServerSideEmit?.(packet);
        return;
      }
      default:
        this.onOtherMessage(message);
    }
  }

  /** Messages the base does not handle (heartbeats); subclasses override. */
  protected onOtherMessage(message: ClusterMessage): void {
    void message;
  }

  /** Handle a response sent to this node (the subclass calls it). */
  onResponse(response: ClusterResponse): void {
    if (response.nsp !== this.nsp.name) return;
    const requestId = response.data.requestId;
    switch (response.type) {
      case MessageType.BROADCAST_CLIENT_COUNT:
        this.#acks.get(requestId)?.clientCountCallback(response.data.clientCount ?? 0);
        return;
      case MessageType.BROADCAST_ACK:
        this.#acks.get(requestId)?.ack(response.data.packet);
        return;
      case MessageType.FETCH_SOCKETS_RESPONSE:
        this.#collect(requestId, response.data.sockets ?? []);
        return;
      case MessageType.SERVER_SIDE_EMIT_RESPONSE:
        this.#collect(requestId, response.data.packet);
        return;
      default:
        return;
    }
  }

  #collect(requestId: string, value: unknown): void {
    const pending = this.#requests.get(requestId);
    if (pending === undefined) return;
    pending.responses.push(value);
    if (pending.responses.length < pending.expected) return;
    clearTimeout(pending.timer);
    this.#requests.delete(requestId);
    pending.done(null, pending.responses);
  }

  override close(): Promise<void> | void {
    for (const pending of this.#requests.values()) clearTimeout(pending.timer);
    this.#requests.clear();
    this.#acks.clear();
  }
}

function randomId(): string {
  return randomBytes(8).toString("hex");
}

function encodeOptions(opts: BroadcastOptions): SerializedOptions {
  return { rooms: [...opts.rooms], except: [...(opts.except ?? [])], flags: opts.flags ?? {} };
}

function decodeOptions(opts: SerializedOptions): BroadcastOptions {
  return { rooms: new Set(opts.rooms), except: new Set(opts.except), flags: opts.flags };
}
