/* eslint-disable @typescript-eslint/no-explicit-any -- a custom parser module is untyped by nature */
import type { Adapter, AdapterNamespace } from "@switchboard/adapter";
import type { AnyContract, ContractTypes } from "@switchboard/contract";
import type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
import type { AttachOptions, ServerOptions as EngineOptions } from "@switchboard/engine";
import type { ForwardingOption } from "./forwarding.js";
import type { RateLimitOptions } from "./rate-limit.js";

/** The `adapter` option: an adapter class, or a function building one for a namespace. */
export type AdapterConstructor =
  (new (nsp: AdapterNamespace) => Adapter) | ((nsp: AdapterNamespace) => Adapter);

/** Options of connection state recovery (docs/protocol.md §2.9). */
export interface ConnectionStateRecoveryOptions {
  /** How long a disconnected session can be restored, in ms. Default 120000 (2 minutes). */
  maxDisconnectionDuration?: number;
  /** Whether a recovered connection skips the connect middlewares. Default true. */
  skipMiddlewares?: boolean;
}

/**
 * Server options: Socket.IO's own plus every Engine.IO server and attach option. The type parameters are the
 * event maps a `contract` gives the server (inferred by `new Server(http, { contract })`).
 */
export interface ServerOptions<
  ListenEvents extends EventsMap = DefaultEventsMap,
  EmitEvents extends EventsMap = ListenEvents,
>
  extends EngineOptions, AttachOptions {
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
  /**
   * Per-socket budgets of incoming events (token buckets, issue #18): an event over its budget never reaches
   * the listeners; its ack gets `{ error: { code: "RATE_LIMITED", retryAfterMs } }`, or the socket emits
   * `error` with a `RateLimitError`. Off unless given.
   */
  rateLimit?: RateLimitOptions;
  /**
   * A contract (`defineContract()` of `@switchboard/contract`) for the main namespace: incoming events are validated
   * after `socket.use` middlewares, emits before they are sent; the server is typed by it.
   */
  contract?: AnyContract & { readonly "~server"?: ContractTypes<ListenEvents, EmitEvents> };
  /** Whether emits are validated against the contracts (`false` in production skips it). Default true. */
  validateOutgoing?: boolean;
  /**
   * Request forwarding (issue #16, docs/scaling.md): with an adapter that has a peer directory (the Switchboard
   * Redis adapters), a request for a session another node holds is forwarded to that node, so no sticky sessions
   * are needed. `false` turns it off; an object sets `address`, `maxInFlight`, `connectTimeout`, `lookupTimeout`.
   * Default true.
   */
  forwarding?: ForwardingOption;
}

/** @internal recovery options after defaults */
export interface ResolvedRecovery {
  maxDisconnectionDuration: number;
  skipMiddlewares: boolean;
}

/** @internal */
export function resolveRecovery(
  opts: ConnectionStateRecoveryOptions | undefined,
): ResolvedRecovery | undefined {
  if (opts === undefined || (opts as unknown) === false) return undefined;
  return {
    maxDisconnectionDuration: opts.maxDisconnectionDuration ?? 2 * 60 * 1000,
    skipMiddlewares: opts.skipMiddlewares ?? true,
  };
}
