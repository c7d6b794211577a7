// Node entry (exports condition "node"): node:http(s) + ws. Same exports as index.ts.
import { nodePlatform } from "./platform.node.js";
import type { SocketOptions } from "./options.js";
import { BaseSocket } from "./socket.js";

export * from "./exports.js";

/**
 * An Engine.IO client connection (the twin of engine.io-client's `Socket`).
 * @example
 * const socket = new Socket("ws://localhost:3000", { transports: ["websocket"] });
 * socket.on("open", () => socket.send("hello"));
 * socket.on("message", (data) => console.log(data));
 */
export class Socket extends BaseSocket {
  constructor(uri?: string | SocketOptions, opts?: SocketOptions) {
    super(uri, opts, nodePlatform);
  }
}

/** engine.io-client ≤ 6.6.7's name for the socket with the upgrade mechanism: the same class as {@link Socket}. */
export { Socket as SocketWithUpgrade };

/**
 * engine.io-client ≤ 6.6.7's socket without the upgrade mechanism: it keeps the transport it opened with
 * (a {@link Socket} with `upgrade: false`).
 * @example
 * const socket = new SocketWithoutUpgrade("ws://localhost:3000", { transportImplementations: [WebSocketTransport] });
 */
export class SocketWithoutUpgrade extends Socket {
  constructor(uri?: string | SocketOptions, opts?: SocketOptions) {
    const only = typeof uri === "object";
    super(only ? undefined : uri, { ...(only ? uri : opts), upgrade: false });
  }
}
