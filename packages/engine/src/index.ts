export { protocol } from "@switchboard/engine-parser";
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
  type ErrorCode,
  type EngineErrorCode,
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
