import type { Socket as NetSocket } from "node:net";
import createDebug from "debug";
import type { WebSocket, RawData } from "ws";
import { PayloadTooLargeError, TransportError } from "../errors.js";
import { PreEncodedPacket } from "../pre-encoded.js";
import { Transport, type OutItem, type ShutdownMode } from "./transport.js";

const debug = createDebug("engine:ws");

const OPEN = 1;

// Private parts of `ws` used by the broadcast fast path; every access is guarded so another
// `ws` version only loses the optimisation (PreEncodedPacket falls back to `ws.send`).
interface WsInternals {
  _sender?: { sendFrame?: (frame: readonly Buffer[], cb?: (err?: Error) => void) => void };
  _socket?: NetSocket;
}

const kTransport = Symbol("switchboard.transport");
type TaggedWebSocket = WebSocket & { [kTransport]?: WebSocketTransport };

function onMessage(this: TaggedWebSocket, data: RawData, isBinary: boolean): void {
  this[kTransport]?.handleMessage(data, isBinary);
}

function onClose(this: TaggedWebSocket): void {
  this[kTransport]?.handleClose();
}

function onError(this: TaggedWebSocket, err: Error): void {
  this[kTransport]?.handleError(err);
}

const COMPRESS = { compress: true } as const;
const NO_COMPRESS = { compress: false } as const;

/** WebSocket transport framed by `ws` (PROTOCOL.md §1.2: text packets as text frames, binary raw). */
export class WebSocketTransport extends Transport {
  readonly name = "websocket" as const;
  readonly #ws: WebSocket;
  /** permessage-deflate was negotiated, so per-packet compression flags matter. */
  readonly #deflate: boolean;
  #shut = false;

  /** @internal */
  constructor(ws: WebSocket) {
    super();
    this.#ws = ws;
    this.#deflate = ws.extensions.includes("permessage-deflate");
    // Shared module-level listeners find their transport through the ws object: no closures per session.
    (ws as TaggedWebSocket)[kTransport] = this;
    ws.on("message", onMessage);
    ws.on("close", onClose);
    ws.on("error", onError);
  }

  get writable(): boolean {
    return !this.#shut && this.#ws.readyState === OPEN;
  }

  /** @internal */
  handleMessage(data: RawData, isBinary: boolean): void {
    const owner = this.owner;
    if (owner === null) return;
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (isBinary) owner.onBinary(this, buf);
    else owner.onText(this, buf.toString("utf8"));
  }

  /** @internal */
  handleClose(): void {
    const owner = this.owner;
    this.owner = null;
    this.#shut = true;
    owner?.onTransportClose(this);
  }

  /** @internal `ws` reports oversize messages (1009), bad frames and socket errors here, then closes. */
  handleError(err: Error): void {
    debug("websocket error: %s", err.message);
    const owner = this.owner;
    this.owner = null;
    const tooLarge = (err as Error & { code?: string }).code === "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";
    owner?.onTransportError(
      this,
      tooLarge ? new PayloadTooLargeError(err.message, { cause: err }) : new TransportError(err.message, { cause: err }),
    );
  }

  /** @internal Sends one text packet outside the session's queue (the `3probe` reply). */
  sendText(text: string): void {
    if (this.writable) this.#ws.send(text);
  }

  send(items: readonly OutItem[], compress: readonly boolean[] | null): boolean {
    const ws = this.#ws;
    if (!this.writable) return true;
    const internals = ws as unknown as WsInternals;
    // Several packets in one flush leave in one write (one syscall) instead of one each.
    const raw = items.length > 1 ? internals._socket : undefined;
    raw?.cork();
    try {
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        const flag = this.#deflate ? (compress === null || compress[i] !== false ? COMPRESS : NO_COMPRESS) : undefined;
        if (item instanceof PreEncodedPacket) {
          const frame = this.#deflate ? null : item.wsFrame;
          const sender = internals._sender;
          if (frame !== null && sender?.sendFrame !== undefined) sender.sendFrame(frame);
          else ws.send(item.wsData, flag ?? NO_COMPRESS);
        } else if (flag === undefined) {
          ws.send(item);
        } else {
          ws.send(item, flag);
        }
      }
    } finally {
      raw?.uncork();
    }
    return true;
  }

  shutdown(mode: ShutdownMode): void {
    if (this.#shut) {
      this.owner = null;
      return;
    }
    this.#shut = true;
    this.owner = null;
    if (mode === "abort") this.#ws.terminate();
    else this.#ws.close();
  }
}
