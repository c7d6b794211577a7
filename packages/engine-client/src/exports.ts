// Everything both entries export besides `Socket` (which each entry binds to its platform).
export { protocol } from "@switchboard/engine-parser";
export { BaseSocket, type HandshakeData, type SocketEvents, type SocketState, type WriteOptions } from "./socket.js";
export { Transport, type CloseDetails, type TransportEvents, type TransportState } from "./transport.js";
export { Polling } from "./polling.js";
export { WebSocketTransport } from "./websocket.js";
export { ErrorCode, ProbeError, TransportError } from "./errors.js";
export type { SocketOptions, TlsOptions } from "./options.js";
export type { Packet, PacketType } from "./codec.js";
export type { RawData } from "./platform.js";
export { parseUri } from "./url.js";
