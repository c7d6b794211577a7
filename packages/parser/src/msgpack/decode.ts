// msgpack decoding with limits (see index.ts): never trusts a declared length, never assigns `__proto__`.
import { MsgpackDecodeError, MsgpackErrorCode } from "../errors.js";
import { binValue, utf8Read, wrap } from "#msgpack-platform";

export interface MsgpackDecodeOptions {
  /** Refuse input longer than this many bytes (ERR_SB_MSGPACK_TOO_LARGE). Default: no limit. */
  maxSize?: number;
  /** Deepest nesting of arrays/maps accepted. Default 100. */
  maxDepth?: number;
}

const POW32 = 0x100000000;

class Reader {
  pos = 0;
  depth = 0;
  readonly buf: Uint8Array;
  readonly view: DataView;
  readonly maxDepth: number;

  constructor(buf: Uint8Array, maxDepth: number) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.maxDepth = maxDepth;
  }

  fail(message: string): never {
    throw new MsgpackDecodeError(message, this.pos);
  }

  /** Advance over `n` bytes, returning where they start; refuses to read past the end. */
  take(n: number): number {
    if (this.pos + n > this.buf.length) this.fail("unexpected end of input");
    const at = this.pos;
    this.pos += n;
    return at;
  }
}

/**
 * Decode one msgpack value that must span the whole input.
 * Throws {@link MsgpackDecodeError} on malformed input; never returns a polluted object.
 * @example
 * const [uid, packet, opts] = decode(message, { maxSize: 1e6 }) as [string, unknown, unknown];
 */
export function decode(
  input: ArrayBuffer | ArrayBufferView,
  opts: MsgpackDecodeOptions = {},
): unknown {
  const buf = wrap(input);
  if (opts.maxSize !== undefined && buf.length > opts.maxSize) {
    throw new MsgpackDecodeError(
      `input of ${buf.length} bytes exceeds ${opts.maxSize}`,
      0,
      MsgpackErrorCode.TOO_LARGE,
    );
  }
  if (buf.length === 0) throw new MsgpackDecodeError("empty input", 0);
  const r = new Reader(buf, opts.maxDepth ?? 100);
  const value = read(r);
  if (r.pos !== buf.length) r.fail("trailing bytes");
  return value;
}

function read(r: Reader): unknown {
  const b = r.buf;
  const prefix = b[r.take(1)] as number;
  if (prefix < 0x80) return prefix;
  if (prefix < 0x90) return readMap(r, prefix & 0x0f);
  if (prefix < 0xa0) return readArray(r, prefix & 0x0f);
  if (prefix < 0xc0) return readStr(r, prefix & 0x1f);
  if (prefix > 0xdf) return prefix - 0x100;
  switch (prefix) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
      return readBin(r, b[r.take(1)] as number);
    case 0xc5:
      return readBin(r, r.view.getUint16(r.take(2)));
    case 0xc6:
      return readBin(r, r.view.getUint32(r.take(4)));
    case 0xc7:
      return readExt(r, b[r.take(1)] as number);
    case 0xc8:
      return readExt(r, r.view.getUint16(r.take(2)));
    case 0xc9:
      return readExt(r, r.view.getUint32(r.take(4)));
    case 0xca:
      return r.view.getFloat32(r.take(4));
    case 0xcb:
      return r.view.getFloat64(r.take(8));
    case 0xcc:
      return b[r.take(1)] as number;
    case 0xcd:
      return r.view.getUint16(r.take(2));
    case 0xce:
      return r.view.getUint32(r.take(4));
    case 0xcf: {
      const at = r.take(8);
      return r.view.getUint32(at) * POW32 + r.view.getUint32(at + 4);
    }
    case 0xd0:
      return r.view.getInt8(r.take(1));
    case 0xd1:
      return r.view.getInt16(r.take(2));
    case 0xd2:
      return r.view.getInt32(r.take(4));
    case 0xd3: {
      const at = r.take(8);
      return r.view.getInt32(at) * POW32 + r.view.getUint32(at + 4);
    }
    case 0xd4:
      return readExt(r, 1);
    case 0xd5:
      return readExt(r, 2);
    case 0xd6:
      return readExt(r, 4);
    case 0xd7:
      return readExt(r, 8);
    case 0xd8:
      return readExt(r, 16);
    case 0xd9:
      return readStr(r, b[r.take(1)] as number);
    case 0xda:
      return readStr(r, r.view.getUint16(r.take(2)));
    case 0xdb:
      return readStr(r, r.view.getUint32(r.take(4)));
    case 0xdc:
      return readArray(r, r.view.getUint16(r.take(2)));
    case 0xdd:
      return readArray(r, r.view.getUint32(r.take(4)));
    case 0xde:
      return readMap(r, r.view.getUint16(r.take(2)));
    case 0xdf:
      return readMap(r, r.view.getUint32(r.take(4)));
    default:
      return r.fail(`invalid type byte 0x${prefix.toString(16)}`);
  }
}

function readStr(r: Reader, n: number): string {
  const at = r.take(n);
  return utf8Read(r.buf, at, at + n);
}

function readBin(r: Reader, n: number): unknown {
  const at = r.take(n);
  return binValue(r.buf, at, at + n);
}

function enter(r: Reader, n: number): void {
  // Each element takes at least one byte: a count beyond what is left is a lie, not an allocation to make.
  if (n > r.buf.length - r.pos)
    r.fail(`declared ${n} elements, only ${r.buf.length - r.pos} bytes left`);
  if (++r.depth > r.maxDepth) r.fail(`nested deeper than ${r.maxDepth}`);
}

function readArray(r: Reader, n: number): unknown[] {
  enter(r, n);
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = read(r);
  r.depth--;
  return out;
}

function readMap(r: Reader, n: number): Record<string, unknown> {
  enter(r, n);
  const out: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const key = read(r);
    const value = read(r);
    if (typeof key !== "string" && typeof key !== "number")
      r.fail("map key is not a string or a number");
    const k = String(key);
    if (k === "__proto__") continue;
    out[k] = value;
  }
  r.depth--;
  return out;
}

function readExt(r: Reader, n: number): unknown {
  const b = r.buf;
  const type = r.view.getInt8(r.take(1));
  const at = r.take(n);
  if (type === 0 && n === 1) return undefined; // notepack's legacy `undefined`
  if (type === 0) return new Uint8Array(b.subarray(at, at + n)).buffer; // a copy: notepack's legacy ArrayBuffer
  if (type === -1 && n === 4) return new Date(r.view.getUint32(at) * 1e3);
  if (type === -1 && n === 8) {
    const hi = r.view.getUint32(at);
    const s = (hi & 0x3) * POW32 + r.view.getUint32(at + 4);
    return new Date(s * 1e3 + (hi >>> 2) / 1e6);
  }
  if (type === -1 && n === 12) {
    const ns = r.view.getUint32(at);
    return new Date((r.view.getInt32(at + 4) * POW32 + r.view.getUint32(at + 8)) * 1e3 + ns / 1e6);
  }
  return r.fail(`unsupported extension type ${type}`);
}
