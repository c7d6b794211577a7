import { describe, expect, test } from "vitest";
import {
  BASE64_MESSAGE,
  BASE64_PREFIX,
  DATA_OFFSET,
  EncodedPackets,
  INVALID_PACKET,
  MESSAGE_PREFIX,
  PacketTypeNames,
  PacketTypes,
  SEPARATOR,
  base64MessageLength,
  decodeBase64,
  decodePacket,
  decodePayload,
  encodeBase64,
  encodeOpenPacket,
  encodePacket,
  encodePayload,
  encodeTextMessage,
  scanPacketType,
  segmentEnd,
  type DecodedPacket,
  type Packet,
} from "@switchboard/engine-parser/internal";

let seed = 987654;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
function randomText(): string {
  const pool = [
    "a",
    "0",
    "6",
    "7",
    "9",
    "b",
    "/",
    ":",
    "é",
    "😀",
    "\u0000",
    "\x1e",
    "probe",
    "AQID",
    "=",
  ];
  let s = "";
  const n = Math.floor(random() * 10);
  for (let i = 0; i < n; i++) s += pool[Math.floor(random() * pool.length)]!;
  return s;
}

/** What a server reading with the scan helpers would make of one packet: the decoder's shape. */
function decodeByScan(text: string, start = 0, end = text.length): DecodedPacket {
  const type = scanPacketType(text, start, end);
  if (type === INVALID_PACKET) return { type: "error", data: "parser error" };
  if (type === BASE64_MESSAGE) {
    const bytes = decodeBase64(text.slice(start + DATA_OFFSET, end));
    return bytes === null
      ? { type: "error", data: "parser error" }
      : { type: "message", data: bytes };
  }
  const name = PacketTypeNames[type]!;
  return end - start > DATA_OFFSET
    ? { type: name, data: text.slice(start + DATA_OFFSET, end) }
    : { type: name };
}

describe("scanPacketType", () => {
  test("reads every type digit, `b`, and refuses the rest", () => {
    for (const name of PacketTypeNames)
      expect(scanPacketType(`${PacketTypes[name]}x`)).toBe(PacketTypes[name]);
    expect(scanPacketType("bAQID")).toBe(BASE64_MESSAGE);
    for (const bad of ["", "7", "9", "/", ":", "B", "x", "é"])
      expect(scanPacketType(bad)).toBe(INVALID_PACKET);
  });

  test("reads inside a larger string without slicing it", () => {
    const payload = "4hello\x1e3\x1e";
    expect(scanPacketType(payload, 7, 8)).toBe(PacketTypes.pong);
    expect(scanPacketType(payload, 9, 9)).toBe(INVALID_PACKET); // the empty segment after a trailing separator
    expect(scanPacketType(payload, 3, 3)).toBe(INVALID_PACKET);
  });
});

describe("segmentEnd", () => {
  test("walks a payload segment by segment; the last ends at the payload's length", () => {
    const payload = ["4a", "2", "bAQID"].join(SEPARATOR);
    const segments: string[] = [];
    let start = 0;
    while (true) {
      const end = segmentEnd(payload, start);
      segments.push(payload.slice(start, end));
      if (end === payload.length) break;
      start = end + 1;
    }
    expect(segments).toEqual(["4a", "2", "bAQID"]);
    expect(segmentEnd("", 0)).toBe(0);
    expect(segmentEnd("4a\x1e", 3)).toBe(3);
  });
});

describe("encoding helpers", () => {
  test("write the same text as encodePacket", () => {
    expect(encodeTextMessage("hello")).toBe(
      encodePacket({ type: "message", data: "hello" }, false),
    );
    expect(encodeTextMessage("")).toBe("4");
    expect(MESSAGE_PREFIX).toBe(String(PacketTypes.message));
    const bytes = new Uint8Array([1, 2, 3, 4]);
    expect(BASE64_PREFIX + encodeBase64(bytes)).toBe(
      encodePacket({ type: "message", data: bytes }, false),
    );
    for (const [name, wire] of [
      ["close", EncodedPackets.close],
      ["ping", EncodedPackets.ping],
      ["pong", EncodedPackets.pong],
      ["upgrade", EncodedPackets.upgrade],
      ["noop", EncodedPackets.noop],
    ] as const) {
      expect(wire).toBe(encodePacket({ type: name }, false));
    }
    expect(EncodedPackets.probePing).toBe(encodePacket({ type: "ping", data: "probe" }, false));
    expect(EncodedPackets.probePong).toBe(encodePacket({ type: "pong", data: "probe" }, false));
  });

  test("encodeOpenPacket is an `open` packet carrying the handshake JSON", () => {
    const handshake = {
      sid: "abc",
      upgrades: ["websocket"],
      pingInterval: 25000,
      pingTimeout: 20000,
      maxPayload: 1e6,
    };
    const wire = encodeOpenPacket(handshake);
    expect(wire).toBe(
      '0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}',
    );
    const decoded = decodePacket(wire);
    expect(decoded.type).toBe("open");
    expect(JSON.parse(decoded.data as string)).toEqual(handshake);
  });

  test("base64MessageLength is the length of the encoded text, for every size up to 64 bytes", () => {
    for (let n = 0; n <= 64; n++) {
      const encoded = encodePacket(
        { type: "message", data: new Uint8Array(n).fill(n) },
        false,
      ) as string;
      expect(base64MessageLength(n)).toBe(encoded.length);
    }
  });
});

describe("differential check against decodePacket / decodePayload", () => {
  const packets: Packet[] = [];
  for (let i = 0; i < 300; i++) {
    const type = PacketTypeNames[Math.floor(random() * 7)]!;
    if (type === "message" && random() < 0.3)
      packets.push({ type, data: new Uint8Array(Math.floor(random() * 20)).fill(i) });
    else if (random() < 0.2) packets.push({ type });
    else packets.push({ type, data: randomText().replaceAll(SEPARATOR, "") });
  }

  test("scanning one packet agrees with decodePacket on encoded packets and on garbage", () => {
    const inputs = packets.map((p) => encodePacket(p, false) as string);
    for (let i = 0; i < 500; i++) inputs.push(randomText());
    for (const input of inputs) expect(decodeByScan(input)).toEqual(decodePacket(input));
  });

  test("scanning a payload in place agrees with decodePayload, garbage segments included", () => {
    for (let i = 0; i < 200; i++) {
      const payload =
        i % 2 === 0
          ? encodePayload(packets.slice(i, i + 1 + (i % 5)))
          : [randomText(), randomText(), "4ok"].join(SEPARATOR);
      const scanned: DecodedPacket[] = [];
      let start = 0;
      while (true) {
        const end = segmentEnd(payload, start);
        const packet = decodeByScan(payload, start, end);
        scanned.push(packet);
        if (packet.type === "error" || end === payload.length) break;
        start = end + 1;
      }
      expect(scanned).toEqual(decodePayload(payload));
    }
  });
});
