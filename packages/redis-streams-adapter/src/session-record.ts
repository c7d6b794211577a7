// Session records as @socket.io/redis-streams-adapter stores them (docs/protocol.md §5.3): key `<prefix><pid>`, value
// the base64 msgpack of `{sid, pid, rooms, data}`. Switchboard adds one field, `sb` (`{v, at, live, since}`), which
// the official adapter ignores: when the record was last written, whether its socket was still connected then (a
// record written at connect, kept up to date, outliving a killed node) and the stream position at connect, below
// which no offset of this session can be genuine.
import { msgpackDecode, msgpackEncode, type SessionToPersist } from "@switchboard/adapter";

/** Switchboard's own part of a session record. */
export interface RecordMeta {
  v: 1;
  /** When the record was written (ms since the epoch). */
  at: number;
  /** Written while the socket was connected (at connect or on a change), not at its disconnection. */
  live: boolean;
  /** The stream position when the session was created: offsets below it are forged. */
  since?: string;
}

export interface SessionRecord extends SessionToPersist {
  sb?: RecordMeta;
}

/** Bounds of a record read back (a record is data from Redis, validated like any peer input). */
const MAX_SID_LENGTH = 256;
const MAX_ROOMS = 100_000;

/** @internal */
export function encodeRecord(record: SessionRecord): string {
  return msgpackEncode(record).toString("base64");
}

/** @internal The record, or undefined when it does not decode, is too large or is not a session of `pid`. */
export function decodeRecord(raw: string, pid: string, maxSize: number): SessionRecord | undefined {
  if (raw.length > (maxSize * 4) / 3 + 4) return undefined;
  let value: unknown;
  try {
    value = msgpackDecode(Buffer.from(raw, "base64"), { maxSize });
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Partial<SessionRecord>;
  if (typeof r.sid !== "string" || r.sid.length === 0 || r.sid.length > MAX_SID_LENGTH)
    return undefined;
  if (r.pid !== pid) return undefined;
  if (!Array.isArray(r.rooms) || r.rooms.length > MAX_ROOMS) return undefined;
  if (!r.rooms.every((room) => typeof room === "string")) return undefined;
  const record: SessionRecord = { sid: r.sid, pid, rooms: r.rooms, data: r.data };
  const meta = r.sb as Partial<RecordMeta> | undefined;
  if (meta !== undefined && meta !== null && typeof meta === "object") {
    if (typeof meta.at !== "number" || typeof meta.live !== "boolean") return undefined;
    record.sb = { v: 1, at: meta.at, live: meta.live };
    if (typeof meta.since === "string") record.sb.since = meta.since;
  }
  return record;
}
