import type { IncomingMessage } from "node:http";
import type { ZlibOptions } from "node:zlib";
import type { PerMessageDeflateOptions } from "ws";
import { InvalidOptionError } from "./errors.js";
import { defaultWsEngine, type WsEngine } from "./ws-engine.js";
import {
  resolveBackpressure,
  type BackpressureOptions,
  type ResolvedBackpressure,
} from "./flow-control.js";
import {
  resolveHandshakeRate,
  resolveMaxConnections,
  type HandshakeRateOptions,
} from "./handshake-limits.js";
import type { CorsOptions } from "./cors.js";
import type { CookieOptions } from "./cookie.js";

/** Transports this server can speak (WebTransport is not supported, see README). */
export type TransportName = "polling" | "websocket";

/** `allowRequest` callback: `fn(null, true)` accepts, `fn("message", false)` refuses with code 4. */
export type AllowRequestFunction = (
  req: IncomingMessage,
  fn: (err: string | null | undefined, success: boolean) => void,
) => void;

/** Options of `httpCompression` (gzip/deflate of polling responses); zlib options pass through. */
export interface HttpCompressionOptions extends ZlibOptions {
  /** Smallest body, in bytes, that is compressed. Default 1024. */
  threshold?: number;
}

/** Engine options; every default matches the reference `engine.io` server (docs/protocol.md §1.10). */
export interface ServerOptions {
  /** Milliseconds between server pings. Default 25000. */
  pingInterval?: number;
  /** Milliseconds the client has to answer a ping before `ping timeout`. Default 20000. */
  pingTimeout?: number;
  /** Milliseconds an upgrade may take before it is cancelled. Default 10000. */
  upgradeTimeout?: number;
  /** Largest polling POST body and WebSocket message, in bytes. Default 1e6. */
  maxHttpBufferSize?: number;
  /** Milliseconds a polling POST body may take to arrive before `408` and `transport error`. Default 30000. */
  httpRequestBodyTimeout?: number;
  /** Most `data` chunks a polling POST body may arrive in before `413` and `transport error`. Default 10000. */
  maxBufferedChunks?: number;
  /** Decides whether a handshake is accepted (code 4 / 403 when refused). */
  allowRequest?: AllowRequestFunction;
  /** Transports accepted for new sessions and upgrades. Default `["polling", "websocket"]` (`webtransport` is ignored). */
  transports?: Array<TransportName | "webtransport">;
  /** Whether polling sessions may upgrade to WebSocket. Default true. */
  allowUpgrades?: boolean;
  /** WebSocket permessage-deflate (passed to `ws`). Default false. */
  perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** gzip/deflate of polling responses above a threshold. Default `{ threshold: 1024 }`; false disables. */
  httpCompression?: boolean | HttpCompressionOptions;
  /** A `message` queued right after the open packet of every session. */
  initialPacket?: string | Buffer;
  /** Sets a session cookie (`io=<sid>`) on the handshake response. Default false. */
  cookie?: boolean | CookieOptions;
  /** CORS headers and preflight handling. Off by default (no Access-Control-* headers). */
  cors?: boolean | CorsOptions;
  /**
   * Accepts Engine.IO v3 clients (socket.io-client 2.x): handshakes without `EIO=4` (docs/protocol.md
   * §1.10). Default false: they are refused with code 5.
   */
  allowEIO3?: boolean;
  /** The WebSocket server implementation: a class with the contract of `ws`'s WebSocketServer. Default `ws`'s. */
  wsEngine?: WsEngine;
  /**
   * Outgoing flow control per session (issue #18): above `highWaterMark` queued bytes packets wait in
   * the session's queue (`emit()` returns false); at `maxBufferedBytes` the session is closed with
   * `slow consumer` or its oldest droppable packets are dropped. Default `{ highWaterMark: 1 MiB,
   * maxBufferedBytes: 64 MiB, onOverflow: "disconnect" }`; false disables the tracking.
   */
  backpressure?: BackpressureOptions | false;
  /** Most open sessions; further handshakes get 503. Default Infinity. */
  maxConnections?: number;
  /** Handshakes per client address (token bucket); further ones get 429 with `Retry-After`. Default none. */
  handshakeRate?: HandshakeRateOptions;
}

/** Options of `attach()` / `listen()`. */
export interface AttachOptions {
  /** Path the engine answers under (prefix match). Default `/engine.io`. */
  path?: string;
  /** Whether `path` gets a trailing slash. Default true. */
  addTrailingSlash?: boolean;
  /** Destroy upgrade requests for other paths that nobody answered. Default true. */
  destroyUpgrade?: boolean;
  /** Milliseconds to wait before destroying such an upgrade. Default 1000. */
  destroyUpgradeTimeout?: number;
}

/** Options after defaults were applied (what `server.opts` holds). */
export interface ResolvedOptions extends Required<
  Omit<
    ServerOptions,
    "allowRequest" | "initialPacket" | "transports" | "backpressure" | "handshakeRate"
  >
> {
  backpressure: ResolvedBackpressure | false;
  handshakeRate: HandshakeRateOptions | undefined;
  transports: TransportName[];
  allowRequest: AllowRequestFunction | undefined;
  initialPacket: string | Buffer | undefined;
  httpCompression: false | HttpCompressionOptions;
  cookie: false | CookieOptions;
  cors: false | CorsOptions;
  perMessageDeflate: false | PerMessageDeflateOptions;
}

/** Applies the reference defaults and validates ranges. Throws `InvalidOptionError`. */
export function resolveOptions(opts: ServerOptions = {}): ResolvedOptions {
  const transports: TransportName[] = [];
  for (const t of opts.transports ?? ["polling", "websocket"]) {
    // WebTransport (§1.11) is not implemented; listing it (as Socket.IO apps may) just has no effect.
    if ((t as string) === "webtransport") continue;
    if (t !== "polling" && t !== "websocket")
      throw new InvalidOptionError(`unknown transport "${String(t)}"`);
    transports.push(t);
  }
  return {
    pingInterval: positive("pingInterval", opts.pingInterval, 25000),
    pingTimeout: positive("pingTimeout", opts.pingTimeout, 20000),
    upgradeTimeout: positive("upgradeTimeout", opts.upgradeTimeout, 10000),
    maxHttpBufferSize: positive("maxHttpBufferSize", opts.maxHttpBufferSize, 1e6),
    httpRequestBodyTimeout: positive("httpRequestBodyTimeout", opts.httpRequestBodyTimeout, 30000),
    maxBufferedChunks: positive("maxBufferedChunks", opts.maxBufferedChunks, 10000),
    allowRequest: opts.allowRequest,
    transports,
    allowUpgrades: opts.allowUpgrades ?? true,
    perMessageDeflate: opts.perMessageDeflate === true ? {} : (opts.perMessageDeflate ?? false),
    httpCompression:
      opts.httpCompression === false
        ? false
        : { threshold: 1024, ...(opts.httpCompression === true ? {} : opts.httpCompression) },
    initialPacket: opts.initialPacket,
    cookie: opts.cookie === true ? {} : (opts.cookie ?? false),
    cors: opts.cors === true ? {} : (opts.cors ?? false),
    allowEIO3: opts.allowEIO3 === true,
    wsEngine: opts.wsEngine ?? defaultWsEngine,
    backpressure: resolveBackpressure(opts.backpressure),
    maxConnections: resolveMaxConnections(opts.maxConnections),
    handshakeRate: resolveHandshakeRate(opts.handshakeRate),
  };
}

/** Normalises an attach path: default `/engine.io`, one trailing slash unless disabled (§1.1). */
export function normalizePath(path: string | undefined, addTrailingSlash = true): string {
  const base = (path ?? "/engine.io").replace(/\/+$/, "");
  return addTrailingSlash ? base + "/" : base;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(`${name} must be a positive number, got ${String(value)}`);
  }
  return value;
}
