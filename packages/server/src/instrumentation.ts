import { ackTimeoutChannel, type AckTimeoutMessage } from "./diagnostics.js";
import type { Namespace } from "./namespace.js";
import type { Server } from "./server.js";

/**
 * Hooks for the few things an instrumentation (e.g. `@switchboard/admin`) cannot observe through
 * public events. The server only looks the probe up on rare paths (an ack timing out), so an
 * uninstrumented server pays nothing.
 */
export interface ServerProbe {
  /** An acknowledgement expired; `broadcast` is true for a broadcast's ack (`io.timeout(ms).emit`). */
  ackTimeout?(nsp: string, broadcast: boolean): void;
}

// Keyed by server so several servers in one process (cluster tests) keep their own probe.
const probes = new WeakMap<object, ServerProbe>();

/**
 * Install (or remove, with `undefined`) the probe of a server. Advanced: meant for instrumentation
 * packages, not applications.
 *
 * @example
 * ```ts
 * setServerProbe(io, { ackTimeout: (nsp) => timeouts.inc({ nsp }) });
 * ```
 */
export function setServerProbe(server: Server<never, never, never, unknown>, probe: ServerProbe | undefined): void {
  if (probe === undefined) probes.delete(server);
  else probes.set(server, probe);
}

/**
 * The namespaces of a server, in creation order (socket.io's `io._nsps`, which users' admin tools read).
 *
 * @example
 * ```ts
 * for (const nsp of namespacesOf(io)) console.log(nsp.name, nsp.sockets.size);
 * ```
 */
export function namespacesOf(server: Server<never, never, never, unknown>): IterableIterator<Namespace> {
  return (server as unknown as Server)._nsps.values();
}

/**
 * @internal Called when an ack expires: published on the `ack-timeout` channel and given to the server's probe.
 * `nsp` is a Namespace (typed loosely for the adapter's host interface); `socket` is unset for a broadcast's ack.
 */
export function reportAckTimeout(nsp: unknown, broadcast: boolean, socket?: unknown): void {
  const n = nsp as Namespace | undefined;
  if (n === undefined) return;
  if (ackTimeoutChannel.hasSubscribers) {
    ackTimeoutChannel.publish({ nsp: n.name, broadcast, socket: socket as AckTimeoutMessage["socket"] });
  }
  const server = n.server;
  if (server === undefined) return;
  const probe = probes.get(server);
  if (probe?.ackTimeout === undefined) return;
  try {
    probe.ackTimeout(n.name, broadcast);
  } catch {
    // an instrumentation bug must not break the user's ack callback
  }
}
