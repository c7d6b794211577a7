// Decoder bugs found by the fuzzer (fuzz/, docs/fuzzing.md), one test each.
import { describe, expect, it } from "vitest";
import { DecodeErrorCode as C, Decoder, type Packet } from "../src/index.js";
import { expectDecodeError, ph } from "./helpers.js";

describe("fuzzer regressions", () => {
  it("drops a waiting binary packet when a chunk is neither text nor binary, like after any other error", () => {
    // `npm run fuzz -- --decoders parser --seed 1 --index 15196`: the pending packet survived BAD_CHUNK, so the
    // next text packet was refused with UNEXPECTED_TEXT.
    const decoder = new Decoder();
    const out: Packet[] = [];
    decoder.on("decoded", (p) => out.push(p));
    decoder.add(`51-["file",${ph(0)}]`);
    expectDecodeError(() => decoder.add(null as unknown as string), C.BAD_CHUNK);
    decoder.add('2["next"]');
    expect(out.map((p) => p.data)).toEqual([["next"]]);
  });
});
