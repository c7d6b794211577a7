// Browser twin of platform.ts: plain Uint8Arrays, TextEncoder/TextDecoder, and `bin` decoded as an ArrayBuffer
// (what notepack.io's browser build returns, and what socket.io-msgpack-parser hands to browser applications).
declare const TextEncoder: new () => { encode(s: string): Uint8Array };
declare const TextDecoder: new () => { decode(bytes: Uint8Array): string };

const encoder = /* @__PURE__ */ new TextEncoder();
const decoder = /* @__PURE__ */ new TextDecoder();
let last: [string, Uint8Array] | undefined;

/** @internal */
export function alloc(n: number): Uint8Array {
  return new Uint8Array(n);
}

/** @internal */
export function wrap(input: ArrayBuffer | ArrayBufferView): Uint8Array {
  return input instanceof ArrayBuffer
    ? new Uint8Array(input)
    : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
}

/** @internal */
export function utf8Length(s: string): number {
  // The encoder asks for the length, then writes: encode once and keep the bytes for the write.
  last = [s, encoder.encode(s)];
  return last[1].length;
}

/** @internal */
export function utf8Write(buf: Uint8Array, s: string, pos: number): void {
  buf.set(last !== undefined && last[0] === s ? last[1] : encoder.encode(s), pos);
  last = undefined;
}

/** @internal */
export function utf8Read(buf: Uint8Array, start: number, end: number): string {
  return decoder.decode(buf.subarray(start, end));
}

/** @internal */
export function binBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  return wrap(value);
}

/** @internal */
export function binValue(buf: Uint8Array, start: number, end: number): unknown {
  return buf.slice(start, end).buffer;
}
