import { describe, expect, it } from "vitest";
import {
  EncodeError,
  EncodeErrorCode,
  Encoder,
  PacketType,
  RESERVED_EVENTS,
  isPacketValid,
  protocol,
  type Packet,
} from "../src/index.js";
import { decodeAll } from "./helpers.js";

describe("Encoder", () => {
  const encoder = new Encoder();

  it("omits the namespace when it is '/' or empty, the id when absent, the payload when undefined or null", () => {
    expect(encoder.encode({ type: PacketType.DISCONNECT, nsp: "/" })).toEqual(["1"]);
    expect(encoder.encode({ type: PacketType.DISCONNECT, nsp: "" })).toEqual(["1"]);
    expect(encoder.encode({ type: PacketType.CONNECT, nsp: "/", data: null })).toEqual(["0"]);
    expect(
      encoder.encode({ type: PacketType.EVENT, nsp: "/a", data: ["x"], id: undefined }),
    ).toEqual(['2/a,["x"]']);
  });

  it("omits a payload JSON.stringify turns into undefined", () => {
    expect(encoder.encode({ type: PacketType.CONNECT, nsp: "/", data: () => 1 })).toEqual(["0"]);
  });

  it("is stateless: the same encoder gives the same output every time", () => {
    const packet: Packet = { type: PacketType.EVENT, nsp: "/", data: ["x", new Uint8Array([1])] };
    expect(encoder.encode(packet)).toEqual(encoder.encode(packet));
  });

  it("applies the replacer to every payload", () => {
    const big = new Encoder((_key, value: unknown) =>
      typeof value === "bigint" ? value.toString() : value,
    );
    expect(big.encode({ type: PacketType.EVENT, nsp: "/", data: ["n", 10n] })).toEqual([
      '2["n","10"]',
    ]);
    expect(() => encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["n", 10n] })).toThrow(
      TypeError,
    );
  });

  it("throws EncodeError for an unknown packet type", () => {
    for (const type of [7, -1, 2.5, Number.NaN]) {
      let caught: unknown;
      try {
        encoder.encode({ type: type as PacketType, nsp: "/" });
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(EncodeError);
      expect((caught as EncodeError).code).toBe(EncodeErrorCode.BAD_TYPE);
    }
  });

  it("throws on circular data instead of producing output", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["x", loop] })).toThrow();
  });

  it("round-trips awkward strings and namespaces through our decoder", () => {
    const text = 'quote " backslash \\ comma , slash / digits 123 \u2028 \u0000 emoji 😀 -';
    for (const nsp of ["/", "/admin", "/a/b", "/ü ñ", "/123", "/-"]) {
      const packet: Packet = {
        type: PacketType.EVENT,
        nsp,
        id: 99,
        data: [text, { [text]: text }],
      };
      const [decoded] = decodeAll(encoder.encode(packet) as string[]);
      expect(decoded).toMatchObject(packet);
    }
  });
});

describe("protocol constants", () => {
  it("speaks protocol 5 with the wire digits of §2.1", () => {
    expect(protocol).toBe(5);
    expect([
      PacketType.CONNECT,
      PacketType.DISCONNECT,
      PacketType.EVENT,
      PacketType.ACK,
      PacketType.CONNECT_ERROR,
      PacketType.BINARY_EVENT,
      PacketType.BINARY_ACK,
    ]).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(PacketType[5]).toBe("BINARY_EVENT");
    expect([...RESERVED_EVENTS].sort()).toEqual(
      [
        "connect",
        "connect_error",
        "disconnect",
        "disconnecting",
        "newListener",
        "removeListener",
      ].sort(),
    );
  });
});

describe("isPacketValid", () => {
  it.each<[string, unknown]>([
    ["connect", { type: 0, nsp: "/" }],
    ["connect with auth", { type: 0, nsp: "/a", data: { token: "x" } }],
    ["disconnect", { type: 1, nsp: "/a" }],
    ["event", { type: 2, nsp: "/", data: ["a", 1] }],
    ["event with numeric name and ack id", { type: 2, nsp: "/", data: [1], id: 0 }],
    ["ack", { type: 3, nsp: "/", data: [], id: 5 }],
    ["connect_error object", { type: 4, nsp: "/", data: { message: "no" } }],
    ["connect_error string", { type: 4, nsp: "/", data: "no" }],
    ["binary event", { type: 5, nsp: "/", data: ["a", new Uint8Array(1)], attachments: 1 }],
    ["binary ack", { type: 6, nsp: "/", data: [], id: 1 }],
  ])("accepts %s", (_label, packet) => {
    expect(isPacketValid(packet)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["a string", '2["a"]'],
    ["unknown type", { type: 7, nsp: "/" }],
    ["fractional type", { type: 2.5, nsp: "/", data: ["a"] }],
    ["missing nsp", { type: 0 }],
    ["nsp without slash", { type: 0, nsp: "admin" }],
    ["event without data", { type: 2, nsp: "/" }],
    ["event with object data", { type: 2, nsp: "/", data: {} }],
    ["event with reserved name", { type: 2, nsp: "/", data: ["disconnect"] }],
    ["ack without id", { type: 3, nsp: "/", data: [] }],
    ["negative ack id", { type: 2, nsp: "/", data: ["a"], id: -1 }],
    ["fractional ack id", { type: 2, nsp: "/", data: ["a"], id: 1.5 }],
    ["string ack id", { type: 2, nsp: "/", data: ["a"], id: "1" }],
    ["id on connect", { type: 0, nsp: "/", id: 1 }],
    ["disconnect with data", { type: 1, nsp: "/", data: {} }],
    ["connect with array", { type: 0, nsp: "/", data: [] }],
    ["connect_error null", { type: 4, nsp: "/", data: null }],
    ["attachments on a text type", { type: 2, nsp: "/", data: ["a"], attachments: 0 }],
    ["negative attachments", { type: 5, nsp: "/", data: ["a"], attachments: -1 }],
  ])("refuses %s", (_label, packet) => {
    expect(isPacketValid(packet)).toBe(false);
  });
});
