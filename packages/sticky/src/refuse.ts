// Answers a request the primary will not route (garbage, too large, too slow, no worker) and closes.
import type { Socket } from "node:net";

const REASONS: Record<number, string> = {
  400: "Bad Request",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  503: "Service Unavailable",
};

/** How long a refused client may take to read the answer and hang up before the socket is destroyed. */
const LINGER_MS = 2000;

/**
 * Writes a minimal HTTP/1.1 error response and ends the connection. Whatever the client still sends is
 * read and dropped, so it sees the answer rather than a reset; a client that never hangs up is cut
 * after a short linger.
 */
export function refuse(socket: Socket, status: number): void {
  if (socket.destroyed) return;
  socket.removeAllListeners("data");
  socket.on("data", () => undefined);
  socket.resume();
  socket.setTimeout(LINGER_MS, () => socket.destroy());
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const reason = REASONS[status] ?? "Error";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
}
