import { NODE } from "#runtime";
import type { TransportCtor } from "./transport.js";
import { currentLocation, parseUri } from "./url.js";

/** TLS options honoured by the Node transports (ignored in browsers). */
export interface TlsOptions {
  pfx?: string | Uint8Array;
  key?: string | Uint8Array;
  passphrase?: string;
  cert?: string | Uint8Array;
  ca?: string | Uint8Array | Array<string | Uint8Array>;
  ciphers?: string;
  /** Default `true`. */
  rejectUnauthorized?: boolean;
}

/** Options of the Engine.IO client socket; names and defaults follow engine.io-client (docs/protocol.md §4). */
export interface SocketOptions extends TlsOptions {
  /** Host name (taken from the URI when one is given). */
  hostname?: string;
  /** `host[:port]` alternative to `hostname`/`port`. */
  host?: string;
  /** Use TLS (`https`/`wss`). */
  secure?: boolean;
  port?: string | number;
  /** Extra query parameters, as an object or a query string. */
  query?: Record<string, unknown> | string;
  /** Default `/engine.io` (Socket.IO passes `/socket.io`). */
  path?: string;
  /** Append `/` to `path`. Default `true`. */
  addTrailingSlash?: boolean;
  /**
   * Transports to use, in order of preference. Default `["polling", "websocket", "webtransport"]` (`webtransport`
   * is not implemented and is skipped). Transport classes are accepted too (engine.io-client's older form).
   */
  transports?: string[] | TransportCtor[];
  /**
   * Transport classes to use instead of the built-in ones, in order of preference, e.g. `[Polling,
   * WebSocketTransport]`; each is known by its prototype's `name`. Not together with `transports` (throws).
   */
  transportImplementations?: TransportCtor[];
  /** Try the next transport when the first fails to open. Default `false`. */
  tryAllTransports?: boolean;
  /** Probe and upgrade to a better transport. Default `true`. */
  upgrade?: boolean;
  /** Start with WebSocket if a previous connection upgraded to it. Default `false`. */
  rememberUpgrade?: boolean;
  /** Add a cache-busting timestamp to every request (always on for polling unless `false`). */
  timestampRequests?: boolean;
  /** Name of the timestamp parameter. Default `t`. */
  timestampParam?: string;
  /** Send binary as base64 text. Default `false`. */
  forceBase64?: boolean;
  /** Send cookies cross-origin (browser) / keep cookies between requests (Node). Default `false`. */
  withCredentials?: boolean;
  /** Extra HTTP headers (Node: every request and the WebSocket; browsers: polling only). */
  extraHeaders?: Record<string, string>;
  /** Close silently when the page unloads (browser). Default `false`. */
  closeOnBeforeunload?: boolean;
  /** Let the Node process exit while only this client is alive. Default `false`. */
  autoUnref?: boolean;
  /** Polling request timeout in ms (Node). */
  requestTimeout?: number;
  /** WebSocket sub-protocols. */
  protocols?: string | string[];
  /** WebSocket compression (Node `ws`). Default `{ threshold: 1024 }`. */
  perMessageDeflate?: boolean | { threshold?: number };
  /** Node `http.Agent` for polling and the WebSocket, or `false`. */
  agent?: unknown;
  /** Per-transport overrides, e.g. `{ polling: { extraHeaders: {...} } }`. */
  transportOptions?: Record<string, Partial<SocketOptions>>;
  /**
   * Use `setTimeout`/`clearTimeout` as they were when the client loaded, even if they were replaced since (a fake
   * clock, a zone library). Default `false`: the globals of the moment each timer is set.
   */
  useNativeTimers?: boolean;
}

/** The options once defaults are applied: what transports read. */
export interface ResolvedOptions extends SocketOptions {
  hostname: string;
  secure: boolean;
  port: string;
  path: string;
  query: Record<string, string>;
  timestampParam: string;
}

/** Record or query string (`a=1&b=2`, values decoded) → record of strings. @internal */
export function toQuery(q: Record<string, unknown> | string | undefined): Record<string, string> {
  if (typeof q === "string") return Object.fromEntries(new URLSearchParams(q));
  const out: Record<string, string> = {};
  if (q) for (const k in q) if (q[k] !== undefined) out[k] = String(q[k]);
  return out;
}

/** Applies the URI and the defaults (engine.io-client's) to the user's options. @internal */
export function resolveOptions(
  uri: string | undefined,
  opts: SocketOptions | undefined,
): ResolvedOptions {
  const o: SocketOptions = { ...opts };
  const loc = currentLocation();
  if (uri) {
    const u = parseUri(uri);
    o.hostname = u.hostname;
    o.secure = u.protocol === "https:" || u.protocol === "wss:";
    // A URI without a port means its scheme's default port, never the page's.
    o.port = u.port || (o.secure ? "443" : "80");
    if (u.search) o.query = u.search.slice(1);
  } else if (o.host) {
    const u = parseUri(o.host);
    o.hostname = u.hostname;
    if (u.port) o.port ??= u.port;
  }
  const secure = o.secure ?? loc?.protocol === "https:";
  let path = (o.path ?? "/engine.io").replace(/\/$/, "");
  if (o.addTrailingSlash !== false) path += "/";
  // `ws` compression: engine.io-client's default (browsers decide themselves).
  if (NODE) o.perMessageDeflate ??= { threshold: 1024 };
  return {
    ...o,
    hostname: o.hostname || loc?.hostname || "localhost",
    secure,
    port: String(o.port || loc?.port || (secure ? "443" : "80")),
    path,
    query: toQuery(o.query),
    timestampParam: o.timestampParam ?? "t",
  };
}
