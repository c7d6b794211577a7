export { protocol } from "@switchboard/engine-parser";
/** The Engine.IO packet codec, as engine.io exports `parser` (engine.io-parser). */
export * as parser from "@switchboard/engine-parser";
export { Server, type ServerEvents, type ConnectionErrorEvent } from "./server.js";
export { attach, listen } from "./listen.js";
export { Socket } from "./socket.js";
export type {
  SocketEvents,
  ReadyState,
  CloseReason,
  SendOptions,
  SendData,
  PacketInfo,
  SessionHandler,
} from "./socket-events.js";
export type { SendCallback } from "./write-queue.js";
export { Transport } from "./transports/transport.js";
export { PreEncodedPacket, preEncode } from "./pre-encoded.js";
export type { FlowCounters, BackpressureOptions, OverflowPolicy } from "./flow-control.js";
export type { HandshakeRateOptions } from "./handshake-limits.js";
export type {
  ForwardingDirectory,
  ForwardingOptions,
  ForwardingStats,
} from "./forwarding/options.js";
export {
  DiagnosticsChannels,
  type HandshakeMessage,
  type PacketMessage,
  type UpgradeMessage,
  type CloseMessage,
} from "./diagnostics.js";
export {
  ErrorCodes,
  ErrorMessages,
  EngineErrorCodes,
  EngineError,
  RequestError,
  ParseError,
  TransportError,
  PayloadTooLargeError,
  InvalidOptionError,
  EngineErrorCode,
  type ErrorCode,
  type WireErrorCode,
} from "./errors.js";
export type {
  ServerOptions,
  AttachOptions,
  ResolvedOptions,
  TransportName,
  AllowRequestFunction,
  HttpCompressionOptions,
} from "./options.js";
export type { CorsOptions, StaticOrigin, CustomOrigin, Middleware } from "./cors.js";
export type { CookieOptions } from "./cookie.js";
export type { EngineRequest, EngineQuery } from "./request.js";
export type { WsEngine, WsEngineOptions, WsServerLike } from "./ws-engine.js";
