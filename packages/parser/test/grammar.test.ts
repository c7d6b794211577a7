// Every example of docs/protocol.md §2.2 (and the §2.3 conformance echo), encoded and decoded.
import { describe, expect, it } from "vitest";
import { Encoder, PacketType, type Packet } from "../src/index.js";
import { decodeAll, normalize, ph } from "./helpers.js";

const b1 = new Uint8Array([1, 2, 3]);
const b2 = new Uint8Array([4, 5]);

interface Example {
  wire: Array<string | Uint8Array>;
  packet: Packet;
}

const examples: Example[] = [
  { wire: ["0"], packet: { type: PacketType.CONNECT, nsp: "/" } },
  { wire: ["0/admin,"], packet: { type: PacketType.CONNECT, nsp: "/admin" } },
  {
    wire: ['0{"token":"123"}'],
    packet: { type: PacketType.CONNECT, nsp: "/", data: { token: "123" } },
  },
  {
    wire: ['0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}'],
    packet: { type: PacketType.CONNECT, nsp: "/admin", data: { sid: "oSO0OpakMV_3jnilAAAA" } },
  },
  { wire: ["1/admin,"], packet: { type: PacketType.DISCONNECT, nsp: "/admin" } },
  { wire: ['2["foo"]'], packet: { type: PacketType.EVENT, nsp: "/", data: ["foo"] } },
  { wire: ['2/admin,["bar"]'], packet: { type: PacketType.EVENT, nsp: "/admin", data: ["bar"] } },
  { wire: ['212["foo"]'], packet: { type: PacketType.EVENT, nsp: "/", data: ["foo"], id: 12 } },
  {
    wire: ['3/admin,13["bar"]'],
    packet: { type: PacketType.ACK, nsp: "/admin", data: ["bar"], id: 13 },
  },
  {
    wire: ['4{"message":"Not authorized"}'],
    packet: { type: PacketType.CONNECT_ERROR, nsp: "/", data: { message: "Not authorized" } },
  },
  {
    wire: [`51-["baz",${ph(0)}]`, b1],
    packet: { type: PacketType.BINARY_EVENT, nsp: "/", data: ["baz", b1] },
  },
  {
    wire: [`52-/admin,["baz",${ph(0)},${ph(1)}]`, b1, b2],
    packet: { type: PacketType.BINARY_EVENT, nsp: "/admin", data: ["baz", b1, b2] },
  },
  {
    wire: [`61-15["bar",${ph(0)}]`, b1],
    packet: { type: PacketType.BINARY_ACK, nsp: "/", data: ["bar", b1], id: 15 },
  },
  // §2.3 conformance: the echo and its ack.
  {
    wire: [`52-["message-back",${ph(0)},${ph(1)}]`, b1, b2],
    packet: { type: PacketType.BINARY_EVENT, nsp: "/", data: ["message-back", b1, b2] },
  },
  {
    wire: [`62-789[${ph(0)},${ph(1)}]`, b1, b2],
    packet: { type: PacketType.BINARY_ACK, nsp: "/", data: [b1, b2], id: 789 },
  },
];

/** The packet with BINARY_EVENT/BINARY_ACK replaced by EVENT/ACK. */
function plain(packet: Packet): Packet {
  const binary = packet.type === PacketType.BINARY_EVENT || packet.type === PacketType.BINARY_ACK;
  return binary
    ? {
        ...packet,
        type: packet.type === PacketType.BINARY_EVENT ? PacketType.EVENT : PacketType.ACK,
      }
    : packet;
}

describe("§2.2 examples", () => {
  const encoder = new Encoder();

  it.each(examples.map((e) => [e.wire[0], e] as const))(
    "decodes %s",
    (_label, { wire, packet }) => {
      const decoded = decodeAll(wire);
      expect(decoded).toHaveLength(1);
      // A reassembled binary packet is reported as the EVENT/ACK it carries (as socket.io-parser does).
      expect(normalize(decoded[0])).toEqual(normalize(plain(packet)));
    },
  );

  it.each(examples.map((e) => [e.wire[0], e] as const))(
    "encodes %s",
    (_label, { wire, packet }) => {
      // The encoder picks the binary type itself: give it the plain EVENT/ACK a user would emit.
      const encoded = encoder.encode(plain(packet));
      expect(encoded[0]).toBe(wire[0]);
      expect(encoded.slice(1)).toEqual(wire.slice(1));
      // Attachments are the very objects given, not copies.
      for (let i = 1; i < wire.length; i++) expect(encoded[i]).toBe(wire[i]);
    },
  );

  it("accepts a CONNECT whose namespace has no trailing comma (`40/random`)", () => {
    expect(normalize(decodeAll(["0/random"])[0])).toEqual({ type: 0, nsp: "/random" });
    expect(normalize(decodeAll(["1/random"])[0])).toEqual({ type: 1, nsp: "/random" });
  });

  it("writes the comma when encoding, and omits the main namespace", () => {
    expect(encoder.encode({ type: PacketType.CONNECT, nsp: "/random" })).toEqual(["0/random,"]);
    expect(encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["a"] })).toEqual(['2["a"]']);
  });

  it("decodes an explicit main namespace `/,` as `/`", () => {
    expect(decodeAll(['2/,["a"]'])[0]?.nsp).toBe("/");
  });

  it("accepts numeric event names and an empty ACK array", () => {
    expect(decodeAll(["2[42,1]"])[0]?.data).toEqual([42, 1]);
    expect(decodeAll(["37[]"])[0]).toMatchObject({ type: PacketType.ACK, id: 7, data: [] });
  });

  it("accepts a string CONNECT_ERROR payload (v2 legacy) and ack id 0", () => {
    expect(decodeAll(['4"nope"'])[0]?.data).toBe("nope");
    expect(decodeAll(['20["a"]'])[0]?.id).toBe(0);
    expect(encoder.encode({ type: PacketType.EVENT, nsp: "/", data: ["a"], id: 0 })).toEqual([
      '20["a"]',
    ]);
  });

  it("gives every decoded packet the same four keys (one object shape for consumers)", () => {
    const packets = decodeAll([
      "0",
      '2["a"]',
      "31[]",
      `51-[1,${ph(0)}]`,
      b1,
      `61-2[${ph(0)}]`,
      b2,
      '4"z"',
    ]);
    expect(packets).toHaveLength(6);
    expect([...new Set(packets.map((p) => Object.keys(p).join()))]).toEqual(["type,nsp,data,id"]);
  });
});
