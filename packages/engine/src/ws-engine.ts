// The WebSocket server behind the engine (docs/protocol.md §1.2). `ws` by default; the `wsEngine`
// option plugs in another implementation with the contract of `ws`'s WebSocketServer, as on the
// reference server.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type PerMessageDeflateOptions, type WebSocket } from "ws";

/** Options the engine passes to the `wsEngine` constructor (the same as the reference server). */
export interface WsEngineOptions {
  noServer: true;
  clientTracking: false;
  perMessageDeflate: false | PerMessageDeflateOptions;
  maxPayload: number;
  maxBufferedChunks: number;
}

/**
 * What the engine uses of a `wsEngine` instance: `handleUpgrade` (whose callback receives a socket
 * with `ws`'s WebSocket API), and optionally `on("headers" | "error")` and `close()`.
 */
export interface WsServerLike {
  handleUpgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    callback: (ws: WebSocket) => void,
  ): void;
  on?(event: "headers", listener: (headers: string[], req: IncomingMessage) => void): unknown;
  on?(event: "error", listener: (err: Error) => void): unknown;
  close?(): unknown;
}

/** A class with `ws`'s WebSocketServer contract (`new wsEngine(options)`, then `handleUpgrade`). */
export type WsEngine = new (options: WsEngineOptions) => WsServerLike;

/** The default `wsEngine`. */
export const defaultWsEngine: WsEngine = WebSocketServer;

function ignoreError(): void {}

/** @internal Creates the engine's WebSocket server, listening to its `headers` when it has events. */
export function createWsServer(
  engine: WsEngine,
  options: WsEngineOptions,
  onHeaders: (headers: string[], req: IncomingMessage) => void,
): WsServerLike {
  const wss = new engine(options);
  if (typeof wss.on === "function") {
    wss.on("headers", onHeaders);
    wss.on("error", ignoreError);
  }
  return wss;
}
