import { expect } from "vitest";
import { DecodeError, Decoder, type DecoderOptions, type Packet } from "../src/index.js";

/** Feeds `chunks` to a fresh decoder and returns every packet it emitted. */
export function decodeAll(
  chunks: ReadonlyArray<string | Uint8Array | ArrayBuffer>,
  opts?: DecoderOptions,
): Packet[] {
  const decoder = new Decoder(opts);
  const out: Packet[] = [];
  decoder.on("decoded", (p) => out.push(p));
  for (const chunk of chunks) decoder.add(chunk);
  return out;
}

/** Asserts that `fn` throws a DecodeError with `code`, and returns it. */
export function expectDecodeError(fn: () => void, code: string): DecodeError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DecodeError);
  expect((caught as DecodeError).code).toBe(code);
  return caught as DecodeError;
}

/** A placeholder as it appears in the JSON part of a binary packet. */
export function ph(num: number): string {
  return `{"_placeholder":true,"num":${num}}`;
}

/** Bytes of any binary value (Buffer, Uint8Array, ArrayBuffer, other views) as a plain array. */
export function bytes(value: unknown): number[] {
  if (value instanceof ArrayBuffer) return [...new Uint8Array(value)];
  if (ArrayBuffer.isView(value))
    return [...new Uint8Array(value.buffer, value.byteOffset, value.byteLength)];
  throw new Error("not binary");
}

/** Deep copy with every binary value turned into `{ bin: [...bytes] }`, and undefined keys dropped. */
export function normalize(value: unknown): unknown {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return { bin: bytes(value) };
  if (Array.isArray(value)) return value.map(normalize);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = normalize(v);
    return out;
  }
  return value;
}
