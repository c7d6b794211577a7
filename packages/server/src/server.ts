/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import { Adapter, SessionAwareAdapter, type AdapterNamespace, type Room, type SocketId } from "@switchboard/adapter";
import {
  Emitter,
  type AllButLast,
  type DecorateAcknowledgementsWithMultipleResponses,
  type DecorateAcknowledgementsWithTimeoutAndMultipleResponses,
  type DefaultEventsMap,
  type EventNames,
  type EventNamesWithAck,
  type EventParams,
  type EventsMap,
  type FirstNonErrorArg,
  type Last,
  type RemoveAcknowledgements,
  type ReservedOrUserEventNames,
  type ReservedOrUserListener,
} from "@switchboard/emitter";
import { Server as Engine, preEncode } from "@switchboard/engine";
import * as defaultParser from "@switchboard/parser";
import type { Packet } from "@switchboard/parser";
import debugModule from "debug";
import { createServer, type Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Http2SecureServer, Http2Server } from "node:http2";
import type { BroadcastOperator } from "./broadcast-operator.js";
import type { RemoteSocket } from "./remote-socket.js";
import { Client } from "./client.js";
import { attachClientServing } from "./client-serving.js";
import type { EngineConnection, PacketEncoder, Parser } from "./contracts.js";
import { DeadlineQueue } from "./deadline-queue.js";
import { ErrorCode, SocketIOError } from "./errors.js";
import { resolveLimits, type Limits } from "./limits.js";
import { Namespace, type Middleware, type NamespaceReservedEventsMap } from "./namespace.js";
import { resolveRecovery, type AdapterConstructor, type ResolvedRecovery, type ServerOptions } from "./options.js";
import { ParentNamespace } from "./parent-namespace.js";
import type { Socket } from "./socket.js";

const debug = debugModule("socket.io:server");

/** Events the server (its main namespace) emits. */
export interface ServerReservedEventsMap<
  ListenEvents extends EventsMap,
  EmitEvents extends EventsMap,
  ServerSideEvents extends EventsMap,
  SocketData,
> extends NamespaceReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  new_namespace: (namespace: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void;
}

/** The function form of a dynamic namespace: `next(null, true)` accepts `name`. */
export type ParentNspNameMatchFn = (
  name: string,
  auth: { [key: string]: any },
  fn: (err: Error | null, success: boolean) => void,
) => void;

type AttachTarget = HttpServer | HttpsServer | Http2SecureServer | Http2Server | number;

/**
 * The Socket.IO server: a drop-in for `socket.io`'s `Server`.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { Server } from "@switchboard/server";
 * const httpServer = createServer();
 * const io = new Server(httpServer, { cors: { origin: "*" } });
 * io.on("connection", (socket) => socket.emit("hello"));
 * httpServer.listen(3000);
 * ```
 */
export class Server<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
  ServerSideEvents extends EventsMap = DefaultEventsMap,
  SocketData = any,
> extends Emitter<
  ServerSideEvents,
  RemoveAcknowledgements<EmitEvents>,
  ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
> {
  /** The main namespace `/`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The Engine.IO server, once attached or bound. */
  engine!: Engine;
  /** The HTTP server attached to, if any. */
  httpServer: HttpServer | HttpsServer | Http2SecureServer | Http2Server | undefined;
  /** @internal */
  readonly encoder: PacketEncoder;
  /** @internal */
  readonly _parser: Parser;
  /** @internal */
  readonly _nsps = new Map<string, Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  /** @internal */
  readonly _opts: ServerOptions;
  /** @internal */
  readonly _recovery: ResolvedRecovery | undefined;
  /** @internal */
  readonly _cleanupEmptyChildNamespaces: boolean;
  /** @internal `maxNamespacesPerConnection`, `maxPendingAcks`, `maxAttachments` */
  readonly _limits: Limits;
  /** @internal one shared timer for every connection's `connectTimeout` */
  _connectQueue: DeadlineQueue<Client>;
  readonly #parentNsps = new Map<ParentNspNameMatchFn, ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  readonly #parentFromRegExp = new Map<RegExp, ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>>();
  #path: string;
  #serveClient: boolean;
  #adapter: AdapterConstructor | undefined;
  #connectTimeout: number;
  /** @internal The built-in parser is in use (custom parsers get no shared decoder or pre-encoding). */
  readonly _defaultParser: boolean;

  constructor(opts?: Partial<ServerOptions>);
  constructor(srv?: AttachTarget, opts?: Partial<ServerOptions>);
  constructor(srv: AttachTarget | Partial<ServerOptions> | undefined, opts?: Partial<ServerOptions>);
  constructor(srv?: AttachTarget | Partial<ServerOptions>, opts: Partial<ServerOptions> = {}) {
    super();
    if (typeof srv === "object" && srv !== null && !isServer(srv)) {
      opts = srv as Partial<ServerOptions>;
      srv = undefined;
    }
    this._opts = { ...opts };
    this._limits = resolveLimits(opts);
    this.#path = trimPath(opts.path ?? "/socket.io");
    this.#serveClient = opts.serveClient !== false;
    this._parser = (opts.parser as Parser | undefined) ?? (defaultParser as unknown as Parser);
    this.encoder = new this._parser.Encoder();
    this._defaultParser = opts.parser === undefined || opts.parser === defaultParser;
    this._recovery = resolveRecovery(opts.connectionStateRecovery);
    this._cleanupEmptyChildNamespaces = opts.cleanupEmptyChildNamespaces === true;
    this.#adapter = opts.adapter;
    this.#connectTimeout = opts.connectTimeout ?? 45_000;
    this._connectQueue = this.#newConnectQueue(this.#connectTimeout);
    this.sockets = this.of("/");
    if (srv !== undefined) this.attach(srv as AttachTarget);
  }

  // ---- option getters/setters (socket.io style) ----

  /**
   * Get or set the path the server answers under.
   *
   * @example
   * ```ts
   * io.path("/my-path");
   * ```
   */
  path(): string;
  path(v: string): this;
  path(v?: string): string | this {
    if (v === undefined) return this.#path;
    this.#path = trimPath(v);
    return this;
  }

  /** Get or set whether the browser client is served. */
  serveClient(): boolean;
  serveClient(v: boolean): this;
  serveClient(v?: boolean): boolean | this {
    if (v === undefined) return this.#serveClient;
    this.#serveClient = v;
    return this;
  }

  /**
   * Get or set the adapter; setting it re-creates the adapter of every namespace.
   *
   * @example
   * ```ts
   * io.adapter(createAdapter(pubClient, subClient));
   * ```
   */
  adapter(): AdapterConstructor | undefined;
  adapter(v: AdapterConstructor): this;
  adapter(v?: AdapterConstructor): AdapterConstructor | undefined | this {
    if (v === undefined) return this.#adapter;
    this.#adapter = v;
    for (const nsp of this._nsps.values()) nsp._initAdapter();
    return this;
  }

  /** Get or set the delay a connection has to join a namespace. */
  connectTimeout(): number;
  connectTimeout(v: number): this;
  connectTimeout(v?: number): number | this {
    if (v === undefined) return this.#connectTimeout;
    this.#connectTimeout = v;
    this._connectQueue.clear();
    this._connectQueue = this.#newConnectQueue(v);
    return this;
  }

  // ---- attaching ----

  /**
   * Attach to an HTTP(S) server, or to a new one listening on `port`.
   *
   * @example
   * ```ts
   * io.attach(httpServer, { pingInterval: 10000 });
   * ```
   */
  attach(srv: AttachTarget, opts: Partial<ServerOptions> = {}): this {
    if (typeof srv === "function") {
      throw new TypeError("You are trying to attach socket.io to an express request handler function. Please pass a http.Server instance.");
    }
    let server: Exclude<AttachTarget, number>;
    if (typeof srv === "number" || typeof srv === "string") {
      debug("creating http server and binding to %d", srv);
      server = createServer((_req, res) => {
        res.writeHead(404);
        res.end();
      });
      server.listen(Number(srv));
    } else {
      server = srv;
    }
    Object.assign(this._opts, opts);
    if (opts.path !== undefined) this.#path = trimPath(opts.path);
    this._opts.path = this.#path;
    const engine = new Engine(this._opts);
    engine.attach(server as HttpServer, this._opts);
    if (this.#serveClient) attachClientServing(server as HttpServer, this.#path);
    this.httpServer = server;
    this.bind(engine);
    return this;
  }

  /** Alias of {@link Server.attach}. */
  listen(srv: AttachTarget, opts: Partial<ServerOptions> = {}): this {
    return this.attach(srv, opts);
  }

  /**
   * Attach to a uWebSockets.js app: not supported, throws `ERR_SIO_NOT_SUPPORTED`.
   *
   * @example
   * ```ts
   * io.attachApp(app); // throws
   * ```
   */
  attachApp(_app: unknown, _opts?: Partial<ServerOptions>): never {
    throw new SocketIOError(ErrorCode.NOT_SUPPORTED, "attachApp() (uWebSockets.js) is not supported by @switchboard/server");
  }

  /**
   * Use an existing Engine.IO server.
   *
   * @example
   * ```ts
   * io.bind(new EngineServer());
   * ```
   */
  bind(engine: Engine): this {
    this.engine = engine;
    engine.on("connection", this.#onconnection as never);
    return this;
  }

  readonly #onconnection = (conn: EngineConnection): void => {
    debug("incoming connection with id %s", conn.id);
    new Client(this, conn);
  };

  // ---- namespaces ----

  /**
   * Get or create a namespace: a name, or a RegExp / function for dynamic namespaces.
   *
   * @example
   * ```ts
   * const admin = io.of("/admin");
   * io.of(/^\/dynamic-\d+$/).on("connection", (socket) => {});
   * ```
   */
  of(
    name: string | RegExp | ParentNspNameMatchFn,
    fn?: (socket: Socket<ListenEvents, EmitEvents, ServerSideEvents, SocketData>) => void,
  ): Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
    if (typeof name === "function" || name instanceof RegExp) {
      let parent: ParentNamespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | undefined;
      if (name instanceof RegExp) {
        for (const [re, p] of this.#parentFromRegExp) if (String(re) === String(name)) parent = p;
      }
      if (parent === undefined) {
        parent = new ParentNamespace(this);
        if (typeof name === "function") {
          this.#parentNsps.set(name, parent);
        } else {
          const re = name;
          this.#parentNsps.set((nsp, _auth, next) => next(null, re.test(nsp)), parent);
          this.#parentFromRegExp.set(re, parent);
        }
      }
      if (fn) parent.on("connect", fn);
      return parent;
    }
    if (name[0] !== "/") name = "/" + name;
    let nsp = this._nsps.get(name);
    if (nsp === undefined) {
      for (const [re, parent] of this.#parentFromRegExp) {
        if (re.test(name)) {
          nsp = parent._createChild(name);
          break;
        }
      }
      if (nsp === undefined) {
        debug("initializing namespace %s", name);
        nsp = new Namespace(this, name);
        this._nsps.set(name, nsp);
      }
      // `this.sockets` is unset while the main namespace itself is being created.
      if (name !== "/" && this.sockets !== undefined) this.sockets._emitUntyped("new_namespace", nsp);
    }
    if (fn) nsp.on("connect", fn);
    return nsp;
  }

  /** @internal Find a dynamic namespace accepting `name`, creating the child. */
  _checkNamespace(
    name: string,
    auth: Record<string, unknown>,
    done: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | false) => void,
  ): void {
    const matchers = [...this.#parentNsps.entries()];
    const tryAt = (i: number): void => {
      const entry = matchers[i];
      if (entry === undefined) return done(false);
      const [matcher, parent] = entry;
      let answered = false;
      const next = (err: Error | null, allow: boolean): void => {
        if (answered) return;
        answered = true;
        if (err || !allow) return tryAt(i + 1);
        const existing = this._nsps.get(name);
        if (existing !== undefined) return done(existing);
        const child = parent._createChild(name, true);
        debug("dynamic namespace %s created", name);
        this.sockets._emitUntyped("new_namespace", child);
        done(child);
      };
      try {
        matcher(name, auth, next);
      } catch (err) {
        next(err instanceof Error ? err : new Error(String(err)), false);
      }
    };
    tryAt(0);
  }

  /** @internal */
  _createAdapter(nsp: AdapterNamespace): Adapter {
    const ctor = this.#adapter ?? (this._recovery !== undefined ? SessionAwareAdapter : Adapter);
    // Classes and plain functions are called with `new` (as socket.io does); arrow functions cannot be.
    if (typeof (ctor as { prototype?: unknown }).prototype === "object") {
      return new (ctor as new (nsp: AdapterNamespace) => Adapter)(nsp);
    }
    return (ctor as (nsp: AdapterNamespace) => Adapter)(nsp);
  }

  /** @internal Encode a packet once for many recipients: parser, then Engine.IO pre-encoding. */
  _prepare(packet: Packet): unknown[] {
    const parts = this.encoder.encode(packet);
    if (!this._defaultParser) return parts;
    for (let i = 0; i < parts.length; i++) parts[i] = preEncode(parts[i] as string | Uint8Array);
    return parts;
  }

  #newConnectQueue(delay: number): DeadlineQueue<Client> {
    return new DeadlineQueue<Client>(delay, (client) => {
      debug("no namespace joined yet, closing the connection");
      client._close();
    });
  }

  // ---- lifecycle ----

  /**
   * Disconnect every socket (reason `server shutting down`), close the adapters, the engine and
   * the HTTP server.
   *
   * @example
   * ```ts
   * await io.close();
   * ```
   */
  async close(fn?: (err?: Error) => void): Promise<void> {
    await Promise.allSettled(
      [...this._nsps.values()].map(async (nsp) => {
        for (const socket of [...nsp.sockets.values()]) socket._onclose("server shutting down");
        await nsp.adapter.close();
      }),
    );
    this._connectQueue.clear();
    this.engine?.close();
    const http = this.httpServer;
    if (http === undefined) {
      fn?.();
      return;
    }
    await new Promise<void>((resolve) => {
      http.close((err?: Error) => {
        fn?.(err);
        resolve();
      });
    });
  }

  // ---- main namespace proxies ----

  /**
   * Register a connect middleware on the main namespace.
   *
   * @example
   * ```ts
   * io.use((socket, next) => next());
   * ```
   */
  use(fn: Middleware<ListenEvents, EmitEvents, ServerSideEvents, SocketData>): this {
    this.sockets.use(fn);
    return this;
  }

  /** Target a room (or rooms) of the main namespace. */
  to(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.to(room);
  }

  /** Alias of {@link Server.to}. */
  in(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.in(room);
  }

  /** Exclude a room (or rooms) of the main namespace. */
  except(room: Room | Room[]): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.except(room);
  }

  /**
   * Emit to every socket of the main namespace.
   *
   * @example
   * ```ts
   * io.emit("hello", "world");
   * ```
   */
  override emit<Ev extends EventNames<RemoveAcknowledgements<EmitEvents>>>(
    ev: Ev,
    ...args: EventParams<RemoveAcknowledgements<EmitEvents>, Ev>
  ): boolean {
    return this.sockets.emit(ev, ...args);
  }

  /** Emit to every socket of the main namespace and resolve with their responses. */
  emitWithAck<Ev extends EventNamesWithAck<EmitEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<EmitEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<EmitEvents, Ev>>>> {
    return this.sockets.emitWithAck(ev, ...args);
  }

  /** Emit a `message` event to every socket of the main namespace. */
  send(...args: EventParams<EmitEvents, "message">): this {
    this.sockets.send(...args);
    return this;
  }

  /** Alias of {@link Server.send}. */
  write(...args: EventParams<EmitEvents, "message">): this {
    return this.send(...args);
  }

  /** Emit to the other nodes of the cluster (a single node warns and does nothing). */
  serverSideEmit<Ev extends EventNames<ServerSideEvents>>(ev: Ev, ...args: EventParams<ServerSideEvents, Ev>): boolean {
    return this.sockets.serverSideEmit(ev, ...args);
  }

  /** `serverSideEmit` resolving with the other nodes' responses. */
  serverSideEmitWithAck<Ev extends EventNamesWithAck<ServerSideEvents>>(
    ev: Ev,
    ...args: AllButLast<EventParams<ServerSideEvents, Ev>>
  ): Promise<FirstNonErrorArg<Last<EventParams<ServerSideEvents, Ev>>>[]> {
    return this.sockets.serverSideEmitWithAck(ev, ...args);
  }

  /** @deprecated use {@link Server.fetchSockets} */
  allSockets(): Promise<Set<SocketId>> {
    return this.sockets.allSockets();
  }

  /** Whether to compress the next broadcast. */
  compress(compress: boolean): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.compress(compress);
  }

  /** Drop the next broadcast for clients that cannot take it right now. */
  get volatile(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.volatile;
  }

  /** Only the sockets of this node. */
  get local(): BroadcastOperator<DecorateAcknowledgementsWithMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.local;
  }

  /**
   * Wait at most `timeout` ms for the acknowledgements of the next broadcast.
   *
   * @example
   * ```ts
   * io.timeout(1000).emit("poll", (err, responses) => {});
   * ```
   */
  timeout(timeout: number): BroadcastOperator<DecorateAcknowledgementsWithTimeoutAndMultipleResponses<EmitEvents>, SocketData> {
    return this.sockets.timeout(timeout);
  }

  /** The sockets of the main namespace. */
  fetchSockets(): Promise<RemoteSocket<EmitEvents, SocketData>[]> {
    return this.sockets.fetchSockets();
  }

  /** Make every socket of the main namespace join rooms. */
  socketsJoin(room: Room | Room[]): void {
    this.sockets.socketsJoin(room);
  }

  /** Make every socket of the main namespace leave rooms. */
  socketsLeave(room: Room | Room[]): void {
    this.sockets.socketsLeave(room);
  }

  /** Disconnect every socket of the main namespace. */
  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  // Listener methods act on the main namespace, as in socket.io (`io.on("connection")`).

  override on<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    (this.sockets.on as (ev: unknown, l: unknown) => unknown)(ev, listener);
    return this;
  }

  override addListener<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    return this.on(ev, listener);
  }

  override once<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    (this.sockets.once as (ev: unknown, l: unknown) => unknown)(ev, listener);
    return this;
  }

  override prependListener<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
    listener: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    (this.sockets.prependListener as (ev: unknown, l: unknown) => unknown)(ev, listener);
    return this;
  }

  override off<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    (this.sockets.off as (ev: unknown, l: unknown) => unknown)(ev, listener);
    return this;
  }

  override removeListener<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev?: Ev,
    listener?: ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>,
  ): this {
    return this.off(ev, listener);
  }

  override removeAllListeners<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev?: Ev,
  ): this {
    (this.sockets.removeAllListeners as (ev: unknown) => unknown)(ev);
    return this;
  }

  override listeners<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
  ): ReservedOrUserListener<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents, Ev>[] {
    return (this.sockets.listeners as (ev: unknown) => never)(ev);
  }

  override listenerCount<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
  ): number {
    return (this.sockets.listenerCount as (ev: unknown) => number)(ev);
  }

  override hasListeners<Ev extends ReservedOrUserEventNames<ServerReservedEventsMap<ListenEvents, EmitEvents, ServerSideEvents, SocketData>, ServerSideEvents>>(
    ev: Ev,
  ): boolean {
    return (this.sockets.hasListeners as (ev: unknown) => boolean)(ev);
  }

  override eventNames(): (string | symbol)[] {
    return this.sockets.eventNames();
  }
}

function isServer(value: object): boolean {
  return typeof (value as { listen?: unknown }).listen === "function";
}

/** socket.io stores the path without trailing slash; the engine adds it back. */
function trimPath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
