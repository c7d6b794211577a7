// Everything both entries export besides `Socket` (which each entry binds to its platform).
export { protocol } from "@switchboard/engine-parser";
export {
  BaseSocket,
  type HandshakeData,
  type SocketEvents,
  type SocketState,
  type WriteOptions,
} from "./socket.js";
export {
  Transport,
  type CloseDetails,
  type TransportCtor,
  type TransportEvents,
  type TransportState,
} from "./transport.js";
export { Polling } from "./polling.js";
export { WebSocketTransport } from "./websocket.js";
// engine.io-client's transport class names, for `transportImplementations`. Its polling variants differ only in the
// HTTP mechanism, which our platforms pick (fetch in browsers, node:http in Node), so they are one class here.
export { Polling as Fetch, Polling as XHR, Polling as NodeXHR } from "./polling.js";
export {
  WebSocketTransport as WebSocket,
  WebSocketTransport as NodeWebSocket,
} from "./websocket.js";
export { ErrorCode, ProbeError, TransportError } from "./errors.js";
export type { SocketOptions, TlsOptions } from "./options.js";
export type { Packet, PacketType } from "./codec.js";
export type { RawData } from "./platform.js";
export { parseUri } from "./url.js";
export { clearTimer, setTimer, type TimerOptions } from "./timers.js";
