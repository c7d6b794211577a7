import { encodePacket, type Packet as WirePacket } from "@switchboard/engine-parser";
import type { Packet } from "./codec.js";
import { ERR_WEBSOCKET } from "./errors.js";
import { LOG, createDebug } from "#log";
import type { WebSocketLike } from "./platform.js";
import { NODE } from "#runtime";
import { Transport } from "./transport.js";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("engine.io-client:websocket");
const COMPRESS = /* @__PURE__ */ Object.freeze({ compress: true });

/** WebSocket transport: one Engine.IO packet per frame, binary messages as binary frames (docs/protocol.md §1.2). */
export class WebSocketTransport extends Transport {
  // On the prototype (a getter), where `transportImplementations` reads it, as engine.io-client does.
  override get name(): string {
    return "websocket";
  }
  #ws: WebSocketLike | undefined;
  /** Created once per transport, not per write. */
  readonly #onWritten = (): void => {
    if (this.readyState !== "open") return; // a WebSocket is never paused (upgrades only leave polling)
    this.writable = true;
    this.emitReserved("drain");
  };

  protected doOpen(): void {
    const o = this.ctx.opts;
    let ws: WebSocketLike;
    const onError = (ev: unknown): void => this.onError("websocket error", ERR_WEBSOCKET, ev);
    try {
      ws = this.ctx.openWebSocket(
        this.uri("ws", o.timestampRequests === true),
        o,
        NODE ? this.ctx.jar : undefined,
      );
    } catch (err) {
      // e.g. a SyntaxError for a bad URL: report it like a failed connection, asynchronously.
      queueMicrotask(() => onError(err));
      return;
    }
    ws.binaryType = this.ctx.wsBinaryType;
    // Handlers created once per transport (doOpen runs once), not per frame.
    ws.onopen = () => this.onOpen();
    ws.onclose = (ev) => this.onClose({ description: "websocket connection closed", context: ev });
    ws.onmessage = (ev) => {
      const data = ev.data;
      if (
        typeof data === "string" ||
        data instanceof ArrayBuffer ||
        (NODE && data instanceof Uint8Array)
      )
        this.onData(data);
    };
    ws.onerror = onError;
    this.#ws = ws;
  }

  protected write(packets: Packet[]): void {
    const ws = this.#ws;
    if (!ws) return;
    this.writable = false;
    const compressOpt = NODE && this.ctx.wsCompress;
    for (const packet of packets) {
      const data = encodePacket(packet as WirePacket, !this.ctx.opts.forceBase64);
      try {
        // `ws` copies the options object, so the packet's shared one is passed as is.
        if (compressOpt) ws.send(data, packet.options ?? COMPRESS);
        else ws.send(data);
      } catch (err) {
        if (LOG) debug("send failed %o", err);
      }
    }
    // The platform buffers frames itself; we are writable again once the current task ends.
    queueMicrotask(this.#onWritten);
  }

  override abort(): void {
    const ws = NODE ? this.#ws : undefined;
    if (ws?.terminate && this.readyState === "open") {
      this.#ws = undefined;
      ws.onerror = noop;
      ws.onclose = ws.onmessage = ws.onopen = null;
      ws.terminate();
      this.onClose();
      return;
    }
    this.close();
  }

  protected doClose(): void {
    const ws = this.#ws;
    if (!ws) return;
    this.#ws = undefined;
    ws.onerror = noop;
    ws.onclose = ws.onmessage = ws.onopen = null;
    try {
      ws.close();
    } catch {
      // closing a WebSocket that failed to connect can throw in some engines; nothing left to release
    }
  }
}

function noop(): void {}
