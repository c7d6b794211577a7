// Mutators shared by every target: byte-level (binary frames, msgpack) and code-unit-level (text frames, JSON).
// Each call stacks a few random edits: bit flips, byte insert/delete, duplication, splice with another input,
// truncation, boundary numbers, dictionary tokens, deep nesting and invalid UTF-8 / lone surrogates.
import { Rng } from "./rng.js";

/** What a mutator may draw on besides the input itself. */
export interface MutationSource<T> {
  /** Tokens worth inserting for this format (keys, type bytes, placeholders, huge lengths). */
  readonly dict: readonly T[];
  /** Another valid input, for splicing. */
  readonly other: () => T;
}

const BYTES_8 = [
  0x00, 0x01, 0x1e, 0x20, 0x2c, 0x2d, 0x2f, 0x30, 0x39, 0x5b, 0x7b, 0x7f, 0x80, 0xc0, 0xc1, 0xdf,
  0xe0, 0xef, 0xf0, 0xff,
];
const BYTES_16 = [0x0000, 0x0001, 0x007f, 0x0080, 0x00ff, 0x0100, 0x7fff, 0x8000, 0xfffe, 0xffff];
const BYTES_32 = [0, 1, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x00010000, 0x0000ffff];

/** Numbers at the edges that decoders tend to get wrong, as they would be written in JSON or a header. */
export const BOUNDARY_NUMBERS = [
  "0",
  "-0",
  "1",
  "-1",
  "00",
  "01",
  "1.5",
  "-1.5",
  "1e3",
  "1e309",
  "-1e309",
  "1e-400",
  "127",
  "128",
  "255",
  "256",
  "65535",
  "65536",
  "2147483647",
  "2147483648",
  "-2147483649",
  "4294967295",
  "4294967296",
  "9007199254740991",
  "9007199254740992",
  "9007199254740993",
  "18446744073709551616",
  "99999999999999999999",
  "1" + "0".repeat(400),
];

const CHARS = [
  "\0",
  "\x1e",
  "\x7f",
  "\n",
  '"',
  "\\",
  ",",
  "-",
  "/",
  "[",
  "]",
  "{",
  "}",
  ":",
  "0",
  "9",
  "b",
  "=",
  "+",
  " ",
  "\u00e9",
  "\u2028",
  "\ufeff",
  "\ufffd",
  "\uffff",
  "\ud800",
  "\udbff",
  "\udc00",
  "\udfff",
  "\ud83d\ude00",
];

/** `edits` random edits on bytes; the result is a new, standalone array (the input is not modified). */
export function mutateBytes(
  rng: Rng,
  input: Uint8Array,
  src: MutationSource<Uint8Array>,
  edits = rng.count(6),
): Uint8Array {
  let b: Buffer = Buffer.from(input); // a copy: edits in place never reach the caller's bytes
  for (let e = 0; e < edits; e++) b = mutateBuffer(rng, b, src);
  return new Uint8Array(b); // standalone: a Buffer's `.buffer` may be the whole allocation pool
}

const cat = (...parts: Uint8Array[]): Buffer => Buffer.concat(parts);

function randomBytes(rng: Rng, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(256);
  return out;
}

function mutateBuffer(rng: Rng, b: Buffer, src: MutationSource<Uint8Array>): Buffer {
  const at = (extra = 0): number => rng.int(b.length + extra);
  const insert = (i: number, ins: Uint8Array): Buffer => cat(b.subarray(0, i), ins, b.subarray(i));
  switch (rng.int(14)) {
    case 0: // bit flip
      if (b.length > 0) {
        const i = at();
        b[i] = (b[i] as number) ^ (1 << rng.int(8));
      }
      return b;
    case 1: // random byte
      if (b.length > 0) b[at()] = rng.int(256);
      return b;
    case 2: // interesting byte
      if (b.length > 0) b[at()] = rng.pick(BYTES_8);
      return b;
    case 3: {
      // interesting 16/32-bit big-endian value (lengths, counts)
      const wide = rng.chance(0.5);
      const v = wide ? rng.pick(BYTES_32) : rng.pick(BYTES_16);
      const n = wide ? 4 : 2;
      const i = at();
      for (let k = 0; k < n && i + k < b.length; k++) b[i + k] = (v >>> (8 * (n - 1 - k))) & 0xff;
      return b;
    }
    case 4: // insert random bytes
      return insert(at(1), randomBytes(rng, rng.range(1, 8)));
    case 5: {
      // delete a range
      if (b.length === 0) return b;
      const i = at();
      return cat(b.subarray(0, i), b.subarray(i + rng.range(1, Math.min(16, b.length - i))));
    }
    case 6: {
      // duplicate a range, sometimes many times
      if (b.length === 0) return b;
      const i = at();
      const piece = b.subarray(i, i + rng.range(1, 16));
      const times = rng.chance(0.1) ? rng.range(16, 512) : 1;
      return insert(at(1), cat(...new Array<Uint8Array>(times).fill(piece)));
    }
    case 7: {
      // splice with another input
      const other = src.other();
      return cat(b.subarray(0, at(1)), other.subarray(rng.int(other.length + 1)));
    }
    case 8: // truncate
      return b.subarray(0, at(1));
    case 9: // insert a dictionary token
      return src.dict.length === 0 ? b : insert(at(1), rng.pick(src.dict));
    case 10: {
      // overwrite with a dictionary token
      if (src.dict.length === 0) return b;
      const tok = rng.pick(src.dict);
      const i = at(1);
      return cat(b.subarray(0, i), tok, b.subarray(Math.min(b.length, i + tok.length)));
    }
    case 11: // small arithmetic on a byte
      if (b.length > 0) {
        const i = at();
        b[i] = ((b[i] as number) + rng.range(-4, 4)) & 0xff;
      }
      return b;
    case 12: {
      // swap two bytes
      if (b.length < 2) return b;
      const i = at();
      const j = at();
      const t = b[i] as number;
      b[i] = b[j] as number;
      b[j] = t;
      return b;
    }
    default: // append random tail
      return cat(b, randomBytes(rng, rng.range(1, 8)));
  }
}

/** A few edits on a string, at the UTF-16 code-unit level (what a text frame carries once decoded). */
export function mutateString(
  rng: Rng,
  input: string,
  src: MutationSource<string>,
  edits = rng.count(6),
): string {
  let s = input;
  for (let e = 0; e < edits; e++) s = mutateOnce(rng, s, src);
  return s;
}

const DIGITS = /\d+/g;

function mutateOnce(rng: Rng, s: string, src: MutationSource<string>): string {
  const at = (extra = 0): number => rng.int(s.length + extra);
  const put = (i: number, del: number, text: string): string =>
    s.slice(0, i) + text + s.slice(i + del);
  switch (rng.int(15)) {
    case 0: {
      // flip a low bit of one code unit (keeps most of it ASCII)
      if (s.length === 0) return s;
      const i = at();
      return put(
        i,
        1,
        String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(rng.chance(0.8) ? 7 : 16))),
      );
    }
    case 1: // replace a code unit with an interesting character
      return s.length === 0 ? rng.pick(CHARS) : put(at(), 1, rng.pick(CHARS));
    case 2: // insert an interesting character
      return put(at(1), 0, rng.pick(CHARS));
    case 3: {
      // delete a range
      if (s.length === 0) return s;
      const i = at();
      return put(i, rng.range(1, Math.min(16, s.length - i)), "");
    }
    case 4: {
      // duplicate a range, sometimes many times
      if (s.length === 0) return s;
      const i = at();
      const piece = s.slice(i, i + rng.range(1, 16));
      return put(at(1), 0, piece.repeat(rng.chance(0.1) ? rng.range(16, 512) : 1));
    }
    case 5: {
      // splice with another input
      const other = src.other();
      return s.slice(0, at(1)) + other.slice(rng.int(other.length + 1));
    }
    case 6: // truncate
      return s.slice(0, at(1));
    case 7: // insert a dictionary token
    case 8:
      return src.dict.length === 0 ? s : put(at(1), 0, rng.pick(src.dict));
    case 9: {
      // replace a run of digits (type, attachment count, ack id, JSON number) with a boundary number
      const runs = [...s.matchAll(DIGITS)];
      if (runs.length === 0) return put(at(1), 0, rng.pick(BOUNDARY_NUMBERS));
      const run = rng.pick(runs);
      return put(run.index, run[0].length, rng.pick(BOUNDARY_NUMBERS));
    }
    case 10: // deep nesting, usually unbalanced, sometimes balanced (valid JSON a hundred thousand levels deep)
      return put(at(1), 0, deepNesting(rng));
    case 11: {
      // invalid UTF-8 on the wire: mutate the bytes, then decode as a receiver would (U+FFFD) or as latin1
      const bytes = Buffer.from(s, "utf8");
      const i = rng.int(bytes.length + 1);
      const bad = Buffer.concat([
        bytes.subarray(0, i),
        Buffer.from([rng.pick([0x80, 0xbf, 0xc0, 0xc3, 0xe2, 0xed, 0xf0, 0xf4, 0xff])]),
        bytes.subarray(i),
      ]);
      return bad.toString(rng.chance(0.7) ? "utf8" : "latin1");
    }
    case 12: {
      // split a surrogate pair or insert a lone half
      return put(at(1), 0, rng.pick(["\ud800", "\udc00", "\ud83d", "\ude00", "\udbff\udbff"]));
    }
    case 13: {
      // swap two ranges' order
      if (s.length < 2) return s;
      const i = at();
      return s.slice(i) + s.slice(0, i);
    }
    default: // random printable ASCII
      return put(at(1), 0, String.fromCharCode(rng.range(0x20, 0x7e)));
  }
}

/** `[[[[` (or `{"a":{"a":`), at a depth from 10 to 100,000, closed or not. */
export function deepNesting(rng: Rng): string {
  const depth = rng.chance(0.03) ? 100_000 : rng.pick([10, 100, 1000, 1000, 10_000]);
  const open = rng.chance(0.7) ? "[" : '{"a":';
  const close = open === "[" ? "]" : "}";
  return rng.chance(0.5) ? open.repeat(depth) : open.repeat(depth) + "1" + close.repeat(depth);
}
