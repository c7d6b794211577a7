// Serving: the HTTP server a Socket.IO server attaches to (given, or created for a port), the Engine.IO server
// bound to it, and the browser client served beside it.
import { Server as Engine } from "@switchboard/engine";
import createDebug from "debug";
import { createServer, type Server as HttpServer } from "node:http";
import type { Server as HttpsServer } from "node:https";
import type { Http2SecureServer, Http2Server } from "node:http2";
import { attachClientServing } from "./client-serving.js";
import type { ServerOptions } from "./options.js";

const debug = createDebug("socket.io:server");

/** What `new Server(srv)` / `io.attach(srv)` accept: an HTTP(S)/HTTP2 server, or a port to create one on. */
export type AttachTarget = HttpServer | HttpsServer | Http2SecureServer | Http2Server | number;

/** An HTTP(S)/HTTP2 server. */
export type HttpLikeServer = Exclude<AttachTarget, number>;

/** @internal The server to attach to: `srv`, or a new one listening on the port `srv` (404 for other requests). */
export function httpServerFor(srv: AttachTarget): HttpLikeServer {
  if (typeof srv === "function") {
    throw new TypeError(
      "You are trying to attach socket.io to an express request handler function. Please pass a http.Server instance.",
    );
  }
  if (typeof srv !== "number" && typeof srv !== "string") return srv;
  debug("creating http server and binding to %d", srv);
  const server = createServer((_req, res) => {
    res.writeHead(404);
    res.end();
  });
  server.listen(Number(srv));
  return server;
}

/** @internal A new Engine.IO server answering on `server` under `opts.path`, and the client files if served. */
export function attachEngine(
  server: HttpLikeServer,
  opts: ServerOptions,
  serveClient: boolean,
): Engine {
  const engine = new Engine(opts);
  engine.attach(server as HttpServer, opts);
  if (serveClient) attachClientServing(server as HttpServer, opts.path ?? "/socket.io", opts.cors);
  return engine;
}

/** @internal Whether the first constructor argument is a server (else it is the options). */
export function isServer(value: object): boolean {
  return typeof (value as { listen?: unknown }).listen === "function";
}

/** @internal socket.io stores the path without trailing slash; the engine adds it back. */
export function trimPath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
}
