// The classic Redis adapter protocol as an emitter speaks it (docs/protocol.md §5.2), written from the facts: a
// broadcast is a msgpack array `[uid, packet, {rooms, except, flags}]` published on `<key>#<nsp>#`, or on
// `<key>#<nsp>#<room>#` when exactly one room is targeted; bulk operations and server-side events are JSON requests
// on `<key>-request#<nsp>#`. The uid is the literal "emitter", which nodes know is not a node.
import { PacketType, type Packet } from "@switchboard/parser";
import { encode as msgpackEncode } from "@switchboard/parser/msgpack";

/** The uid every emitter publishes with. */
export const EMITTER_UID = "emitter";

/** Request types of the classic protocol that an emitter sends. */
export const RequestType = {
  REMOTE_JOIN: 2,
  REMOTE_LEAVE: 3,
  REMOTE_DISCONNECT: 4,
  SERVER_SIDE_EMIT: 6,
} as const;

/** Encodes the broadcast message (the `parser` option of the emitter). Default: msgpack, as notepack.io encodes. */
export interface EmitterParser {
  encode(message: unknown): unknown;
}

export const msgpackParser: EmitterParser = { encode: msgpackEncode };

/** The flags an emitter can set on a broadcast. */
export interface BroadcastFlags {
  volatile?: boolean;
  compress?: boolean;
}

/** @internal Channels and codec of one namespace. */
export interface NamespaceTarget {
  readonly nsp: string;
  readonly broadcastChannel: string;
  readonly requestChannel: string;
  readonly parser: EmitterParser;
}

export function namespaceTarget(key: string, nsp: string, parser: EmitterParser): NamespaceTarget {
  return {
    nsp,
    broadcastChannel: `${key}#${nsp}#`,
    requestChannel: `${key}-request#${nsp}#`,
    parser,
  };
}

/** The channel and bytes of a broadcast. */
export function broadcastMessage(
  target: NamespaceTarget,
  data: unknown[],
  rooms: ReadonlySet<string>,
  except: ReadonlySet<string>,
  flags: BroadcastFlags,
): { channel: string; message: string | Buffer } {
  // Key order as upstream (type, data, nsp), so the bytes are the same.
  const packet: Packet = { type: PacketType.EVENT, data, nsp: target.nsp };
  const opts = { rooms: [...rooms], flags, except: [...except] };
  const message = target.parser.encode([EMITTER_UID, packet, opts]) as string | Buffer;
  // Nodes subscribe by pattern and skip single-room channels of rooms they do not hold without decoding.
  const channel =
    rooms.size === 1
      ? `${target.broadcastChannel}${rooms.values().next().value as string}#`
      : target.broadcastChannel;
  return { channel, message };
}
