/* eslint-disable @typescript-eslint/no-explicit-any -- Socket.IO's public generics default to `any` */
import type { DisconnectReason } from "./reasons.js";

/** Events a server socket emits to its own listeners. */
export interface SocketReservedEventsMap {
  disconnect: (reason: DisconnectReason, description?: any) => void;
  disconnecting: (reason: DisconnectReason, description?: any) => void;
  error: (err: Error) => void;
}

/** An incoming event as `socket.use` middlewares see it: `[eventName, ...args]`. */
export type Event = [string, ...any[]];

/** A connect middleware error: its `message` and `data` reach the client's `connect_error`. */
export interface ExtendedError extends Error {
  data?: any;
}
