import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { RequestError } from "./errors.js";

// Refusals of HTTP requests and WebSocket upgrades (docs/protocol.md §1.8).

/**
 * Answers a refused polling request: status 400/403, JSON body `{code, message}`. When a middleware
 * already sent the headers, it only ends the response (as the reference server ≥ 6.6.10 does).
 */
export function writeRequestError(res: ServerResponse, err: RequestError): void {
  if (res.destroyed) return;
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const body = JSON.stringify({ code: err.errorCode, message: err.message });
  res.writeHead(err.status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Answers with a bare status and an empty body (double poll → 400, unknown method → 500…). */
export function writeStatus(
  res: ServerResponse,
  status: number,
  headers?: Record<string, string>,
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function ignoreError(): void {}

/**
 * Refuses a WebSocket upgrade: a raw `HTTP/1.1 400 Bad Request` (always 400, even for
 * `Forbidden`) with the message as body, then the TCP socket is destroyed.
 */
export function abortUpgrade(socket: Duplex, message: string): void {
  socket.on("error", ignoreError);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const length = Buffer.byteLength(message);
  socket.end(
    "HTTP/1.1 400 Bad Request\r\n" +
      "Connection: close\r\n" +
      "Content-type: text/html\r\n" +
      `Content-Length: ${length}\r\n` +
      "\r\n" +
      message,
    destroySocket.bind(socket),
  );
}
