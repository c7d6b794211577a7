// The msgpack decoder of cluster messages (@switchboard/adapter `msgpackDecode`, fed by Redis and other nodes).
// It may only return or throw a MsgpackDecodeError (ERR_SB_MSGPACK_DECODE, or ERR_SB_MSGPACK_TOO_LARGE exactly
// when the input exceeds maxSize); results respect maxDepth, hold only plain objects/arrays, Buffers,
// ArrayBuffers and Dates, and never an own `__proto__` key. Unmutated messages must round-trip.
import {
  AdapterErrorCode,
  MsgpackDecodeError,
  msgpackDecode,
  msgpackEncode,
  type MsgpackDecodeOptions,
} from "@switchboard/adapter";
import { bytesOf, checkPlainData, deepEqual, FuzzFailure, typedOrOk } from "../invariants.js";
import { mutateBytes, type MutationSource } from "../mutate.js";
import type { Rng } from "../rng.js";
import { showBytes, type Target } from "../target.js";
import {
  randomArray,
  randomBytes,
  randomObject,
  randomString,
  randomValue,
  type ValueOptions,
} from "../values.js";

export interface MsgpackInput {
  bytes: Uint8Array;
  opts: MsgpackDecodeOptions;
  /** The value encoded (normalised), when the bytes were not mutated and the value survives msgpack exactly. */
  original?: { value: unknown };
}

const ascii = (s: string): number[] => [...Buffer.from(s)];
const str = (s: string): number[] => [0xa0 | s.length, ...ascii(s)];

const DICT = [
  [0xdd, 0xff, 0xff, 0xff, 0xff],
  [0xdf, 0xff, 0xff, 0xff, 0xff],
  [0xdc, 0xff, 0xff],
  [0xde, 0xff, 0xff],
  [0xc6, 0xff, 0xff, 0xff, 0xff],
  [0xdb, 0xff, 0xff, 0xff, 0xff],
  [0xc9, 0xff, 0xff, 0xff, 0xff, 0x00],
  [0xc9, 0x00, 0x00, 0x00, 0x0c, 0xff],
  [0xc7, 0x0c, 0xff],
  [0xc7, 0x00, 0x00],
  [0xd4, 0x00, 0x00],
  [0xd4, 0xff, 0x00],
  [0xd6, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xd7, 0xff],
  [0xd8, 0x01],
  [0xc1],
  [0xc0],
  [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
  [0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0],
  [0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0],
  [0xca, 0x7f, 0x80, 0, 0],
  str("__proto__"),
  [0x81, ...str("__proto__"), 0x81, ...str("polluted"), 0xc3],
  [0x81, ...str("constructor"), 0x81, ...str("prototype"), 0x81, ...str("polluted"), 0xc3],
  [0x82, ...str("__proto__"), 0x80, ...str("__proto__"), 0x90],
  [0x81, 0xd0, 0xff, 0xc0],
  [0x81, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0],
  [0x81, 0x91, 0xc0, 0xc0],
  [0x81, 0x80, 0xc0],
  [0xa2, 0xc3, 0x28],
  [0xa3, 0xed, 0xa0, 0x80],
  [0xa1, 0xff],
  new Array<number>(150).fill(0x91),
  new Array<number>(120).fill(0x81).flatMap((b) => [b, 0xa1, 0x61]),
].map((b) => Uint8Array.from(b));

function randomBinary(rng: Rng): unknown {
  const bytes = randomBytes(rng, rng.chance(0.02) ? rng.range(256, 70_000) : rng.int(20));
  return rng.pick([bytes, Buffer.from(bytes), bytes.buffer]);
}

const DATES = [
  0,
  1,
  -1,
  999,
  1e12,
  2 ** 32 * 1000,
  2 ** 32 * 1000 + 1,
  2 ** 34 * 1000,
  -1e12,
  8.64e15,
  -8.64e15,
];

/** Leaves only msgpack has: dates, undefined, NaN, ±Infinity, -0. */
function extra(rng: Rng): unknown {
  switch (rng.int(5)) {
    case 0:
      return new Date(rng.chance(0.5) ? rng.pick(DATES) : Math.floor((rng.float() - 0.3) * 4e12));
    case 1:
      return undefined;
    default:
      return rng.pick([NaN, Infinity, -Infinity, -0, 0.1]);
  }
}

const valueOpts: ValueOptions = { binary: randomBinary, binaryChance: 0.05, extra };

/** A message shaped like the cluster's: `[uid, packet, opts]` (Redis adapter) or `{ uid, nsp, type, data }`. */
function randomMessage(rng: Rng): unknown {
  switch (rng.int(3)) {
    case 0: {
      const packet = {
        type: rng.pick([2, 3, 5]),
        nsp: rng.pick(["/", "/chat"]),
        data: randomArray(rng, 3, valueOpts),
      };
      const flags = rng.chance(0.5) ? {} : { volatile: rng.chance(0.5), local: rng.chance(0.5) };
      return [
        randomString(rng),
        packet,
        { rooms: randomArray(rng, 0), except: randomArray(rng, 0), flags },
      ];
    }
    case 1:
      return {
        uid: randomString(rng),
        nsp: "/",
        type: rng.int(12),
        data: randomObject(rng, 3, valueOpts),
      };
    default:
      return randomValue(rng, 4, valueOpts);
  }
}

/** Whether `value` comes back from msgpack exactly, once normalised (no integer beyond 64 bits). */
function survives(value: unknown): boolean {
  const stack = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) >= 2 ** 63) return false;
    if (
      typeof v === "object" &&
      v !== null &&
      !(v instanceof Date) &&
      !ArrayBuffer.isView(v) &&
      !(v instanceof ArrayBuffer)
    ) {
      stack.push(...Object.values(v));
    }
  }
  return true;
}

/** `value` as msgpack gives it back: undefined is nil (dropped as a map value), -0 is 0, strings are UTF-8. */
function normalise(value: unknown): unknown {
  if (value === undefined) return null;
  if (Object.is(value, -0)) return 0;
  if (typeof value === "string") return Buffer.from(value).toString();
  if (
    typeof value !== "object" ||
    value === null ||
    value instanceof Date ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  )
    return value;
  if (Array.isArray(value)) return value.map(normalise);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || k === "__proto__") continue;
    out[Buffer.from(k).toString()] = normalise(v);
  }
  return out;
}

function randomOptions(rng: Rng): MsgpackDecodeOptions {
  const opts: MsgpackDecodeOptions = {};
  if (rng.chance(0.1)) opts.maxSize = rng.pick([0, 1, 16, 256, 4096, 1_000_000]);
  if (rng.chance(0.2)) opts.maxDepth = rng.pick([0, 1, 2, 5, 100, 1000]);
  return opts;
}

/** The bytes as a Buffer, a plain Uint8Array, or a view into a larger buffer. */
function reshape(rng: Rng, b: Uint8Array): Uint8Array {
  switch (rng.int(3)) {
    case 0:
      return Buffer.from(b);
    case 1: {
      const big = new Uint8Array(b.length + 8).fill(0x91);
      big.set(b, 4);
      return big.subarray(4, 4 + b.length);
    }
    default:
      return Uint8Array.from(b);
  }
}

const isMsgpackError = (err: unknown): boolean =>
  err instanceof MsgpackDecodeError &&
  (err.code === AdapterErrorCode.MSGPACK_DECODE || err.code === AdapterErrorCode.MSGPACK_TOO_LARGE);

const isLeaf = (obj: object): boolean =>
  Buffer.isBuffer(obj) || obj instanceof ArrayBuffer || obj instanceof Date;

export const msgpack: Target<MsgpackInput> = {
  name: "msgpack",
  description: "adapter msgpackDecode: cluster and Redis messages, with maxSize and maxDepth",
  generate(rng) {
    const value = randomMessage(rng);
    const encoded = msgpackEncode(value);
    if (rng.chance(0.1)) {
      // Default limits: the generated values are far below them, so the message must decode.
      const bytes = reshape(rng, encoded);
      return survives(value)
        ? { bytes, opts: {}, original: { value: normalise(value) } }
        : { bytes, opts: {} };
    }
    const opts = randomOptions(rng);
    const src: MutationSource<Uint8Array> = {
      dict: DICT,
      other: () => msgpackEncode(randomMessage(rng)),
    };
    return { bytes: reshape(rng, mutateBytes(rng, encoded, src)), opts };
  },
  check({ bytes, opts, original }) {
    const copy = Buffer.from(bytes);
    const tooLarge = opts.maxSize !== undefined && bytes.length > opts.maxSize;
    const r = typedOrOk(() => msgpackDecode(bytes, opts), isMsgpackError, "msgpackDecode");
    if (!copy.equals(bytesOf(bytes))) throw new FuzzFailure("msgpackDecode modified its input");
    if (!r.ok) {
      const err = r.error as MsgpackDecodeError;
      if ((err.code === AdapterErrorCode.MSGPACK_TOO_LARGE) !== tooLarge)
        throw new FuzzFailure(
          `${err.code} for ${bytes.length} bytes, maxSize ${String(opts.maxSize)}`,
        );
      if (!Number.isInteger(err.offset) || err.offset < 0 || err.offset > bytes.length)
        throw new FuzzFailure(`error offset ${err.offset} outside the input`);
      if (original !== undefined)
        throw new FuzzFailure(`round trip: a valid message was refused: ${err.message}`);
      return err.message.replace(/ \(at byte \d+\)$/, "").replace(/0x[0-9a-f]+|-?\d+/g, "N");
    }
    if (tooLarge)
      throw new FuzzFailure(`accepted ${bytes.length} bytes over maxSize ${String(opts.maxSize)}`);
    const levels = checkPlainData(r.value, isLeaf, "decoded value", { noProtoKey: true });
    if (levels > (opts.maxDepth ?? 100))
      throw new FuzzFailure(
        `decoded ${levels} levels deep, maxDepth ${String(opts.maxDepth ?? 100)}`,
      );
    if (original !== undefined && !deepEqual(r.value, original.value))
      throw new FuzzFailure("round trip: decoded value differs from the one encoded");
    return "ok";
  },
  show({ bytes, opts }) {
    return `${bytes.constructor.name} ${showBytes(bytes)} opts=${JSON.stringify(opts)}`;
  },
};
