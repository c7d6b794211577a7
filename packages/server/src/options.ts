/* eslint-disable @typescript-eslint/no-explicit-any -- a custom parser module is untyped by nature */
import type { Adapter, AdapterNamespace } from "@switchboard/adapter";
import type { AttachOptions, ServerOptions as EngineOptions } from "@switchboard/engine";

/** The `adapter` option: an adapter class, or a function building one for a namespace. */
export type AdapterConstructor = (new (nsp: AdapterNamespace) => Adapter) | ((nsp: AdapterNamespace) => Adapter);

/** Options of connection state recovery (docs/protocol.md §2.9). */
export interface ConnectionStateRecoveryOptions {
  /** How long a disconnected session can be restored, in ms. Default 120000 (2 minutes). */
  maxDisconnectionDuration?: number;
  /** Whether a recovered connection skips the connect middlewares. Default true. */
  skipMiddlewares?: boolean;
}

/** Server options: Socket.IO's own plus every Engine.IO server and attach option. */
export interface ServerOptions extends EngineOptions, AttachOptions {
  /** Path the server answers under. Default `/socket.io`. */
  path?: string;
  /** Whether to serve the browser client bundle under `<path>/socket.io.js` & co. Default true. */
  serveClient?: boolean;
  /** The adapter class (one instance per namespace). Default: in-memory (session-aware with recovery). */
  adapter?: AdapterConstructor;
  /** A custom parser module (`{ Encoder, Decoder }`, e.g. socket.io-msgpack-parser). */
  parser?: any;
  /** Milliseconds a new connection has to join a namespace before it is closed. Default 45000. */
  connectTimeout?: number;
  /** Connection state recovery; off unless given. */
  connectionStateRecovery?: ConnectionStateRecoveryOptions;
  /** Whether a child namespace of a dynamic parent is deleted when its last socket leaves. Default false. */
  cleanupEmptyChildNamespaces?: boolean;
  /**
   * Namespaces one connection may join (or be joining) at once; a CONNECT past it gets a `connect_error` with
   * `data.code` `ERR_SB_TOO_MANY_NAMESPACES`, the other namespaces stay. Default 100; `Infinity` disables it.
   */
  maxNamespacesPerConnection?: number;
  /**
   * Acks one socket may await from its client (`emit(..., cb)`, `emitWithAck`, broadcasts with an ack). Past it
   * the oldest fails now with the timeout error if it has a `timeout()`, else it is dropped. Default 1000.
   */
  maxPendingAcks?: number;
  /**
   * Binary attachments one incoming packet may announce; more closes that connection (`parse error`). Passed as
   * `{ maxAttachments }` to every connection's decoder, a custom `parser`'s too. Default: the parser's own (10).
   */
  maxAttachments?: number;
}

/** @internal recovery options after defaults */
export interface ResolvedRecovery {
  maxDisconnectionDuration: number;
  skipMiddlewares: boolean;
}

/** @internal */
export function resolveRecovery(opts: ConnectionStateRecoveryOptions | undefined): ResolvedRecovery | undefined {
  if (opts === undefined || (opts as unknown) === false) return undefined;
  return {
    maxDisconnectionDuration: opts.maxDisconnectionDuration ?? 2 * 60 * 1000,
    skipMiddlewares: opts.skipMiddlewares ?? true,
  };
}
