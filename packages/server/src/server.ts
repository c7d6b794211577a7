/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import { Adapter, SessionAwareAdapter, type AdapterNamespace } from "@switchboard/adapter";
import type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
import type { Server as Engine } from "@switchboard/engine";
import { preEncode, type DeadlineQueue } from "@switchboard/engine/internal";
import * as defaultParser from "@switchboard/parser";
import type { Packet } from "@switchboard/parser";
import createDebug from "debug";
import { connectQueue } from "./admission.js";
import {
  attachEngine,
  httpServerFor,
  isServer,
  trimPath,
  type AttachTarget,
  type HttpLikeServer,
} from "./attach.js";
import { Client } from "./client.js";
import type { EngineConnection, PacketEncoder, Parser } from "./contracts.js";
import { ErrorCode, SocketIOError } from "./errors.js";
import { wireForwarding } from "./forwarding.js";
import { resolveLimits, type Limits } from "./limits.js";
import { checkFlowOptions } from "./backpressure.js";
import { resolveRateLimit, type RateLimiter } from "./rate-limit.js";
import type { Namespace } from "./namespace.js";
import { MainNamespaceApi } from "./main-namespace.js";
import { NamespaceRegistry, type ParentNspNameMatchFn } from "./namespace-registry.js";
import {
  resolveRecovery,
  type AdapterConstructor,
  type ResolvedRecovery,
  type ServerOptions,
} from "./options.js";
import type { Socket } from "./socket.js";

const debug = createDebug("socket.io:server");

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
> extends MainNamespaceApi<ListenEvents, EmitEvents, ServerSideEvents, SocketData> {
  /** The main namespace `/`. */
  readonly sockets: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>;
  /** The Engine.IO server, once attached or bound. */
  engine!: Engine;
  /** @internal Alias of {@link Server.engine}: socket.io's (private) name, which tools and its tests read. */
  get eio(): Engine {
    return this.engine;
  }

  /** The HTTP server attached to, if any. */
  httpServer: HttpLikeServer | undefined;
  /** @internal */
  readonly encoder: PacketEncoder;
  /** @internal */
  readonly _parser: Parser;
  /** @internal */
  readonly _nsps = new Map<
    string,
    Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData>
  >();
  /** @internal */
  readonly _opts: ServerOptions;
  /** @internal */
  readonly _recovery: ResolvedRecovery | undefined;
  /** @internal */
  readonly _cleanupEmptyChildNamespaces: boolean;
  /** @internal `maxNamespacesPerConnection`, `maxPendingAcks`, `maxAttachments` */
  readonly _limits: Limits;
  /** @internal `rateLimit` (issue #18), when given */
  readonly _rateLimiter: RateLimiter | undefined;
  /** @internal one shared timer for every connection's `connectTimeout` */
  _connectQueue: DeadlineQueue<Client>;
  readonly #registry = new NamespaceRegistry<
    ListenEvents,
    EmitEvents,
    ServerSideEvents,
    SocketData
  >(this);
  #path: string;
  #serveClient: boolean;
  #adapter: AdapterConstructor | undefined;
  #connectTimeout: number;
  /** @internal The built-in parser is in use (custom parsers get no shared decoder or pre-encoding). */
  readonly _defaultParser: boolean;

  // The options are typed by the server's event maps so that a `contract` infers them (ServerOptions).
  constructor(opts?: Partial<ServerOptions<ListenEvents, EmitEvents>>);
  constructor(srv?: AttachTarget, opts?: Partial<ServerOptions<ListenEvents, EmitEvents>>);
  constructor(
    srv: AttachTarget | Partial<ServerOptions<ListenEvents, EmitEvents>> | undefined,
    opts?: Partial<ServerOptions<ListenEvents, EmitEvents>>,
  );
  constructor(
    srv?: AttachTarget | Partial<ServerOptions<ListenEvents, EmitEvents>>,
    opts: Partial<ServerOptions<ListenEvents, EmitEvents>> = {},
  ) {
    super();
    if (typeof srv === "object" && srv !== null && !isServer(srv)) {
      opts = srv as Partial<ServerOptions<ListenEvents, EmitEvents>>;
      srv = undefined;
    }
    this._opts = { ...opts };
    this._limits = resolveLimits(opts);
    checkFlowOptions(opts);
    this._rateLimiter = resolveRateLimit(opts.rateLimit);
    this.#path = trimPath(opts.path ?? "/socket.io");
    this.#serveClient = opts.serveClient !== false;
    this._parser = (opts.parser as Parser | undefined) ?? (defaultParser as unknown as Parser);
    this.encoder = new this._parser.Encoder();
    this._defaultParser = opts.parser === undefined || opts.parser === defaultParser;
    this._recovery = resolveRecovery(opts.connectionStateRecovery);
    this._cleanupEmptyChildNamespaces = opts.cleanupEmptyChildNamespaces === true;
    this.#adapter = opts.adapter;
    this.#connectTimeout = opts.connectTimeout ?? 45_000;
    this._connectQueue = connectQueue(this.#connectTimeout);
    this.sockets = this.of("/");
    if (opts.contract !== undefined) this.sockets.contract(opts.contract);
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
    wireForwarding(this.engine, this.sockets.adapter, this._opts.forwarding);
    return this;
  }

  /** Get or set the delay a connection has to join a namespace. */
  connectTimeout(): number;
  connectTimeout(v: number): this;
  connectTimeout(v?: number): number | this {
    if (v === undefined) return this.#connectTimeout;
    this.#connectTimeout = v;
    this._connectQueue.clear();
    this._connectQueue = connectQueue(v);
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
    const server = httpServerFor(srv);
    Object.assign(this._opts, opts);
    if (opts.path !== undefined) this.#path = trimPath(opts.path);
    this._opts.path = this.#path;
    this.httpServer = server;
    this.bind(attachEngine(server, this._opts, this.#serveClient));
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
    throw new SocketIOError(
      ErrorCode.NOT_SUPPORTED,
      "attachApp() (uWebSockets.js) is not supported by @switchboard/server",
    );
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
    wireForwarding(engine, this.sockets.adapter, this._opts.forwarding);
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
    return this.#registry.of(name, fn);
  }

  /** @internal Find a dynamic namespace accepting `name`, creating the child. */
  _checkNamespace(
    name: string,
    auth: Record<string, unknown>,
    done: (nsp: Namespace<ListenEvents, EmitEvents, ServerSideEvents, SocketData> | false) => void,
  ): void {
    this.#registry.check(name, auth, done);
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
}
