// URI parsing and query strings, on the WHATWG URL that browsers and Node share (no parser of our own to ship).

interface LocationLike {
  protocol: string;
  host: string;
}

function currentLocation(): LocationLike | undefined {
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
  let s = uri ?? "";
  if (s.startsWith("//")) {
    s = (loc ? loc.protocol : "https:") + s;
  } else if (!/^(https?|wss?):\/\//i.test(s)) {
    if (s === "" || s.startsWith("/")) s = loc ? `${loc.protocol}//${loc.host}${s}` : `http://localhost${s}`; // Node: engine.io-client's default host
    else s = (loc ? `${loc.protocol}//` : "https://") + s;
  }
  return new URL(s);
}

/** `a=1&b=2` → record; values are decoded. */
export function decodeQuery(qs: string): Record<string, string> {
  const out: Record<string, string> = {};
  new URLSearchParams(qs).forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** Record → `a=1&b=2` with every key and value percent-encoded. */
export function encodeQuery(query: Record<string, unknown>): string {
  let s = "";
  for (const k in query) {
    const v = query[k];
    if (v === undefined) continue;
    if (s) s += "&";
    s += `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`;
  }
  return s;
}

/** Short random cache-buster, like engine.io-client's `t` values. */
export function timestamp(): string {
  return Date.now().toString(36) + Math.floor(Math.random() * 1296).toString(36);
}
