import { Emitter } from "@switchboard/emitter";
import type { Packet } from "@switchboard/parser";
import createDebug from "debug";
import { OwnRoomIndex } from "./own-room-index.js";
import { reportError, reportWarning } from "./report.js";
import type {
  AdapterEvents,
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  PrivateSessionId,
  RemoteSocketDetails,
  Room,
  Session,
  SessionToPersist,
  SocketId,
  WriteFlags,
} from "./types.js";

const debug = createDebug("socket.io-adapter");

/**
 * The adapter of one namespace: room membership of its local sockets and delivery of broadcasts
 * (docs/protocol.md §5.1). This base class is the in-memory (single node) adapter; cluster adapters
 * extend it and forward what is not `local` to the other nodes.
 *
 * @example
 * ```ts
 * io.of("/").adapter.on("join-room", (room, id) => console.log(`${id} joined ${room}`));
 * ```
 */
export class Adapter extends Emitter<AdapterEvents, AdapterEvents> {
  /** Ids of the sockets in their own room and no other: they have no stored entry in either map. */
  readonly #solo = new Set<SocketId>();
  readonly #rooms = new OwnRoomIndex(this.#solo, (id) => this.#materialise(id));
  readonly #sids = new OwnRoomIndex(this.#solo, (id) => this.#materialise(id));
  /** room → ids of the local sockets in it */
  readonly rooms: Map<Room, Set<SocketId>> = this.#rooms;
  /** socket id → its rooms (this Set is the server socket's `rooms`) */
  readonly sids: Map<SocketId, Set<Room>> = this.#sids;
  readonly nsp: AdapterNamespace;

  constructor(nsp: AdapterNamespace) {
    super();
    this.nsp = nsp;
  }

  /** Called once by the namespace after construction. */
  init(): Promise<void> | void {}

  /** Called when the namespace or the server closes. */
  close(): Promise<void> | void {}

  /** Number of nodes in the cluster: always 1 in memory. */
  serverCount(): Promise<number> {
    return Promise.resolve(1);
  }

  // Memory: a socket that is only in its own room (most sockets) is "solo": just its id in `#solo`, no
  // Set and no map entries (OwnRoomIndex answers for it). Reading its Set, or any change to its rooms,
  // materialises it: then `sids.get(id)` and `rooms.get(id)` are one shared Set holding its id, split
  // (copied) before either side changes. "Shared" is exactly `sids.get(id) === rooms.get(id)`.

  /** Stores solo socket `id`'s own room in both maps (one shared Set). */
  #materialise(id: SocketId): Set<Room> {
    this.#solo.delete(id);
    const own = new Set([id]);
    this.#sids.set(id, own);
    this.#rooms.set(id, own);
    return own;
  }

  /** Add a local socket to rooms. */
  addAll(id: SocketId, rooms: Set<Room>): Promise<void> | void {
    let own = this.#sids.peek(id);
    if (own === undefined && rooms.size === 1 && rooms.has(id)) {
      // The usual first join, the socket's own room: no storage at all.
      if (this.#solo.has(id)) return;
      if (!this.#rooms.has(id)) {
        this.#solo.add(id);
        this.emit("create-room", id);
        this.emit("join-room", id, id);
        return;
      }
    }
    if (own === undefined && this.#solo.has(id)) own = this.#materialise(id);
    for (const room of rooms) {
      if (own === undefined) {
        if (room === id && !this.#rooms.has(id)) {
          // The usual first join, the socket's own room: one Set for both maps.
          own = new Set([id]);
          this.sids.set(id, own);
          this.rooms.set(id, own);
          this.emit("create-room", room);
          this.emit("join-room", room, id);
          continue;
        }
        own = new Set();
        this.sids.set(id, own);
      } else if (own.has(room)) {
        continue;
      } else if (this.#rooms.peek(id) === own) {
        own = this.#unshare(id);
      }
      own.add(room);
      let members = this.rooms.get(room);
      if (members === undefined) {
        members = new Set();
        this.rooms.set(room, members);
        this.emit("create-room", room);
      } else if (room !== id && this.sids.get(room) === members) {
        // `room` is another socket's own room, shared with that socket's room list.
        members = new Set(members);
        this.rooms.set(room, members);
      }
      if (!members.has(id)) {
        members.add(id);
        this.emit("join-room", room, id);
      }
    }
  }

  /** Gives socket `id` a room list of its own (it was shared with its own room's members). */
  #unshare(id: SocketId): Set<Room> {
    const own = new Set(this.#sids.peek(id));
    this.#sids.set(id, own);
    return own;
  }

  /** Remove a local socket from one room. */
  del(id: SocketId, room: Room): Promise<void> | void {
    if (this.#solo.has(id)) {
      if (room !== id) return;
      this.#materialise(id);
    }
    const own = this.#sids.peek(id);
    if (own !== undefined && own.has(room)) {
      if (this.#rooms.peek(id) === own) this.#unshare(id).delete(room);
      else own.delete(room);
    }
    this.#leave(room, id);
  }

  /** Remove a local socket from every room (on disconnect). */
  delAll(id: SocketId): void {
    if (this.#solo.delete(id)) {
      this.emit("leave-room", id, id);
      this.emit("delete-room", id);
      return;
    }
    const own = this.#sids.peek(id);
    if (own === undefined) return;
    // A copy when shared: leaving the own room empties that Set while it is iterated.
    for (const room of this.#rooms.peek(id) === own ? [...own] : own) this.#leave(room, id);
    this.#sids.delete(id);
  }

  /** Socket `id` leaves `room`; `id` is not solo (callers materialise it first). */
  #leave(room: Room, id: SocketId): void {
    const members = this.#rooms.peek(room);
    if (members === undefined) return;
    if (members.delete(id)) this.emit("leave-room", room, id);
    if (members.size === 0 && this.rooms.delete(room)) this.emit("delete-room", room);
  }

  /**
   * Send a packet to every matching local socket. The packet is encoded once, lazily on the first
   * recipient, and the same prepared bytes are written to each of them.
   */
  broadcast(packet: Packet, opts: BroadcastOptions): void {
    packet.nsp = this.nsp.name;
    const write = writeFlags(opts, this.nsp.name, true);
    let prepared: unknown;
    let encoded = false;
    this.apply(opts, (socket) => {
      if (!encoded) {
        prepared = this.nsp.prepare(packet);
        encoded = true;
      }
      socket.deliver(packet, prepared, write);
    });
  }

  /**
   * Like {@link broadcast}, with an ack id: `clientCountCallback` receives how many sockets were
   * targeted on this node, then `ack` is called once per response with the response's arguments.
   */
  broadcastWithAck(
    packet: Packet,
    opts: BroadcastOptions,
    clientCountCallback: (clientCount: number) => void,
    ack: (...args: unknown[]) => void,
  ): void {
    packet.nsp = this.nsp.name;
    packet.id = this.nsp.nextAckId();
    const write = writeFlags(opts, this.nsp.name, false);
    let prepared: unknown;
    let count = 0;
    this.apply(opts, (socket) => {
      if (count === 0) prepared = this.nsp.prepare(packet);
      count++;
      socket.registerAck(packet.id as number, ack);
      socket.deliver(packet, prepared, write);
    });
    clientCountCallback(count);
  }

  /** Ids of the local sockets in any of `rooms` (all sockets when empty). */
  sockets(rooms: Set<Room>): Promise<Set<SocketId>> {
    const ids = new Set<SocketId>();
    this.apply({ rooms }, (socket) => ids.add(socket.id));
    return Promise.resolve(ids);
  }

  /** The rooms of a local socket, or undefined if it is unknown here. */
  socketRooms(id: SocketId): Set<Room> | undefined {
    return this.sids.get(id);
  }

  /** The matching sockets (cluster adapters add the other nodes' sockets, serialised). */
  fetchSockets(opts: BroadcastOptions): Promise<(AdapterSocket | RemoteSocketDetails)[]> {
    const found: AdapterSocket[] = [];
    this.apply(opts, (socket) => found.push(socket));
    return Promise.resolve(found);
  }

  /** Make the matching sockets join `rooms`. */
  addSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const socket of this.#snapshot(opts)) settle(socket.join(rooms));
  }

  /** Make the matching sockets leave `rooms`. */
  delSockets(opts: BroadcastOptions, rooms: Room[]): void {
    for (const socket of this.#snapshot(opts)) {
      for (const room of rooms) settle(socket.leave(room));
    }
  }

  /** Disconnect the matching sockets (`close` also closes their underlying connections). */
  disconnectSockets(opts: BroadcastOptions, close: boolean): void {
    for (const socket of this.#snapshot(opts)) socket.disconnect(close);
  }

  /** Send an event to the other nodes. A single node has none: this only warns. */
  serverSideEmit(packet: unknown[]): void {
    void packet;
    reportWarning("this adapter does not support the serverSideEmit() functionality");
  }

  /** Save a session for connection state recovery. The base adapter does not support it. */
  persistSession(session: SessionToPersist): Promise<void> | void {
    void session;
  }

  /** Restore a session for connection state recovery. The base adapter does not support it. */
  restoreSession(pid: PrivateSessionId, offset: string): Promise<Session | null> {
    void pid;
    void offset;
    return Promise.resolve(null);
  }

  /**
   * Call `callback` once for each local socket matched by `opts`: members of any room in
   * `opts.rooms` (every socket when empty), de-duplicated, minus members of `opts.except`.
   */
  apply(opts: BroadcastOptions, callback: (socket: AdapterSocket) => void): void {
    const rooms = opts.rooms;
    const except = this.#exceptIds(opts.except);
    const sockets = this.nsp.sockets;
    if (rooms.size === 0) {
      for (const id of this.#solo) {
        if (except !== undefined && except.has(id)) continue;
        const socket = sockets.get(id);
        if (socket !== undefined) callback(socket);
      }
      for (const id of this.#sids.storedKeys()) {
        if (except !== undefined && except.has(id)) continue;
        const socket = sockets.get(id);
        if (socket !== undefined) callback(socket);
      }
      return;
    }
    // One room needs no de-duplication: a Set holds each id once.
    const seen = rooms.size > 1 ? new Set<SocketId>() : undefined;
    for (const room of rooms) {
      const members = this.#members(room);
      if (members === undefined) continue;
      for (const id of members) {
        if (except !== undefined && except.has(id)) continue;
        if (seen !== undefined) {
          if (seen.has(id)) continue;
          seen.add(id);
        }
        const socket = sockets.get(id);
        if (socket !== undefined) callback(socket);
      }
    }
  }

  /** Ids of sockets in any of the `except` rooms, or undefined when nothing is excluded. */
  #exceptIds(except: Set<Room> | undefined): Set<SocketId> | undefined {
    if (except === undefined || except.size === 0) return undefined;
    const ids = new Set<SocketId>();
    for (const room of except) {
      const members = this.#members(room);
      if (members !== undefined) for (const id of members) ids.add(id);
    }
    return ids;
  }

  /** The ids in `room`, without materialising a solo socket's own room. */
  #members(room: Room): Iterable<SocketId> | undefined {
    return this.#rooms.peek(room) ?? (this.#solo.has(room) ? [room] : undefined);
  }

  /** Matching sockets collected first, for operations that change room membership while iterating. */
  #snapshot(opts: BroadcastOptions): AdapterSocket[] {
    const found: AdapterSocket[] = [];
    this.apply(opts, (socket) => found.push(socket));
    debug("%d socket(s) matched in %s", found.length, this.nsp.name);
    return found;
  }
}

/**
 * Adapter calls may return promises (a cluster adapter's membership calls, `join`/`leave` of its sockets): their
 * failures are logged, never unhandled rejections that would crash the process. Shared with the server.
 *
 * @example
 * settle(socket.join(rooms));
 */
export function settle(result: Promise<void> | void): void {
  if (result !== undefined)
    result.catch((err: unknown) => reportError("an adapter call failed", err));
}

/** One write-flags object per broadcast, shared by its recipients; `droppable`: a packet without ack. */
function writeFlags(opts: BroadcastOptions, nsp: string, droppable: boolean): WriteFlags {
  const flags = opts.flags;
  if (flags === undefined) return droppable ? DROPPABLE_WRITE : DEFAULT_WRITE;
  const write: WriteFlags = {
    volatile: flags.volatile === true,
    compress: flags.compress !== false,
    droppable,
  };
  // Conflation (issue #18) is per namespace: the engine's tag carries the namespace name.
  if (flags.conflate !== undefined) write.conflate = nsp + "\u0000" + flags.conflate;
  return write;
}

const DEFAULT_WRITE: WriteFlags = Object.freeze({ volatile: false, compress: true });
const DROPPABLE_WRITE: WriteFlags = Object.freeze({
  volatile: false,
  compress: true,
  droppable: true,
});
