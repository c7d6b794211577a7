// Browser production builds leave the developer checks out (`#checks` picks checks.browser.ts under the `browser`
// condition without `development`): checks of what the calling code passes, never of what a peer sends. This is
// the encoder and decoder as such a build runs them.
import { describe, expect, it, vi } from "vitest";
import { CHECKS as browserChecks } from "../src/checks.browser.js";
import { Decoder, DecodeError, Encoder, type PacketType } from "../src/index.js";

vi.mock("../src/checks.js", () => ({ CHECKS: false }));

describe("without developer checks (browser production builds)", () => {
  it("is what checks.browser.ts says", () => {
    expect(browserChecks).toBe(false);
  });

  it("the encoder writes an unknown packet type as given instead of throwing an EncodeError", () => {
    expect(new Encoder().encode({ type: 9 as PacketType, nsp: "/" })).toEqual(["9"]);
  });

  it("the decoder still refuses what a peer could send", () => {
    const decoder = new Decoder();
    expect(() => decoder.add("9")).toThrow(DecodeError);
    expect(() => decoder.add(new Uint8Array(1))).toThrow(DecodeError); // no binary packet waiting
  });
});
