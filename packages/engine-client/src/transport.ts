import { Emitter } from "@switchboard/emitter";
import { decodePacket } from "@switchboard/engine-parser";
import { shape, type Packet } from "./codec.js";
import { TransportError, type ErrorCode } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { CookieJar, Platform, RawData } from "./platform.js";
import { encodeQuery } from "./url.js";
import { NODE } from "#runtime";

/** Why a transport closed, passed along to the socket's `close` event. */
export interface CloseDetails {
  description: string;
  context?: unknown;
}

export interface TransportEvents {
  open: () => void;
  packet: (packet: Packet) => void;
  drain: () => void;
  close: (details?: CloseDetails) => void;
  error: (err: TransportError) => void;
  poll: () => void;
  pollComplete: () => void;
}

export type TransportState = "opening" | "open" | "closed" | "pausing" | "paused";

/**
 * What a transport needs from its socket: the options, the session and the socket's {@link Platform}, whose members
 * are spread into the context (one object, read as `ctx.request(…)`: no second hop in every call).
 */
export interface TransportContext extends Platform {
  opts: ResolvedOptions;
  /** Node only (browsers keep cookies themselves). */
  jar?: CookieJar | undefined;
  /** Set once the handshake gave a session id. */
  sid: string | undefined;
}

/**
 * A transport class, for the `transportImplementations` option (engine.io-client's `TransportCtor`): its
 * prototype's `name` says which transport it is.
 */
export interface TransportCtor {
  new (ctx: TransportContext): Transport;
  prototype: Transport;
}

/**
 * Base of the transports: a state machine around one connection mechanism. Subclasses implement
 * `doOpen`, `doClose` and `write`; received raw data goes through `onData`.
 */
export abstract class Transport extends Emitter<
  Record<never, never>,
  Record<never, never>,
  TransportEvents
> {
  /** `polling` or `websocket`. */
  abstract readonly name: string;
  /** Whether `send` may be called now (no write in flight). */
  writable = false;
  /** `undefined` until opened (`declare`: no field definition in the bundle). */
  declare readyState: TransportState | undefined;
  // `declare` fields here are set in the constructor: no class-field definitions in the bundle.
  /** Query parameters of this transport's requests: the user's, plus `sid` once known. */
  declare readonly query: Record<string, string>;
  declare protected readonly ctx: TransportContext;

  constructor(ctx: TransportContext) {
    super();
    this.ctx = ctx;
    this.query = { ...ctx.opts.query };
    if (ctx.sid) this.query.sid = ctx.sid;
  }

  /** Opens the transport. */
  open(): this {
    this.readyState = "opening";
    this.doOpen();
    return this;
  }

  /** Closes the transport (sends a `close` packet when the mechanism needs one). */
  close(): this {
    if (this.readyState !== undefined && this.readyState !== "closed") {
      this.doClose();
      this.onClose();
    }
    return this;
  }

  /** Closes without waiting on the peer (used on errors and timeouts). */
  abort(): void {
    this.close();
  }

  /** Writes packets; ignored unless open. The caller waits for `drain` before sending more. */
  send(packets: Packet[]): void {
    if (this.readyState === "open") this.write(packets);
  }

  protected onOpen(): void {
    this.readyState = "open";
    this.writable = true;
    this.emitReserved("open");
  }

  /** Decodes one frame; never throws: bad data gives an `error` packet. */
  protected onData(data: RawData): void {
    const packet = decodePacket(data, this.ctx.binaryType) as Packet;
    this.onPacket(NODE ? shape(packet, this.ctx) : packet);
  }

  protected onPacket(packet: Packet): void {
    this.emitReserved("packet", packet);
  }

  protected onClose(details?: CloseDetails): void {
    this.readyState = "closed";
    this.writable = false;
    this.emitReserved("close", details);
  }

  protected onError(
    message: string,
    code: ErrorCode,
    description: unknown,
    context?: unknown,
  ): void {
    this.emitReserved("error", new TransportError(code, message, { cause: description, context }));
  }

  /** `scheme://host:port/path/?query`, with the sid and a timestamp when asked for. */
  protected uri(scheme: string, stamp: boolean): string {
    const o = this.ctx.opts;
    const q: Record<string, string> = { ...this.query, EIO: "4", transport: this.name };
    // A short random cache-buster, like engine.io-client's; the random fraction keeps two requests of one
    // millisecond apart.
    if (stamp) q[o.timestampParam] = (Date.now() + Math.random()).toString(36);
    // `forceBase64`: binary as base64 text, which only polling needs to announce.
    if (o.forceBase64 && this.name === "polling") q.b64 = "1";
    const defaultPort = o.secure ? "443" : "80";
    const port = o.port && o.port !== defaultPort ? `:${o.port}` : "";
    const host =
      o.hostname.includes(":") && !o.hostname.startsWith("[") ? `[${o.hostname}]` : o.hostname;
    return `${scheme}${o.secure ? "s" : ""}://${host}${port}${o.path}?${encodeQuery(q)}`;
  }

  protected abstract doOpen(): void;
  protected abstract doClose(): void;
  protected abstract write(packets: Packet[]): void;
}
