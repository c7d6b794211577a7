// The incoming side of a session (docs/protocol.md §1.2): what its transport reports, and the
// packets the client sends, read with one scan of the type character (no packet object is built
// unless a `packet` listener wants one). The upgrade probe's events go to its UpgradeAttempt.
// A class layer of Socket, like SendQueue, so a session stays one object.
import {
  BASE64_MESSAGE,
  DATA_OFFSET,
  EncodedPackets,
  INVALID_PACKET,
  PacketTypeNames,
  PacketTypes,
  scanPacketType,
} from "@switchboard/engine-parser/internal";
import createDebug from "debug";
import { packetInChannel, publishBinaryIn, publishTextIn } from "./diagnostics.js";
import { ParseError } from "./errors.js";
import { SendQueue } from "./send-queue.js";
import type { Socket } from "./socket.js";
import type { Transport } from "./transports/transport.js";

const debug = createDebug("engine:socket");

const NOOP = EncodedPackets.noop;
const {
  close: CLOSE_TYPE,
  ping: PING_TYPE,
  pong: PONG_TYPE,
  message: MESSAGE_TYPE,
  noop: NOOP_TYPE,
} = PacketTypes;

/** The receiving side of a session; see `Socket`. User exceptions never escape into the transport. */
// `this` is always a Socket (the only subclass): the casts below only name it for diagnostics.
// A TransportOwner (structurally: that interface is internal).
export abstract class PacketReceiver extends SendQueue {
  /** Session id. */
  abstract readonly id: string;
  /** @internal A message from the client: text, or a Buffer for binary. */
  protected abstract _onMessage(data: string | Buffer): void;
  /** @internal The client answered a ping. */
  protected abstract _onPong(): void;
  /** @internal The client pinged (`2…`): answered in v3 (§1.10); false when the session speaks v4. */
  protected abstract _onPing(): boolean;
  /** @internal Any packet but a pong arrived (it may extend the pong deadline, see Heartbeat). */
  protected abstract _onActivity(): void;
  /** @internal Reports an exception thrown by application code. */
  abstract _report(err: unknown): void;

  /** @internal */
  onText(_transport: Transport, text: string): void {
    try {
      this._onPacket(text);
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal */
  onBinary(_transport: Transport, data: Buffer): void {
    try {
      if (this.readyState !== "open") return;
      if (packetInChannel.hasSubscribers) publishBinaryIn(this as unknown as Socket, data);
      if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
      this._onActivity();
      this._onMessage(data);
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal */
  onTransportError(transport: Transport, err: Error): void {
    try {
      if (transport !== this.transport) return;
      // As on the reference server the failure is reported by `close`, not by an `error` event.
      debug("transport error on %s: %s", this.id, err.message);
      this._onClose("transport error", err);
    } catch (e) {
      this._report(e);
    }
  }

  /** @internal */
  onTransportClose(transport: Transport): void {
    try {
      if (transport === this.transport) this._onClose("transport close");
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal */
  onWritable(transport: Transport): void {
    try {
      if (transport === this.transport) this.flush();
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal */
  onDrain(transport: Transport): void {
    try {
      if (transport === this.transport && this.readyState !== "closed") this._drained();
    } catch (err) {
      this._report(err);
    }
  }

  /** @internal One text packet: a WebSocket text frame or one segment of a polling payload. */
  private _onPacket(text: string): void {
    if (this.readyState !== "open") return;
    const length = text.length;
    const type = scanPacketType(text);
    if (type !== INVALID_PACKET && packetInChannel.hasSubscribers)
      publishTextIn(this as unknown as Socket, text);
    if (type !== PONG_TYPE && type !== INVALID_PACKET) this._onActivity();
    if (type === BASE64_MESSAGE) {
      // Binary message in text form (§1.2). Buffer's decoder never throws and, like the reference
      // server's, is lenient with bad base64 (the strict decodeBase64 would close the session).
      const data = Buffer.from(text.slice(DATA_OFFSET), "base64");
      if (this.listenerCount("packet") > 0) this.emit("packet", { type: "message", data });
      this._onMessage(data);
      return;
    }
    if (type === INVALID_PACKET)
      return this._protocolError(length === 0 ? "empty packet" : "unknown packet type");
    const name = PacketTypeNames[type]!;
    const hasData = length > DATA_OFFSET;
    if (this.listenerCount("packet") > 0)
      this.emit("packet", hasData ? { type: name, data: text.slice(DATA_OFFSET) } : { type: name });
    switch (type) {
      case MESSAGE_TYPE:
        this._onMessage(hasData ? text.slice(DATA_OFFSET) : "");
        return;
      case PONG_TYPE:
        this._onPong();
        return;
      case CLOSE_TYPE:
        // §1.7: a client close over polling answers the pending GET with a noop.
        this._onClose("transport close", undefined, NOOP);
        return;
      case NOOP_TYPE:
        return;
      case PING_TYPE:
        if (this._onPing()) return;
        this._protocolError(`unexpected ${name} packet`);
        return;
      default:
        // open, upgrade, and (in v4) a client ping outside the probe are protocol errors (§1.5).
        this._protocolError(`unexpected ${name} packet`);
    }
  }

  /** @internal */ private _protocolError(message: string): void {
    debug("parse error on %s: %s", this.id, message);
    this._onClose("parse error", new ParseError(message));
  }
}
