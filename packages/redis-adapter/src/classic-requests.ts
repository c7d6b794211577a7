// Answering the classic protocol's requests from other nodes (docs/protocol.md §5.2): the node acts on its own sockets
// only, through `host.local`, and answers on the response channel.
import type {
  AdapterNamespace,
  AdapterSocket,
  BroadcastOptions,
  RemoteSocketDetails,
  Room,
  SocketId,
} from "@switchboard/adapter";
import type { Packet } from "@switchboard/parser";
import {
  MalformedMessage,
  RequestType,
  fromWire,
  type WireRequest,
  type WireResponse,
} from "./classic-protocol.js";
import { reportError } from "./report.js";

/** What the request handler needs from the adapter. */
export interface RequestHost {
  readonly nsp: AdapterNamespace;
  readonly rooms: ReadonlyMap<Room, Set<SocketId>>;
  socketRooms(id: SocketId): Set<Room> | undefined;
  /** The adapter's operations on this node's sockets only (never published again). */
  readonly local: {
    sockets(rooms: Set<Room>): Promise<Set<SocketId>>;
    fetchSockets(opts: BroadcastOptions): Promise<(AdapterSocket | RemoteSocketDetails)[]>;
    addSockets(opts: BroadcastOptions, rooms: Room[]): void;
    delSockets(opts: BroadcastOptions, rooms: Room[]): void;
    disconnectSockets(opts: BroadcastOptions, close: boolean): void;
    broadcastWithAck(
      packet: Packet,
      opts: BroadcastOptions,
      count: (n: number) => void,
      ack: (...args: unknown[]) => void,
    ): void;
  };
  /** Publish the answer to `req` (msgpack when it may carry binary, as the official adapter does). */
  respond(req: WireRequest, body: Omit<WireResponse, "requestId" | "uid">, msgpack?: boolean): void;
}

/**
 * Act on a request of another node. Returns false for a type this node does not know (the caller counts it).
 * Throws {@link MalformedMessage} when the fields do not fit the type.
 */
export function answerRequest(host: RequestHost, req: WireRequest): boolean {
  const opts = req.opts === undefined ? undefined : fromWire(req.opts);
  switch (req.type) {
    case RequestType.SOCKETS:
      // Answers nobody awaits here: a failure is reported, never an unhandled rejection (the requester times out).
      host.local
        .sockets(new Set(req.rooms ?? []))
        .then((ids) => host.respond(req, { sockets: [...ids] }))
        .catch((err: unknown) => reportError("answering a SOCKETS request failed", err));
      return true;
    case RequestType.ALL_ROOMS:
      host.respond(req, { rooms: [...host.rooms.keys()] });
      return true;
    case RequestType.REMOTE_JOIN:
    case RequestType.REMOTE_LEAVE:
    case RequestType.REMOTE_DISCONNECT:
      membership(host, req, opts);
      return true;
    case RequestType.REMOTE_FETCH:
      if (opts === undefined) throw new MalformedMessage("REMOTE_FETCH without opts");
      host.local
        .fetchSockets(opts)
        .then((sockets) => host.respond(req, { sockets: sockets.map((s) => serialize(host, s)) }))
        .catch((err: unknown) => reportError("answering a REMOTE_FETCH request failed", err));
      return true;
    case RequestType.SERVER_SIDE_EMIT:
      serverSideEmitted(host, req);
      return true;
    case RequestType.BROADCAST:
      broadcastWithAck(host, req, opts);
      return true;
    default:
      return false;
  }
}

function membership(host: RequestHost, req: WireRequest, opts: BroadcastOptions | undefined): void {
  if (opts !== undefined) {
    if (req.type === RequestType.REMOTE_JOIN) host.local.addSockets(opts, req.rooms ?? []);
    else if (req.type === RequestType.REMOTE_LEAVE) host.local.delSockets(opts, req.rooms ?? []);
    else host.local.disconnectSockets(opts, req.close === true);
    return;
  }
  // The legacy single-socket form (remoteJoin & co.): act if the socket is here, then confirm.
  const socket = typeof req.sid === "string" ? host.nsp.sockets.get(req.sid) : undefined;
  if (socket === undefined) return;
  if (req.type === RequestType.REMOTE_JOIN) void socket.join(String(req.room));
  else if (req.type === RequestType.REMOTE_LEAVE) void socket.leave(String(req.room));
  else socket.disconnect(req.close === true);
  host.respond(req, {});
}

function serverSideEmitted(host: RequestHost, req: WireRequest): void {
  const args = Array.isArray(req.data) ? [...(req.data as unknown[])] : [];
  if (req.requestId !== undefined) {
    let called = false;
    args.push((arg: unknown) => {
      if (called) return; // one answer per node
      called = true;
      host.respond(req, { type: RequestType.SERVER_SIDE_EMIT, data: arg });
    });
  }
  host.nsp.onServerSideEmit?.(args);
}

function broadcastWithAck(
  host: RequestHost,
  req: WireRequest,
  opts: BroadcastOptions | undefined,
): void {
  const packet = req.packet;
  if (
    opts === undefined ||
    typeof req.requestId !== "string" ||
    typeof packet !== "object" ||
    packet === null
  ) {
    throw new MalformedMessage("BROADCAST without opts, requestId or packet");
  }
  host.local.broadcastWithAck(
    packet,
    opts,
    (clientCount) => host.respond(req, { type: RequestType.BROADCAST_CLIENT_COUNT, clientCount }),
    (arg) => host.respond(req, { type: RequestType.BROADCAST_ACK, packet: arg }, true),
  );
}

function serialize(
  host: RequestHost,
  socket: AdapterSocket | RemoteSocketDetails,
): RemoteSocketDetails {
  // sessionStore may hold circular references (express-session): never ship it, as the official adapter does.
  const { sessionStore, ...handshake } = (socket.handshake ?? {}) as Record<string, unknown>;
  void sessionStore;
  return {
    id: socket.id,
    handshake,
    rooms: [...(host.socketRooms(socket.id) ?? [])],
    data: socket.data,
  };
}
