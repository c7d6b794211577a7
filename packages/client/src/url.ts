import { parseUri } from "@switchboard/engine-client";

/** A parsed `io()` URL: where to connect and which namespace to join. */
export interface ParsedUrl {
  /** `scheme://host:port` plus the query: what the Manager connects to. */
  source: string;
  /** Cache key of the Manager: origin + engine path (docs/protocol.md §4 multiplexing). */
  id: string;
  /** The namespace: the URL path, `/` by default. */
  nsp: string;
}

/**
 * Splits an `io()` URL into the server origin and the namespace. Default ports are normalised so that
 * `http://a` and `http://a:80` share one Manager.
 * @example
 * parseUrl("http://localhost:3000/admin?x=1", "/socket.io").nsp // "/admin"
 */
export function parseUrl(uri: string | undefined, path: string): ParsedUrl {
  const u = parseUri(uri);
  const port = u.port || (u.protocol === "https:" || u.protocol === "wss:" ? "443" : "80");
  const origin = `${u.protocol}//${u.hostname}:${port}`;
  return {
    source: `${origin}${u.search}`,
    id: origin + path,
    nsp: decodeURIComponent(u.pathname) || "/",
  };
}
