import type { SerializedHandshake, SerializedSocket } from "./protocol.js";
import type { AnySocket } from "./types.js";

/** What replaces a sensitive value shown to the admin UI. */
export const REDACTED = "[redacted]";

/** Header, query and data keys whose values never reach the admin UI. */
const SENSITIVE =
  /auth|cookie|token|passw|secret|session|api[-_]?key|credential|signature|jwt|bearer/i;

/** Whether a field name is sensitive (authorization, cookie, x-api-key, access_token, password…). */
export function isSensitiveKey(key: string): boolean {
  return SENSITIVE.test(key);
}

/** A shallow copy with sensitive keys redacted (headers and query strings are flat). */
export function redactFlat(obj: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (obj === undefined || obj === null) return out;
  for (const key of Object.keys(obj)) out[key] = isSensitiveKey(key) ? REDACTED : obj[key];
  return out;
}

/**
 * A deep copy of `socket.data` safe to send: sensitive keys redacted, functions dropped, depth and
 * cycles bounded, and the official `_admin` bookkeeping key left out.
 */
export function redactData(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object")
    return typeof value === "function" ? undefined : value;
  if (depth >= 6 || seen.has(value)) return "[…]";
  seen.add(value);
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactData(v, depth + 1, seen));
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `<Buffer ${value.byteLength} bytes>`;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (depth === 0 && key === "_admin") continue;
    const v = (value as Record<string, unknown>)[key];
    out[key] = isSensitiveKey(key) ? REDACTED : redactData(v, depth + 1, seen);
  }
  return out;
}

/** The client's address as the official server shows it (behind a proxy: the forwarded one). */
function addressOf(socket: AnySocket): string {
  const h = socket.handshake.headers;
  const forwarded = h["cf-connecting-ip"] ?? h["x-forwarded-for"];
  return (Array.isArray(forwarded) ? forwarded[0] : forwarded) ?? socket.handshake.address;
}

/** The handshake as shown to the UI: never `auth`, sensitive headers and query parameters redacted. */
export function serializeHandshake(socket: AnySocket): SerializedHandshake {
  const h = socket.handshake;
  return {
    address: addressOf(socket),
    headers: redactFlat(h.headers as Record<string, unknown>),
    query: redactFlat(h.query as Record<string, unknown>),
    issued: h.issued,
    secure: h.secure,
    time: h.time,
    url: redactUrl(h.url),
    xdomain: h.xdomain,
  };
}

/** The request URL with sensitive query parameters redacted. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q === -1) return url;
  const params = url
    .slice(q + 1)
    .split("&")
    .map((part) => {
      const eq = part.indexOf("=");
      const key = eq === -1 ? part : part.slice(0, eq);
      let name = key;
      try {
        name = decodeURIComponent(key);
      } catch {
        // keep the raw key
      }
      return isSensitiveKey(name) && eq !== -1 ? `${key}=${encodeURIComponent(REDACTED)}` : part;
    });
  return `${url.slice(0, q)}?${params.join("&")}`;
}

/** A local socket as the official `serialize()` shows it. */
export function serializeSocket(socket: AnySocket): SerializedSocket {
  return {
    id: socket.id,
    clientId: socket.conn.id.slice(0, 12),
    transport: socket.conn.transport.name,
    nsp: socket.nsp.name,
    data: redactData(socket.data ?? {}),
    handshake: serializeHandshake(socket),
    rooms: [...socket.rooms],
  };
}

/** A socket of another node (from `fetchSockets()`): its engine details are not known here. */
export function serializeRemote(
  remote: { id: string; handshake: AnySocket["handshake"]; rooms: Set<string>; data: unknown },
  nsp: string,
): SerializedSocket {
  const local = remote as unknown as Partial<AnySocket>;
  return {
    id: remote.id,
    clientId: local.conn?.id.slice(0, 12) ?? "",
    transport: local.conn?.transport.name ?? "",
    nsp,
    data: redactData(remote.data ?? {}),
    handshake: serializeHandshake({ handshake: remote.handshake } as AnySocket),
    rooms: [...remote.rooms],
  };
}
