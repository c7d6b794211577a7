import { describe, expect, test, vi } from "vitest";
import * as portable from "../src/base64.js";
import * as browser from "../src/base64.browser.js";

// base64.ts encodes through Buffer when there is one; load it once more without, for the table path.
vi.stubGlobal("Buffer", undefined);
vi.resetModules();
const tableOnly = await import("../src/base64.js");
vi.unstubAllGlobals();

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

// base64.browser.ts (atob/btoa, picked by the client bundle) must behave exactly like base64.ts.
describe.each([
  ["base64.ts", portable],
  ["base64.ts without Buffer", tableOnly],
  ["base64.browser.ts", browser],
])("%s", (_name, { decodeBase64, encodeBase64 }) => {
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
      // Found by the fuzzer (fuzz/): Buffer reads U+016A as its low byte, `j`.
      ["a character above U+00FF whose low byte is in the alphabet", "AQIDŪA=="],
      ["a CJK character", "AQID\u8041BA=="],
      ["url-safe alphabet", "AQ-_BA=="],
      ["a lone trailing character", "AQIDB"],
      ["padding in the middle", "AQ==BA=="],
      ["bad padded length", "AQIDBA="],
      ["whitespace", "AQID BA=="],
    ])("returns null for %s", (_what, input) => {
      expect(decodeBase64(input)).toBeNull();
    });
  });
});

// The Buffer path must refuse exactly what the table path refuses, and decode the rest identically.
test("base64.ts with and without Buffer agree on mutated input", () => {
  const noise = "=-_ !.\n\u00e9AZaz09+/";
  let seed = 7;
  const rand = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let round = 0; round < 3000; round++) {
    let text = portable.encodeBase64(bytes(rand(40), round + 1));
    for (let edits = rand(3); edits > 0 && text.length > 0; edits--) {
      const at = rand(text.length);
      text = text.slice(0, at) + noise.charAt(rand(noise.length)) + text.slice(at + rand(2));
    }
    const start = rand(2);
    expect(portable.decodeBase64(text, start), JSON.stringify([text, start])).toEqual(
      tableOnly.decodeBase64(text, start),
    );
  }
});
