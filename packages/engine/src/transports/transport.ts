import type { Socket as NetSocket } from "node:net";
import type { FinalPacket } from "@switchboard/engine-parser";
import type { TransportName } from "../options.js";
import type { PreEncodedPacket } from "../pre-encoded.js";

/**
 * One queued outgoing packet: a text packet already in wire form (`4hello`, `2`, `1`…), the
 * bytes of a binary message, or a pre-encoded message shared by many sockets.
 */
export type OutItem = string | Buffer | PreEncodedPacket;

/** @internal What a transport reports to the session that owns it. */
export interface TransportOwner {
  /** One text packet in wire form (a WebSocket text frame or one polling payload segment). */
  onText(transport: Transport, text: string): void;
  /** One binary message (a WebSocket binary frame). */
  onBinary(transport: Transport, data: Buffer): void;
  /** The transport failed; the session closes with `transport error` (or the upgrade is cancelled). */
  onTransportError(transport: Transport, err: Error): void;
  /** The peer closed the transport; the session closes with `transport close`. */
  onTransportClose(transport: Transport): void;
  /** The transport became writable (a polling GET arrived). */
  onWritable(transport: Transport): void;
  /** A write that `send()` reported as pending has completed. */
  onDrain(transport: Transport): void;
  /** Whether packets wait in the owner's queue for the next flush (they make the transport not `writable`). */
  hasPendingWrites(): boolean;
}

/** How a transport ends: `graceful` lets queued data out, `abort` drops the connection now. */
export type ShutdownMode = "graceful" | "abort";

/** A session's connection to the client: HTTP long-polling or WebSocket. */
export abstract class Transport {
  /** `polling` or `websocket`. */
  abstract readonly name: TransportName;
  /** @internal */
  owner: TransportOwner | null = null;

  /** @internal Whether a flush can write now (a GET is pending / the socket is open). */
  abstract get ready(): boolean;

  /**
   * Whether a packet sent now would leave at once, as `engine.io` has it (Socket.IO drops a `volatile`
   * packet when this is false): the transport is ready and no earlier packet waits to be written,
   * neither in the session's queue nor, over WebSocket, in the socket's buffer.
   */
  get writable(): boolean {
    return this.ready && this.owner?.hasPendingWrites() !== true;
  }

  /** @internal Bytes written but not yet handed to the kernel (a WebSocket's buffer); 0 for polling. */
  get bufferedAmount(): number {
    return 0;
  }

  /** @internal The TCP socket the transport lives on for its whole life (WebSocket), if any. */
  get netSocket(): NetSocket | undefined {
    return undefined;
  }

  /** @internal The session is idle for a while (a pong arrived): release per-connection buffers kept for reuse. */
  compact(): void {}

  /**
   * @internal Writes every item, in order. `compress[i]` is the per-packet compression flag when
   * tracked. Returns true when the write completed synchronously, false when `onDrain` follows.
   */
  abstract send(items: readonly OutItem[], compress: readonly boolean[] | null): boolean;

  /**
   * @internal Detaches the transport from its session and ends it. `finalPacket` answers a
   * pending polling GET (`1` close or `6` noop, docs/protocol.md §1.3/§1.7).
   */
  abstract shutdown(mode: ShutdownMode, finalPacket?: FinalPacket): void;
}
