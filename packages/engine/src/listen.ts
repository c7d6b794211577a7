import { createServer, type Server as HttpServer } from "node:http";
import { ownedHttpServers } from "./attach.js";
import type { AttachOptions, ServerOptions } from "./options.js";
import { Server } from "./server.js";

/**
 * Creates an engine and attaches it to an existing http.Server.
 * @example const engine = attach(httpServer, { path: "/engine.io", pingInterval: 10000 });
 */
export function attach(
  httpServer: HttpServer,
  options: ServerOptions & AttachOptions = {},
): Server {
  return new Server(options).attach(httpServer, options);
}

/**
 * Creates an http.Server answering 501 outside the engine path, attaches an engine and listens.
 * The engine owns that http.Server: `engine.close()` closes it.
 * @example const engine = listen(3000, { pingInterval: 10000 }, () => console.log("ready"));
 */
export function listen(
  port: number,
  options?: (ServerOptions & AttachOptions) | (() => void),
  callback?: () => void,
): Server {
  if (typeof options === "function") {
    callback = options;
    options = {};
  }
  const httpServer = createServer((_req, res) => {
    res.writeHead(501);
    res.end("Not Implemented");
  });
  ownedHttpServers.add(httpServer);
  const engine = attach(httpServer, options);
  httpServer.listen(port, callback);
  return engine;
}
