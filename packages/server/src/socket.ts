/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import { reportError, reportMissingErrorHandler } from "./report.js";
import { settle } from "@switchboard/adapter/internal";
import {
  type BroadcastFlags,
  type PrivateSessionId,
  type Room,
  type Session,
  type WriteFlags,
} from "@switchboard/adapter";
import type {
  AllButLast,
  DecorateAcknowledgements,
  DecorateAcknowledgementsWithMultipleResponses,
  DefaultEventsMap,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
} from "@switchboard/emitter";
import { generateId } from "@switchboard/engine/internal";
import { PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Client } from "./client.js";
import { deliveries, disconnectChannel, eventChannel, publishEvent } from "./diagnostics.js";
import { checkConflationKey, conflatedAckError, writeOptions } from "./conflation.js";
import { ReservedEventError } from "./errors.js";
import { admitEvent } from "./rate-limit.js";
import type { ChainFn } from "./middleware.js";
import type { Namespace } from "./namespace.js";
import {
  RECOVERABLE_DISCONNECT_REASONS,
  RESERVED_EVENTS,
  type DisconnectReason,
} from "./reasons.js";
import { joinRooms, leaveAllRooms, leaveRoom } from "./rooms.js";
import { ackCallback, addAck, addTimedAck, settleAck, toError, type Ack } from "./socket-acks.js";
import { answerOf, REFUSE } from "./contract-dispatch.js";
import { receiveEvent } from "./socket-dispatch.js";
import { NO_FLAGS, SocketState } from "./socket-state.js";
import type { Event } from "./typed-events.js";

const debug = createDebug("socket.io:socket");

/**
 * One client connected to one namespace. Its `id` is random and distinct from the Engine.IO id,
 * which stays private (docs/protocol.md §2.4). Its state and the API over it (handshake, flags,
 * catch-all listeners, `use`) live in socket-state.ts; this class is the protocol.
 *
 * @example
 * ```ts
 * io.on("connection", (socket) => {
 *   socket.emit("hello", "world");
 *   socket.on("ping", (cb) => cb("pong"));
 * });
 * ```
 */
export class Socket<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends SocketState<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** @internal */
  constructor(
    nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>,
    client: Client,
    auth: Record<string, unknown>,
    previous?: Session,
  ) {
    super(nsp, client, auth, previous !== undefined ? previous.sid : newSocketId(nsp.name, client));
    if (previous !== undefined) {
      this._extras().pid = previous.pid;
      settle(joinRooms(this, previous.rooms));
      this._extras().data = previous.data as SocketData;
      // Missed packets go out before the CONNECT reply (docs/protocol.md §2.9, point 4).
      for (const data of previous.missedPackets)
        this._writePacket({ type: PacketType.EVENT, nsp: nsp.name, data });
      this._markRecovered();
    } else if (nsp.server._recovery !== undefined) {
      this._extras().pid = generateId();
    }
  }

  /**
   * Emit an event to this client; a function as last argument receives the acknowledgement.
   *
   * @example
   * ```ts
   * socket.emit("hello", "world", (answer) => console.log(answer));
   * ```
   */
  override emit<Ev extends EventNames<EmitEvents>>(
    ev: Ev,
    ...args: EventParams<EmitEvents, Ev>
  ): boolean {
    if (RESERVED_EVENTS.has(ev as string)) throw new ReservedEventError(String(ev));
    const data: unknown[] = [ev, ...args];
    const packet: Packet = { type: PacketType.EVENT, nsp: this.nsp.name, data };
    const flags = this._takeFlags();
    // Contract (issue #17): a failing emit throws before anything is sent or registered.
    this.nsp._emitContract?.assertEmit("serverToClient", data);
    const last = data[data.length - 1];
    if (typeof last === "function") {
      if (flags.conflate !== undefined) throw conflatedAckError();
      data.pop();
      const id = this.nsp.nextAckId();
      packet.id = id;
      this._registerAck(
        id,
        answerOf(this, ev as string, last as Ack, flags.timeout),
        flags.timeout,
      );
    } else if (this.nsp.server._recovery !== undefined && flags.volatile !== true) {
      // With recovery on, plain emits go through the adapter so they get an offset (docs/protocol.md §2.9).
      this.adapter.broadcast(packet, { rooms: new Set([this.id]), except: new Set(), flags });
      return !this.conn.overHighWaterMark();
    }
    this._notifyOutgoing(data);
    if (eventChannel.hasSubscribers) publishEvent(this, "out");
    this._writePacket(packet, flags, packet.id === undefined);
    // Issue #18: false above the backpressure high-water mark; `drain` follows.
    return !this.conn.overHighWaterMark();
  }

  /**
   * Conflate the next emit (issue #18): a packet with the same `key` still queued for this client is replaced
   * by it, in place. Conflated emits carry no ack (`timeout()` and ack callbacks throw).
   *
   * @example
   * ```ts
   * socket.conflate(`cursor:${userId}`).emit("cursor", pos);
   * ```
   */
  conflate(key: string): Omit<this, "timeout" | "emitWithAck"> {
    const more = this._extras();
    more.flags = { ...more.flags, conflate: checkConflationKey(key) };
    return this;
  }

  /** @inheritDoc */
  override timeout(
    timeout: number,
  ): Socket<ListenEvents, DecorateAcknowledgements<EmitEvents>, ServerSideEvents, SocketData> {
    if (this._more?.flags.conflate !== undefined) throw conflatedAckError();
    return super.timeout(timeout);
  }

  /**
   * Emit an event and resolve with the client's acknowledgement (rejects on `timeout()` expiry, and with a
   * contract on an answer that fails the event's `ack` schema: `ContractValidationError`).
   *
   * @example
   * ```ts
   * const answer = await socket.timeout(1000).emitWithAck("question", 42);
   * ```
   */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    const withErr = (this._more?.flags ?? NO_FLAGS).timeout !== undefined;
    return new Promise((resolve, reject) => {
      const ack = withErr
        ? (err: unknown, value: unknown) => (err ? reject(err as Error) : resolve(value as never))
        : // Contract (issue #17): an answer refused by the contract rejects (no error slot here).
          Object.assign((value: unknown) => resolve(value as never), { [REFUSE]: reject });
      (this.emit as (ev: unknown, ...a: unknown[]) => boolean)(ev, ...args, ack);
    });
  }

  /**
   * Send a `message` event.
   *
   * @example
   * ```ts
   * socket.send("hello");
   * ```
   */
  send(...args: EventParams<EmitEvents, "message">): this {
    (this.emit as (ev: string, ...a: unknown[]) => boolean)("message", ...args);
    return this;
  }

  /** Alias of {@link Socket.send}. */
  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /**
   * Join one or several rooms.
   *
   * @example
   * ```ts
   * socket.join(["room1", "room2"]);
   * ```
   */
  join(rooms: Room | Room[]): Promise<void> | void {
    // After cleanup the adapter must not learn about this socket again (it would never be removed).
    if (this._cleanedUp) return;
    return joinRooms(this, rooms);
  }

  /**
   * Leave a room.
   *
   * @example
   * ```ts
   * socket.leave("room1");
   * ```
   */
  leave(room: Room): Promise<void> | void {
    return leaveRoom(this, room);
  }

  /**
   * Target a room (or rooms) for the next emit, excluding this socket.
   *
   * @example
   * ```ts
   * socket.to("room1").emit("news", "only for the others in room1");
   * ```
   */
  to(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().to(room);
  }

  /** Alias of {@link Socket.to}. */
  in(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().in(room);
  }

  /**
   * Exclude a room (or rooms) from the next broadcast, and this socket.
   *
   * @example
   * ```ts
   * socket.except("room1").emit("news"); // everyone but room1 and the sender
   * ```
   */
  except(
    room: Room | Room[],
  ): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this._operator().except(room);
  }

  /**
   * Every socket of the namespace but this one.
   *
   * @example
   * ```ts
   * socket.broadcast.emit("user joined", socket.id);
   * ```
   */
  get broadcast(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this._operator();
  }

  /** Only this node (cluster adapters do not forward the next broadcast). */
  get local(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    return this._operator().local;
  }

  /**
   * Disconnect from this namespace; with `close` true, close the whole underlying connection.
   *
   * @example
   * ```ts
   * socket.disconnect(true);
   * ```
   */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client._disconnect();
    } else {
      this._writePacket({ type: PacketType.DISCONNECT, nsp: this.nsp.name });
      this._onclose("server namespace disconnect");
    }
    return this;
  }

  // ---- host interface of the adapter (AdapterSocket) ----

  /** Adapter host interface (AdapterSocket): write a packet the adapter prepared once for many recipients. */
  deliver(packet: Packet, prepared: unknown, flags: WriteFlags): void {
    deliveries.count++;
    if (eventChannel.hasSubscribers) publishEvent(this, "out");
    if (this._more?.anyOutgoing !== undefined) this._notifyOutgoing(packet.data as unknown[]);
    this.client._writePrepared(prepared as unknown[], flags);
  }

  /** Adapter host interface (AdapterSocket): the adapter registers a broadcast's ack for this socket. */
  registerAck(id: number, ack: (...args: unknown[]) => void): void {
    addAck((this._extras().acks ??= new Map()), id, ack, this.nsp.server._limits.pendingAcks);
  }

  // ---- lifecycle, driven by Namespace and Client ----

  /** @internal */
  get _pid(): PrivateSessionId | undefined {
    return this._more?.pid;
  }

  /** @internal Joined: own room, CONNECT reply. */
  _onconnect(): void {
    this.connected = true;
    settle(this.join(this.id));
    const pid = this._more?.pid;
    // §1.10: a v2 client takes a bare CONNECT (its id is derived from the Engine.IO id).
    const data =
      this.conn.protocol === 3
        ? undefined
        : pid === undefined
          ? { sid: this.id }
          : { sid: this.id, pid };
    this._writePacket({ type: PacketType.CONNECT, nsp: this.nsp.name, data });
  }

  /** @internal Refused by a middleware: CONNECT_ERROR with `{message, data}`. */
  _error(err: { message: string; data?: unknown }): void {
    // §1.10: a v2 client's connect error is the bare data, or else the message.
    const v2 = this.conn.protocol === 3;
    const data = v2
      ? (err.data ?? err.message)
      : err.data === undefined
        ? { message: err.message }
        : { message: err.message, data: err.data };
    this._writePacket({ type: PacketType.CONNECT_ERROR, nsp: this.nsp.name, data });
  }

  /** @internal A packet for this namespace. */
  _onpacket(packet: Packet): void {
    switch (packet.type) {
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT:
        this._onevent(packet);
        return;
      case PacketType.ACK:
      case PacketType.BINARY_ACK:
        settleAck(this, this._more?.acks, packet);
        return;
      case PacketType.DISCONNECT:
        this._onclose("client namespace disconnect");
        return;
      default:
        // A CONNECT for a joined namespace is handled by the client (it closes the connection).
        return;
    }
  }

  /** @internal An error on the connection: reported on the socket, or on the console without listener. */
  _onerror(err: Error): void {
    if (this.hasListeners("error")) {
      try {
        this.emitReserved("error", err);
      } catch (e) {
        reportError(e);
      }
    } else {
      debug("missing error handler on socket %s", this.id);
      reportMissingErrorHandler(err);
    }
  }

  /** @internal Leave the namespace: `disconnecting` (rooms intact), cleanup, `disconnect`. */
  _onclose(reason: DisconnectReason | string, description?: unknown): this {
    if (!this.connected) return this;
    debug("closing socket %s - reason %s", this.id, reason);
    this._safeEmit("disconnecting", reason, description);
    const recovery = this.nsp.server._recovery;
    const pid = this._more?.pid;
    if (recovery !== undefined && pid !== undefined && RECOVERABLE_DISCONNECT_REASONS.has(reason)) {
      settle(
        this.adapter.persistSession({ sid: this.id, pid, rooms: [...this.rooms], data: this.data }),
      );
    }
    this._cleanup();
    this.connected = false;
    const more = this._more;
    if (more !== undefined) more.acks = undefined;
    if (disconnectChannel.hasSubscribers)
      disconnectChannel.publish({ socket: this, nsp: this.nsp.name, reason, description });
    this._safeEmit("disconnect", reason, description);
    return this;
  }

  /** @internal Forget the socket everywhere (also used when a middleware refuses it). */
  _cleanup(): void {
    this._markCleanedUp();
    leaveAllRooms(this);
    this.nsp._remove(this);
    this.client._remove(this);
  }

  /** @internal Encode and write one packet to this client. */
  _writePacket(packet: Packet, flags: BroadcastFlags = NO_FLAGS, droppable = false): void {
    this.client._packet(packet, writeOptions(flags, this.nsp.name, droppable));
  }

  /** @internal The connection's queued bytes fell back under the high-water mark (issue #18). */
  _ondrain(): void {
    if (this.connected) this._safeEmit("drain");
  }

  // ---- incoming events ----

  /** @internal */ private _onevent(packet: Packet): void {
    const args = packet.data as unknown[];
    if (eventChannel.hasSubscribers) publishEvent(this, "in");
    if (packet.id !== undefined) args.push(ackCallback(this, packet.id));
    const more = this._more;
    if (more?.any !== undefined) more.any.call(this, args);
    const limiter = this.nsp.server._rateLimiter;
    if (limiter !== undefined && !admitEvent(limiter, this, args)) return;
    receiveEvent(this, args, more?.fns as ChainFn<Event>[] | undefined);
  }

  /** @internal Emit `[event, ...args]` to the listeners (socket-dispatch.ts); `own`: drop the name in place. */
  _dispatch(args: unknown[], own: boolean): void {
    if (!this.connected) return debug("ignoring an event received after disconnection");
    try {
      const ev = (own ? args.shift() : args[0]) as string;
      this.emitArgs(ev, own ? args : args.slice(1));
    } catch (err) {
      this._onerror(toError(err));
    }
  }

  /** @internal */ private _registerAck(id: number, ack: Ack, timeout: number | undefined): void {
    const acks = (this._extras().acks ??= new Map());
    const max = this.nsp.server._limits.pendingAcks;
    if (timeout === undefined) addAck(acks, id, ack, max);
    else addTimedAck(this, acks, id, ack, timeout, max);
  }

  /** @internal */ private _operator(): BroadcastOperator<
    DecorateAcknowledgementsWithMultipleResponses<EmitEvents>,
    SocketData
  > {
    const flags = this._takeFlags();
    return new BroadcastOperator(
      this.adapter,
      new Set(),
      new Set([this.id]),
      flags === NO_FLAGS ? {} : { ...flags },
    );
  }

  /** @internal */ private _safeEmit(
    ev: "disconnecting" | "disconnect" | "drain",
    reason?: string,
    description?: unknown,
  ): void {
    try {
      if (ev === "drain") this.emitReserved(ev);
      else this.emitReserved(ev, reason as DisconnectReason, description);
    } catch (err) {
      reportError(err);
    }
  }
}

/** A new socket's id: random, except for a v2 client, which derives it from the Engine.IO id (§1.10). */
function newSocketId(nsp: string, client: Client): string {
  if (client.conn.protocol !== 3) return generateId();
  return nsp === "/" ? client.id : `${nsp}#${client.id}`;
}
