import type { AnyContract, ClientContractOptions } from "@switchboard/contract";
import type { SocketOptions as EngineOptions } from "@switchboard/engine-client";
import type { Packet } from "@switchboard/parser";

/** A Socket.IO parser: the same shape as socket.io-parser's module (`Encoder` and `Decoder` classes). */
export interface Parser {
  Encoder: new () => { encode(packet: Packet): Array<string | Uint8Array | ArrayBuffer> };
  Decoder: new (opts?: { maxAttachments?: number }) => {
    add(chunk: unknown): void;
    destroy(): void;
    on(ev: "decoded", fn: (packet: Packet) => void): unknown;
  };
}

/** Manager options (docs/protocol.md §4), on top of the Engine.IO client's. */
export interface ManagerOptions extends EngineOptions {
  /** Always create a new Manager. Default `false`. */
  forceNew?: boolean;
  /** Share one Manager (one connection) between namespaces of one server. Default `true`. */
  multiplex?: boolean;
  /** Engine path. Default `/socket.io`. */
  path?: string;
  /** Reconnect automatically. Default `true`. */
  reconnection?: boolean;
  /** Give up after this many attempts. Default `Infinity`. */
  reconnectionAttempts?: number;
  /** First reconnection delay in ms. Default 1000. */
  reconnectionDelay?: number;
  /** Maximum reconnection delay in ms. Default 5000. */
  reconnectionDelayMax?: number;
  /** Jitter factor (0..1). Default 0.5. */
  randomizationFactor?: number;
  /** Connection timeout in ms, or `false`. Default 20000. */
  timeout?: number | false;
  /** Connect on construction. Default `true`. */
  autoConnect?: boolean;
  /** A custom parser (same shape as socket.io-parser). */
  parser?: Parser;
  /**
   * Most binary attachments a received packet may announce; more closes the connection with `parse error`.
   * Our extension (socket.io-client 4.8.4 has no such option): passed to the parser's `Decoder`, whose default
   * (10 for socket.io-parser ≥ 4.2.6 and ours) applies when unset.
   */
  maxAttachments?: number;
}

/** Options of one namespace socket (`validateOutgoing` and `onInvalid` apply with a `contract`). */
export interface SocketOptions extends ClientContractOptions {
  /** Sent in the CONNECT packet; a function is called at each (re)connection. */
  auth?: Record<string, unknown> | ((cb: (data: Record<string, unknown>) => void) => void);
  /** Default timeout in ms for acknowledgements. */
  ackTimeout?: number;
  /** Retry each packet up to this many times until acknowledged (at-least-once). Default 0. */
  retries?: number;
  /**
   * A contract (`defineContract()` of `@switchboard/contract`): the socket is typed by it, incoming events are
   * validated (invalid ones dropped, see `onInvalid`), emits are validated before they are buffered or sent.
   */
  contract?: AnyContract;
}
