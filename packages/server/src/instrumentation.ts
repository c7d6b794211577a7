import type { Namespace } from "./namespace.js";
import type { Server } from "./server.js";

/**
 * The namespaces of a server, in creation order (socket.io's `io._nsps`, which users' admin tools read).
 * Instrumentation otherwise subscribes to the diagnostics channels (`ServerChannels`).
 *
 * @example
 * ```ts
 * for (const nsp of namespacesOf(io)) console.log(nsp.name, nsp.sockets.size);
 * ```
 */
export function namespacesOf(
  server: Server<never, never, never, unknown>,
): IterableIterator<Namespace> {
  return (server as unknown as Server)._nsps.values();
}
