import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { Socket as NetSocket } from "node:net";
import { parse as parseQueryString } from "node:querystring";

/** Query parameters of an Engine.IO request (docs/protocol.md §1.1); repeated keys keep the first value. */
export type EngineQuery = Record<string, string>;

/**
 * An HTTP request as seen by the engine: `_query` holds the parsed query string, as on the
 * reference server, so applications and the Socket.IO layer can read `socket.request._query`.
 */
export interface EngineRequest extends IncomingMessage {
  _query: EngineQuery;
}

/**
 * What `socket.request` is when the session did not keep its IncomingMessage: the parts of the
 * handshake request that outlive it. Built on first access; properties set on it (a session
 * middleware's `session`, `user`…) stay, since the session keeps it from then on.
 */
class HandshakeRequest {
  #query: EngineQuery | undefined;
  readonly headers: IncomingHttpHeaders;
  constructor(
    headers: string,
    readonly url: string,
    readonly socket: NetSocket | undefined,
  ) {
    this.headers = unpackHeaders(headers);
  }

  get method(): string {
    return "GET";
  }

  get httpVersion(): string {
    return "1.1";
  }

  /** Alias of `socket` (as on IncomingMessage). */
  get connection(): NetSocket | undefined {
    return this.socket;
  }

  get _query(): EngineQuery {
    return (this.#query ??= parseQuery(this.url));
  }
}

/** @internal The stand-in of a handshake request that was not kept; `headers` as packed by `packHeaders`. */
export function handshakeRequest(
  headers: string,
  url: string,
  socket: NetSocket | undefined,
): EngineRequest {
  return new HandshakeRequest(headers, url, socket) as unknown as EngineRequest;
}

/**
 * @internal Packs a headers object into one flat string, `name\nvalue\n…` (names and values never
 * hold a line feed: Node refuses them): about half the memory of the object and its strings.
 */
export function packHeaders(headers: IncomingHttpHeaders): string {
  const parts: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === "string") parts.push(name, value);
    else if (Array.isArray(value)) for (const v of value) parts.push(name, v);
  }
  return parts.join("\n");
}

/**
 * @internal Splits a handshake into its "shape", the URL and the header names (`url\nname\n…`), the
 * same for most sessions of a server and so shared by them, and the header values (`value\n…`), its
 * own. Together about half the bytes of `packHeaders` per session. See `joinHeaderShape`.
 */
export function packHeaderShape(
  url: string,
  headers: IncomingHttpHeaders,
): { shape: string; values: string } {
  // Joined from arrays, not `+=`: that would keep a rope of ConsStrings per session.
  const names = [url];
  const values: string[] = [];
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === "string") {
      names.push(name);
      values.push(value);
    } else if (Array.isArray(value)) {
      for (const v of value) {
        names.push(name);
        values.push(v);
      }
    }
  }
  return { shape: names.join("\n"), values: values.join("\n") };
}

/** @internal The URL and the `packHeaders` form of what `packHeaderShape` split. */
export function joinHeaderShape(shape: string, values: string): { url: string; packed: string } {
  const names = shape.split("\n");
  const url = names[0] ?? "/";
  if (names.length === 1) return { url, packed: "" };
  const vals = values.split("\n");
  const parts: string[] = [];
  for (let i = 1; i < names.length; i++) parts.push(names[i]!, vals[i - 1] ?? "");
  return { url, packed: parts.join("\n") };
}

/** @internal The headers object `packHeaders` packed (`set-cookie`, the one array header, as an array). */
export function unpackHeaders(packed: string): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  if (packed === "") return headers;
  const parts = packed.split("\n");
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i]!;
    const value = parts[i + 1]!;
    if (name === "set-cookie") (headers["set-cookie"] ??= []).push(value);
    else headers[name] = value;
  }
  return headers;
}

/** Parses the query of `req.url` once and stores it on the request. Never throws. */
export function prepareRequest(req: IncomingMessage): EngineRequest {
  const r = req as EngineRequest;
  if (r._query === undefined) r._query = parseQuery(req.url ?? "");
  return r;
}

/** Longer queries may hold more pairs than `querystring.parse` reads (1,000): left to it. */
const MAX_PLAIN_QUERY = 1000;

/**
 * Parses the query string of a raw URL; tolerant of bad percent-encoding. Same result as
 * `querystring.parse` with the first value of a repeated key.
 * @example parseQuery("/engine.io/?EIO=4&transport=polling").transport // "polling"
 */
export function parseQuery(url: string): EngineQuery {
  const q = url.indexOf("?");
  const query: EngineQuery = Object.create(null) as EngineQuery;
  if (q === -1) return query;
  const hash = url.indexOf("#", q);
  const end = hash === -1 ? url.length : hash;
  // Engine.IO clients send plain `key=value` pairs: split them here, which costs a fraction of
  // `querystring.parse` per request. Anything to decode, or enough pairs for its `maxKeys` limit
  // to matter, goes through `querystring`.
  if (end - q > MAX_PLAIN_QUERY || hasEscapes(url, q + 1, end)) {
    const parsed = parseQueryString(url.slice(q + 1, end));
    for (const key in parsed) {
      const value = parsed[key];
      query[key] = Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
    }
    return query;
  }
  let start = q + 1;
  while (start < end) {
    let amp = url.indexOf("&", start);
    if (amp === -1 || amp > end) amp = end;
    if (amp > start) {
      let eq = url.indexOf("=", start);
      if (eq === -1 || eq > amp) eq = amp;
      const key = url.slice(start, eq);
      if (query[key] === undefined) query[key] = eq === amp ? "" : url.slice(eq + 1, amp);
    }
    start = amp + 1;
  }
  return query;
}

/** Whether `url[from, to)` holds a `%` or `+`, which `querystring` decodes. */
function hasEscapes(url: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = url.charCodeAt(i);
    if (c === 0x25 || c === 0x2b) return true;
  }
  return false;
}

/** Prefix match of the raw URL against the normalised attach path (§1.1). */
export function matchesPath(url: string | undefined, path: string): boolean {
  return url !== undefined && url.startsWith(path);
}

// Characters Node refuses in header values; an Origin carrying one is a bad request (§1.8).
const INVALID_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Whether the request's Origin header holds characters that are invalid in a header value. */
export function hasInvalidOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  return origin !== undefined && INVALID_HEADER_CHAR.test(origin);
}

/** Distinct handshake shapes kept for sharing (real deployments see a handful). */
const MAX_SHARED_SHAPES = 64;

/**
 * @internal The same string for equal handshake shapes (see `packHeaderShape`), so idle sessions do
 * not each hold a copy. Bounded: the sessions of odd clients just keep their own.
 */
export class ShapeTable {
  readonly #shapes = new Map<string, string>();

  share(shape: string): string {
    const shared = this.#shapes.get(shape);
    if (shared !== undefined) return shared;
    if (this.#shapes.size < MAX_SHARED_SHAPES) this.#shapes.set(shape, shape);
    return shape;
  }
}
