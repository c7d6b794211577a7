import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Heartbeat } from "./heartbeat.js";
import type { ResolvedOptions, TransportName } from "./options.js";
import type { Server } from "./server.js";
import type { Socket } from "./socket.js";

/**
 * @internal What a session needs from its server: options, the shared clocks (one queue per kind of
 * deadline for all sessions) and the shared flush scheduler.
 */
export interface SessionContext {
  readonly server: Server;
  readonly opts: ResolvedOptions;
  /** The shared ping, pong, upgrade and close deadlines. */
  readonly heartbeat: Heartbeat;
  /** Queues a session to flush in this tick's shared microtask. */
  scheduleFlush(socket: Socket): void;
  /**
   * The same string for equal handshake shapes (URL and header names, see `packHeaderShape`), so idle
   * sessions do not each hold a copy.
   */
  shareShape(shape: string): string;
  /** Forgets a closed session. */
  removeSocket(socket: Socket): void;
  /** Transports a session may upgrade to from the given one (the `upgrades` of the open packet). */
  upgradesFor(transport: TransportName): string[];
  /** Adds the cookie and emits `initial_headers` / `headers`; listener exceptions are contained. */
  decorateHeaders(
    headers: OutgoingHttpHeaders,
    req: IncomingMessage,
    sid: string,
    handshake: boolean,
  ): void;
}
