import type {
  Adapter,
  AdapterSocket,
  BroadcastFlags,
  RemoteSocketDetails,
  Room,
  SocketId,
} from "@switchboard/adapter";
import type {
  AllButLast,
  DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  EventNames,
  EventNamesWithAck,
  EventParams,
  EventsMap,
  FirstNonErrorArg,
  Last,
  TypedEventBroadcaster,
} from "@switchboard/emitter";
import type { AnyContract } from "@switchboard/contract";
import { PacketType, type Packet } from "@switchboard/parser";
import { checkResponses, refusal } from "./contract-broadcast.js";
import {
  broadcastChannel,
  countDeliveries,
  publishAckTimeout,
  type BroadcastMessage,
} from "./diagnostics.js";
import { AckTimeoutError, ReservedEventError } from "./errors.js";
import { RESERVED_EVENTS } from "./reasons.js";
import { RemoteSocket } from "./remote-socket.js";
import { checkConflationKey, conflatedAckError } from "./conflation.js";
import { roomList } from "./rooms.js";

/**
 * An immutable, chainable description of a broadcast: target rooms, excluded rooms and flags.
 * Every modifier returns a new operator.
 *
 * @example
 * ```ts
 * io.to("room1").except("room2").volatile.emit("news", item);
 * ```
 */
export class BroadcastOperator<
  EmitEvents extends EventsMap,
  SocketData,
> implements TypedEventBroadcaster<EmitEvents> {
  readonly #adapter: Adapter;
  readonly #rooms: Set<Room>;
  readonly #except: Set<Room>;
  readonly #flags: BroadcastFlags;

  /** @internal */
  constructor(
    adapter: Adapter,
    rooms: Set<Room> = new Set(),
    exceptRooms: Set<Room> = new Set(),
    flags: BroadcastFlags = {},
  ) {
    this.#adapter = adapter;
    this.#rooms = rooms;
    this.#except = exceptRooms;
    this.#flags = flags;
  }

  // socket.io keeps these three as (private) fields that tools and its tests read; they are never mutated.
  /** @internal The targeted rooms (empty: every socket). */
  get rooms(): ReadonlySet<Room> {
    return this.#rooms;
  }

  /** @internal The excluded rooms. */
  get exceptRooms(): ReadonlySet<Room> {
    return this.#except;
  }

  /** @internal The flags of this broadcast. */
  get flags(): Readonly<BroadcastFlags> {
    return this.#flags;
  }

  /**
   * Target a room (or rooms); sockets in several targeted rooms get the packet once.
   *
   * @example
   * ```ts
   * io.to(["room1", "room2"]).emit("news");
   * ```
   */
  to(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const rooms = new Set(this.#rooms);
    for (const r of roomList(room)) rooms.add(r);
    return new BroadcastOperator(this.#adapter, rooms, this.#except, this.#flags);
  }

  /** Alias of {@link BroadcastOperator.to}. */
  in(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    return this.to(room);
  }

  /**
   * Exclude a room (or rooms).
   *
   * @example
   * ```ts
   * io.except("banned").emit("news");
   * ```
   */
  except(room: Room | Room[]): BroadcastOperator<EmitEvents, SocketData> {
    const except = new Set(this.#except);
    for (const r of roomList(room)) except.add(r);
    return new BroadcastOperator(this.#adapter, this.#rooms, except, this.#flags);
  }

  /**
   * Whether to compress the packet.
   *
   * @example
   * ```ts
   * io.compress(false).emit("raw", bytes);
   * ```
   */
  compress(compress: boolean): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, {
      ...this.#flags,
      compress,
    });
  }

  /**
   * Drop the packet for clients whose transport is not writable right now.
   *
   * @example
   * ```ts
   * io.volatile.emit("tick", Date.now());
   * ```
   */
  get volatile(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, {
      ...this.#flags,
      volatile: true,
    });
  }

  /**
   * Only the sockets of this node.
   *
   * @example
   * ```ts
   * io.local.emit("hello");
   * ```
   */
  get local(): BroadcastOperator<EmitEvents, SocketData> {
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, {
      ...this.#flags,
      local: true,
    });
  }

  /**
   * Wait at most `timeout` ms for the acknowledgements.
   *
   * @example
   * ```ts
   * io.timeout(1000).emit("poll", (err, responses) => {});
   * ```
   */
  timeout(
    timeout: number,
  ): BroadcastOperator<
    DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>,
    SocketData
  > {
    if (this.#flags.conflate !== undefined) throw conflatedAckError();
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, {
      ...this.#flags,
      timeout,
    });
  }

  /**
   * Conflate (issue #18): for each recipient still holding an unsent packet with this key (same namespace),
   * the new packet replaces it in place. No acks: `timeout()` and an ack callback throw.
   *
   * @example
   * ```ts
   * io.to("prices").conflate("BTC-USD").emit("price", quote);
   * ```
   */
  conflate(
    key: string,
  ): Omit<BroadcastOperator<EmitEvents, SocketData>, "timeout" | "emitWithAck"> {
    return new BroadcastOperator(this.#adapter, this.#rooms, this.#except, {
      ...this.#flags,
      conflate: checkConflationKey(key),
    });
  }

  /**
   * Emit to every targeted socket. With a function as last argument, it receives `(err, responses)`
   * once every client answered or when the timeout expires.
   *
   * @example
   * ```ts
   * io.to("room1").emit("hello", "world");
   * ```
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): boolean {
    if (RESERVED_EVENTS.has(ev as string)) throw new ReservedEventError(String(ev));
    const data: unknown[] = [ev, ...args];
    // Contract (issue #17): validated once for every recipient, before anything is sent.
    (this.#adapter.nsp as ContractHolder)._emitContract?.assertEmit("serverToClient", data);
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data };
    const last = data[data.length - 1];
    if (typeof last !== "function") {
      if (broadcastChannel.hasSubscribers) this.#publish(false, () => this.#broadcast(packet));
      else this.#broadcast(packet);
      return true;
    }
    if (this.#flags.conflate !== undefined) throw conflatedAckError();
    data.pop();
    if (broadcastChannel.hasSubscribers)
      this.#publish(true, () =>
        this.#emitWithAckCallback(packet, last as (...a: unknown[]) => void),
      );
    else this.#emitWithAckCallback(packet, last as (...a: unknown[]) => void);
    return true;
  }

  #broadcast(packet: Packet): void {
    this.#adapter.broadcast(packet, {
      rooms: this.#rooms,
      except: this.#except,
      flags: this.#flags,
    });
  }

  /** Runs a broadcast and publishes it on the `broadcast` diagnostics channel (never its payload). */
  #publish(ack: boolean, broadcast: () => void): void {
    const packets = countDeliveries(broadcast);
    broadcastChannel.publish({
      nsp: this.#adapter.nsp.name,
      adapter: this.#adapter,
      rooms: [...this.#rooms],
      except: [...this.#except],
      flags: this.#flags,
      ack,
      packets,
    } satisfies BroadcastMessage);
  }

  #emitWithAckCallback(packet: Packet, ack: (...a: unknown[]) => void): void {
    const single = this.#flags.expectSingleResponse === true;
    const responses: unknown[] = [];
    let done = false;
    let expectedServers = -1;
    let repliedServers = 0;
    let expectedClients = 0;
    const finish = (err: AckTimeoutError | null): void => {
      done = true;
      if (!single) return ack(err, responses);
      // A RemoteSocket's answer refused by the contract is its error, as for a local `timeout()` emit.
      const error = err ?? refusal(responses[0]);
      ack(error, error === err ? responses[0] : undefined);
    };
    // Without timeout() the callback fires on the next timer tick, as in socket.io (verified).
    const timer = setTimeout(() => {
      if (done) return;
      // No late answer can count now: forget the pending share in every socket's table (socket.io 4.8.4, #4984).
      const id = packet.id;
      if (id !== undefined)
        for (const socket of this.#adapter.nsp.sockets.values())
          (socket as Droppable)._dropAck?.(id);
      publishAckTimeout(this.#adapter, undefined);
      finish(new AckTimeoutError());
    }, this.#flags.timeout ?? 0);
    const check = (): void => {
      if (done || expectedServers !== repliedServers || responses.length !== expectedClients)
        return;
      clearTimeout(timer);
      finish(null);
    };
    this.#adapter.broadcastWithAck(
      packet,
      { rooms: this.#rooms, except: this.#except, flags: this.#flags },
      (clientCount) => {
        expectedClients += clientCount;
        repliedServers++;
        check();
      },
      // Contract (issue #17): each answer is checked against the event's ack schema first.
      checkResponses(this.#adapter.nsp, (packet.data as unknown[])[0], (response) => {
        if (done) return; // validated after the broadcast settled (an async schema): too late
        responses.push(response);
        check();
      }),
    );
    this.#adapter.serverCount().then(
      (count) => {
        expectedServers = count;
        check();
      },
      () => {},
    );
  }

  /**
   * Emit and resolve with the responses of every targeted client (rejects on timeout, with
   * `err.responses` holding those received).
   *
   * @example
   * ```ts
   * const responses = await io.timeout(1000).emitWithAck("poll");
   * ```
   */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return new Promise((resolve, reject) => {
      const ack = (err: Error | null, responses: unknown): void => {
        if (err) {
          // A RemoteSocket's answer refused by a contract is rejected as is (issue #17).
          if (err instanceof AckTimeoutError) err.responses = responses as unknown[];
          reject(err);
        } else {
          resolve(responses as never);
        }
      };
      (this.emit as (ev: unknown, ...a: unknown[]) => boolean)(ev, ...args, ack);
    });
  }

  /**
   * The matching sockets: local `Socket`s, or `RemoteSocket`s for those on other nodes.
   *
   * @example
   * ```ts
   * const sockets = await io.in("room1").fetchSockets();
   * ```
   */
  async fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    const found = await this.#adapter.fetchSockets({
      rooms: this.#rooms,
      except: this.#except,
      flags: this.#flags,
    });
    return found.map((socket) =>
      isLocalSocket(socket)
        ? (socket as never)
        : new RemoteSocket<EmitEvents, SocketData>(
            this.#adapter,
            socket,
            new BroadcastOperator(this.#adapter, new Set([socket.id]), new Set(), {
              expectSingleResponse: true,
            }),
          ),
    );
  }

  /**
   * Make the matching sockets join rooms.
   *
   * @example
   * ```ts
   * io.in("room1").socketsJoin(["room2"]);
   * ```
   */
  socketsJoin(room: Room | Room[]): void {
    this.#adapter.addSockets(
      { rooms: this.#rooms, except: this.#except, flags: this.#flags },
      roomList(room),
    );
  }

  /**
   * Make the matching sockets leave rooms.
   *
   * @example
   * ```ts
   * io.in("room1").socketsLeave("room1");
   * ```
   */
  socketsLeave(room: Room | Room[]): void {
    this.#adapter.delSockets(
      { rooms: this.#rooms, except: this.#except, flags: this.#flags },
      roomList(room),
    );
  }

  /**
   * Disconnect the matching sockets (`close` also closes their connections).
   *
   * @example
   * ```ts
   * io.in("room1").disconnectSockets(true);
   * ```
   */
  disconnectSockets(close = false): void {
    this.#adapter.disconnectSockets(
      { rooms: this.#rooms, except: this.#except, flags: this.#flags },
      close,
    );
  }

  /**
   * Ids of the matching sockets.
   *
   * @deprecated use {@link BroadcastOperator.fetchSockets}
   */
  allSockets(): Promise<Set<SocketId>> {
    return this.#adapter.sockets(this.#rooms);
  }
}

/** A namespace of this server (the adapter's host interface does not include its contract). */
type ContractHolder = { _emitContract?: AnyContract | undefined };

/** A socket of this server (the adapter's host interface does not include the ack table). */
type Droppable = AdapterSocket & { _dropAck?: (id: number) => void };

function isLocalSocket(socket: AdapterSocket | RemoteSocketDetails): socket is AdapterSocket {
  return typeof (socket as { emit?: unknown }).emit === "function";
}
