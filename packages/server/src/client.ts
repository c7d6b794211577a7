import { PacketType, type Packet } from "@switchboard/parser";
import debugModule from "debug";
import type { SendData } from "@switchboard/engine";
import type { IncomingMessage } from "node:http";
import type { EngineConnection, EngineWriteOptions, PacketDecoder, PacketEncoder } from "./contracts.js";
import type { Namespace } from "./namespace.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";

const debug = debugModule("socket.io:client");

/** @internal Write options of the Socket.IO layer. */
export interface WriteOptions extends EngineWriteOptions {
  volatile?: boolean;
}

const DEFAULT_WRITE: WriteOptions = Object.freeze({ compress: true });

/* eslint-disable @typescript-eslint/no-explicit-any -- a client serves sockets of every event map */
type AnySocket = Socket<any, any, any, any>;
type AnyServer = Server<any, any, any, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/**
 * One Engine.IO connection and the namespace sockets multiplexed over it (PROTOCOL.md §2.4): one
 * decoder per connection and one bound handler per event, shared by every packet.
 */
export class Client {
  readonly conn: EngineConnection;
  readonly server: AnyServer;
  readonly #encoder: PacketEncoder;
  readonly #decoder: PacketDecoder;
  readonly #sockets = new Map<string, AnySocket>();
  readonly #nsps = new Map<string, AnySocket>();
  /** Namespaces whose CONNECT is being processed (middlewares may be async). */
  #connecting: Set<string> | undefined;
  #closed = false;

  /** @internal */
  constructor(server: AnyServer, conn: EngineConnection) {
    this.server = server;
    this.conn = conn;
    this.#encoder = server.encoder;
    this.#decoder = new server._parser.Decoder();
    this.#decoder.on("decoded", this.#ondecoded);
    conn.on("data", this.#ondata);
    // Engine errors are not forwarded to the sockets: the engine closes the session itself and
    // the sockets learn why from the disconnect reason (what socket.io users observe).
    conn.on("close", this.#onclose);
    server._connectQueue.add(this);
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
    const parts = this.#encoder.encode(packet);
    for (let i = 0; i < parts.length; i++) this.conn.send(parts[i] as SendData, opts);
  }

  /** @internal Write parts already encoded once for many recipients (broadcast fast path). */
  _writePrepared(parts: readonly unknown[], opts: WriteOptions): void {
    if (this.conn.readyState !== "open") return;
    if (opts.volatile === true && !this.conn.transport.writable) return;
    for (let i = 0; i < parts.length; i++) this.conn.send(parts[i] as SendData, opts);
  }

  /** @internal A socket left its namespace. */
  _remove(socket: AnySocket): void {
    if (this.#sockets.get(socket.id) === socket) {
      this.#sockets.delete(socket.id);
      this.#nsps.delete(socket.nsp.name);
    }
  }

  /** @internal `socket.disconnect(true)`: leave every namespace, then close the connection. */
  _disconnect(): void {
    for (const socket of [...this.#sockets.values()]) socket.disconnect();
    this.#sockets.clear();
    this.#nsps.clear();
    // The engine writes the queued DISCONNECT packets before its close packet.
    this._close();
  }

  /**
   * @internal Close the Engine.IO connection (invalid state on the client's side). The default
   * reason is what socket.io 4.8 reports in that case (verified), not PROTOCOL.md's `forced server close`.
   */
  _close(reason = "forced close"): void {
    // Sockets learn the reason first; the engine's own close event then finds nothing left.
    this.#onclose(reason);
    if (this.conn.readyState === "open") this.conn.close();
  }

  readonly #ondata = (data: unknown): void => {
    try {
      this.#decoder.add(data);
    } catch (err) {
      this.#onDecodeError(err);
    }
  };

  readonly #ondecoded = (packet: Packet): void => {
    const name = packet.nsp || "/";
    if (packet.type === PacketType.CONNECT) {
      // The official client sends CONNECT twice when `connect()` is called on an auto-connecting
      // socket: while the first is being processed (or in the same tick) the second is ignored.
      if (this.#connecting?.has(name) === true) return;
      if (this.#nsps.has(name)) {
        debug("second CONNECT for %s: closing", name);
        this._close();
        return;
      }
      this.#connect(name, packet.data);
      return;
    }
    const socket = this.#nsps.get(name);
    if (socket !== undefined && packet.type !== PacketType.CONNECT_ERROR) {
      socket._onpacket(packet);
      return;
    }
    // PROTOCOL.md §2.7: a packet for a namespace the client has not joined closes the connection.
    debug("invalid state (packet type %d for %s): closing", packet.type, name);
    this._close();
  };

  #connect(name: string, data: unknown): void {
    const auth = isPlainObject(data) ? data : {};
    if (this.server._nsps.has(name)) {
      this.#doConnect(name, auth);
      return;
    }
    (this.#connecting ??= new Set()).add(name);
    this.server._checkNamespace(name, auth, (nsp) => {
      this.#connecting?.delete(name);
      if (this.#closed) return;
      if (nsp !== false) {
        this.#doConnect(name, auth);
        return;
      }
      debug("invalid namespace %s", name);
      this._packet({ type: PacketType.CONNECT_ERROR, nsp: name, data: { message: "Invalid namespace" } });
    });
  }

  #doConnect(name: string, auth: Record<string, unknown>): void {
    const nsp: Namespace = this.server.of(name);
    (this.#connecting ??= new Set()).add(name);
    nsp._add(this, auth, (socket) => {
      // Duplicates arriving in the same tick (see #ondecoded) are still ignored, as socket.io does.
      process.nextTick(() => this.#connecting?.delete(name));
      if (socket === undefined || this.#closed) return;
      this.#sockets.set(socket.id, socket);
      this.#nsps.set(nsp.name, socket);
      this.server._connectQueue.delete(this);
    });
  }

  #onDecodeError(err: unknown): void {
    debug("invalid packet: %o", err);
    const error = err instanceof Error ? err : new Error(String(err));
    for (const socket of this.#sockets.values()) socket._onerror(error);
    // Issue 3 / PROTOCOL.md §3: a decoder error is reported as `parse error` (socket.io 4.8 says
    // `forced close`); the client sees its transport closed either way.
    this._close("parse error");
  }

  readonly #onclose = (reason: string, description?: unknown): void => {
    if (this.#closed) return;
    this.#closed = true;
    debug("client close with reason %s", reason);
    this.server._connectQueue.delete(this);
    for (const socket of [...this.#sockets.values()]) socket._onclose(reason, description);
    this.#sockets.clear();
    this.#nsps.clear();
    this.#decoder.destroy();
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
