// Node twin of platform.browser.ts (picked by the `#msgpack-platform` import condition): Buffers, as notepack.io
// gives and takes them in Node. `Buffer` is Node's global; declared here because this package builds without Node
// types (it is isomorphic).
interface NodeBuffer extends Uint8Array {
  toString(encoding?: "utf8", start?: number, end?: number): string;
  write(s: string, offset: number, length: number, encoding: "utf8"): number;
  subarray(start?: number, end?: number): NodeBuffer;
}
declare const Buffer: {
  allocUnsafe(n: number): NodeBuffer;
  from(value: ArrayBuffer, byteOffset?: number, length?: number): NodeBuffer;
  from(value: ArrayLike<number>): NodeBuffer;
  isBuffer(value: unknown): value is NodeBuffer;
  byteLength(s: string, encoding: "utf8"): number;
};

/** A byte array to write into. @internal */
export function alloc(n: number): Uint8Array {
  return Buffer.allocUnsafe(n);
}

/** The input's bytes without a copy. @internal */
export function wrap(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (Buffer.isBuffer(input)) return input;
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  return Buffer.from(input.buffer as ArrayBuffer, input.byteOffset, input.byteLength);
}

/** @internal */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, "utf8");
}

/** Writes `s` (whose UTF-8 length is `n`) at `pos` of a buffer from {@link alloc}. @internal */
export function utf8Write(buf: Uint8Array, s: string, pos: number, n: number): void {
  (buf as NodeBuffer).write(s, pos, n, "utf8");
}

/** @internal */
export function utf8Read(buf: Uint8Array, start: number, end: number): string {
  return (buf as NodeBuffer).toString("utf8", start, end);
}

/** The bytes of a binary value as notepack writes them in Node: `Buffer.from(view)` (a Uint16Array's elements
 * are truncated to bytes, as there). @internal */
export function binBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (Buffer.isBuffer(value)) return value;
  return value instanceof ArrayBuffer
    ? Buffer.from(value)
    : Buffer.from(value as unknown as ArrayLike<number>);
}

/** A decoded `bin`: a Buffer sharing the input's memory, as notepack returns it in Node. @internal */
export function binValue(buf: Uint8Array, start: number, end: number): unknown {
  return (buf as NodeBuffer).subarray(start, end);
}
