// The header events of every response and WebSocket handshake, and the session cookie of a handshake
// (docs/protocol.md §1.9). Split from server.ts, which keeps the request pipeline.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { serializeCookie } from "./cookie.js";
import { reportError } from "./report.js";
import type { EngineRequest } from "./request.js";
import type { Server } from "./server.js";
import { headersFromLines, writeHeaderLines } from "./ws-headers.js";

/**
 * @internal Adds the cookie to a handshake response and emits `initial_headers` (handshake only), then
 * `headers`; listeners may change `headers`. A listener's exception is reported, never thrown.
 */
export function emitHeaderEvents(
  server: Server,
  headers: OutgoingHttpHeaders,
  req: IncomingMessage,
  sid: string,
  handshake: boolean,
): void {
  try {
    if (handshake) {
      if (server.opts.cookie !== false)
        headers["Set-Cookie"] = [serializeCookie(sid, server.opts.cookie)];
      if (server.listenerCount("initial_headers") > 0) server.emit("initial_headers", headers, req);
    }
    if (server.listenerCount("headers") > 0) server.emit("headers", headers, req);
  } catch (err) {
    reportError(err);
  }
}

/**
 * @internal The listener given to `ws` for its handshake headers: converts its header lines to an
 * object for the header events, then back. `pendingIds` holds the ids of handshakes under way.
 */
export function wsHeadersListener(
  server: Server,
  pendingIds: WeakMap<IncomingMessage, string>,
): (lines: string[], req: IncomingMessage) => void {
  return (lines, req) => {
    const id = pendingIds.get(req);
    const handshake = id !== undefined;
    const wanted =
      server.listenerCount("headers") > 0 ||
      (handshake && (server.opts.cookie !== false || server.listenerCount("initial_headers") > 0));
    if (!wanted) return;
    const headers = headersFromLines(lines);
    const sid = id ?? (req as EngineRequest)._query?.sid ?? "";
    emitHeaderEvents(server, headers, req, sid, handshake);
    writeHeaderLines(lines, headers);
  };
}
