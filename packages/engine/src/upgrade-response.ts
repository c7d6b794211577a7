import { ServerResponse, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";

/**
 * @internal The response middlewares see during a WebSocket upgrade (docs/protocol.md §1.9). There is no
 * HTTP response to write there: a middleware that ends it instead of calling `next` refuses the
 * upgrade, so the connection is dropped (as on the reference server) rather than left open with
 * nobody to answer or close it.
 */
export class UpgradeResponse extends ServerResponse {
  readonly #socket: Duplex;

  constructor(req: IncomingMessage, socket: Duplex) {
    super(req);
    this.#socket = socket;
  }

  override end(...args: unknown[]): this {
    if (!this.writableEnded) super.end(...(args as []));
    this.#socket.destroy();
    return this;
  }
}
