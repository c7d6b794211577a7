import type { AnyContract, ClientEmitEvents, ClientListenEvents } from "@switchboard/contract";
import { Manager } from "./manager.js";
import type { ManagerOptions, SocketOptions } from "./options.js";
import { Socket as SocketClass, type Socket } from "./socket.js";
import { parseUrl } from "./url.js";
import { LOG, createDebug } from "@switchboard/engine-client/log";

// Calls are guarded by `LOG` (false in browser production builds, see #log) so that bundlers drop them.
const debug = /* @__PURE__ */ createDebug("socket.io-client");

/** Managers by origin + path, shared between `io()` calls (multiplexing, docs/protocol.md §4). */
const cache: Record<string, Manager> = {};

/**
 * Connects to a namespace of a Socket.IO server (the twin of socket.io-client's `io`). Namespaces of one
 * server share one connection unless `forceNew`, `multiplex: false`, or the namespace is already open.
 * @example
 * const socket = io("https://example.com/admin", { auth: { token: "abc" } });
 * socket.on("connect", () => console.log(socket.id));
 */
function lookup<K extends AnyContract>(
  uri: string,
  opts: Partial<ManagerOptions & SocketOptions> & { contract: K },
): Socket<ClientListenEvents<K>, ClientEmitEvents<K>>;
function lookup<K extends AnyContract>(
  opts: Partial<ManagerOptions & SocketOptions> & { contract: K },
): Socket<ClientListenEvents<K>, ClientEmitEvents<K>>;
function lookup(opts?: Partial<ManagerOptions & SocketOptions>): Socket;
function lookup(uri?: string, opts?: Partial<ManagerOptions & SocketOptions>): Socket;
function lookup(
  uri?: string | Partial<ManagerOptions & SocketOptions>,
  opts?: Partial<ManagerOptions & SocketOptions>,
): Socket {
  if (typeof uri === "object") {
    opts = uri;
    uri = undefined;
  }
  // Read only: the caller's object is never written to (socket.io-client used to copy the URL's query into it).
  const o: Partial<ManagerOptions & SocketOptions> = opts ?? {};
  const { source, id, nsp } = parseUrl(uri, o.path ?? "/socket.io");
  const cached = cache[id];
  const newConnection =
    o.forceNew ||
    (o as Record<string, unknown>)["force new connection"] ||
    o.multiplex === false ||
    (cached && nsp in cached.nsps);
  if (LOG) debug(newConnection ? "ignoring socket cache for %s" : "io instance for %s", source);
  const io = newConnection ? new Manager(source, o) : (cache[id] ??= new Manager(source, o));
  return io.socket(nsp, o);
}

// socket.io-client's default export also carries the classes (`io.Manager`, `io.connect`), e.g. for the global `io`.
Object.assign(lookup, { Manager, Socket: SocketClass, io: lookup, connect: lookup });

export { lookup as io, lookup as connect, lookup as default };
export { Manager, type ManagerReservedEvents, type DisconnectDescription } from "./manager.js";
export { Socket, type DisconnectReason, type SocketReservedEvents } from "./socket.js";
export { Backoff, type BackoffOptions } from "./backoff.js";
export { ClientError, ConnectError, ErrorCode } from "./errors.js";
export type { ManagerOptions, SocketOptions, Parser } from "./options.js";
export { protocol } from "@switchboard/parser";
// socket.io-client's transport exports, for `transportImplementations: [...]` (see @switchboard/engine-client).
export { Fetch, NodeXHR, XHR, NodeWebSocket, WebSocket } from "@switchboard/engine-client";
export type { DefaultEventsMap, EventsMap } from "@switchboard/emitter";
// Contracts (issue #17), re-exported from @switchboard/contract (tree-shaken away when unused).
export {
  ContractValidationError,
  defineContract,
  type AnyContract,
  type Contract,
  type ContractIssue,
} from "@switchboard/contract";
