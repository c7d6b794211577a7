import type { DefaultEventsMap, EventNames, EventParams, EventsMap } from "@switchboard/emitter";
import { RESERVED_EVENTS } from "@switchboard/parser";
import { RedisEmitterError, RedisEmitterErrorCode } from "./errors.js";
import type { Publisher } from "./publisher.js";
import {
  RequestType,
  broadcastMessage,
  type BroadcastFlags,
  type NamespaceTarget,
} from "./wire.js";

const toList = (rooms: string | readonly string[]): readonly string[] =>
  typeof rooms === "string" ? [rooms] : rooms;

/**
 * Who an emit reaches: rooms (all sockets when none), rooms excluded, and flags. Immutable: each modifier returns a
 * new operator, so a shared one can be reused safely.
 *
 * @example
 * ```ts
 * emitter.to("room1").except("room2").compress(false).emit("hello", "world");
 * ```
 */
export class BroadcastOperator<EmitEvents extends EventsMap = DefaultEventsMap> {
  readonly #publisher: Publisher;
  readonly #target: NamespaceTarget;
  readonly #rooms: ReadonlySet<string>;
  readonly #except: ReadonlySet<string>;
  readonly #flags: BroadcastFlags;

  /** @internal Built by `Emitter`. */
  constructor(
    publisher: Publisher,
    target: NamespaceTarget,
    rooms: ReadonlySet<string> = new Set(),
    except: ReadonlySet<string> = new Set(),
    flags: BroadcastFlags = {},
  ) {
    this.#publisher = publisher;
    this.#target = target;
    this.#rooms = rooms;
    this.#except = except;
    this.#flags = flags;
  }

  /**
   * Target a room (or several) when emitting; rooms add up.
   * @example
   * emitter.to("room1").to(["room2", "room3"]).emit("news", item);
   */
  to(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    const rooms = new Set(this.#rooms);
    for (const r of toList(room)) rooms.add(r);
    return this.#with(rooms, this.#except, this.#flags);
  }

  /**
   * Same as {@link to}.
   * @example
   * emitter.in("room1").emit("news", item);
   */
  in(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    return this.to(room);
  }

  /**
   * Exclude the sockets of a room (or several).
   * @example
   * emitter.except("banned").emit("news", item);
   */
  except(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    const except = new Set(this.#except);
    for (const r of toList(room)) except.add(r);
    return this.#with(this.#rooms, except, this.#flags);
  }

  /**
   * Set whether the transport may compress the event.
   * @example
   * emitter.compress(false).emit("tick", n);
   */
  compress(compress: boolean): BroadcastOperator<EmitEvents> {
    return this.#with(this.#rooms, this.#except, { ...this.#flags, compress });
  }

  /**
   * The event may be dropped for clients that cannot take it right now (it is also never replayed by recovery).
   * @example
   * emitter.volatile.emit("position", x, y);
   */
  get volatile(): BroadcastOperator<EmitEvents> {
    return this.#with(this.#rooms, this.#except, { ...this.#flags, volatile: true });
  }

  /**
   * Emit to the matching clients of every node. Fire-and-forget: publish failures are counted, never thrown.
   * @throws RedisEmitterError `ERR_SB_EMITTER_RESERVED_EVENT`, `ERR_SB_EMITTER_ACK_UNSUPPORTED`,
   * `ERR_SB_EMITTER_ENCODE_FAILED`
   * @example
   * emitter.to("orders").emit("order", { id: 42, total: 99.5 });
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): true {
    if (RESERVED_EVENTS.has(ev as string))
      throw new RedisEmitterError(
        RedisEmitterErrorCode.RESERVED_EVENT,
        `"${String(ev)}" is a reserved event name`,
      );
    const data: unknown[] = [ev, ...(args as unknown[])];
    if (typeof data[data.length - 1] === "function")
      throw new RedisEmitterError(
        RedisEmitterErrorCode.ACK_UNSUPPORTED,
        "acknowledgements are not supported by an emitter",
      );
    let encoded: { channel: string; message: string | Buffer };
    try {
      encoded = broadcastMessage(this.#target, data, this.#rooms, this.#except, this.#flags);
    } catch (cause) {
      throw new RedisEmitterError(
        RedisEmitterErrorCode.ENCODE_FAILED,
        `cannot encode "${String(ev)}": ${(cause as Error)?.message ?? String(cause)}`,
        { cause },
      );
    }
    this.#publisher.publish(encoded.channel, encoded.message);
    return true;
  }

  /**
   * Make the matching sockets of every node join rooms.
   * @example
   * emitter.in("user:42").socketsJoin("vip");
   */
  socketsJoin(rooms: string | readonly string[]): void {
    this.#request({ type: RequestType.REMOTE_JOIN, opts: this.#opts(), rooms: [...toList(rooms)] });
  }

  /**
   * Make the matching sockets of every node leave rooms.
   * @example
   * emitter.in("user:42").socketsLeave("vip");
   */
  socketsLeave(rooms: string | readonly string[]): void {
    this.#request({
      type: RequestType.REMOTE_LEAVE,
      opts: this.#opts(),
      rooms: [...toList(rooms)],
    });
  }

  /**
   * Disconnect the matching sockets of every node (`close`: also close their connection).
   * @example
   * emitter.in("banned").disconnectSockets(true);
   */
  disconnectSockets(close = false): void {
    this.#request({ type: RequestType.REMOTE_DISCONNECT, opts: this.#opts(), close });
  }

  #opts(): { rooms: string[]; except: string[] } {
    return { rooms: [...this.#rooms], except: [...this.#except] };
  }

  #request(body: object): void {
    this.#publisher.publish(this.#target.requestChannel, JSON.stringify(body));
  }

  #with(
    rooms: ReadonlySet<string>,
    except: ReadonlySet<string>,
    flags: BroadcastFlags,
  ): BroadcastOperator<EmitEvents> {
    return new BroadcastOperator(this.#publisher, this.#target, rooms, except, flags);
  }
}
