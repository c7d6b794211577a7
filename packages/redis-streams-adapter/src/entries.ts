// Stream entries and pub/sub payloads, as @socket.io/redis-streams-adapter writes them (docs/protocol.md §5.3):
// an entry has the fields `uid`, `nsp`, `type` (the cluster message type, as a decimal string) and `data`: JSON, or
// base64 msgpack when the message carries binary (unless `onlyPlaintext`). Pub/sub messages (requests, responses,
// broadcasts with ack) are msgpack of the whole message.
import {
  MessageType,
  msgpackDecode,
  msgpackEncode,
  type ClusterMessage,
} from "@switchboard/adapter";

/** Message types whose data may carry binary (these are msgpack-encoded when they do). */
const MAY_CONTAIN_BINARY = new Set<number>([
  MessageType.BROADCAST,
  MessageType.FETCH_SOCKETS_RESPONSE,
  MessageType.SERVER_SIDE_EMIT,
  MessageType.SERVER_SIDE_EMIT_RESPONSE,
  MessageType.BROADCAST_ACK,
]);

/** Fields of a raw stream entry. */
export type RawEntry = Record<string, string>;

/** @internal Whether a value holds binary data anywhere (Buffers, typed arrays, ArrayBuffers). */
export function hasBinary(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== "object" || depth > 64) return false;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true;
  if (Array.isArray(value)) return value.some((v) => hasBinary(v, depth + 1));
  for (const key of Object.keys(value)) {
    if (hasBinary((value as Record<string, unknown>)[key], depth + 1)) return true;
  }
  return false;
}

/** @internal A cluster message as the flat list of stream entry fields. */
export function encodeEntry(message: ClusterMessage, onlyPlaintext: boolean): string[] {
  const fields = ["uid", message.uid, "nsp", message.nsp, "type", String(message.type)];
  if (message.data !== undefined) {
    const binary =
      !onlyPlaintext && MAY_CONTAIN_BINARY.has(message.type) && hasBinary(message.data);
    fields.push(
      "data",
      binary ? msgpackEncode(message.data).toString("base64") : JSON.stringify(message.data),
    );
  }
  return fields;
}

/** Why an entry was not decoded. */
export type EntryProblem = "oversized" | "undecodable" | "malformed";

/** @internal Decode a stream entry; `maxSize` bounds its `data` field (characters). */
export function decodeEntry(raw: RawEntry, maxSize: number): ClusterMessage | EntryProblem {
  const { uid, nsp, type, data } = raw;
  if (typeof uid !== "string" || typeof nsp !== "string" || typeof type !== "string")
    return "malformed";
  const t = Number.parseInt(type, 10);
  if (!Number.isSafeInteger(t)) return "malformed";
  const message: ClusterMessage = { uid, nsp, type: t };
  if (data === undefined || data === "") return message;
  if (data.length > maxSize) return "oversized";
  try {
    const decoded: unknown = data.startsWith("{")
      ? JSON.parse(data)
      : msgpackDecode(Buffer.from(data, "base64"), { maxSize });
    if (typeof decoded !== "object" || decoded === null) return "malformed";
    message.data = decoded as ClusterMessage["data"];
    return message;
  } catch {
    return "undecodable";
  }
}

/** @internal Fields of an XRANGE/XREAD entry (`[id, [f1, v1, ...]]`) as an object. */
export function entryFields(flat: unknown): RawEntry {
  const out: RawEntry = Object.create(null) as RawEntry;
  if (!Array.isArray(flat)) return out;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const k = flat[i];
    const v = flat[i + 1];
    if (typeof k === "string" && typeof v === "string") out[k] = v;
    else if (Buffer.isBuffer(k) && Buffer.isBuffer(v)) out[k.toString()] = v.toString();
  }
  return out;
}

/** One entry of a range reply. */
export interface StreamEntry {
  id: string;
  fields: RawEntry;
}

/** @internal Parse an XRANGE reply (`[[id, fields], ...]`). */
export function parseRange(reply: unknown): StreamEntry[] {
  if (!Array.isArray(reply)) return [];
  const out: StreamEntry[] = [];
  for (const item of reply) {
    if (!Array.isArray(item)) continue;
    const id = item[0];
    const idString = Buffer.isBuffer(id) ? id.toString() : id;
    if (typeof idString !== "string") continue;
    out.push({ id: idString, fields: entryFields(item[1]) });
  }
  return out;
}

/** @internal Encode a pub/sub message (msgpack of the whole message). */
export function encodePubSub(message: unknown): Buffer {
  return msgpackEncode(message);
}

/** @internal Decode a pub/sub message, or undefined when it does not decode. */
export function decodePubSub(raw: Buffer, maxSize: number): unknown {
  if (raw.length > maxSize) return undefined;
  try {
    return msgpackDecode(raw, { maxSize });
  } catch {
    return undefined;
  }
}
