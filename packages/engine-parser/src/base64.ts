// Standard base64 (RFC 4648 §4, with `=` padding) over Uint8Array, for the `b`-prefixed binary
// packets of polling payloads (docs/protocol.md §1.2). Isomorphic: uses Node's Buffer for encoding when
// there is one (several times faster on the server's polling path), else the tables below. Browser
// bundles take base64.browser.ts (atob/btoa) instead.

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

interface BufferLike {
  from(
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { toString(encoding: "base64"): string };
  from(text: string, encoding: "base64"): Uint8Array;
}
const NodeBuffer = (globalThis as { Buffer?: BufferLike }).Buffer;

// 12-bit lookup: one table hit yields two output characters, halving the string appends.
const PAIRS: string[] = new Array<string>(4096);
for (let i = 0; i < 4096; i++) PAIRS[i] = ALPHABET.charAt(i >> 6) + ALPHABET.charAt(i & 63);

// Any character outside the alphabet (padding is stripped before this is used).
const NOT_BASE64 = /[^A-Za-z0-9+/]/;

// Character code -> 6-bit value, 255 for characters outside the alphabet.
const VALUES = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) VALUES[ALPHABET.charCodeAt(i)] = i;

/**
 * Encodes bytes as padded standard base64.
 * @example encodeBase64(new Uint8Array([1, 2, 3, 4])) // "AQIDBA=="
 */
export function encodeBase64(bytes: Uint8Array): string {
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64");
  const len = bytes.length;
  const full = len - (len % 3);
  let out = "";
  for (let i = 0; i < full; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += PAIRS[n >> 12]! + PAIRS[n & 4095]!;
  }
  const rest = len - full;
  if (rest === 1) {
    const n = bytes[full]! << 16;
    out += PAIRS[n >> 12]! + "==";
  } else if (rest === 2) {
    const n = (bytes[full]! << 16) | (bytes[full + 1]! << 8);
    out += PAIRS[n >> 12]! + ALPHABET.charAt((n >> 6) & 63) + "=";
  }
  return out;
}

/**
 * Decodes standard base64; padding is optional. Returns `null` for characters outside the
 * alphabet, misplaced padding or an impossible length, so peer input never throws.
 * @example decodeBase64("AQIDBA==") // Uint8Array [1, 2, 3, 4]
 */
export function decodeBase64(text: string, start = 0): Uint8Array | null {
  if (start > text.length) return null;
  let end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 61) end--;
  if (end > start && text.charCodeAt(end - 1) === 61) end--;
  const chars = end - start;
  const padded = text.length - start;
  // With padding the total must be a multiple of 4; a lone trailing sextet can never encode a byte.
  if (chars % 4 === 1 || (padded !== chars && padded % 4 !== 0)) return null;
  if (NodeBuffer !== undefined) {
    // Buffer stops at or skips what is not base64, takes the base64url letters `-` and `_`, and reads a
    // character above U+00FF by its low byte (U+016A as `j`): check the alphabet first to stay as strict as below.
    const body = text.slice(start, end);
    if (NOT_BASE64.test(body)) return null;
    const bytes = NodeBuffer.from(body, "base64");
    if (bytes.length !== (chars * 3) >> 2) return null;
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  const out = new Uint8Array((chars * 3) >> 2);
  let o = 0;
  let i = start;
  const full = start + chars - (chars % 4);
  for (; i < full; i += 4) {
    const a = value(text, i);
    const b = value(text, i + 1);
    const c = value(text, i + 2);
    const d = value(text, i + 3);
    if ((a | b | c | d) > 63) return null;
    const n = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = end - i;
  if (rest >= 2) {
    const a = value(text, i);
    const b = value(text, i + 1);
    const c = rest === 3 ? value(text, i + 2) : 0;
    if ((a | b | c) > 63) return null;
    const n = (a << 18) | (b << 12) | (c << 6);
    out[o] = n >> 16;
    if (rest === 3) out[o + 1] = (n >> 8) & 255;
  }
  return out;
}

function value(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? VALUES[code]! : 255;
}
