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
