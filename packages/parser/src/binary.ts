// Encode side of binary support (PROTOCOL.md §2.3): finding binary values in a payload and replacing them
// with placeholders. Isomorphic: Node Buffers are Uint8Arrays; Blob is looked up on globalThis, not typed
// through the DOM lib.

/** The part of the `Blob` interface this package relies on (browsers, Node >= 18). */
export interface BlobLike {
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A binary attachment as the encoder outputs it: bytes, or a Blob/File passed through untouched. */
export type Attachment = Uint8Array | BlobLike;

/** Binary data a decoder accepts as an attachment chunk. */
export type BinaryChunk = ArrayBuffer | ArrayBufferView | BlobLike;

type BlobConstructor = abstract new (...args: never[]) => BlobLike;
const maybeBlob = (globalThis as { Blob?: BlobConstructor }).Blob;
/** `Blob` where the runtime has one; `undefined` elsewhere (e.g. old Node). */
const BlobCtor = typeof maybeBlob === "function" ? maybeBlob : undefined;

/** Whether `value` is binary data: ArrayBuffer, any ArrayBuffer view (Buffer, typed arrays, DataView) or Blob. */
export function isBinary(value: unknown): value is BinaryChunk {
  return (
    typeof value === "object" &&
    value !== null &&
    (ArrayBuffer.isView(value) || value instanceof ArrayBuffer || (BlobCtor !== undefined && value instanceof BlobCtor))
  );
}

type ToJSON = (this: unknown, key: string) => unknown;

function toJSONOf(value: object): ToJSON | undefined {
  const fn = (value as { toJSON?: unknown }).toJSON;
  return typeof fn === "function" && !(value instanceof Date) ? (fn as ToJSON) : undefined;
}

/**
 * Whether `value` holds binary data anywhere JSON.stringify would look: arrays, own enumerable properties of
 * objects, and what `toJSON()` returns (called once per value, as JSON.stringify does; Dates are leaves).
 * Bails out at the first binary value, so the common no-binary case is one cheap walk.
 */
export function hasBinary(value: unknown, key: string | number = "", afterToJSON = false): boolean {
  if (typeof value !== "object" || value === null) return false;
  if (isBinary(value)) return true;
  if (!afterToJSON) {
    const toJSON = toJSONOf(value);
    if (toJSON !== undefined) return hasBinary(toJSON.call(value, String(key)), key, true);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (hasBinary(value[i], i)) return true;
    return false;
  }
  if (value instanceof Date) return false;
  for (const k in value) {
    if (Object.hasOwn(value, k) && hasBinary((value as Record<string, unknown>)[k], k)) return true;
  }
  return false;
}

function toAttachment(value: BinaryChunk): Attachment {
  if (value instanceof Uint8Array) return value; // Node Buffers stay Buffers
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value; // Blob/File: its bytes can only be read asynchronously; the transport sends it as is.
}

/**
 * Copy of `value` in which every binary value is replaced by `{"_placeholder":true,"num":i}` and appended to
 * `out`, in JSON.stringify's traversal order (so `num` follows encounter order). The input is never mutated.
 * Copies of objects have a null prototype, so a `__proto__` key is copied as plain data.
 */
export function replaceBinary(
  value: unknown,
  out: Attachment[],
  key: string | number = "",
  afterToJSON = false,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isBinary(value)) {
    const placeholder = { _placeholder: true, num: out.length };
    out.push(toAttachment(value));
    return placeholder;
  }
  if (!afterToJSON) {
    const toJSON = toJSONOf(value);
    if (toJSON !== undefined) return replaceBinary(toJSON.call(value, String(key)), out, key, true);
  }
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) copy[i] = replaceBinary(value[i], out, i);
    return copy;
  }
  if (value instanceof Date) return value;
  const copy: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const k in value) {
    if (Object.hasOwn(value, k)) copy[k] = replaceBinary((value as Record<string, unknown>)[k], out, k);
  }
  return copy;
}
