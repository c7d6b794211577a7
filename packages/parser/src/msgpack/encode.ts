// msgpack encoding, byte for byte as notepack.io (see index.ts for the choices copied).
import { MsgpackEncodeError } from "../errors.js";
import { alloc, binBytes, utf8Length, utf8Write } from "#msgpack-platform";

const TIMESTAMP32_MAX_SEC = 0x100000000 - 1;
const TIMESTAMP64_MAX_SEC = 0x400000000 - 1;
const POW32 = 0x100000000;

class Writer {
  buf = alloc(256);
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  pos = 0;

  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = alloc(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }

  /** A type byte followed by a big-endian unsigned length of 1, 2 or 4 bytes. */
  head(type: number, bytes: 1 | 2 | 4, n: number): void {
    this.ensure(1 + bytes);
    this.buf[this.pos++] = type;
    if (bytes === 1) this.buf[this.pos++] = n;
    else if (bytes === 2) {
      this.view.setUint16(this.pos, n);
      this.pos += 2;
    } else {
      this.view.setUint32(this.pos, n >>> 0);
      this.pos += 4;
    }
  }

  /** Bytes given as numbers (truncated to 8 bits each, as notepack does). */
  bytes(...values: number[]): void {
    this.ensure(values.length);
    for (const v of values) this.buf[this.pos++] = v & 0xff;
  }
}

/**
 * Encode a value as msgpack, byte for byte as `notepack.io` would.
 * @example
 * const bytes = encode(["uid", { type: 2, data: ["hello", Buffer.from([1])], nsp: "/" }, { rooms: [] }]);
 */
export function encode(value: unknown): Uint8Array {
  const w = new Writer();
  write(w, value);
  return w.buf.subarray(0, w.pos);
}

function write(w: Writer, value: unknown): void {
  switch (typeof value) {
    case "string":
      return writeString(w, value);
    case "number":
      return writeNumber(w, value);
    case "boolean":
      return w.u8(value ? 0xc3 : 0xc2);
    case "undefined":
      return w.u8(0xc0);
    case "object":
      return writeObject(w, value);
    default: {
      const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
      if (typeof toJSON === "function") return write(w, (toJSON as () => unknown).call(value));
      throw new MsgpackEncodeError(`cannot encode a ${typeof value}`);
    }
  }
}

function writeString(w: Writer, s: string): void {
  const n = utf8Length(s);
  if (n < 0x20) w.u8(0xa0 | n);
  else if (n < 0x100) w.head(0xd9, 1, n);
  else if (n < 0x10000) w.head(0xda, 2, n);
  else if (n < POW32) w.head(0xdb, 4, n);
  else throw new MsgpackEncodeError("string too long");
  w.ensure(n);
  utf8Write(w.buf, s, w.pos, n);
  w.pos += n;
}

function writeNumber(w: Writer, v: number): void {
  if (Math.floor(v) !== v || !Number.isFinite(v)) {
    w.ensure(9);
    w.buf[w.pos++] = 0xcb;
    w.view.setFloat64(w.pos, v);
    w.pos += 8;
    return;
  }
  if (v >= 0) {
    if (v < 0x80) return w.u8(v);
    if (v < 0x100) return w.bytes(0xcc, v);
    if (v < 0x10000) return w.bytes(0xcd, v >> 8, v);
    if (v < POW32) return w.bytes(0xce, v >> 24, v >> 16, v >> 8, v);
    const hi = (v / POW32) >> 0;
    const lo = v >>> 0;
    return w.bytes(0xcf, hi >> 24, hi >> 16, hi >> 8, hi, lo >> 24, lo >> 16, lo >> 8, lo);
  }
  if (v >= -0x20) return w.u8(v);
  if (v >= -0x80) return w.bytes(0xd0, v);
  if (v >= -0x8000) return w.bytes(0xd1, v >> 8, v);
  if (v >= -0x80000000) return w.bytes(0xd2, v >> 24, v >> 16, v >> 8, v);
  const hi = Math.floor(v / POW32);
  const lo = v >>> 0;
  w.bytes(0xd3, hi >> 24, hi >> 16, hi >> 8, hi, lo >> 24, lo >> 16, lo >> 8, lo);
}

function writeBin(w: Writer, b: Uint8Array): void {
  const n = b.length;
  if (n < 0x100) w.head(0xc4, 1, n);
  else if (n < 0x10000) w.head(0xc5, 2, n);
  else if (n < POW32) w.head(0xc6, 4, n);
  else throw new MsgpackEncodeError("buffer too large");
  w.ensure(n);
  w.buf.set(b, w.pos);
  w.pos += n;
}

function writeDate(w: Writer, d: Date): void {
  const ms = d.getTime();
  const s = Math.floor(ms / 1e3);
  const ns = (ms - s * 1e3) * 1e6;
  if (s >= 0 && ns >= 0 && s <= TIMESTAMP64_MAX_SEC) {
    if (ns === 0 && s <= TIMESTAMP32_MAX_SEC)
      return w.bytes(0xd6, 0xff, s >> 24, s >> 16, s >> 8, s);
    const hi = s / POW32;
    const lo = s & 0xffffffff;
    return w.bytes(0xd7, 0xff, ns >> 22, ns >> 14, ns >> 6, hi, lo >> 24, lo >> 16, lo >> 8, lo);
  }
  const hi = Math.floor(s / POW32);
  const lo = s >>> 0;
  w.bytes(
    0xc7,
    0x0c,
    0xff,
    ns >> 24,
    ns >> 16,
    ns >> 8,
    ns,
    hi >> 24,
    hi >> 16,
    hi >> 8,
    hi,
    lo >> 24,
    lo >> 16,
    lo >> 8,
    lo,
  );
}

function writeObject(w: Writer, value: object | null): void {
  if (value === null) return w.u8(0xc0);
  if (Array.isArray(value)) {
    const n = value.length;
    if (n < 0x10) w.u8(0x90 | n);
    else if (n < 0x10000) w.head(0xdc, 2, n);
    else w.head(0xdd, 4, n);
    for (let i = 0; i < n; i++) write(w, value[i]);
    return;
  }
  if (value instanceof Date) return writeDate(w, value);
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value))
    return writeBin(w, binBytes(value));
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return write(w, (toJSON as () => unknown).call(value));
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter(
    (k) => record[k] !== undefined && typeof record[k] !== "function",
  );
  const n = keys.length;
  if (n < 0x10) w.u8(0x80 | n);
  else if (n < 0x10000) w.head(0xde, 2, n);
  else w.head(0xdf, 4, n);
  for (const key of keys) {
    writeString(w, key);
    write(w, record[key]);
  }
}
