// The engine's hold on forwarding (issue #16): on or off, the http.Servers whose address may be
// advertised, and the hooks the request pipeline calls. Keeps the Server class about sessions.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import createDebug from "debug";
import { defaultGenerateId } from "../ids.js";
import type { ResolvedOptions } from "../options.js";
import type { EngineRequest } from "../request.js";
import { Forwarder, type ForwarderHost } from "./forwarder.js";
import {
  resolveForwardingOptions,
  type ForwardingDirectory,
  type ForwardingOptions,
  type ForwardingStats,
} from "./options.js";
import { stripHopMarker } from "./sid-tag.js";

const debug = createDebug("engine:forwarding");

/** @internal What the slot needs from its engine. */
export interface SlotHost {
  readonly opts: ResolvedOptions;
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** @internal Forwarding of one engine server. */
export class ForwardingSlot {
  readonly #engine: SlotHost;
  readonly #httpServers: HttpServer[] = [];
  /** Requests the forwarder handed back to be answered here: they go through the pipeline as usual. */
  readonly #local = new WeakSet<IncomingMessage>();
  #forwarder: Forwarder | null = null;

  constructor(engine: SlotHost) {
    this.#engine = engine;
  }

  get stats(): ForwardingStats | null {
    return this.#forwarder?.stats ?? null;
  }

  /** An http.Server the engine was attached to. */
  attach(httpServer: HttpServer): void {
    this.#httpServers.push(httpServer);
    this.#forwarder?.watch(httpServer);
  }

  /** `customIds`: `generateId` is overridden, so this node's sessions cannot be found by peers. */
  enable(directory: ForwardingDirectory, options?: ForwardingOptions, customIds = false): void {
    const opts = resolveForwardingOptions(options);
    if (customIds) debug("generateId is overridden: peers cannot reach this node's sessions");
    if (this.#forwarder !== null) return this.#forwarder.reconfigure(directory, opts);
    const engine = this.#engine;
    const host: ForwarderHost = {
      maxHttpBufferSize: engine.opts.maxHttpBufferSize,
      // A poll is answered within a ping interval: an owner silent for longer is stuck.
      responseTimeout: engine.opts.pingInterval + engine.opts.pingTimeout,
      serveRequest: (req, res) => {
        this.#local.add(req);
        engine.handleRequest(req, res);
      },
      serveUpgrade: (req, socket, head) => {
        this.#local.add(req);
        engine.handleUpgrade(req, socket, head);
      },
    };
    const forwarder = (this.#forwarder = new Forwarder(host, directory, opts));
    for (const httpServer of this.#httpServers) forwarder.watch(httpServer);
  }

  disable(): void {
    this.#forwarder?.close();
    this.#forwarder = null;
  }

  /**
   * Takes a request for a peer's session (true), before middlewares and CORS: the owner runs them.
   * A request a peer relayed here is never forwarded again (no loops), whatever comes of it.
   */
  routeRequest(req: EngineRequest, res: ServerResponse, clients: Record<string, unknown>): boolean {
    const sid = this.#foreignSid(req, clients);
    return sid !== null && this.#forwarder!.routeRequest(req, res, sid);
  }

  /** Same as `routeRequest`, for an upgrade. */
  routeUpgrade(
    req: EngineRequest,
    socket: Duplex,
    head: Buffer,
    clients: Record<string, unknown>,
  ): boolean {
    const sid = this.#foreignSid(req, clients);
    return sid !== null && this.#forwarder!.routeUpgrade(req, socket, head, sid);
  }

  /** The id of a new session made by the default `generateId`: tagged when forwarding is on. */
  newId(): string | Promise<string> {
    return this.#forwarder?.newId() ?? defaultGenerateId();
  }

  /** The `sid` of a request that may be for a peer's session, or null. */
  #foreignSid(req: EngineRequest, clients: Record<string, unknown>): string | null {
    const relayed = stripHopMarker(req);
    if (this.#forwarder === null || relayed || this.#local.has(req)) return null;
    const sid = req._query.sid;
    return sid && clients[sid] === undefined ? sid : null;
  }
}
