import type { Packet } from "./codec.js";
import type { RawData } from "./platform.js";
import { utf8Length } from "#utf8";

/**
 * The packets of `buf` that fit in one polling payload of at most `maxPayload` bytes (docs/protocol.md §1.3),
 * always at least one. Sizes are estimated as the server will count them: UTF-8 bytes for text, base64 for
 * binary, plus the type digit and the separator.
 */
export function takeBatch(buf: Packet[], maxPayload: number): Packet[] {
  if (!maxPayload || buf.length < 2) return buf;
  let size = 1;
  for (let i = 0; i < buf.length; i++) {
    const data = buf[i]!.data;
    if (data !== undefined) size += byteLength(data);
    if (i > 0 && size > maxPayload) return buf.slice(0, i);
    size += 2; // separator and type digit
  }
  return buf;
}

/** Size on the wire: UTF-8 bytes for text, binary as its base64 form. */
export function byteLength(data: RawData): number {
  return typeof data === "string" ? utf8Length(data) : Math.ceil(data.byteLength / 3) * 4 + 1; // "b" + base64
}
