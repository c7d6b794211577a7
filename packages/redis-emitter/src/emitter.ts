import type { DefaultEventsMap, EventNames, EventParams, EventsMap } from "@switchboard/emitter";
import { BroadcastOperator } from "./broadcast-operator.js";
import { RedisEmitterError, RedisEmitterErrorCode } from "./errors.js";
import { Publisher, type PublishStats, type RedisPublisher } from "./publisher.js";
import {
  EMITTER_UID,
  RequestType,
  msgpackParser,
  namespaceTarget,
  type EmitterParser,
  type NamespaceTarget,
} from "./wire.js";

/** Options of {@link Emitter} (`@socket.io/redis-emitter`'s names and defaults). */
export interface EmitterOptions {
  /** Channel prefix: the nodes' adapter `key`. Default `"socket.io"`. */
  key?: string;
  /** Encodes broadcast messages. Default: msgpack, byte-compatible with notepack.io (what the adapters decode). */
  parser?: EmitterParser;
}

/**
 * Emits to the clients of a Socket.IO / Switchboard cluster through Redis, from any Node process that is not a server
 * (a worker, a cron job, a webhook handler). The nodes must use the classic Redis adapter (`createAdapter` of
 * `@switchboard/redis-adapter` or `@socket.io/redis-adapter`) with the same `key`.
 *
 * @example
 * ```ts
 * import { createClient } from "redis";
 * import { Emitter } from "@switchboard/redis-emitter";
 *
 * const redis = createClient({ url: "redis://localhost:6379" });
 * await redis.connect();
 * const emitter = new Emitter(redis);
 * emitter.to("orders").emit("order", { id: 42 });
 * emitter.of("/admin").emit("deploy", "v2");
 * ```
 */
export class Emitter<EmitEvents extends EventsMap = DefaultEventsMap> {
  /** The client given to the constructor. */
  readonly redisClient: RedisPublisher;
  /** This emitter's namespace. */
  readonly nsp: string;
  readonly #opts: Required<EmitterOptions>;
  readonly #publisher: Publisher;
  readonly #target: NamespaceTarget;

  constructor(redisClient: unknown, opts?: EmitterOptions, nsp?: string);
  /** @internal `of()` shares the publisher (and its stats) between namespaces. */
  constructor(
    redisClient: unknown,
    opts: EmitterOptions | undefined,
    nsp: string,
    shared: Publisher,
  );
  constructor(redisClient: unknown, opts: EmitterOptions = {}, nsp = "/", shared?: Publisher) {
    this.#publisher = shared ?? new Publisher(redisClient);
    this.redisClient = this.#publisher.client;
    this.nsp = nsp;
    this.#opts = { key: opts.key ?? "socket.io", parser: opts.parser ?? msgpackParser };
    this.#target = namespaceTarget(this.#opts.key, nsp, this.#opts.parser);
  }

  /** PUBLISH commands issued and failed, for this emitter and those `of()` made from it. */
  get stats(): Readonly<PublishStats> {
    return this.#publisher.stats;
  }

  /**
   * An emitter for another namespace (a leading `/` is added when missing).
   * @example
   * emitter.of("/admin").emit("deploy", "v2");
   */
  of(nsp: string): Emitter<EmitEvents> {
    const name = nsp.startsWith("/") ? nsp : `/${nsp}`;
    return new Emitter<EmitEvents>(this.redisClient, this.#opts, name, this.#publisher);
  }

  /**
   * Emit to every client of the namespace, on every node.
   * @example
   * emitter.emit("announcement", "maintenance at 22:00");
   */
  emit<Ev extends EventNames<EmitEvents>>(ev: Ev, ...args: EventParams<EmitEvents, Ev>): true {
    return this.#operator().emit(ev, ...args);
  }

  /**
   * Target a room (or several).
   * @example
   * emitter.to("room1").emit("news", item);
   */
  to(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    return this.#operator().to(room);
  }

  /**
   * Same as {@link to}.
   * @example
   * emitter.in("room1").emit("news", item);
   */
  in(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    return this.#operator().in(room);
  }

  /**
   * Exclude the sockets of a room (or several).
   * @example
   * emitter.except("room2").emit("news", item);
   */
  except(room: string | readonly string[]): BroadcastOperator<EmitEvents> {
    return this.#operator().except(room);
  }

  /**
   * The next event may be dropped for clients that cannot take it right now.
   * @example
   * emitter.volatile.emit("position", x, y);
   */
  get volatile(): BroadcastOperator<EmitEvents> {
    return this.#operator().volatile;
  }

  /**
   * Set whether the transport may compress the event.
   * @example
   * emitter.compress(false).emit("tick", n);
   */
  compress(compress: boolean): BroadcastOperator<EmitEvents> {
    return this.#operator().compress(compress);
  }

  /**
   * Make the matching sockets join rooms (all sockets of the namespace here; narrow with `in()`).
   * @example
   * emitter.in("user:42").socketsJoin("vip");
   */
  socketsJoin(rooms: string | readonly string[]): void {
    this.#operator().socketsJoin(rooms);
  }

  /**
   * Make the matching sockets leave rooms.
   * @example
   * emitter.socketsLeave("lobby");
   */
  socketsLeave(rooms: string | readonly string[]): void {
    this.#operator().socketsLeave(rooms);
  }

  /**
   * Disconnect the matching sockets (`close`: also close their connection).
   * @example
   * emitter.disconnectSockets();
   */
  disconnectSockets(close = false): void {
    this.#operator().disconnectSockets(close);
  }

  /**
   * Send an event to the servers of the cluster (their `io.on(event)` / `nsp.on(event)` listeners).
   * @throws RedisEmitterError `ERR_SB_EMITTER_ACK_UNSUPPORTED` when the last argument is a function
   * @example
   * emitter.serverSideEmit("cache:invalidate", "users");
   */
  serverSideEmit(...args: unknown[]): void {
    if (typeof args[args.length - 1] === "function")
      throw new RedisEmitterError(
        RedisEmitterErrorCode.ACK_UNSUPPORTED,
        "acknowledgements are not supported by an emitter",
      );
    const request = { uid: EMITTER_UID, type: RequestType.SERVER_SIDE_EMIT, data: args };
    this.#publisher.publish(this.#target.requestChannel, JSON.stringify(request));
  }

  #operator(): BroadcastOperator<EmitEvents> {
    return new BroadcastOperator<EmitEvents>(this.#publisher, this.#target);
  }
}
