// Serialises the session cookie set on handshake responses (docs/protocol.md §1.4, `cookie` option).

/** Options of the `cookie` option; defaults give `io=<sid>; Path=/; HttpOnly; SameSite=Lax`. */
export interface CookieOptions {
  /** Cookie name. Default `io`. */
  name?: string;
  /** Default `/`; `false` omits the attribute. */
  path?: string | false;
  domain?: string;
  /** Seconds. */
  maxAge?: number;
  expires?: Date;
  /** Default true. */
  httpOnly?: boolean;
  secure?: boolean;
  /** Default `lax`; `true` means `Strict`, `false` omits the attribute. */
  sameSite?: boolean | "lax" | "strict" | "none";
  partitioned?: boolean;
  priority?: "low" | "medium" | "high";
}

// RFC 6265 cookie-name token and cookie-value characters; anything else is refused.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]*$/;
const ATTRIBUTE = /^[\x20-\x3a\x3c-\x7e]*$/;

/**
 * Builds the `Set-Cookie` value for a session id.
 * @example serializeCookie("abc", {}) // "io=abc; Path=/; HttpOnly; SameSite=Lax"
 */
export function serializeCookie(sid: string, opts: CookieOptions): string {
  const name = opts.name ?? "io";
  if (!TOKEN.test(name)) throw new TypeError(`invalid cookie name ${JSON.stringify(name)}`);
  const value = VALUE.test(sid) ? sid : encodeURIComponent(sid);
  let out = `${name}=${value}`;
  if (opts.maxAge !== undefined) {
    if (!Number.isFinite(opts.maxAge)) throw new TypeError("cookie maxAge must be a finite number");
    out += `; Max-Age=${Math.floor(opts.maxAge)}`;
  }
  if (opts.domain !== undefined) out += `; Domain=${attribute("domain", opts.domain)}`;
  const path = opts.path ?? "/";
  if (path !== false) out += `; Path=${attribute("path", path)}`;
  if (opts.expires !== undefined) out += `; Expires=${opts.expires.toUTCString()}`;
  if (opts.httpOnly ?? true) out += "; HttpOnly";
  if (opts.secure) out += "; Secure";
  if (opts.partitioned) out += "; Partitioned";
  if (opts.priority !== undefined) {
    out += `; Priority=${opts.priority.charAt(0).toUpperCase()}${opts.priority.slice(1)}`;
  }
  const sameSite = opts.sameSite ?? "lax";
  if (sameSite === true || sameSite === "strict") out += "; SameSite=Strict";
  else if (sameSite === "lax") out += "; SameSite=Lax";
  else if (sameSite === "none") out += "; SameSite=None";
  return out;
}

function attribute(name: string, value: string): string {
  if (!ATTRIBUTE.test(value))
    throw new TypeError(`invalid cookie ${name} ${JSON.stringify(value)}`);
  return value;
}
