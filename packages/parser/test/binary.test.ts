// Binary attachments (docs/protocol.md §2.3): detection, placeholders in encounter order, round trips.
import { describe, expect, it } from "vitest";
import {
  DecodeErrorCode,
  Encoder,
  PacketType,
  hasBinary,
  isBinary,
  type Packet,
} from "../src/index.js";
import { bytes, decodeAll, expectDecodeError, normalize, ph } from "./helpers.js";

const encoder = new Encoder();

function roundTrip(packet: Packet): Packet {
  const chunks = encoder.encode(packet) as Array<string | Uint8Array>;
  const decoded = decodeAll(chunks);
  expect(decoded).toHaveLength(1);
  return decoded[0] as Packet;
}

describe("binary detection", () => {
  it("recognises every binary kind, and nothing else", () => {
    for (const v of [
      Buffer.from([1]),
      new Uint8Array(1),
      new ArrayBuffer(1),
      new Float64Array(1),
      new DataView(new ArrayBuffer(2)),
      new Blob(["x"]),
    ]) {
      expect(isBinary(v)).toBe(true);
    }
    for (const v of [
      null,
      undefined,
      1,
      "s",
      {},
      [],
      new Date(),
      { byteLength: 1, buffer: new ArrayBuffer(1) },
    ]) {
      expect(isBinary(v)).toBe(false);
    }
  });

  it("looks into arrays, objects, class instances and toJSON results, not into Dates", () => {
    class Holder {
      constructor(readonly payload: unknown) {}
    }
    expect(hasBinary(["a", { b: [1, { c: new Uint8Array(1) }] }])).toBe(true);
    expect(hasBinary([new Holder(Buffer.from([1]))])).toBe(true);
    expect(hasBinary([{ toJSON: () => ({ file: new ArrayBuffer(1) }) }])).toBe(true);
    expect(hasBinary(["a", 1, null, { b: [true, "x"] }, new Date(0)])).toBe(false);
    // An inherited enumerable property is not serialized by JSON.stringify, so it does not count.
    const child = Object.create({ inherited: new Uint8Array(1) }) as object;
    expect(hasBinary([child])).toBe(false);
  });
});

describe("encoding binary packets", () => {
  it("switches EVENT to BINARY_EVENT and ACK to BINARY_ACK, numbering placeholders in encounter order", () => {
    const a = Buffer.from([1]);
    const b = new Uint8Array([2]);
    const c = new Uint8Array([3]);
    const out = encoder.encode({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["ev", { x: a, y: [b] }, c],
    });
    expect(out).toEqual([`53-["ev",{"x":${ph(0)},"y":[${ph(1)}]},${ph(2)}]`, a, b, c]);
    expect(out[1]).toBe(a);
    const ack = encoder.encode({ type: PacketType.ACK, nsp: "/x", id: 4, data: [c] });
    expect(ack).toEqual([`61-/x,4[${ph(0)}]`, c]);
  });

  it("passes ArrayBuffers and other views as Uint8Array views of the same memory", () => {
    const ab = new Uint8Array([9, 8, 7]).buffer;
    const i16 = new Int16Array([1, 2, 3, 4]).subarray(1, 3);
    const dv = new DataView(new Uint8Array([5, 6, 7, 8]).buffer, 1, 2);
    const out = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["ev", ab, i16, dv] });
    expect(out).toHaveLength(4);
    for (const part of out.slice(1)) expect(part).toBeInstanceOf(Uint8Array);
    expect((out[1] as Uint8Array).buffer).toBe(ab);
    expect(bytes(out[1])).toEqual([9, 8, 7]);
    expect(bytes(out[2])).toEqual(bytes(i16));
    expect((out[2] as Uint8Array).buffer).toBe(i16.buffer);
    expect(bytes(out[3])).toEqual([6, 7]);
  });

  it("passes a Blob through untouched", () => {
    const blob = new Blob(["hello"]);
    const out = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["upload", blob] });
    expect(out).toEqual([`51-["upload",${ph(0)}]`, blob]);
    expect(out[1]).toBe(blob);
  });

  it("does not modify the packet or its data", () => {
    const buf = Buffer.from([1, 2]);
    const data = ["ev", { nested: [buf, "s"] }];
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data };
    encoder.encode(packet);
    expect(packet.type).toBe(PacketType.EVENT);
    expect(packet.attachments).toBeUndefined();
    expect(data).toEqual(["ev", { nested: [buf, "s"] }]);
    expect((data[1] as { nested: unknown[] }).nested[0]).toBe(buf);
  });

  it("serializes like JSON.stringify around the binary values (toJSON, Dates, undefined, functions)", () => {
    const date = new Date(0);
    const withToJSON = { secret: 1, toJSON: (key: string) => ({ key, file: new Uint8Array([1]) }) };
    const out = encoder.encode({
      type: PacketType.EVENT,
      nsp: "/",
      data: [
        "ev",
        date,
        withToJSON,
        { skip: undefined, fn: () => 1, keep: 2 },
        [undefined],
        new Uint8Array([2]),
      ],
    });
    expect(out[0]).toBe(
      `52-["ev","1970-01-01T00:00:00.000Z",{"key":"2","file":${ph(0)}},{"keep":2},[null],${ph(1)}]`,
    );
    expect(out.slice(1).map(bytes)).toEqual([[1], [2]]);
  });

  it("lets the data decide between EVENT and BINARY_EVENT, whatever type the caller gave", () => {
    expect(encoder.encode({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["a"] })).toEqual([
      '2["a"]',
    ]);
    expect(encoder.encode({ type: PacketType.BINARY_ACK, nsp: "/", id: 1, data: [] })).toEqual([
      "31[]",
    ]);
    const b = new Uint8Array([1]);
    expect(encoder.encode({ type: PacketType.BINARY_ACK, nsp: "/", id: 1, data: [b] })).toEqual([
      `61-1[${ph(0)}]`,
      b,
    ]);
  });

  it("refuses a 0-attachment binary packet on decode, as socket.io-parser 4.2.7 does", () => {
    for (const text of ['50-["a"]', "60-3[]", '500-/x,["a"]'])
      expectDecodeError(() => decodeAll([text]), DecodeErrorCode.BAD_ATTACHMENTS);
    // ...while the encoder never produces one (above), so our own peers are unaffected.
    const parts = encoder.encode({ type: PacketType.BINARY_EVENT, nsp: "/", data: ["a"] });
    expect(decodeAll(parts as string[])[0]).toEqual({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["a"],
      id: undefined,
    });
  });

  it("does not look for binary in CONNECT / CONNECT_ERROR payloads (they are JSON only)", () => {
    const out = encoder.encode({
      type: PacketType.CONNECT,
      nsp: "/",
      data: { b: Buffer.from([1]) },
    });
    expect(out).toEqual(['0{"b":{"type":"Buffer","data":[1]}}']);
  });
});

describe("binary round trips", () => {
  it("Buffer, Uint8Array, ArrayBuffer and typed arrays, nested, in events and acks", () => {
    const data = [
      "ev",
      Buffer.from("buffer"),
      {
        u8: new Uint8Array([1, 2, 3]),
        deep: { list: [new Uint16Array([513]).buffer, "x", { e: new Uint8Array(0) }] },
      },
      [[[new Float32Array([1.5])]]],
      42,
    ];
    const ev = roundTrip({ type: PacketType.EVENT, nsp: "/chat", data, id: 3 });
    expect(ev.type).toBe(PacketType.EVENT);
    expect(ev.id).toBe(3);
    expect(ev.nsp).toBe("/chat");
    expect(normalize(ev.data)).toEqual(normalize(data));
    const ack = roundTrip({
      type: PacketType.ACK,
      nsp: "/",
      id: 0,
      data: [null, new Uint8Array([7])],
    });
    expect(ack).toMatchObject({ type: PacketType.ACK, id: 0 });
    expect(normalize(ack.data)).toEqual([null, { bin: [7] }]);
  });

  it("the same binary value twice becomes two attachments and decodes twice", () => {
    const b = new Uint8Array([5]);
    const chunks = encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["ev", b, b] });
    expect(chunks).toHaveLength(3);
    expect(
      normalize(roundTrip({ type: PacketType.EVENT, nsp: "/", data: ["ev", b, b] }).data),
    ).toEqual(["ev", { bin: [5] }, { bin: [5] }]);
  });

  it("the decoder keeps the chunk objects it was given (Buffer stays Buffer, ArrayBuffer stays ArrayBuffer)", () => {
    const buf = Buffer.from([1]);
    const ab = new ArrayBuffer(2);
    const [packet] = decodeAll([`52-["ev",${ph(1)},${ph(0)}]`, buf, ab]);
    expect(packet?.data).toEqual(["ev", ab, buf]);
    const data = packet?.data as unknown[];
    expect(data[1]).toBe(ab);
    expect(data[2]).toBe(buf);
  });

  it("more than 10 attachments encode, and decode only with a raised maxAttachments", () => {
    const many = Array.from({ length: 11 }, (_, i) => new Uint8Array([i]));
    const chunks = encoder.encode({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["ev", ...many],
    }) as Array<string | Uint8Array>;
    expect(chunks).toHaveLength(12);
    expect(() => decodeAll(chunks)).toThrow(/too many attachments/);
    expect(normalize(decodeAll(chunks, { maxAttachments: 11 })[0]?.data)).toEqual(
      normalize(["ev", ...many]),
    );
  });

  it("uses a reviver on the JSON part, and still fills placeholders", () => {
    const [packet] = decodeAll([`51-["ev",{"n":"7","b":${ph(0)}}]`, new Uint8Array([3])], {
      reviver: (key, value: unknown) => (key === "n" ? Number(value) : value),
    });
    expect(normalize(packet?.data)).toEqual(["ev", { n: 7, b: { bin: [3] } }]);
  });

  it("survives a reviver that makes shared or cyclic nodes", () => {
    const shared: Record<string, unknown> = { tag: "shared" };
    shared.self = shared;
    const [packet] = decodeAll([`51-["ev",{"a":1},{"a":1},${ph(0)}]`, new Uint8Array([1])], {
      reviver: (_key, value: unknown) =>
        typeof value === "object" && value !== null && (value as { a?: unknown }).a === 1
          ? shared
          : value,
    });
    const data = packet?.data as unknown[];
    expect(data[1]).toBe(shared);
    expect(data[2]).toBe(shared);
    expect(bytes(data[3])).toEqual([1]);
  });

  it("walks hostile nesting depth without overflowing the stack", () => {
    const depth = 200_000;
    const text = `51-["ev",${"[".repeat(depth)}${ph(0)}${"]".repeat(depth)}]`;
    let node = decodeAll([text, new Uint8Array([1])])[0]?.data as unknown[];
    node = node[1] as unknown[];
    for (let i = 1; i < depth; i++) node = node[0] as unknown[];
    expect(bytes(node[0])).toEqual([1]);
  });
});
