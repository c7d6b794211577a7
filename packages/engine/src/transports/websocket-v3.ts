import {
  binaryPacketFromV3,
  encodeBase64MessageV3,
  textPacketFromV3,
} from "@switchboard/engine-parser/internal";
import type { RawData, WebSocket } from "ws";
import { PreEncodedPacket } from "../pre-encoded.js";
import type { EngineRequest } from "../request.js";
import { requestProtocol } from "../verify.js";
import type { OutItem } from "./transport.js";
import { WebSocketTransport } from "./websocket.js";

/** A v3 binary message frame: the `message` type byte, then the data (docs/protocol.md §1.10). */
function binaryFrame(data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length + 1);
  out[0] = 4;
  data.copy(out, 1);
  return out;
}

/**
 * The WebSocket transport of an Engine.IO v3 session (`allowEIO3`, docs/protocol.md §1.10). Text
 * packets are the same as in v4; binary messages carry a leading type byte (or, for a client that
 * asked for `b64`, travel as `b4<base64>` text). Incoming packets are handed on in v4 form, so the
 * session reads them as it reads v4 ones. Only v3 sessions use this class: the v4 path is untouched.
 */
export class WebSocketTransportV3 extends WebSocketTransport {
  readonly #binary: boolean;

  /** @internal `binary`: the client takes binary frames (its request had no `b64`). */
  constructor(ws: WebSocket, binary: boolean) {
    super(ws);
    this.#binary = binary;
  }

  /** @internal */
  override handleMessage(data: RawData, isBinary: boolean): void {
    const owner = this.owner;
    if (owner === null) return;
    const buf = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (isBinary) {
      const message = binaryPacketFromV3(buf);
      // Any other type byte is a packet the session cannot read: "" makes it a parse error.
      if (message === null) owner.onText(this, "");
      else owner.onBinary(this, buf.subarray(1));
      return;
    }
    owner.onText(this, textPacketFromV3(buf.toString("utf8")) ?? "");
  }

  override send(items: readonly OutItem[], compress: readonly boolean[] | null): boolean {
    const out: OutItem[] = new Array<OutItem>(items.length);
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const data = item instanceof PreEncodedPacket ? item.data : item;
      if (typeof data === "string")
        out[i] = item instanceof PreEncodedPacket ? item.pollingText : data;
      else out[i] = this.#binary ? binaryFrame(data) : encodeBase64MessageV3(data);
    }
    return super.send(out, compress);
  }
}

/** @internal The WebSocket transport for a request's revision. */
export function newWebSocketTransport(ws: WebSocket, req: EngineRequest): WebSocketTransport {
  return requestProtocol(req) === 4
    ? new WebSocketTransport(ws)
    : new WebSocketTransportV3(ws, !req._query.b64);
}
