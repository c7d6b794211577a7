// The one place where the engine writes to the console: exceptions thrown by application code
// (event listeners, handlers, generateId) that the engine caught so that they never escape into a
// socket, timer or request callback.
import type { Socket } from "./socket.js";

/**
 * @internal Reports an exception of application code: to the session's `error` listeners when it
 * has some, else to `console.error`.
 */
export function reportError(err: unknown, socket?: Socket): void {
  if (socket !== undefined && socket.listenerCount("error") > 0) {
    try {
      socket.emit("error", err instanceof Error ? err : new Error(String(err)));
      return;
    } catch (e) {
      err = e;
    }
  }
  console.error("[switchboard/engine] exception in an event listener:", err);
}
