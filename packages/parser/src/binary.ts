// Encode side of binary support (docs/protocol.md §2.3): finding binary values in a payload and replacing them
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
    (ArrayBuffer.isView(value) ||
      value instanceof ArrayBuffer ||
      (BlobCtor !== undefined && value instanceof BlobCtor))
  );
}

/**
 * Whether `value` holds binary data anywhere JSON.stringify would look: arrays, own enumerable properties of
 * objects, and what `toJSON()` returns (Dates are leaves).
 *
 * @example
 * hasBinary(["file", new Uint8Array(2)]); // true
 */
export function hasBinary(value: unknown): boolean {
  const out: Attachment[] = [];
  replaceBinary(value, out);
  return out.length > 0;
}

function toAttachment(value: BinaryChunk): Attachment {
  if (value instanceof Uint8Array) return value; // Node Buffers stay Buffers
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  return value; // Blob/File: its bytes can only be read asynchronously; the transport sends it as is.
}

/**
 * `value` with every binary value replaced by `{"_placeholder":true,"num":i}` and appended to `out`, in
 * JSON.stringify's traversal order (so `num` follows encounter order), calling `toJSON()` once per value as
 * JSON.stringify does. One pass that is also the binary detection: containers are copied on write only, so
 * without binary `value` itself comes back and nothing is allocated. The input is never mutated; copied
 * objects have a null prototype, so a `__proto__` key is copied as plain data.
 */
export function replaceBinary(
  value: unknown,
  out: Attachment[],
  key: string | number = "",
  afterToJSON = false,
): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isBinary(value)) {
    out.push(toAttachment(value));
    return { _placeholder: true, num: out.length - 1 };
  }
  // A Date's toJSON gives a string: Dates are leaves (below), and their toJSON is left to JSON.stringify.
  const toJSON =
    afterToJSON || value instanceof Date ? undefined : (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") {
    const before = out.length;
    const replaced = replaceBinary(toJSON.call(value, String(key)), out, key, true);
    // No binary: JSON.stringify calls toJSON itself, as it would without us.
    return out.length === before ? value : replaced;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      const replaced = replaceBinary(child, out, i);
      if (replaced !== child) (copy ??= value.slice())[i] = replaced;
    }
    return copy ?? value;
  }
  if (value instanceof Date) return value;
  let copy: Record<string, unknown> | undefined;
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const child = (value as Record<string, unknown>)[k];
    const replaced = replaceBinary(child, out, k);
    if (replaced !== child)
      (copy ??= Object.assign(Object.create(null) as Record<string, unknown>, value))[k] = replaced;
  }
  return copy ?? value;
}
