// Engine.IO packet and payload decoding (@switchboard/engine-parser). The parser promises never to throw: bad
// input decodes to the error packet. So any throw is a failure, and every result is compared with a small
// model of docs/protocol.md §1.2–1.3 (digit + text, `b` + strict base64, binary frames are messages, payloads
// split on 0x1e and stop at the first bad packet). Unmutated inputs must round-trip to the packets encoded.
import {
  decodePacket,
  decodePayload,
  encodePacket,
  encodePayload,
  type BinaryType,
  type DecodedPacket,
  type Packet,
} from "@switchboard/engine-parser";
import { PacketTypeNames } from "@switchboard/engine-parser/internal";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { bytesOf, FuzzFailure, isBinaryValue } from "../invariants.js";
import { mutateBytes, mutateString, type MutationSource } from "../mutate.js";
import type { Rng } from "../rng.js";
import { showBytes, showString, type Target } from "../target.js";
import { randomBytes, randomString, randomValue } from "../values.js";

type Encoded = string | ArrayBuffer | ArrayBufferView;

export interface EnginePacketInput {
  data: Encoded;
  binaryType: BinaryType | undefined;
  /** The packet encoded, when the input was not mutated. */
  original?: Packet;
}

export interface EnginePayloadInput {
  payload: string;
  binaryType: BinaryType | undefined;
  original?: Packet[];
}

/** What a decoder result must equal: a type and the data as text or bytes (absent when none). */
interface Expected {
  type: string;
  data?: string | Uint8Array;
}

// The client bundle's base64 (atob-based, internal to the package): it decodes `b` packets from the server.
const dist = dirname(createRequire(import.meta.url).resolve("@switchboard/engine-parser"));
const browserBase64 = (
  (await import(pathToFileURL(join(dist, "base64.browser.js")).href)) as {
    decodeBase64: (text: string, start?: number) => Uint8Array | null;
  }
).decodeBase64;

const ERROR: Expected = { type: "error", data: "parser error" };

export const TEXT_DICT = [
  "\x1e",
  "b",
  "bAQIDBA==",
  "b====",
  "bA",
  "bAB=",
  "bAB==",
  "b-_",
  "b\n",
  "=",
  "==",
  "4",
  "0",
  "6",
  "7",
  "9",
  "/",
  '0{"sid":"x","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
  "2probe",
  "3probe",
  "\x1e\x1e",
  "\u0000",
  "\ud800",
  "40",
  '42["ev",1]',
  "451-[]",
];
const BYTE_DICT = [
  [0x34],
  [0x62],
  [0x1e],
  [0x00],
  [0xff, 0xfe],
  [0xef, 0xbb, 0xbf],
  [0xed, 0xa0, 0x80],
].map((b) => Uint8Array.from(b));

function someBytes(rng: Rng): Uint8Array {
  return randomBytes(rng, rng.chance(0.02) ? rng.range(1000, 70_000) : rng.int(40));
}

function randomText(rng: Rng): string | undefined {
  const r = rng.float();
  if (r < 0.25) return undefined;
  if (r < 0.35) return "probe";
  if (r < 0.7) return randomString(rng);
  return JSON.stringify(randomValue(rng, 3));
}

function randomPacket(rng: Rng): Packet {
  const type = rng.pick(PacketTypeNames);
  if (type === "message" && rng.chance(0.4)) return { type, data: someBytes(rng) };
  const data = randomText(rng);
  return data === undefined ? { type } : { type, data };
}

/** The same bytes in one of the shapes a WebSocket library may hand over. */
function reshape(rng: Rng, view: Uint8Array): ArrayBuffer | ArrayBufferView {
  const bytes = new Uint8Array(view); // a copy with a buffer of its own
  switch (rng.int(7)) {
    case 0:
      return Buffer.from(bytes);
    case 1:
      return bytes.buffer;
    case 2: {
      // a view in the middle of a larger buffer
      const big = new Uint8Array(bytes.length + 16).fill(0xaa);
      big.set(bytes, 8);
      return big.subarray(8, 8 + bytes.length);
    }
    case 3:
      return new DataView(bytes.buffer);
    case 4:
      return bytes.length % 4 === 0 ? new Int32Array(bytes.buffer) : bytes;
    case 5: {
      const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
      shared.set(bytes);
      return shared;
    }
    default:
      return bytes;
  }
}

/** Strict standard base64 (RFC 4648 §4): padding optional, but a padded text is a multiple of 4 long. */
function modelBase64(body: string): Uint8Array | null {
  const m = /^([A-Za-z0-9+/]*)(={0,2})$/.exec(body);
  if (m === null) return null;
  const chars = (m[1] as string).length;
  if (chars % 4 === 1 || ((m[2] as string).length > 0 && body.length % 4 !== 0)) return null;
  return Buffer.from(m[1] as string, "base64");
}

function modelPacket(encoded: Encoded): Expected {
  if (typeof encoded !== "string") return { type: "message", data: bytesOf(encoded) };
  if (encoded.length === 0) return ERROR;
  if (encoded.charCodeAt(0) === 98 /* b */) {
    const bytes = modelBase64(encoded.slice(1));
    return bytes === null ? ERROR : { type: "message", data: bytes };
  }
  const type = PacketTypeNames[encoded.charCodeAt(0) - 48];
  if (type === undefined) return ERROR;
  return encoded.length > 1 ? { type, data: encoded.slice(1) } : { type };
}

/** Checks one decoded packet against the model, including the binary container type asked for. */
function expectPacket(
  got: DecodedPacket,
  want: Expected,
  binaryType: BinaryType | undefined,
  where: string,
): void {
  if (typeof got !== "object" || got === null)
    throw new FuzzFailure(`${where}: result is not an object`);
  if (got.type !== want.type)
    throw new FuzzFailure(`${where}: type ${String(got.type)}, expected ${want.type}`);
  const keys = Object.keys(got).sort().join(",");
  if (keys !== (want.data === undefined ? "type" : "data,type"))
    throw new FuzzFailure(`${where}: keys ${keys}`);
  if (typeof want.data === "string" || want.data === undefined) {
    if (got.data !== want.data)
      throw new FuzzFailure(`${where}: data ${showString(String(got.data), 80)}`);
    return;
  }
  const asBuffer = binaryType === "arraybuffer";
  if (asBuffer ? !(got.data instanceof ArrayBuffer) : !(got.data instanceof Uint8Array)) {
    throw new FuzzFailure(
      `${where}: binary data is not ${asBuffer ? "an ArrayBuffer" : "a Uint8Array"}`,
    );
  }
  if (!Buffer.from(bytesOf(got.data)).equals(want.data))
    throw new FuzzFailure(`${where}: binary data differs from the input`);
}

/** The packet as the decoder must give it back: empty text is no data. */
function expectedOf(p: Packet): Expected {
  if (p.data === undefined || p.data === "") return { type: p.type };
  return typeof p.data === "string"
    ? { type: p.type, data: p.data }
    : { type: p.type, data: bytesOf(p.data) };
}

const binaryTypes: ReadonlyArray<BinaryType | undefined> = [undefined, "uint8array", "arraybuffer"];

export const enginePacket: Target<EnginePacketInput> = {
  name: "engine-packet",
  description:
    "engine-parser decodePacket: text frames and payload segments, binary frames in every view type",
  generate(rng) {
    const packet = randomPacket(rng);
    const binaryType = rng.pick(binaryTypes);
    const encoded = encodePacket(packet, rng.chance(0.7));
    if (rng.chance(0.1))
      return {
        data: isBinaryValue(encoded) ? reshape(rng, bytesOf(encoded)) : encoded,
        binaryType,
        original: packet,
      };
    if (typeof encoded === "string" && rng.chance(0.9)) {
      const src: MutationSource<string> = {
        dict: TEXT_DICT,
        other: () => encodePacket(randomPacket(rng), false) as string,
      };
      return { data: mutateString(rng, encoded, src), binaryType };
    }
    const bytes = typeof encoded === "string" ? Buffer.from(encoded) : bytesOf(encoded);
    const src: MutationSource<Uint8Array> = { dict: BYTE_DICT, other: () => someBytes(rng) };
    return { data: reshape(rng, mutateBytes(rng, bytes, src)), binaryType };
  },
  check({ data, binaryType, original }) {
    const copy = typeof data === "string" ? undefined : Buffer.from(bytesOf(data));
    const got = decodePacket(data, binaryType); // must not throw at all
    const want = modelPacket(data);
    expectPacket(got, want, binaryType, "decodePacket");
    if (typeof data === "string" && data.charCodeAt(0) === 98 /* b */) {
      const b = browserBase64(data, 1);
      const same =
        b === null
          ? want.type === "error"
          : want.data instanceof Uint8Array && Buffer.from(b).equals(want.data);
      if (!same)
        throw new FuzzFailure(
          `base64.browser.ts ${b === null ? "refused" : "decoded"} what the model ${want.type === "error" ? "refuses" : "decodes otherwise"}`,
        );
    }
    if (original !== undefined) expectPacket(got, expectedOf(original), binaryType, "round trip");
    if (copy !== undefined && !copy.equals(bytesOf(data)))
      throw new FuzzFailure("decodePacket modified its input");
    return got.type === "message" && typeof got.data !== "string" && got.data !== undefined
      ? "message-binary"
      : got.type;
  },
  show({ data, binaryType }) {
    const what =
      typeof data === "string"
        ? showString(data)
        : `${data.constructor.name} ${showBytes(bytesOf(data))}`;
    return `${what} binaryType=${String(binaryType)}`;
  },
};

export const enginePayload: Target<EnginePayloadInput> = {
  name: "engine-payload",
  description: "engine-parser decodePayload: polling bodies of 0x1e-separated packets",
  generate(rng) {
    const packets: Packet[] = [];
    for (let n = rng.count(6); n > 0; n--) packets.push(randomPacket(rng));
    const payload = encodePayload(packets);
    const binaryType = rng.pick(binaryTypes);
    if (rng.chance(0.1)) return { payload, binaryType, original: packets };
    const src: MutationSource<string> = {
      dict: TEXT_DICT,
      other: () => encodePayload([randomPacket(rng), randomPacket(rng)]),
    };
    return { payload: mutateString(rng, payload, src), binaryType };
  },
  check({ payload, binaryType, original }) {
    const got = decodePayload(payload, binaryType); // must not throw at all
    if (!Array.isArray(got) || got.length === 0)
      throw new FuzzFailure("decodePayload returned no packet");
    const want: Expected[] = [];
    for (const segment of payload.split("\x1e")) {
      const p = modelPacket(segment);
      want.push(p);
      if (p.type === "error") break;
    }
    if (got.length !== want.length)
      throw new FuzzFailure(
        `decodePayload returned ${got.length} packets, expected ${want.length}`,
      );
    for (let i = 0; i < want.length; i++)
      expectPacket(got[i]!, want[i]!, binaryType, `packet ${i}`);
    if (original !== undefined) {
      if (got.length !== original.length)
        throw new FuzzFailure(`round trip: ${got.length} packets, encoded ${original.length}`);
      original.forEach((p, i) =>
        expectPacket(got[i]!, expectedOf(p), binaryType, `round trip packet ${i}`),
      );
    }
    return got[got.length - 1]!.type === "error" ? "error" : "ok";
  },
  show({ payload, binaryType }) {
    return `${showString(payload)} binaryType=${String(binaryType)}`;
  },
};
