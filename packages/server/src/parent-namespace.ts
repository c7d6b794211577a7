/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import {
  Adapter,
  type AdapterSocket,
  type BroadcastOptions,
  type RemoteSocketDetails,
  type Room,
  type SocketId,
} from "@switchboard/adapter";
import type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
import type { Packet } from "@switchboard/parser";
import { Namespace } from "./namespace.js";
import type { Server } from "./server.js";

/**
 * The namespace returned by `io.of(/regex/)` or `io.of(fn)`: matching names become child
 * namespaces on their first CONNECT; they inherit the parent's middlewares and `connect` /
 * `connection` listeners, and a broadcast on the parent reaches every child.
 *
 * @example
 * ```ts
 * io.of(/^\/room-\d+$/).on("connection", (socket) => socket.emit("in", socket.nsp.name));
 * ```
 */
export class ParentNamespace<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  static #count = 0;
  /** The child namespaces created so far. */
  readonly children: Set<Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>> =
    new Set();

  /** @internal */
  constructor(server: Server<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) {
    super(server, "/_" + ParentNamespace.#count++);
  }

  /** @internal The parent's adapter fans out to the children. */
  override _initAdapter(): void {
    this.adapter = new ParentBroadcastAdapter(this);
  }

  /**
   * @internal Create the child namespace `name`. With `cleanupEmptyChildNamespaces` a child goes when its last
   * socket leaves or its CONNECT is refused; without it every child stays, as in socket.io (see the README's
   * "Dynamic namespaces and memory").
   */
  _createChild(name: string): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    const child = new Namespace(this.server, name);
    child._fns = this._fns.slice();
    // Its contract too (issue #17): `io.of(/regex/).contract(c)` validates every child.
    child._contract = this._contract;
    child._emitContract = this._emitContract;
    for (const listener of this.listeners("connect")) child.on("connect", listener);
    for (const listener of this.listeners("connection")) child.on("connection", listener);
    this.children.add(child);
    if (this.server._cleanupEmptyChildNamespaces) {
      child._onEmpty = () => {
        if (this.server._nsps.get(name) !== child) return;
        this.children.delete(child);
        this.server._nsps.delete(name);
        void Promise.resolve(child.adapter.close()).catch(() => {});
      };
    }
    this.server._nsps.set(name, child);
    return child;
  }
}

/** Broadcasts and bulk operations of a parent namespace, applied to each child's adapter. */
class ParentBroadcastAdapter extends Adapter {
  readonly #parent: ParentNamespace<any, any, any, any>;

  constructor(parent: ParentNamespace<any, any, any, any>) {
    super(parent);
    this.#parent = parent;
  }

  override broadcast(packet: Packet, opts: BroadcastOptions): void {
    for (const child of this.#parent.children) {
      // Each child stamps its own namespace (and maybe an offset): give each its own copy.
      child.adapter.broadcast({ ...packet, data: copyData(packet.data) }, opts);
    }
  }

  override broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    let total = 0;
    for (const child of this.#parent.children) {
      child.adapter.broadcastWithAck(
        { ...packet, data: copyData(packet.data) },
        opts,
        (n) => (total += n),
        ack,
      );
    }
    clientCountCallback(total);
  }

  override async sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const all = new Set<SocketId>();
    for (const child of this.#parent.children)
      for (const id of await child.adapter.sockets(rooms)) all.add(id);
    return all;
  }

  override async fetchSockets(
    opts: BroadcastOptions,
  ): Promise<(AdapterSocket | RemoteSocketDetails)[]> {
    const all: (AdapterSocket | RemoteSocketDetails)[] = [];
    for (const child of this.#parent.children)
      all.push(...(await child.adapter.fetchSockets(opts)));
    return all;
  }

  override addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const child of this.#parent.children) child.adapter.addSockets(opts, rooms);
  }

  override delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const child of this.#parent.children) child.adapter.delSockets(opts, rooms);
  }

  override disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const child of this.#parent.children) child.adapter.disconnectSockets(opts, close);
  }
}

function copyData(data: unknown): unknown {
  return Array.isArray(data) ? data.slice() : data;
}
