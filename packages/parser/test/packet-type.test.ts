// The public `PacketType` enum, and the plain digits the parser and the client use in its place
// (packet-type-codes.ts, shared with the client through `@switchboard/parser/internal`, so that bundlers inline
// them): both must say the same, and the enum must stay socket.io-parser's, reverse mapping included.
import { PacketType as OfficialPacketType } from "socket.io-parser";
import { describe, expect, it } from "vitest";
import { PacketType } from "../src/index.js";
import * as digits from "../src/internal.js";

describe("packet types", () => {
  it("PacketType is socket.io-parser's enum (names to digits and back)", () => {
    expect({ ...PacketType }).toEqual({ ...OfficialPacketType });
  });

  it("the internal digits are PacketType's, one for each of its names", () => {
    const names = Object.keys(PacketType).filter((k) => Number.isNaN(Number(k)));
    expect(Object.keys(digits).sort()).toEqual(names.sort());
    for (const name of names)
      expect(digits[name as keyof typeof digits], name).toBe(
        PacketType[name as keyof typeof PacketType],
      );
  });
});
