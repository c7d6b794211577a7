import { describe, expect, test } from "vitest";
import { chooseCoding } from "../src/compression.js";

describe("compression coding", () => {
  test.each([
    [undefined, null],
    ["", null],
    ["gzip", "gzip"],
    ["deflate", "deflate"],
    ["gzip, deflate, br", "gzip"],
    ["deflate, gzip;q=0", "deflate"],
    ["gzip;q=0, deflate;q=0", null],
    ["*", "gzip"],
    ["br", null],
    ["identity", null],
  ])("Accept-Encoding %j → %j", (header, expected) => {
    expect(chooseCoding(header)).toBe(expected);
  });
});
