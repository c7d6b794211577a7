import type { Packet } from "./codec.js";
import type { RawData } from "./platform.js";

/**
 * The packets of `buf` that fit in one polling payload of at most `maxPayload` bytes (PROTOCOL.md §1.3),
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

/** UTF-8 length of a string without encoding it; binary counts as its base64 form. */
export function byteLength(data: RawData): number {
  if (typeof data !== "string") return Math.ceil(data.byteLength / 3) * 4 + 1; // "b" + base64
  let n = 0;
  for (let i = 0; i < data.length; i++) {
    const c = data.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < data.length) {
      n += 4; // surrogate pair
      i++;
    } else n += 3;
  }
  return n;
}
