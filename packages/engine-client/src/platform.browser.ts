// Browser platform: `fetch` for long-polling, the global WebSocket. No `node:*` here.
import type { Platform, PollCallback, PollRequest, WebSocketLike } from "./platform.js";

function request(req: PollRequest, done: PollCallback): () => void {
  const ctrl = new AbortController();
  let finished = false;
  const finish = (err: unknown, status: number, body: string): void => {
    if (finished) return;
    finished = true;
    done(err, status, body);
  };
  fetch(req.url, {
    method: req.method,
    body: req.body,
    // A string body is sent as `text/plain;charset=UTF-8` (the Fetch standard), as the server expects.
    headers: req.opts.extraHeaders,
    // Otherwise fetch's default, `same-origin`: like XHR without withCredentials (sticky-session cookies work).
    credentials: req.opts.withCredentials ? "include" : undefined,
    signal: ctrl.signal,
  })
    .then((res) => res.text().then((text) => finish(null, res.status, text)))
    // Network and body errors; also a throw from `done` (then a no-op), so no rejection goes unhandled.
    .catch((err: unknown) => finish(err, 0, ""));
  return () => {
    finished = true;
    ctrl.abort();
  };
}

export const browserPlatform: Platform = {
  request,
  openWebSocket(url, opts): WebSocketLike {
    return new WebSocket(url, opts.protocols) as unknown as WebSocketLike;
  },
  wsBinaryType: "arraybuffer",
  // The codec already yields standalone ArrayBuffers; no conversion of our own to ship.
  binaryType: "arraybuffer",
  pageHooks(onUnload, onOffline) {
    if (typeof addEventListener !== "function") return () => {};
    // Going offline kills connections silently; act now instead of waiting for the heartbeat.
    const watchOffline = typeof location !== "undefined" && location.hostname !== "localhost";
    // One helper adds and removes the same pair of listeners.
    const hooks = (fn: typeof addEventListener): void => {
      if (onUnload) fn("beforeunload", onUnload, false);
      if (watchOffline) fn("offline", onOffline, false);
    };
    hooks(addEventListener);
    return () => hooks(removeEventListener);
  },
};
