// Observability as data (node:diagnostics_channel): admin, metrics and tracing subscribe to these
// channels instead of wrapping methods or parsing logs. Publishers check `hasSubscribers` first, as
// undici and fastify do, so without subscribers a packet costs one boolean read and no message object.
import diagnostics from "node:diagnostics_channel";
import {
  BASE64_MESSAGE,
  DATA_OFFSET,
  MESSAGE_PREFIX,
  PacketTypeNames,
  base64MessageLength,
  scanPacketType,
  type PacketType,
} from "@switchboard/engine-parser/internal";
import { PreEncodedPacket } from "./pre-encoded.js";
import type { TransportName } from "./options.js";
import type { Socket } from "./socket.js";
import type { CloseReason } from "./socket-events.js";
import type { OutItem, Transport } from "./transports/transport.js";

/** Names of the engine's diagnostics channels (see the README, "Diagnostics channels"). */
export const DiagnosticsChannels = {
  /** A session was created (its open packet is queued). Message: `HandshakeMessage`. */
  handshake: "switchboard:engine:handshake",
  /** A packet arrived on a session's transport. Message: `PacketMessage`. */
  packetIn: "switchboard:engine:packet:in",
  /** A packet was handed to a session's transport. Message: `PacketMessage`. */
  packetOut: "switchboard:engine:packet:out",
  /** A session moved to another transport. Message: `UpgradeMessage`. */
  upgrade: "switchboard:engine:upgrade",
  /** A session closed. Message: `CloseMessage`. */
  close: "switchboard:engine:close",
} as const;

/** Message of `switchboard:engine:handshake`. */
export interface HandshakeMessage {
  socket: Socket;
  /** The transport of the handshake. */
  transport: TransportName;
}

/** Message of `switchboard:engine:packet:in` and `switchboard:engine:packet:out`. */
export interface PacketMessage {
  socket: Socket;
  /** `message` for binary messages, in either form. */
  type: PacketType;
  /**
   * Bytes of the packet on its transport, type character included, framing excluded (no
   * WebSocket header, no polling separator); a binary message over polling counts its base64 text.
   */
  byteLength: number;
  /**
   * Bytes of the packet's data alone: a text packet's UTF-8 bytes after its type character, a binary
   * message's own bytes (decoded, over polling); 0 for a packet without data (ping, close, …). What the
   * reference server's `packet` / `packetCreate` events carry as `data`, so what `@socket.io/admin-ui` counts.
   */
  dataLength: number;
}

/** Message of `switchboard:engine:upgrade`. */
export interface UpgradeMessage {
  socket: Socket;
  from: TransportName;
  to: TransportName;
}

/** Message of `switchboard:engine:close`. */
export interface CloseMessage {
  socket: Socket;
  reason: CloseReason;
  /** The error behind `transport error` and `parse error`, when there is one. */
  description: Error | undefined;
}

/** @internal */ export const handshakeChannel = diagnostics.channel(DiagnosticsChannels.handshake);
/** @internal */ export const packetInChannel = diagnostics.channel(DiagnosticsChannels.packetIn);
/** @internal */ export const packetOutChannel = diagnostics.channel(DiagnosticsChannels.packetOut);
/** @internal */ export const upgradeChannel = diagnostics.channel(DiagnosticsChannels.upgrade);
/** @internal */ export const closeChannel = diagnostics.channel(DiagnosticsChannels.close);

/** @internal A text packet received (a WebSocket text frame or one polling segment). */
export function publishTextIn(socket: Socket, text: string): void {
  const scanned = scanPacketType(text);
  const byteLength = Buffer.byteLength(text);
  const message: PacketMessage = {
    socket,
    type: PacketTypeNames[scanned] ?? "message",
    byteLength,
    // the type character is one ASCII byte; `b` + base64 carries binary data (§1.2)
    dataLength: scanned === BASE64_MESSAGE ? base64DataLength(text) : byteLength - DATA_OFFSET,
  };
  packetInChannel.publish(message);
}

/** Bytes a `b` + base64 message decodes to, without decoding it (trailing `=` are padding). */
function base64DataLength(text: string): number {
  let end = text.length;
  while (end > DATA_OFFSET && text.charCodeAt(end - 1) === 61 /* = */) end--;
  return Math.floor(((end - DATA_OFFSET) * 3) / 4);
}

/** @internal A binary message received as a WebSocket binary frame. */
export function publishBinaryIn(socket: Socket, data: Buffer): void {
  const message: PacketMessage = {
    socket,
    type: "message",
    byteLength: data.length,
    dataLength: data.length,
  };
  packetInChannel.publish(message);
}

/** @internal The packets of one flush, in order, with their size on `transport`. */
export function publishPacketsOut(
  socket: Socket,
  transport: Transport,
  items: readonly OutItem[],
): void {
  const polling = transport.name === "polling";
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    let message: PacketMessage;
    if (typeof item === "string") {
      const byteLength = Buffer.byteLength(item);
      message = {
        socket,
        type: PacketTypeNames[scanPacketType(item)] ?? "message",
        byteLength,
        dataLength: byteLength - DATA_OFFSET,
      };
    } else {
      const data = item instanceof PreEncodedPacket ? item.data : item;
      const dataLength = typeof data === "string" ? Buffer.byteLength(data) : data.length;
      const byteLength =
        typeof data === "string"
          ? MESSAGE_PREFIX.length + dataLength
          : polling
            ? base64MessageLength(dataLength)
            : dataLength;
      message = { socket, type: "message", byteLength, dataLength };
    }
    packetOutChannel.publish(message);
  }
}
