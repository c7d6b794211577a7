import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { parse as parseQuery, type ParsedUrlQuery } from "node:querystring";

/** What a socket knows about the request that opened its connection (docs/protocol.md §2.4). */
export interface Handshake {
  /** The headers sent as part of the handshake. */
  headers: IncomingHttpHeaders;
  /** The date of creation (as string). */
  time: string;
  /** The ip of the client. */
  address: string;
  /** Whether the connection is cross-domain (an `Origin` header was sent). */
  xdomain: boolean;
  /** Whether the connection is secure (TLS). */
  secure: boolean;
  /** The date of creation (as unix timestamp, ms). */
  issued: number;
  /** The request URL string. */
  url: string;
  /** The query object. */
  query: ParsedUrlQuery;
  /** The auth object sent in the CONNECT packet. */
  auth: Record<string, unknown>;
}

/**
 * @internal `req` is undefined when the session has no HTTP request (a WebTransport-only session, or an engine
 * bound with `io.bind()` that gives none): then, as socket.io, no headers or query, and `secure` (such a
 * transport is always TLS).
 */
export function buildHandshake(
  req: IncomingMessage | undefined,
  address: string | undefined,
  auth: Record<string, unknown>,
  issued: number,
): Handshake {
  const url = req?.url ?? (req === undefined ? "" : "/");
  const q = url.indexOf("?");
  const now = new Date(issued);
  return {
    headers: req?.headers ?? {},
    time: now.toString(),
    address: address ?? req?.socket?.remoteAddress ?? "",
    xdomain: req !== undefined && req.headers.origin !== undefined,
    secure:
      req === undefined || (req.socket as { encrypted?: boolean } | undefined)?.encrypted === true,
    issued: now.getTime(),
    url,
    query: q === -1 ? parseQuery("") : parseQuery(url.slice(q + 1)),
    auth,
  };
}
