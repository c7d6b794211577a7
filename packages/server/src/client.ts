import { Decoder, PacketType, type Packet } from "@switchboard/parser";
import createDebug from "debug";
import type { SendData } from "@switchboard/engine";
import type { IncomingMessage } from "node:http";
import type { EngineConnection, EngineWriteOptions, PacketDecoder } from "./contracts.js";
import { ErrorCode } from "./errors.js";
import type { Namespace } from "./namespace.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";

const debug = createDebug("socket.io:client");
/**
 * Per-packet lines (socket.io logs each packet encoded and decoded) are decided once, from `DEBUG` at start-up:
 * when off, a packet costs one test of this constant and no formatting.
 */
const tracePackets = debug.enabled;

/** @internal Write options of the Socket.IO layer. */
export interface WriteOptions extends EngineWriteOptions {
  volatile?: boolean;
  /** The engine's conflation tag (issue #18). */
  conflate?: string;
  /** Whether backpressure's `drop-oldest` may drop the packet. */
  droppable?: boolean;
}

const DEFAULT_WRITE: WriteOptions = Object.freeze({ compress: true });
/** A packet of several parts (binary attachments) is never dropped or conflated: only whole. */
const WHOLE: WriteOptions = DEFAULT_WRITE;
const WHOLE_UNCOMPRESSED: WriteOptions = Object.freeze({ compress: false });

/** The `connect_error` payload of a CONNECT past `maxNamespacesPerConnection`. */
const TOO_MANY_NAMESPACES = Object.freeze({
  message: "Too many namespaces on this connection",
  data: Object.freeze({ code: ErrorCode.TOO_MANY_NAMESPACES }),
});

/* eslint-disable @typescript-eslint/no-explicit-any -- a client serves sockets of every event map */
type AnySocket = Socket<any, any, any, any>;
type AnyServer = Server<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * One Engine.IO connection and the namespace sockets multiplexed over it (docs/protocol.md §2.4).
 *
 * Kept small, since there is one per connection: no closures (the engine calls `onMessage` and
 * `onClose` through `conn.setHandler`), no Map for the usual single namespace, and with the default
 * parser no decoder of its own until a binary packet needs one (text packets are decoded by one
 * decoder shared by every connection).
 */
export class Client {
  readonly conn: EngineConnection;
  readonly server: AnyServer;
  /** The namespace sockets: none, one, or (several namespaces) an array in connection order. */
  #sockets: AnySocket | AnySocket[] | undefined;
  /** Own decoder: a custom parser's, or one holding a binary packet's attachments. */
  #decoder: PacketDecoder | undefined;
  /**
   * Namespaces whose CONNECT is being processed (middlewares may be async): `false`; `true` once settled, for
   * the rest of that tick (see _doConnect).
   */
  #connecting: Map<string, boolean> | undefined;
  #closed = false;

  /** @internal */
  constructor(server: AnyServer, conn: EngineConnection) {
    this.server = server;
    this.conn = conn;
    if (!server._defaultParser) this.#decoder = this._newDecoder();
    // Engine errors are not forwarded to the sockets: the engine closes the session itself and
    // the sockets learn why from the disconnect reason (what socket.io users observe).
    conn.setHandler(this);
    server._connectQueue.add(this);
    // docs/protocol.md §1.10: a socket.io-client 2.x (Engine.IO v3) never sends CONNECT for "/".
    if (conn.protocol === 3) this._connect("/", {});
  }

  /** The Engine.IO connection id (never sent to other clients). */
  get id(): string {
    return this.conn.id;
  }

  /** The HTTP request that opened the connection. */
  get request(): IncomingMessage {
    return this.conn.request;
  }

  /** @internal Encode and write one packet. */
  _packet(packet: Packet, opts: WriteOptions = DEFAULT_WRITE): void {
    if (this.conn.readyState !== "open") return;
    if (opts.volatile === true && !this.conn.transport.writable) return;
    if (tracePackets) debug("%s: encoding packet %j", this.conn.id, packet);
    const parts = this.server.encoder.encode(packet);
    if (parts.length > 1) opts = whole(opts);
    for (let i = 0; i < parts.length; i++) this.conn.send(parts[i] as SendData, opts);
  }

  /** @internal Write parts already encoded once for many recipients (broadcast fast path). */
  _writePrepared(parts: readonly unknown[], opts: WriteOptions): void {
    if (this.conn.readyState !== "open") return;
    if (opts.volatile === true && !this.conn.transport.writable) return;
    if (parts.length > 1) opts = whole(opts);
    for (let i = 0; i < parts.length; i++) this.conn.send(parts[i] as SendData, opts);
  }

  /** @internal Engine handler: the queued bytes fell back under the high-water mark (issue #18). */
  onDrain(): void {
    for (const socket of this._list()) socket._ondrain();
  }

  /**
   * @internal Leave every namespace with `reason` (`rate limited`): each socket's client gets a DISCONNECT, so
   * it does not reconnect on its own, then the connection closes.
   */
  _disconnectWith(reason: string): void {
    for (const socket of this._list())
      this._packet({ type: PacketType.DISCONNECT, nsp: socket.nsp.name });
    this._close(reason);
  }

  /** @internal A socket left its namespace. */
  _remove(socket: AnySocket): void {
    const sockets = this.#sockets;
    if (sockets === socket) {
      this.#sockets = undefined;
    } else if (Array.isArray(sockets)) {
      const i = sockets.indexOf(socket);
      if (i === -1) return;
      sockets.splice(i, 1);
      if (sockets.length === 1) this.#sockets = sockets[0];
    }
  }

  /** @internal `socket.disconnect(true)`: leave every namespace, then close the connection. */
  _disconnect(): void {
    for (const socket of this._list()) socket.disconnect();
    this.#sockets = undefined;
    // The engine writes the queued DISCONNECT packets before its close packet.
    this._close();
  }

  /**
   * @internal Close the Engine.IO connection (invalid state on the client's side). The default
   * reason is what socket.io 4.8 reports in that case (verified), not docs/protocol.md's `forced server close`.
   */
  _close(reason = "forced close"): void {
    // Sockets learn the reason first; the engine's own close event then finds nothing left.
    this.onClose(reason);
    if (this.conn.readyState === "open") this.conn.close();
  }

  /** @internal Engine handler: one message of the connection. */
  onMessage(data: unknown): void {
    try {
      const own = this.#decoder;
      if (own !== undefined) own.add(data);
      else if (typeof data === "string" && !startsBinaryPacket(data)) decodeShared(this, data);
      else (this.#decoder = this._newDecoder()).add(data);
    } catch (err) {
      this._onDecodeError(err);
    }
  }

  /** @internal socket.io's name for {@link Client.onMessage}, which tools and tests call. */
  ondata(data: unknown): void {
    this.onMessage(data);
  }

  /** @internal A decoded packet (from the own or the shared decoder). */
  _ondecoded(packet: Packet): void {
    if (tracePackets) debug("%s: decoded packet %j", this.conn.id, packet);
    let name = packet.nsp || "/";
    if (packet.type === PacketType.CONNECT) {
      // A v2 client puts its query in the namespace (`/nsp?x=y`): it is the auth payload (§1.10).
      if (this.conn.protocol === 3) ({ name, auth: packet.data } = splitV2Namespace(name));
      // The official client sends CONNECT twice when `connect()` is called on an auto-connecting
      // socket: while the first is being processed (or in the same tick) the second is ignored.
      if (this.#connecting?.has(name) === true) return;
      if (this._find(name) !== undefined) {
        debug("second CONNECT for %s: closing", name);
        this._close();
        return;
      }
      // Refused before any namespace lookup, so a flood of CONNECTs creates nothing (issue #12).
      if (this._namespaceCount() >= this.server._limits.namespaces) {
        debug("maxNamespacesPerConnection reached: refusing %s", name);
        this._packet({ type: PacketType.CONNECT_ERROR, nsp: name, data: TOO_MANY_NAMESPACES });
        return;
      }
      this._connect(name, packet.data);
      return;
    }
    const socket = this._find(name);
    if (socket !== undefined && packet.type !== PacketType.CONNECT_ERROR) {
      socket._onpacket(packet);
      return;
    }
    // docs/protocol.md §2.7: a packet for a namespace the client has not joined closes the connection.
    debug("invalid state (packet type %d for %s): closing", packet.type, name);
    this._close();
  }

  /** @internal */ private _newDecoder(): PacketDecoder {
    // Without the `maxAttachments` option a custom parser's Decoder is built as socket.io builds it: no arguments.
    const opts = this.server._limits.decoder;
    const decoder =
      opts === undefined
        ? new this.server._parser.Decoder()
        : new this.server._parser.Decoder(opts);
    decoder.on("decoded", (packet) => this._ondecoded(packet));
    return decoder;
  }

  /** @internal */ private _find(nsp: string): AnySocket | undefined {
    const sockets = this.#sockets;
    if (sockets === undefined) return undefined;
    if (!Array.isArray(sockets)) return sockets.nsp.name === nsp ? sockets : undefined;
    for (const socket of sockets) if (socket.nsp.name === nsp) return socket;
    return undefined;
  }

  /** @internal Namespaces joined or being joined. */
  private _namespaceCount(): number {
    const sockets = this.#sockets;
    let n = sockets === undefined ? 0 : Array.isArray(sockets) ? sockets.length : 1;
    if (this.#connecting !== undefined)
      for (const settled of this.#connecting.values()) if (!settled) n++;
    return n;
  }

  /** @internal A copy of the sockets, safe to iterate while they leave. */
  private _list(): AnySocket[] {
    const sockets = this.#sockets;
    if (sockets === undefined) return [];
    return Array.isArray(sockets) ? sockets.slice() : [sockets];
  }

  /** @internal */ private _addSocket(socket: AnySocket): void {
    const sockets = this.#sockets;
    if (sockets === undefined) this.#sockets = socket;
    else if (Array.isArray(sockets)) sockets.push(socket);
    else this.#sockets = [sockets, socket];
  }

  /** @internal */ private _connect(name: string, data: unknown): void {
    const auth = isPlainObject(data) ? data : {};
    if (this.server._nsps.has(name)) {
      this._doConnect(name, auth);
      return;
    }
    this._startConnecting(name);
    this.server._checkNamespace(name, auth, (nsp) => {
      this._doneConnecting(name);
      if (this.#closed) return;
      if (nsp !== false) {
        this._doConnect(name, auth);
        return;
      }
      debug("invalid namespace %s", name);
      this._packet({
        type: PacketType.CONNECT_ERROR,
        nsp: name,
        data: { message: "Invalid namespace" },
      });
    });
  }

  /** @internal */ private _startConnecting(name: string): void {
    (this.#connecting ??= new Map()).set(name, false);
  }

  /** @internal */
  _doneConnecting(name: string): void {
    const connecting = this.#connecting;
    if (connecting === undefined) return;
    connecting.delete(name);
    if (connecting.size === 0) this.#connecting = undefined;
  }

  /** @internal */ private _doConnect(name: string, auth: Record<string, unknown>): void {
    const nsp: Namespace = this.server.of(name);
    this._startConnecting(name);
    nsp._add(this, auth, (socket) => {
      // Duplicates arriving in the same tick (see _ondecoded) are still ignored, as socket.io does.
      this.#connecting?.set(name, true);
      process.nextTick(doneConnecting, this, name);
      if (socket === undefined || this.#closed) return;
      // The one line that ties the engine's session id (in engine:* lines) to the socket id (socket.io:*).
      debug("engine session %s: socket %s joined %s", this.conn.id, socket.id, name);
      this._addSocket(socket);
      this.server._connectQueue.delete(this);
    });
  }

  /** @internal */ private _onDecodeError(err: unknown): void {
    debug("invalid packet: %o", err);
    const error = err instanceof Error ? err : new Error(String(err));
    for (const socket of this._list()) socket._onerror(error);
    // Issue 3 / docs/protocol.md §3: a decoder error is reported as `parse error` (socket.io 4.8 says
    // `forced close`); the client sees its transport closed either way.
    this._close("parse error");
  }

  /** @internal Engine handler: the connection closed (or `_close` was called). */
  onClose(reason: string, description?: unknown): void {
    if (this.#closed) return;
    this.#closed = true;
    debug("client close with reason %s", reason);
    this.server._connectQueue.delete(this);
    const sockets = this._list();
    this.#sockets = undefined;
    for (const socket of sockets) socket._onclose(reason, description);
    this.#decoder?.destroy();
  }
}

function whole(opts: WriteOptions): WriteOptions {
  if (opts.conflate === undefined && opts.droppable !== true) return opts;
  const compress = opts.compress !== false;
  return opts.volatile === true
    ? { volatile: true, compress }
    : compress
      ? WHOLE
      : WHOLE_UNCOMPRESSED;
}

function doneConnecting(client: Client, name: string): void {
  client._doneConnecting(name);
}

/** BINARY_EVENT (`5`) and BINARY_ACK (`6`) are followed by attachments: they need an own decoder. */
function startsBinaryPacket(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 53 || c === 54;
}

// The shared decoder: a text packet without attachments is decoded synchronously in one call, so
// one decoder serves every connection; `decoding` says whose packet it is.
let shared: Decoder | undefined;
let decoding: Client | undefined;

function decodeShared(client: Client, text: string): void {
  if (shared === undefined) {
    shared = new Decoder();
    shared.on("decoded", (packet) => decoding?._ondecoded(packet));
  }
  const previous = decoding;
  decoding = client;
  try {
    shared.add(text);
  } finally {
    decoding = previous;
  }
}

/** `/nsp?x=y` → name `/nsp`, auth `{ x: "y" }` (repeated keys: the last wins, as socket.io 4). */
function splitV2Namespace(nsp: string): { name: string; auth: Record<string, string> } {
  const q = nsp.indexOf("?");
  if (q === -1) return { name: nsp, auth: {} };
  return { name: nsp.slice(0, q), auth: Object.fromEntries(new URLSearchParams(nsp.slice(q + 1))) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
