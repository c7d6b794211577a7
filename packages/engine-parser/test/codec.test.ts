import { describe, expect, test } from "vitest";
import * as official from "engine.io-parser";
import {
  decodePacket,
  decodePayload,
  encodePacket,
  encodePayload,
  PacketTypeNames,
  PacketTypes,
  protocol,
  type DecodedPacket,
  type Packet,
} from "@switchboard/engine-parser/internal";

const officialEncodePacket = (packet: Packet, binary: boolean): Promise<unknown> =>
  new Promise((resolve) => official.encodePacket(packet as never, binary, resolve));
const officialEncodePayload = (packets: Packet[]): Promise<string> =>
  new Promise((resolve) => official.encodePayload(packets as never, resolve));

function bytesOf(data: unknown): number[] | undefined {
  if (data instanceof ArrayBuffer) return [...new Uint8Array(data)];
  if (ArrayBuffer.isView(data))
    return [...new Uint8Array(data.buffer, data.byteOffset, data.byteLength)];
  return undefined;
}

/** Compares decoded packets by type and content, ignoring the binary container type. */
function normalize(p: DecodedPacket | { type: string; data?: unknown }): unknown {
  const bytes = bytesOf(p.data);
  return bytes ? { type: p.type, bytes } : { type: p.type, data: p.data };
}

let seed = 12345;
function random(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
function randomText(): string {
  const pool = [
    "a",
    "Z",
    "0",
    "9",
    " ",
    "{",
    '"',
    "é",
    "€",
    "😀",
    "\u0000",
    "\n",
    "probe",
    "b",
    "4",
  ];
  let s = "";
  const n = Math.floor(random() * 12);
  for (let i = 0; i < n; i++) s += pool[Math.floor(random() * pool.length)]!;
  return s;
}
function randomBytes(): Uint8Array {
  const n = Math.floor(random() * 40);
  return new Uint8Array(n).map(() => Math.floor(random() * 256));
}

test("speaks protocol 4 with the seven packet types", () => {
  expect(protocol).toBe(4);
  expect(PacketTypes).toEqual({
    open: 0,
    close: 1,
    ping: 2,
    pong: 3,
    message: 4,
    upgrade: 5,
    noop: 6,
  });
  expect(PacketTypeNames.map((n) => PacketTypes[n])).toEqual([0, 1, 2, 3, 4, 5, 6]);
});

describe("encodePacket", () => {
  test("writes the type digit and the text", () => {
    expect(encodePacket({ type: "message", data: "hello" }, true)).toBe("4hello");
    expect(encodePacket({ type: "ping", data: "probe" }, true)).toBe("2probe");
    expect(encodePacket({ type: "upgrade" }, true)).toBe("5");
    expect(encodePacket({ type: "noop" }, false)).toBe("6");
  });

  test("keeps binary as is when supported, else `b` + base64", () => {
    const data = new Uint8Array([1, 2, 3, 4]);
    expect(encodePacket({ type: "message", data }, true)).toBe(data);
    expect(encodePacket({ type: "message", data }, false)).toBe("bAQIDBA==");
    expect(encodePacket({ type: "message", data: data.buffer }, false)).toBe("bAQIDBA==");
    expect(encodePacket({ type: "message", data: new DataView(data.buffer, 1, 2) }, false)).toBe(
      "bAgM=",
    );
  });
});

describe("decodePacket", () => {
  test("decodes text packets", () => {
    expect(decodePacket("4hello")).toEqual({ type: "message", data: "hello" });
    expect(decodePacket("3probe")).toEqual({ type: "pong", data: "probe" });
    expect(decodePacket("1")).toEqual({ type: "close" });
  });

  test("decodes base64 and raw binary messages in the requested shape", () => {
    expect(decodePacket("bAQIDBA==")).toEqual({
      type: "message",
      data: new Uint8Array([1, 2, 3, 4]),
    });
    const ab = decodePacket("bAQIDBA==", "arraybuffer").data;
    expect(ab).toBeInstanceOf(ArrayBuffer);
    expect(bytesOf(ab)).toEqual([1, 2, 3, 4]);
    const frame = new Uint8Array([9, 8, 7]);
    expect(bytesOf(decodePacket(frame).data)).toEqual([9, 8, 7]);
    expect(bytesOf(decodePacket(frame.subarray(1), "arraybuffer").data)).toEqual([8, 7]);
  });

  // Found by the fuzzer (fuzz/): Buffer#slice is a view, so the whole 8 KiB pool came back as the message.
  test("copies exactly the frame's bytes out of a pooled Node Buffer for binaryType arraybuffer", () => {
    const frame = Buffer.from([1, 2, 3]); // small Buffers live in a shared allocation pool
    expect(frame.buffer.byteLength).toBeGreaterThan(3);
    const data = decodePacket(frame, "arraybuffer").data;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect(bytesOf(data)).toEqual([1, 2, 3]);
  });

  test.each(["", "7", "9hello", "xyz", "/", "b!!!", "bA"])(
    "returns the error packet for %j, never throws",
    (input) => {
      expect(decodePacket(input)).toEqual({ type: "error", data: "parser error" });
    },
  );

  test("returns the error packet for non-binary, non-string input", () => {
    expect(decodePacket(42 as unknown as string)).toEqual({ type: "error", data: "parser error" });
  });
});

describe("payloads", () => {
  test("joins packets with 0x1e, binary as base64", () => {
    const payload = encodePayload([
      { type: "message", data: "hello" },
      { type: "message", data: new Uint8Array([1, 2, 3, 4]) },
      { type: "ping" },
    ]);
    expect(payload).toBe("4hello\x1ebAQIDBA==\x1e2");
    expect(decodePayload(payload).map(normalize)).toEqual([
      { type: "message", data: "hello" },
      { type: "message", bytes: [1, 2, 3, 4] },
      { type: "ping", data: undefined },
    ]);
  });

  test("stops at the first bad packet and ends with the error packet", () => {
    expect(decodePayload("4a\x1e9x\x1e4b")).toEqual([
      { type: "message", data: "a" },
      { type: "error", data: "parser error" },
    ]);
    expect(decodePayload("4a\x1e")).toEqual([
      { type: "message", data: "a" },
      { type: "error", data: "parser error" },
    ]);
  });
});

describe("differential check against the official engine.io-parser", () => {
  const packets: Packet[] = [];
  for (let i = 0; i < 400; i++) {
    const type = PacketTypeNames[Math.floor(random() * 7)]!;
    if (type === "message" && random() < 0.4) packets.push({ type, data: randomBytes() });
    else if (random() < 0.2) packets.push({ type });
    else packets.push({ type, data: randomText() });
  }

  test("encodePacket gives the same output for 400 packets (binary supported or not)", async () => {
    for (const packet of packets) {
      for (const binary of [true, false]) {
        const ours = encodePacket(packet, binary);
        const theirs = await officialEncodePacket(packet, binary);
        if (typeof theirs === "string") expect(ours).toBe(theirs);
        else expect(bytesOf(ours)).toEqual(bytesOf(theirs));
      }
    }
  });

  test("decodePacket agrees on every encoded packet and on garbage", () => {
    const inputs: string[] = packets.map((p) => encodePacket(p, false) as string);
    for (let i = 0; i < 300; i++) inputs.push(randomText());
    for (const input of inputs) {
      const theirs = official.decodePacket(input);
      const ours = decodePacket(input);
      // The official decoder is lenient with bad base64; ours refuses it. Compare the rest exactly.
      if (input.startsWith("b") && ours.type === "error") continue;
      expect(normalize(ours)).toEqual(normalize(theirs));
    }
  });

  test("encodePayload and decodePayload agree on 100 random payloads", async () => {
    for (let i = 0; i < 100; i++) {
      const batch = packets.slice(i * 4, i * 4 + 1 + (i % 4));
      const ours = encodePayload(batch);
      expect(ours).toBe(await officialEncodePayload(batch));
      expect(decodePayload(ours).map(normalize)).toEqual(
        official.decodePayload(ours).map(normalize),
      );
    }
  });
});
