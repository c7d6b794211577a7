import { describe, expect, test } from "vitest";
import { decodeBase64, encodeBase64 } from "../src/base64.js";

// Deterministic pseudo-random bytes so failures reproduce.
function bytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 255;
  }
  return out;
}

describe("encodeBase64", () => {
  test("matches the RFC 4648 test vectors", () => {
    const vectors: Array<[string, string]> = [
      ["", ""],
      ["f", "Zg=="],
      ["fo", "Zm8="],
      ["foo", "Zm9v"],
      ["foob", "Zm9vYg=="],
      ["fooba", "Zm9vYmE="],
      ["foobar", "Zm9vYmFy"],
    ];
    for (const [plain, encoded] of vectors) {
      expect(encodeBase64(new TextEncoder().encode(plain))).toBe(encoded);
    }
  });

  test("encodes every byte value like Node's Buffer", () => {
    const all = new Uint8Array(256).map((_, i) => i);
    expect(encodeBase64(all)).toBe(Buffer.from(all).toString("base64"));
  });

  test("agrees with Buffer for every length from 0 to 300", () => {
    for (let n = 0; n <= 300; n++) {
      const input = bytes(n, n + 7);
      expect(encodeBase64(input)).toBe(Buffer.from(input).toString("base64"));
    }
  });

  test("respects the offset and length of a view on a larger buffer", () => {
    const big = bytes(64, 3);
    const view = big.subarray(5, 17);
    expect(encodeBase64(view)).toBe(Buffer.from(view).toString("base64"));
  });
});

describe("decodeBase64", () => {
  test("round-trips every length from 0 to 300", () => {
    for (let n = 0; n <= 300; n++) {
      const input = bytes(n, n + 11);
      expect(decodeBase64(encodeBase64(input))).toEqual(input);
    }
  });

  test("decodes every byte value", () => {
    const all = new Uint8Array(256).map((_, i) => 255 - i);
    expect(decodeBase64(Buffer.from(all).toString("base64"))).toEqual(all);
  });

  test("accepts missing padding", () => {
    expect(decodeBase64("AQIDBA")).toEqual(new Uint8Array([1, 2, 3, 4]));
    expect(decodeBase64("AQID")).toEqual(new Uint8Array([1, 2, 3]));
    expect(decodeBase64("AQ")).toEqual(new Uint8Array([1]));
  });

  test("starts at the given offset (the `b` prefix of a packet)", () => {
    expect(decodeBase64("bAQIDBA==", 1)).toEqual(new Uint8Array([1, 2, 3, 4]));
  });

  test.each([
    ["a character outside the alphabet", "AQ!DBA=="],
    ["a non-ASCII character", "AQIDé==="],
    ["url-safe alphabet", "AQ-_BA=="],
    ["a lone trailing character", "AQIDB"],
    ["padding in the middle", "AQ==BA=="],
    ["bad padded length", "AQIDBA="],
    ["whitespace", "AQID BA=="],
  ])("returns null for %s", (_what, input) => {
    expect(decodeBase64(input)).toBeNull();
  });
});
