// The wire format of @socket.io/redis-adapter 8.x's classic `createAdapter` (docs/protocol.md §5.2), as facts:
// broadcasts are msgpack arrays `[uid, packet, {rooms, except, flags}]` on `<key>#<nsp>#` (or `<key>#<nsp>#<room>#`
// when exactly one room is targeted); requests and responses are JSON objects `{type, requestId, uid, …}` on
// `<key>-request#<nsp>#` / `<key>-response#<nsp>#[<uid>#]`, except BROADCAST (with ack) and BROADCAST_ACK, in msgpack.
import { msgpackDecode, type BroadcastOptions, type Room } from "@switchboard/adapter";
import type { Packet } from "@switchboard/parser";

/** Request types of the classic protocol (numbering of @socket.io/redis-adapter). */
export enum RequestType {
  SOCKETS = 0,
  ALL_ROOMS = 1,
  REMOTE_JOIN = 2,
  REMOTE_LEAVE = 3,
  REMOTE_DISCONNECT = 4,
  REMOTE_FETCH = 5,
  SERVER_SIDE_EMIT = 6,
  BROADCAST = 7,
  BROADCAST_CLIENT_COUNT = 8,
  BROADCAST_ACK = 9,
}

/**
 * Switchboard's own request types, outside the official numbering (official nodes ignore unknown types): a node's
 * heartbeat, and its goodbye when its adapter closes. See liveness.ts.
 */
export const SB_HEARTBEAT = 100;
export const SB_CLOSE = 101;

/** Broadcast options on the wire (Sets become arrays). */
export interface WireOptions {
  rooms: Room[];
  except?: Room[];
  flags?: BroadcastOptions["flags"];
}

/** A decoded request (fields depend on `type`). */
export interface WireRequest {
  type: RequestType | typeof SB_HEARTBEAT | typeof SB_CLOSE;
  uid?: string;
  requestId?: string;
  opts?: WireOptions;
  rooms?: Room[];
  sid?: string;
  room?: Room;
  close?: boolean;
  data?: unknown;
  packet?: Packet;
}

/** A decoded response; official nodes set `type` only on SERVER_SIDE_EMIT, BROADCAST_CLIENT_COUNT and BROADCAST_ACK. */
export interface WireResponse {
  requestId: string;
  type?: RequestType;
  uid?: string;
  sockets?: unknown[];
  rooms?: Room[];
  data?: unknown;
  clientCount?: number;
  packet?: unknown;
}

/** The channel names of one namespace. */
export interface Channels {
  /** Broadcast channel (and pattern prefix): `<key>#<nsp>#`. */
  broadcast: string;
  request: string;
  response: string;
  /** This node's own response channel: `<key>-response#<nsp>#<uid>#`. */
  ownResponse: string;
}

export function channelsFor(key: string, nsp: string, uid: string): Channels {
  const response = `${key}-response#${nsp}#`;
  return {
    broadcast: `${key}#${nsp}#`,
    request: `${key}-request#${nsp}#`,
    response,
    ownResponse: `${response}${uid}#`,
  };
}

/** Thrown by the decoders for input that decodes but is not a message of this protocol. */
export class MalformedMessage extends Error {}

/** JSON when it starts with `{`, msgpack otherwise (as the official adapter decides). */
export function decodeJsonOrMsgpack(raw: Buffer, maxSize: number): unknown {
  if (raw[0] === 0x7b) return JSON.parse(raw.toString());
  return msgpackDecode(raw, { maxSize });
}

export function decodeBroadcast(
  raw: Buffer,
  maxSize: number,
): { uid: string; packet: Packet; opts: BroadcastOptions } {
  const msg = msgpackDecode(raw, { maxSize });
  if (!Array.isArray(msg) || msg.length < 3)
    throw new MalformedMessage("not a [uid, packet, opts] array");
  const [uid, packet, opts] = msg as [unknown, unknown, unknown];
  if (typeof uid !== "string" || !isPacket(packet) || !isWireOptions(opts))
    throw new MalformedMessage("bad broadcast fields");
  packet.nsp ??= "/";
  return { uid, packet, opts: fromWire(opts) };
}

export function decodeRequest(raw: Buffer, maxSize: number): WireRequest {
  const req = decodeJsonOrMsgpack(raw, maxSize);
  if (typeof req !== "object" || req === null || typeof (req as WireRequest).type !== "number") {
    throw new MalformedMessage("request without a numeric type");
  }
  const r = req as WireRequest;
  if (r.opts !== undefined && !isWireOptions(r.opts))
    throw new MalformedMessage("bad request options");
  if (r.rooms !== undefined && !Array.isArray(r.rooms))
    throw new MalformedMessage("bad request rooms");
  return r;
}

export function decodeResponse(raw: Buffer, maxSize: number): WireResponse {
  const res = decodeJsonOrMsgpack(raw, maxSize);
  if (
    typeof res !== "object" ||
    res === null ||
    typeof (res as WireResponse).requestId !== "string"
  ) {
    throw new MalformedMessage("response without a requestId");
  }
  return res as WireResponse;
}

export function toWire(opts: BroadcastOptions, withFlags: boolean): WireOptions {
  const wire: WireOptions = { rooms: [...opts.rooms], except: [...new Set(opts.except ?? [])] };
  if (withFlags) wire.flags = opts.flags ?? {};
  return wire;
}

export function fromWire(opts: WireOptions): BroadcastOptions {
  const flags = opts.flags;
  return {
    rooms: new Set(opts.rooms),
    except: new Set(opts.except ?? []),
    flags: typeof flags === "object" && flags !== null ? flags : {},
  };
}

function isPacket(p: unknown): p is Packet {
  return typeof p === "object" && p !== null && typeof (p as Packet).type === "number";
}

function isWireOptions(o: unknown): o is WireOptions {
  if (typeof o !== "object" || o === null) return false;
  const { rooms, except } = o as WireOptions;
  return Array.isArray(rooms) && (except === undefined || except === null || Array.isArray(except));
}
