import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { matchesPath } from "./request.js";

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** @internal Handlers the engine installs on an http.Server. */
export interface AttachHandlers {
  handleRequest(req: IncomingMessage, res: ServerResponse): void;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** @internal Resolved attach settings. */
export interface AttachSettings {
  path: string;
  destroyUpgrade: boolean;
  destroyUpgradeTimeout: number;
}

/** @internal http.Servers created by `listen()`: the engine closes them when it closes. */
export const ownedHttpServers = new WeakSet<HttpServer>();

function ignoreError(): void {}

/**
 * @internal Intercepts `request` and `upgrade` on an http.Server. Requests under `path` go to the
 * engine; the others go to the `request` listeners that were there before, unchanged. Upgrades
 * for other paths are left to other `upgrade` listeners and destroyed after a delay only if
 * nobody answered them. The interception stays after `engine.close()` (as on the reference
 * server), so late requests of closed sessions still get their 400 instead of hanging; the
 * returned function only cancels the pending destroy timers.
 */
export function interceptHttpServer(
  httpServer: HttpServer,
  settings: AttachSettings,
  engine: AttachHandlers,
): () => void {
  const { path, destroyUpgrade, destroyUpgradeTimeout } = settings;
  const previous = httpServer.listeners("request") as RequestListener[];
  const timers = new Set<NodeJS.Timeout>();

  const onRequest = function (this: HttpServer, req: IncomingMessage, res: ServerResponse): void {
    if (matchesPath(req.url, path)) {
      engine.handleRequest(req, res);
      return;
    }
    for (const listener of previous) listener.call(this, req, res);
  };

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (matchesPath(req.url, path)) {
      engine.handleUpgrade(req, socket, head); // guards the socket itself
      return;
    }
    // Node took its own 'error' listener off before emitting 'upgrade', and our listener keeps Node
    // from destroying an upgrade nobody handles: a reset before anyone answers must not become an
    // uncaught ECONNRESET (CVE-2022-41940). A no-op listener takes nothing from other listeners.
    socket.on("error", ignoreError);
    if (!destroyUpgrade) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      // Another listener answered (wrote the 101) or closed it: not ours to touch.
      if (socket.writable && (socket as Duplex & { bytesWritten?: number }).bytesWritten === 0) {
        // Destroyed once our FIN is out: a peer that never closes its side keeps nothing alive.
        socket.end(() => socket.destroy());
      }
    }, destroyUpgradeTimeout);
    timer.unref();
    timers.add(timer);
  };

  httpServer.removeAllListeners("request");
  httpServer.on("request", onRequest);
  httpServer.on("upgrade", onUpgrade);

  return () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  };
}
