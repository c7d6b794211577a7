// The msgpack Socket.IO parser (`@switchboard/parser/msgpack`) against the real socket.io-msgpack-parser 3.x:
// round trips of every packet type, strict refusals with typed errors, and bytes that each side decodes
// identically when the other encoded them.
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import {
  Decoder,
  Encoder,
  MsgpackDecodeError,
  MsgpackErrorCode,
  PacketType,
  encode,
  protocol,
  type Packet,
} from "../src/msgpack/index.js";
import { DecodeError, DecodeErrorCode } from "../src/index.js";

interface TheirParser {
  protocol: number;
  Encoder: new () => { encode(packet: unknown): unknown[] };
  Decoder: new () => {
    add(chunk: unknown): void;
    on(event: "decoded", fn: (packet: unknown) => void): void;
  };
}
const theirs = createRequire(import.meta.url)("socket.io-msgpack-parser") as TheirParser;

function decodeOurs(bytes: unknown, decoder = new Decoder()): Packet {
  let out: Packet | undefined;
  decoder.on("decoded", (p) => (out = p));
  decoder.add(bytes);
  if (out === undefined) throw new Error("nothing decoded");
  return out;
}

function decodeTheirs(bytes: unknown): unknown {
  const decoder = new theirs.Decoder();
  let out: unknown;
  decoder.on("decoded", (p) => (out = p));
  decoder.add(bytes);
  return out;
}

/** What either decoder should give for `packet`: the four keys, absent ones undefined. */
const norm = (p: Packet) => ({ type: p.type, nsp: p.nsp, data: p.data, id: p.id });

const bin = Buffer.from([0, 1, 2, 254, 255]);
const packets: Packet[] = [
  { type: PacketType.CONNECT, nsp: "/" },
  { type: PacketType.CONNECT, nsp: "/admin", data: { token: "abc", n: 1.5 } },
  { type: PacketType.DISCONNECT, nsp: "/chat" },
  { type: PacketType.EVENT, nsp: "/", data: ["hello", 1, -2, 2 ** 40, "é€😀", null, true] },
  { type: PacketType.EVENT, nsp: "/", data: ["ask", { a: [1, { b: "c" }] }], id: 0 },
  { type: PacketType.EVENT, nsp: "/x", data: [42, "numeric event name"], id: 2 ** 31 },
  { type: PacketType.EVENT, nsp: "/", data: ["file", bin, { nested: [bin, { deep: bin }] }] },
  { type: PacketType.ACK, nsp: "/", data: [], id: 7 },
  { type: PacketType.ACK, nsp: "/", data: ["ok", bin], id: 8 },
  { type: PacketType.CONNECT_ERROR, nsp: "/", data: "Invalid namespace" },
  {
    type: PacketType.CONNECT_ERROR,
    nsp: "/",
    data: { message: "refused", data: { retry: false } },
  },
];

describe("msgpack parser", () => {
  it("speaks protocol 5", () => {
    expect(protocol).toBe(5);
    expect(theirs.protocol).toBe(5);
  });

  it.each(packets.map((p) => [PacketType[p.type], p] as const))(
    "round-trips %s as one binary message",
    (_, packet) => {
      const encoded = new Encoder().encode(packet);
      expect(encoded).toHaveLength(1);
      expect(encoded[0]).toBeInstanceOf(Uint8Array);
      expect(decodeOurs(encoded[0])).toEqual(norm(packet));
    },
  );

  it("decodes binary as Buffers (Node), from a Buffer, an ArrayBuffer or a typed-array view", () => {
    const [bytes] = new Encoder().encode({ type: PacketType.EVENT, nsp: "/", data: ["b", bin] });
    const copy = new Uint8Array(bytes);
    const offset = new Uint8Array(copy.length + 3);
    offset.set(copy, 3);
    for (const input of [bytes, copy.buffer, offset.subarray(3)]) {
      const { data } = decodeOurs(input);
      expect(Buffer.isBuffer((data as unknown[])[1])).toBe(true);
      expect((data as unknown[])[1]).toEqual(bin);
    }
  });

  it("sends BINARY_EVENT / BINARY_ACK as EVENT / ACK, which socket.io-msgpack-parser accepts", () => {
    const [ev] = new Encoder().encode({
      type: PacketType.BINARY_EVENT,
      nsp: "/",
      data: ["b", bin],
      attachments: 1,
    });
    const [ack] = new Encoder().encode({
      type: PacketType.BINARY_ACK,
      nsp: "/",
      data: [bin],
      id: 3,
    });
    expect(decodeTheirs(ev)).toEqual({ type: PacketType.EVENT, nsp: "/", data: ["b", bin] });
    expect(decodeTheirs(ack)).toEqual({ type: PacketType.ACK, nsp: "/", data: [bin], id: 3 });
  });

  it("drops keys other than type/nsp/data/id (socket.io-client sends `options`) and never a __proto__", () => {
    const bytes = encode({
      type: 2,
      data: ["e", JSON.parse('{"__proto__":{"polluted":1}}')],
      nsp: "/",
      options: { compress: true },
    });
    const packet = decodeOurs(bytes);
    expect(packet).toEqual({ type: 2, nsp: "/", data: ["e", {}], id: undefined });
    expect(Object.keys(packet)).toEqual(["type", "nsp", "data", "id"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  describe("refusals: typed errors, nothing emitted", () => {
    const shape: [string, unknown, DecodeErrorCode][] = [
      ["a text chunk", '2["x"]', DecodeErrorCode.BAD_CHUNK],
      ["a number", 5, DecodeErrorCode.BAD_CHUNK],
      ["not a map", encode([2, "/", ["x"]]), DecodeErrorCode.BAD_TYPE],
      [
        "type 5 (no attachments in msgpack)",
        encode({ type: 5, nsp: "/", data: ["x"] }),
        DecodeErrorCode.BAD_TYPE,
      ],
      ["type 1.5", encode({ type: 1.5, nsp: "/" }), DecodeErrorCode.BAD_TYPE],
      ["a string type", encode({ type: "2", nsp: "/", data: ["x"] }), DecodeErrorCode.BAD_TYPE],
      ["no namespace", encode({ type: 2, data: ["x"] }), DecodeErrorCode.BAD_NAMESPACE],
      [
        "a namespace without /",
        encode({ type: 2, nsp: "chat", data: ["x"] }),
        DecodeErrorCode.BAD_NAMESPACE,
      ],
      ["an EVENT without data", encode({ type: 2, nsp: "/" }), DecodeErrorCode.INVALID_PAYLOAD],
      ["an empty EVENT", encode({ type: 2, nsp: "/", data: [] }), DecodeErrorCode.INVALID_PAYLOAD],
      [
        "a DISCONNECT with data",
        encode({ type: 1, nsp: "/", data: {} }),
        DecodeErrorCode.INVALID_PAYLOAD,
      ],
      [
        "a CONNECT with array data",
        encode({ type: 0, nsp: "/", data: [] }),
        DecodeErrorCode.INVALID_PAYLOAD,
      ],
      [
        "a reserved event name",
        encode({ type: 2, nsp: "/", data: ["disconnect"] }),
        DecodeErrorCode.RESERVED_EVENT,
      ],
      ["an ACK without id", encode({ type: 3, nsp: "/", data: [] }), DecodeErrorCode.BAD_ACK_ID],
      [
        "a string ack id",
        encode({ type: 2, nsp: "/", data: ["x"], id: "1" }),
        DecodeErrorCode.BAD_ACK_ID,
      ],
      [
        "a negative ack id",
        encode({ type: 2, nsp: "/", data: ["x"], id: -1 }),
        DecodeErrorCode.BAD_ACK_ID,
      ],
      ["an id on a CONNECT", encode({ type: 0, nsp: "/", id: 1 }), DecodeErrorCode.BAD_ACK_ID],
    ];
    it.each(shape)("%s: DecodeError", (_, input, code) => {
      const decoder = new Decoder();
      let emitted = false;
      decoder.on("decoded", () => (emitted = true));
      expect(() => decoder.add(input)).toThrow(expect.objectContaining({ code }));
      expect(() => decoder.add(input)).toThrow(DecodeError);
      expect(emitted).toBe(false);
    });

    const bytes: [string, Uint8Array][] = [
      ["empty", new Uint8Array(0)],
      ["truncated", encode({ type: 2, nsp: "/", data: ["x"] }).subarray(0, 6)],
      ["trailing bytes", new Uint8Array([...encode({ type: 0, nsp: "/" }), 0])],
      ["an unknown type byte", new Uint8Array([0xc1])],
      ["a lying length", new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff])],
    ];
    it.each(bytes)("%s: MsgpackDecodeError", (_, input) => {
      expect(() => new Decoder().add(input)).toThrow(MsgpackDecodeError);
      expect(() => new Decoder().add(input)).toThrow(
        expect.objectContaining({ code: MsgpackErrorCode.DECODE }),
      );
    });

    it("nesting deeper than maxDepth (default 100)", () => {
      let data: unknown = 1;
      for (let i = 0; i < 120; i++) data = [data];
      const deep = encode({ type: 2, nsp: "/", data: ["x", data] });
      expect(() => new Decoder().add(deep)).toThrow(MsgpackDecodeError);
      expect(() => new Decoder({ maxDepth: 200 }).add(deep)).not.toThrow();
    });

    it("more binary values than maxAttachments, when it is set (unset: no limit, as socket.io-msgpack-parser)", () => {
      const many = new Encoder().encode({
        type: 2,
        nsp: "/",
        data: ["x", ...Array.from({ length: 11 }, () => bin)],
      })[0];
      expect(() => new Decoder({ maxAttachments: 10 }).add(many)).toThrow(
        expect.objectContaining({ code: DecodeErrorCode.TOO_MANY_ATTACHMENTS }),
      );
      expect(decodeOurs(many, new Decoder({ maxAttachments: 11 })).data).toHaveLength(12);
      expect(decodeOurs(many).data).toHaveLength(12);
    });
  });

  describe("interop with socket.io-msgpack-parser", () => {
    // socket.io-client adds `options`; socket.io's server leaves `id` out when there is none.
    it.each(packets.map((p) => [PacketType[p.type], p] as const))(
      "%s: same bytes, decoded alike both ways",
      (_, packet) => {
        const ours = new Encoder().encode(packet)[0];
        const their = new theirs.Encoder().encode(packet)[0] as Buffer;
        expect(Buffer.from(ours)).toEqual(their);
        const expected: Record<string, unknown> = { type: packet.type, nsp: packet.nsp };
        if (packet.data !== undefined) expected.data = packet.data;
        if (packet.id !== undefined) expected.id = packet.id;
        expect(decodeTheirs(ours)).toEqual(expected);
        expect(decodeOurs(their)).toEqual(norm(packet));
      },
    );

    it("decodes what socket.io-client's packets look like through their encoder (key order, options)", () => {
      const sent = { type: 2, data: ["msg", bin], options: { compress: true }, id: 4, nsp: "/" };
      const [their] = new theirs.Encoder().encode(sent);
      expect(decodeOurs(their)).toEqual({ type: 2, nsp: "/", data: ["msg", bin], id: 4 });
    });
  });
});
