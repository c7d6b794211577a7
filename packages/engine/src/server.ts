import { EventEmitter } from "node:events";
import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  Server as HttpServer,
  ServerResponse,
} from "node:http";
import type { Duplex } from "node:stream";
import createDebug from "debug";
import type { WebSocket } from "ws";
import { interceptHttpServer, ownedHttpServers } from "./attach.js";
import { serializeCookie } from "./cookie.js";
import { createCors, type Middleware } from "./cors.js";
import { DeadlineQueue } from "./deadline-queue.js";
import { FlowCounters } from "./flow-control.js";
import { FlushScheduler } from "./flush-scheduler.js";
import {
  HandshakeLimiter,
  writeRefusal,
  writeUpgradeRefusal,
  type Refusal,
} from "./handshake-limits.js";
import { Heartbeat } from "./heartbeat.js";
import { ErrorCodes, ErrorMessages, RequestError } from "./errors.js";
import { abortUpgrade, writeRequestError, writeStatus } from "./http-responses.js";
import {
  normalizePath,
  resolveOptions,
  type AttachOptions,
  type ResolvedOptions,
  type ServerOptions,
} from "./options.js";
import { applyMiddlewares } from "./middleware.js";
import { reportError } from "./report.js";
import { ShapeTable, prepareRequest, type EngineRequest } from "./request.js";
import {
  checkAllowRequest,
  checkVersion,
  obtainId,
  requestProtocol,
  verifyRequest,
} from "./verify.js";
import type { SessionContext } from "./session-context.js";
import { Socket } from "./socket.js";
import { PollingTransport, pollingFormat, type PollingContext } from "./transports/polling.js";
import type { WebSocketTransport } from "./transports/websocket.js";
import { newWebSocketTransport } from "./transports/websocket-v3.js";
import { UpgradeResponse } from "./upgrade-response.js";
import { createWsServer, type WsServerLike } from "./ws-engine.js";
import { ForwardingSlot } from "./forwarding/forwarding-slot.js";
import type * as fwd from "./forwarding/options.js";
import { emitHeaderEvents, wsHeadersListener } from "./header-events.js";

const debug = createDebug("engine");

/** Payload of the `connection_error` event (docs/protocol.md §1.8). */
export interface ConnectionErrorEvent {
  req: IncomingMessage;
  code: number;
  message: string;
  context: Record<string, unknown>;
}

/** Events of the engine server. */
export interface ServerEvents {
  connection: [socket: Socket];
  connection_error: [err: ConnectionErrorEvent];
  /** Every HTTP response and WebSocket handshake; mutate `headers` to change them. */
  headers: [headers: OutgoingHttpHeaders, req: IncomingMessage];
  /** The handshake response only (emitted before `headers`). */
  initial_headers: [headers: OutgoingHttpHeaders, req: IncomingMessage];
}

function ignoreError(): void {}

/**
 * The Engine.IO v4 server: sessions over long-polling and WebSocket, upgrade, heartbeat.
 * @example
 * const engine = new Server({ pingInterval: 10000 });
 * engine.attach(httpServer);
 * engine.on("connection", (socket) => socket.send("welcome"));
 */
export class Server extends EventEmitter<ServerEvents> {
  /** Numeric error codes (compat with `engine.io`'s `Server.errors`). */
  static readonly errors = ErrorCodes;
  /** Messages of the numeric error codes, indexed by code. */
  static readonly errorMessages = ErrorMessages;

  /** Options with defaults applied. */
  readonly opts: ResolvedOptions;
  /** Open sessions by id (a null-prototype record, like `engine.io`'s). */
  readonly clients: Record<string, Socket> = Object.create(null) as Record<string, Socket>;
  #clientsCount = 0;
  /** Backpressure and admission counters (issue #18), read by metrics. */
  readonly flow = new FlowCounters();
  readonly #admission: HandshakeLimiter;
  readonly #middlewares: Middleware[] = [];
  readonly #cors: Middleware | null;
  readonly #wss: WsServerLike | null;
  readonly #ctx: SessionContext;
  readonly #pollingCtx: PollingContext;
  readonly #pendingIds = new WeakMap<IncomingMessage, string>();
  /** Cleanups run by close(): destroy-upgrade timers, http.Servers owned through listen(). */
  readonly #cleanups: Array<() => void> = [];
  readonly #flusher = new FlushScheduler<Socket>(reportError);
  /** Handshake shapes seen, shared by the sessions. */
  readonly #shapes = new ShapeTable();
  /** Relaying requests for sessions other nodes hold (issue #16). */
  readonly #forwarding = new ForwardingSlot(this);

  constructor(opts: ServerOptions = {}) {
    super();
    const o = (this.opts = resolveOptions(opts));
    if (o.cookie !== false) serializeCookie("x", o.cookie); // fail fast on bad cookie options
    this.#cors = o.cors === false ? null : createCors(o.cors);
    this.#admission = new HandshakeLimiter(o.maxConnections, o.handshakeRate);
    this.#wss = o.transports.includes("websocket")
      ? createWsServer(
          o.wsEngine,
          {
            noServer: true,
            clientTracking: false,
            perMessageDeflate: o.perMessageDeflate,
            maxPayload: o.maxHttpBufferSize,
            maxBufferedChunks: o.maxBufferedChunks,
          },
          wsHeadersListener(this, this.#pendingIds),
        )
      : null;
    this.#ctx = {
      server: this,
      opts: o,
      heartbeat: new Heartbeat(o, reportError),
      scheduleFlush: (socket) => this.#flusher.schedule(socket),
      shareShape: (shape) => this.#shapes.share(shape),
      removeSocket: (socket) => {
        if (this.clients[socket.id] === socket) {
          delete this.clients[socket.id];
          this.#clientsCount--;
        }
      },
      upgradesFor: (transport) =>
        transport === "polling" && o.allowUpgrades && o.transports.includes("websocket")
          ? ["websocket"]
          : [],
      decorateHeaders: (headers, req, sid, handshake) =>
        emitHeaderEvents(this, headers, req, sid, handshake),
    };
    this.#pollingCtx = {
      maxHttpBufferSize: o.maxHttpBufferSize,
      maxBufferedChunks: o.maxBufferedChunks,
      bodyQueue: new DeadlineQueue<PollingTransport>(
        o.httpRequestBodyTimeout,
        (t) => t.onBodyTimeout(),
        {
          onError: reportError,
        },
      ),
      httpCompression: o.httpCompression,
      decorateHeaders: this.#ctx.decorateHeaders,
    };
  }

  /** Number of open sessions. */
  get clientsCount(): number {
    return this.#clientsCount;
  }

  /**
   * Creates the id of a new session. Override it (it may return a Promise); ids must be unique and
   * unguessable. A throw or rejection refuses the handshake with code 3.
   * @example engine.generateId = () => crypto.randomUUID();
   */
  generateId(_req: IncomingMessage): string | Promise<string> {
    return this.#forwarding.newId(); // tagged with this node's tag when forwarding is on
  }

  /**
   * Adds an Express-style middleware run for every HTTP request and WebSocket upgrade (before
   * verification). Calling `next(err)` refuses the request with code 3.
   * @example engine.use((req, res, next) => (req.headers.authorization ? next() : next(new Error("nope"))));
   */
  use(fn: Middleware): this {
    this.#middlewares.push(fn);
    return this;
  }

  /**
   * Handles an HTTP request under the engine path (done for you by `attach()`).
   * @example httpServer.on("request", (req, res) => engine.handleRequest(req, res));
   */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const r = prepareRequest(req);
    try {
      // Before middlewares and CORS: the owner runs them (issue #16).
      if (this.#forwarding.routeRequest(r, res, this.clients)) return;
      if (this.#cors === null && this.#middlewares.length === 0) this.#onHttpRequest(r, res);
      else this.#applyMiddlewares(r, res, true, (err) => this.#afterHttpMiddlewares(r, res, err));
    } catch (err) {
      reportError(err);
      writeStatus(res, 500);
    }
  }

  /**
   * Handles an HTTP upgrade under the engine path (done for you by `attach()`).
   * @example httpServer.on("upgrade", (req, socket, head) => engine.handleUpgrade(req, socket, head));
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const r = prepareRequest(req);
    // A reset during verification must not become an unhandled 'error'.
    socket.on("error", ignoreError);
    try {
      if (this.#forwarding.routeUpgrade(r, socket, head, this.clients)) return;
      if (this.#middlewares.length === 0) this.#onUpgradeRequest(r, socket, head);
      else {
        this.#applyMiddlewares(r, new UpgradeResponse(r, socket), false, (err) => {
          if (err === undefined) this.#onUpgradeRequest(r, socket, head);
          else
            this.#refuseUpgrade(
              r,
              socket,
              new RequestError(ErrorCodes.BAD_REQUEST, { name: "MIDDLEWARE_FAILURE" }),
            );
        });
      }
    } catch (err) {
      reportError(err);
      abortUpgrade(socket, ErrorMessages[ErrorCodes.BAD_REQUEST]!);
    }
  }

  /**
   * Intercepts `request` and `upgrade` of an http.Server for the engine path; other paths keep
   * going to the listeners that were there before.
   * @example new Server().attach(httpServer, { path: "/realtime" });
   */
  attach(httpServer: HttpServer, options: AttachOptions = {}): this {
    const timeout = options.destroyUpgradeTimeout ?? 1000;
    this.#cleanups.push(
      interceptHttpServer(
        httpServer,
        {
          path: normalizePath(options.path, options.addTrailingSlash ?? true),
          destroyUpgrade: options.destroyUpgrade ?? true,
          destroyUpgradeTimeout: timeout,
        },
        this,
      ),
    );
    if (ownedHttpServers.has(httpServer)) this.#cleanups.push(() => httpServer.close());
    this.#forwarding.attach(httpServer);
    return this;
  }

  /**
   * Serves requests for sessions other nodes hold, and lets them serve this node's (issue #16,
   * docs/scaling.md): a polling request or upgrade with the `sid` of a peer's session is relayed to
   * that peer, found in `directory` by the tag that starts the id. This node's tag is claimed with its
   * address (`options.address`, else that of the attached http.Server once it listens); sessions
   * created from then on carry the tag (unless `generateId` is overridden). Calling it again with
   * another directory moves the claim there. The Socket.IO server calls it for you when its adapter
   * has a directory.
   * @example
   * engine.enableForwarding(adapter.peerDirectory, { maxInFlight: 5000 });
   * console.log(engine.forwarding?.tag);
   */
  enableForwarding(directory: fwd.ForwardingDirectory, options?: fwd.ForwardingOptions): void {
    this.#forwarding.enable(directory, options, this.generateId !== Server.prototype.generateId);
  }

  /**
   * Stops forwarding: the tag is released, relays in progress are cut and the links closed. Sessions
   * stay; those created from now on are not tagged. `close()` does it too.
   * @example engine.disableForwarding();
   */
  disableForwarding(): void {
    this.#forwarding.disable();
  }

  /**
   * Forwarding counters (a snapshot), or null when forwarding is off.
   * @example const relayed = engine.forwarding?.forwarded ?? 0;
   */
  get forwarding(): fwd.ForwardingStats | null {
    return this.#forwarding.stats;
  }

  /**
   * Closes every session (`forced close`) and stops every timer. The http.Servers stay attached
   * (late requests of closed sessions get their 400); one created by `listen()` is closed, others
   * are left to their owner.
   * @example await new Promise((r) => { engine.close(); httpServer.close(r); });
   */
  close(): this {
    debug("closing all open clients");
    for (const id in this.clients) this.clients[id]!.close(true);
    this.#ctx.heartbeat.clear();
    this.#pollingCtx.bodyQueue.clear();
    this.#wss?.close?.();
    for (const release of this.#cleanups.splice(0)) release();
    this.disableForwarding();
    return this;
  }

  // ---- request pipeline (§1.8: middlewares, then verification, then allowRequest, then EIO) ----

  #applyMiddlewares(
    req: EngineRequest,
    res: ServerResponse,
    http: boolean,
    done: (err?: unknown) => void,
  ): void {
    applyMiddlewares(
      http && this.#cors !== null ? [this.#cors, ...this.#middlewares] : this.#middlewares,
      req,
      res,
      done,
    );
  }

  #afterHttpMiddlewares(req: EngineRequest, res: ServerResponse, err: unknown): void {
    try {
      if (err === undefined) this.#onHttpRequest(req, res);
      else
        this.#refuse(
          req,
          res,
          new RequestError(ErrorCodes.BAD_REQUEST, { name: "MIDDLEWARE_FAILURE" }),
        );
    } catch (e) {
      reportError(e);
      writeStatus(res, 500);
    }
  }

  /** allowRequest, then the EIO version, then the id (§1.8); `done(error)` or `done(null, id)`. */
  #prepareHandshake(
    req: EngineRequest,
    done: (err: RequestError | null, id?: string) => void,
  ): void {
    checkAllowRequest(this.opts.allowRequest, req, (refused) => {
      const error = refused ?? checkVersion(req, this.opts.allowEIO3);
      if (error !== null) return done(error);
      obtainId(
        () => this.generateId(req),
        (id) => this.clients[id] !== undefined,
        done,
        reportError,
      );
    });
  }

  #onHttpRequest(req: EngineRequest, res: ServerResponse): void {
    const error = verifyRequest(req, false, this.opts.transports, this.clients);
    if (error !== null) return this.#refuse(req, res, error);
    const sid = req._query.sid;
    if (sid) {
      const transport = this.clients[sid]!.transport;
      if (transport instanceof PollingTransport) transport.onRequest(req, res);
      else
        this.#refuse(
          req,
          res,
          new RequestError(ErrorCodes.BAD_REQUEST, { name: "TRANSPORT_MISMATCH" }),
        );
      return;
    }
    const refusal = this.#admit(req);
    if (refusal !== null) return writeRefusal(res, refusal);
    this.#prepareHandshake(req, (err, id) => {
      try {
        if (err !== null) return this.#refuse(req, res, err);
        if (res.destroyed) return;
        const transport = new PollingTransport(this.#pollingCtx, id!, pollingFormat(req));
        const socket = this.#open(id!, transport, req);
        transport.onRequest(req, res);
        this.#announce(socket);
      } catch (e) {
        reportError(e);
        writeStatus(res, 500);
      }
    });
  }

  #onUpgradeRequest(req: EngineRequest, socket: Duplex, head: Buffer): void {
    const error = verifyRequest(req, true, this.opts.transports, this.clients);
    if (error !== null) return this.#refuseUpgrade(req, socket, error);
    const wss = this.#wss!;
    const sid = req._query.sid;
    if (sid) {
      // §1.6.1: a session that cannot take this probe (already upgraded, upgrading, closing) still
      // gets the 101, then a close, as on the reference server: clients treat a 400 here as fatal.
      const session = this.clients[sid]!;
      wss.handleUpgrade(req, socket, head, (ws) => this.#onProbe(session, ws, req));
      return;
    }
    const refusal = this.#admit(req);
    if (refusal !== null) return writeUpgradeRefusal(socket, refusal);
    this.#prepareHandshake(req, (err, id) => {
      try {
        if (err !== null) return this.#refuseUpgrade(req, socket, err);
        this.#pendingIds.set(req, id!);
        wss.handleUpgrade(req, socket, head, (ws) => this.#onWebSocketHandshake(req, ws, id!));
      } catch (e) {
        reportError(e);
        socket.destroy();
      }
    });
  }

  #onWebSocketHandshake(req: EngineRequest, ws: WebSocket, id: string): void {
    this.#pendingIds.delete(req);
    // `ws` handles the socket's errors from now on; ours would stay as a listener array per session.
    req.socket.removeListener("error", ignoreError);
    try {
      if (this.clients[id] !== undefined) {
        ws.close();
        return;
      }
      this.#announce(this.#open(id, newWebSocketTransport(ws, req), req));
    } catch (err) {
      reportError(err);
      ws.terminate();
    }
  }

  #onProbe(session: Socket, ws: WebSocket, req: EngineRequest): void {
    (ws as unknown as { _socket?: Duplex })._socket?.removeListener("error", ignoreError);
    const probe = newWebSocketTransport(ws, req);
    const accepted =
      this.opts.allowUpgrades &&
      this.clients[session.id] === session &&
      session.beginUpgrade(probe);
    if (!accepted) probe.shutdown("graceful");
  }

  /** `maxConnections` and `handshakeRate` (issue #18): null admits the handshake. */
  #admit(req: EngineRequest): Refusal | null {
    if (!this.#admission.active) return null;
    const refusal = this.#admission.check(req, this.#clientsCount);
    if (refusal === null) return null;
    debug("refusing handshake with %d", refusal.status);
    if (refusal.status === 503) this.flow.refusedMaxConnections++;
    else this.flow.refusedHandshakeRate++;
    return refusal;
  }

  #open(id: string, transport: PollingTransport | WebSocketTransport, req: EngineRequest): Socket {
    // A WebSocket session drops its IncomingMessage (about 1 KB) unless middlewares or allowRequest,
    // which may have stored things on it, saw it (see `Socket#request`). A polling session keeps it.
    const keepRequest =
      transport.name === "polling" ||
      this.#middlewares.length > 0 ||
      this.opts.allowRequest !== undefined;
    const socket = new Socket(id, this.#ctx, transport, req, keepRequest);
    if (requestProtocol(req) === 3) socket._useProtocol3();
    this.clients[id] = socket;
    this.#clientsCount++;
    socket.open();
    return socket;
  }

  #announce(socket: Socket): void {
    debug("new session %s over %s", socket.id, socket.transport.name);
    try {
      this.emit("connection", socket);
    } catch (err) {
      reportError(err);
    }
  }

  #refuse(req: EngineRequest, res: ServerResponse, err: RequestError): void {
    debug("refusing request: %s", err.message);
    this.#emitConnectionError(req, err);
    writeRequestError(res, err);
  }

  #refuseUpgrade(req: EngineRequest, socket: Duplex, err: RequestError): void {
    debug("refusing upgrade: %s", err.message);
    this.#emitConnectionError(req, err);
    abortUpgrade(socket, err.message);
  }

  #emitConnectionError(req: EngineRequest, err: RequestError): void {
    if (this.listenerCount("connection_error") === 0) return;
    try {
      this.emit("connection_error", {
        req,
        code: err.errorCode,
        message: err.message,
        context: err.context,
      });
    } catch (e) {
      reportError(e);
    }
  }
}
