// URI parsing and query strings, on the WHATWG URL that browsers and Node share (no parser of our own to ship).

/** The parts of the page's `location` the client reads. */
interface LocationLike {
  protocol: string;
  host: string;
  hostname: string;
  port: string;
}

/** The page's location in browsers; `undefined` elsewhere. */
export function currentLocation(): LocationLike | undefined {
  return typeof location === "undefined" ? undefined : location;
}

/**
 * Parses a URI the way Socket.IO clients accept them: `//host`, `host:port`, `http(s)://`, `ws(s)://`,
 * or a path relative to the page (browsers).
 * @example
 * parseUri("localhost:3000/admin").pathname // "/admin"
 */
export function parseUri(uri?: string): URL {
  const loc = currentLocation();
  const scheme = loc ? loc.protocol : "https:";
  let s = uri ?? "";
  if (s.startsWith("//")) s = scheme + s;
  else if (!/^(https?|wss?):\/\//i.test(s)) {
    // A path (or nothing) is relative to the page; Node gets engine.io-client's default host.
    s =
      !s || s[0] === "/"
        ? (loc ? `${scheme}//${loc.host}` : "http://localhost") + s
        : `${scheme}//${s}`;
  }
  return new URL(s);
}

/** Record → `a=1&b=2` with every key and value percent-encoded. */
export function encodeQuery(query: Record<string, string>): string {
  let s = "";
  for (const k in query)
    s += `${s && "&"}${encodeURIComponent(k)}=${encodeURIComponent(query[k] as string)}`;
  return s;
}
