// The Socket.IO packet decoder (@switchboard/parser `Decoder`): sequences of Engine.IO messages (text packets,
// binary attachments, in order or not) fed to a fresh decoder. `add()` may only return or throw a DecodeError
// with a catalogued code; every emitted packet has the protocol's shape (docs/protocol.md §2.1), attachments are the
// chunks that were fed, and decoded objects keep Object.prototype. Unmutated sequences must round-trip.
import {
  DecodeError,
  DecodeErrorCode,
  Decoder,
  Encoder,
  PacketType,
  type DecoderOptions,
  type Packet,
} from "@switchboard/parser";
import {
  bytesOf,
  checkPlainData,
  deepEqual,
  FuzzFailure,
  isBinaryValue,
  typedOrOk,
} from "../invariants.js";
import { mutateBytes, mutateString, BOUNDARY_NUMBERS, type MutationSource } from "../mutate.js";
import type { Rng } from "../rng.js";
import { showBytes, showString, type Target } from "../target.js";
import {
  randomArray,
  randomBytes,
  randomNumber,
  randomObject,
  randomString,
  randomValue,
} from "../values.js";

export interface ParserInput {
  chunks: unknown[];
  maxAttachments: number | undefined;
  reviver: boolean;
  /** The packets encoded, when the sequence was not mutated. */
  original?: Packet[];
}

const CODES: ReadonlySet<string> = new Set(Object.values(DecodeErrorCode));
const RESERVED = new Set([
  "connect",
  "connect_error",
  "disconnect",
  "disconnecting",
  "newListener",
  "removeListener",
]);

/** Placeholders a hostile peer would send: out of range, not integers, inherited, nested under `__proto__`. */
export const HOSTILE_PLACEHOLDERS = [
  0,
  1,
  2,
  9,
  10,
  11,
  -1,
  1.5,
  '"0"',
  "1e999",
  "9007199254740993",
  '"__proto__"',
  '"length"',
  '"constructor"',
  "null",
  "[0]",
  '{"valueOf":0}',
  "true",
]
  .map((n) => `{"_placeholder":true,"num":${n}}`)
  .concat([
    '{"_placeholder":true}',
    '{"_placeholder":"true","num":0}',
    '{"_placeholder":1,"num":0}',
    '{"_placeholder":true,"num":0,"__proto__":{"polluted":1}}',
    '{"__proto__":{"_placeholder":true,"num":0}}',
    '{"constructor":{"prototype":{"_placeholder":true,"num":0}}}',
    '{"__proto__":{"_placeholder":true,"num":0},"num":0}',
  ]);

const DICT = [
  ...HOSTILE_PLACEHOLDERS,
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '"__proto__"',
  '"constructor"',
  '"prototype"',
  '"connect"',
  '"disconnecting"',
  '"newListener"',
  '"removeListener"',
  "/admin,",
  "/",
  ",",
  "-",
  "1-",
  "10-",
  "11-",
  "99999999999999999999-",
  "[",
  "]",
  "{",
  "}",
  "null",
  "true",
  "[]",
  "{}",
  '"\\ud800"',
  '"\\udc00\\ud800"',
  "\\u0000",
  "1e999",
  "-0",
  '"',
  "5",
  "6",
  "51-",
  "61-1",
];

const NAMESPACES = ["/", "/", "/", "/chat", "/a/b", "/\u00fc", "/0", "/-", "/[", "/{}", "/ "];
const EVENT_NAMES = [
  "message",
  "chat",
  "ev",
  "__proto__",
  "constructor",
  "hasOwnProperty",
  "",
  "x".repeat(300),
];

function randomBinary(rng: Rng): unknown {
  const bytes = randomBytes(rng, rng.chance(0.02) ? rng.range(256, 20_000) : rng.int(16));
  switch (rng.int(5)) {
    case 0:
      return Buffer.from(bytes);
    case 1:
      return bytes.buffer;
    case 2:
      return new DataView(bytes.buffer);
    default:
      return bytes;
  }
}

function randomId(rng: Rng): number {
  return rng.chance(0.3) ? rng.pick([0, 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1]) : rng.int(1_000_000);
}

/** A valid packet of any type; EVENT/ACK data may hold binary (then the encoder makes it BINARY_*). */
export function randomSioPacket(rng: Rng): Packet {
  const nsp = rng.pick(NAMESPACES);
  const binary = { binary: randomBinary, binaryChance: rng.chance(0.4) ? 0.15 : 0 };
  switch (rng.pick([0, 1, 2, 2, 2, 3, 3, 4])) {
    case PacketType.CONNECT:
      return {
        type: PacketType.CONNECT,
        nsp,
        data: rng.chance(0.4) ? undefined : randomObject(rng, 3),
      };
    case PacketType.DISCONNECT:
      return { type: PacketType.DISCONNECT, nsp };
    case PacketType.EVENT: {
      const name = rng.chance(0.1)
        ? randomNumber(rng)
        : rng.chance(0.7)
          ? rng.pick(EVENT_NAMES)
          : randomString(rng);
      const data = [RESERVED.has(name as string) ? "ev" : name, ...randomArray(rng, 3, binary)];
      return { type: PacketType.EVENT, nsp, data, id: rng.chance(0.4) ? randomId(rng) : undefined };
    }
    case PacketType.ACK:
      return { type: PacketType.ACK, nsp, data: randomArray(rng, 3, binary), id: randomId(rng) };
    default:
      return {
        type: PacketType.CONNECT_ERROR,
        nsp,
        data: rng.chance(0.5)
          ? randomString(rng)
          : { message: randomString(rng), data: randomValue(rng, 2) },
      };
  }
}

const encoder = new Encoder();

function encodeAll(packets: Packet[]): unknown[] {
  return packets.flatMap((p) => encoder.encode(p));
}

const textIndexes = (chunks: unknown[]): number[] =>
  chunks.flatMap((c, i) => (typeof c === "string" ? [i] : []));

/** One edit of the chunk sequence: inside a text, or of the sequence itself (order, count, chunk types). */
export function mutateSequence(rng: Rng, chunks: unknown[]): void {
  const texts = textIndexes(chunks);
  const src: MutationSource<string> = {
    dict: DICT,
    other: () => encoder.encode(randomSioPacket(rng))[0],
  };
  const r = rng.int(20);
  if (r < 8 && texts.length > 0) {
    const i = rng.pick(texts);
    chunks[i] = mutateString(rng, chunks[i] as string, src);
  } else if (r < 9 && chunks.length > 0) {
    chunks.splice(rng.int(chunks.length), 1);
  } else if (r < 10 && chunks.length > 0) {
    const i = rng.int(chunks.length);
    chunks.splice(i, 0, chunks[i]);
  } else if (r < 11 && chunks.length > 1) {
    const i = rng.int(chunks.length);
    const j = rng.int(chunks.length);
    [chunks[i], chunks[j]] = [chunks[j], chunks[i]];
  } else if (r < 13) {
    chunks.splice(rng.int(chunks.length + 1), 0, randomBinary(rng));
  } else if (r < 14) {
    chunks.splice(rng.int(chunks.length + 1), 0, src.other());
  } else if (r < 16 && texts.length > 0) {
    // the attachment count: boundaries, huge, missing
    const i = rng.pick(texts);
    const count = rng.pick(["0", "1", "2", "9", "10", "11", "", "-1", ...BOUNDARY_NUMBERS]);
    chunks[i] = (chunks[i] as string).replace(/^([56])\d*-/, `$1${count}-`);
  } else if (r < 18) {
    // a binary packet whose placeholders are hostile, followed by some attachments
    const n = rng.pick([0, 1, 1, 2, 3, 10, 11]);
    const args = Array.from({ length: rng.range(1, 3) }, () => rng.pick(HOSTILE_PLACEHOLDERS)).join(
      ",",
    );
    chunks.splice(
      rng.int(chunks.length + 1),
      0,
      `${rng.pick(["5", "6"])}${n}-${rng.chance(0.5) ? "" : "/x,"}${rng.int(3)}["ev",${args}]`,
    );
    for (let k = rng.pick([n, n, n - 1, n + 1]); k > 0; k--) chunks.push(randomBinary(rng));
  } else if (r < 19 && chunks.length > 0) {
    // same bytes, another container
    const i = rng.int(chunks.length);
    const c = chunks[i];
    if (isBinaryValue(c)) {
      const bytes = mutateBytes(
        rng,
        bytesOf(c),
        { dict: [], other: () => new Uint8Array(2) },
        rng.chance(0.5) ? 0 : 1,
      );
      chunks[i] = rng.pick([bytes, bytes.buffer, Buffer.from(bytes), new DataView(bytes.buffer)]);
    }
  } else if (chunks.length > 0 && rng.chance(0.2)) {
    // not wire-reachable, but the API takes `unknown` at runtime
    chunks[rng.int(chunks.length)] = rng.pick([
      null,
      undefined,
      42,
      {},
      [],
      true,
      { byteLength: 4 },
    ]);
  }
}

function checkPacket(p: Packet, fed: ReadonlySet<unknown>): void {
  const keys = Object.keys(p).sort().join(",");
  if (keys !== "data,id,nsp,type") throw new FuzzFailure(`emitted packet has keys ${keys}`);
  const { type, nsp, data, id } = p;
  if (!(type >= 0 && type <= 4) || !Number.isInteger(type))
    throw new FuzzFailure(`emitted packet type ${String(type)}`);
  if (typeof nsp !== "string" || !nsp.startsWith("/"))
    throw new FuzzFailure(`emitted namespace ${String(nsp)}`);
  const hasId = type === PacketType.EVENT || type === PacketType.ACK;
  if (id !== undefined && (!hasId || !Number.isSafeInteger(id) || id < 0))
    throw new FuzzFailure(`emitted ack id ${String(id)} on type ${type}`);
  if (type === PacketType.ACK && id === undefined)
    throw new FuzzFailure("emitted an ACK without id");
  const plain = (v: unknown): boolean => typeof v === "object" && v !== null && !Array.isArray(v);
  const fits =
    type === PacketType.CONNECT
      ? data === undefined || plain(data)
      : type === PacketType.DISCONNECT
        ? data === undefined
        : type === PacketType.CONNECT_ERROR
          ? typeof data === "string" || plain(data)
          : type === PacketType.ACK
            ? Array.isArray(data)
            : Array.isArray(data) &&
              (typeof data[0] === "number" ||
                (typeof data[0] === "string" && !RESERVED.has(data[0])));
  if (!fits) throw new FuzzFailure(`emitted payload does not fit type ${type}`);
  checkPlainData(
    data,
    (obj) => {
      if (!isBinaryValue(obj)) return false;
      if (!fed.has(obj))
        throw new FuzzFailure("emitted binary data that is not one of the chunks fed");
      return true;
    },
    "emitted data",
  );
}

const isDecodeError = (err: unknown): boolean =>
  err instanceof DecodeError && CODES.has(err.code) && typeof err.message === "string";

export const parser: Target<ParserInput> = {
  name: "parser",
  description:
    "parser Decoder: text packets, binary packets with attachments in sequence, maxAttachments, reviver",
  generate(rng) {
    const packets = Array.from({ length: rng.count(3) }, () => randomSioPacket(rng));
    const chunks = encodeAll(packets);
    const maxAttachments = rng.chance(0.7) ? undefined : rng.pick([0, 1, 2, 10, 64, 1_000_000]);
    const reviver = rng.chance(0.1);
    // Unmutated sequences need room for their attachments.
    if (rng.chance(0.1) && (maxAttachments ?? 10) >= chunks.length)
      return { chunks, maxAttachments, reviver, original: packets };
    for (let n = rng.count(4); n > 0; n--) mutateSequence(rng, chunks);
    return { chunks, maxAttachments, reviver };
  },
  check({ chunks, maxAttachments, reviver, original }) {
    const opts: DecoderOptions = {};
    if (maxAttachments !== undefined) opts.maxAttachments = maxAttachments;
    if (reviver) opts.reviver = (_key: string, value: unknown) => value;
    const decoder = new Decoder(opts);
    const emitted: Packet[] = [];
    decoder.on("decoded", (p) => emitted.push(p));
    const fed = new Set(chunks.filter(isBinaryValue));
    let firstError: string | undefined;
    let threw = false;
    for (const chunk of chunks) {
      const before = emitted.length;
      const r = typedOrOk(() => decoder.add(chunk as string), isDecodeError, "Decoder#add");
      if (!r.ok) {
        const code = (r.error as DecodeError).code;
        firstError ??= code;
        // "Throws a DecodeError on bad input; the decoder is then ready for a fresh packet."
        if (threw && code === DecodeErrorCode.UNEXPECTED_TEXT)
          throw new FuzzFailure(
            "a text packet after an error was refused: the decoder kept state across the error",
          );
        if (emitted.length !== before)
          throw new FuzzFailure("add() both emitted a packet and threw");
      }
      threw = !r.ok;
      if (emitted.length > before + 1)
        throw new FuzzFailure("one chunk emitted more than one packet");
      for (let i = before; i < emitted.length; i++) checkPacket(emitted[i]!, fed);
    }
    decoder.destroy();
    const probe = typedOrOk(
      () => decoder.add('2["fuzz-probe",1]'),
      () => false,
      "Decoder#add after destroy()",
    );
    if (!probe.ok || !deepEqual(emitted[emitted.length - 1]?.data, ["fuzz-probe", 1]))
      throw new FuzzFailure("the decoder did not decode a packet after destroy()");
    emitted.pop();
    if (original !== undefined) {
      if (firstError !== undefined)
        throw new FuzzFailure(`round trip: a valid sequence was refused with ${firstError}`);
      if (emitted.length !== original.length)
        throw new FuzzFailure(
          `round trip: ${emitted.length} packets decoded, ${original.length} encoded`,
        );
      original.forEach((p, i) => {
        const want = { type: p.type, nsp: p.nsp, data: p.data, id: p.id };
        if (!deepEqual(emitted[i], want))
          throw new FuzzFailure(`round trip: packet ${i} differs from the one encoded`);
      });
    }
    return firstError?.replace("ERR_SIO_DECODE_", "") ?? (emitted.length > 0 ? "ok" : "pending");
  },
  show({ chunks, maxAttachments, reviver }) {
    const parts = chunks.map((c) =>
      typeof c === "string"
        ? showString(c, 600)
        : isBinaryValue(c)
          ? `${(c as object).constructor.name} ${showBytes(bytesOf(c), 64)}`
          : `<${String(c)}: ${typeof c}>`,
    );
    return `[${parts.join(", ")}] maxAttachments=${String(maxAttachments)} reviver=${reviver}`;
  },
};
