// The Engine.IO v3 codec (docs/protocol.md §1.10): payload framing and the v3 ↔ v4 packet forms.
import { describe, expect, test } from "vitest";
import {
  binaryPacketFromV3,
  decodeBinaryPayloadV3,
  decodeTextPayloadV3,
  encodeBinaryMessageV3,
  encodePayloadV3,
  textPacketFromV3,
} from "../src/internal.js";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("v3 payloads", () => {
  test("text payloads count UTF-16 units and carry binary as b4 base64", () => {
    expect(encodePayloadV3(["4héllo", "2"], true)).toBe("6:4héllo1:2");
    expect(encodePayloadV3(["4😀"], false)).toBe("3:4😀");
    expect(encodePayloadV3(["4x", bytes(1, 2, 3)], false)).toBe("2:4x6:b4AQID");
    expect(encodePayloadV3([], true)).toBe("0:");
  });

  test("a payload with binary for a binary client is a binary payload", () => {
    const out = encodePayloadV3(["4é", bytes(1, 2)], true);
    // text "4é" is 3 UTF-8 bytes; binary is the type byte 4 plus 2 bytes.
    expect([...(out as Uint8Array)]).toEqual([0, 3, 255, 0x34, 0xc3, 0xa9, 1, 3, 255, 4, 1, 2]);
    expect(decodeBinaryPayloadV3(out as Uint8Array)).toEqual(["4é", bytes(1, 2)]);
  });

  test("decodes text payloads into v4-form packets", () => {
    expect(decodeTextPayloadV3("6:4héllo1:26:b4AQID")).toEqual(["4héllo", "2", "bAQID"]);
    expect(decodeTextPayloadV3("0:")).toEqual([]);
  });

  test("refuses malformed payloads", () => {
    for (const bad of ["", "4", ":4x", "5:4x", "a:4x", "2:4x3", "4:b2AA", "99999999999999999:4"]) {
      expect(decodeTextPayloadV3(bad), bad).toBeNull();
    }
    for (const bad of [
      bytes(),
      bytes(2, 1, 255, 4),
      bytes(0, 5, 255, 0x34),
      bytes(0, 1),
      bytes(1, 2, 255, 3, 0),
      bytes(0, 10, 255),
    ]) {
      expect(decodeBinaryPayloadV3(bad), String(bad)).toBeNull();
    }
  });
});

describe("v3 packets", () => {
  test("binary frames carry the message type byte", () => {
    expect([...encodeBinaryMessageV3(bytes(7, 8))]).toEqual([4, 7, 8]);
    expect(binaryPacketFromV3(bytes(4, 7, 8))).toEqual(bytes(7, 8));
    expect(binaryPacketFromV3(bytes(2, 7))).toBeNull();
    expect(binaryPacketFromV3(bytes())).toBeNull();
  });

  test("text packets: b4 becomes v4's b, the rest is unchanged", () => {
    expect(textPacketFromV3("b4AQID")).toBe("bAQID");
    expect(textPacketFromV3("4hello")).toBe("4hello");
    expect(textPacketFromV3("b2AA")).toBeNull();
  });
});
