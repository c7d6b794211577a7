import type { IncomingMessage } from "node:http";
import { parse as parseQueryString } from "node:querystring";

/** Query parameters of an Engine.IO request (PROTOCOL.md §1.1); repeated keys keep the first value. */
export type EngineQuery = Record<string, string>;

/**
 * An HTTP request as seen by the engine: `_query` holds the parsed query string, as on the
 * reference server, so applications and the Socket.IO layer can read `socket.request._query`.
 */
export interface EngineRequest extends IncomingMessage {
  _query: EngineQuery;
}

/** Parses the query of `req.url` once and stores it on the request. Never throws. */
export function prepareRequest(req: IncomingMessage): EngineRequest {
  const r = req as EngineRequest;
  if (r._query === undefined) r._query = parseQuery(req.url ?? "");
  return r;
}

/** Parses the query string of a raw URL; tolerant of bad percent-encoding. */
export function parseQuery(url: string): EngineQuery {
  const q = url.indexOf("?");
  const query: EngineQuery = Object.create(null) as EngineQuery;
  if (q === -1) return query;
  const hash = url.indexOf("#", q);
  const parsed = parseQueryString(hash === -1 ? url.slice(q + 1) : url.slice(q + 1, hash));
  for (const key in parsed) {
    const value = parsed[key];
    query[key] = Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
  }
  return query;
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
