// What a fuzz target is: a generator of inputs (valid packets made with the package's own encoder, then
// mutated) and a check that feeds one input to the decoder and enforces the invariants.
import type { Rng } from "./rng.js";

export interface Target<I = unknown> {
  /** Name used by `--decoders` and in reports. */
  readonly name: string;
  /** One sentence for `--list`. */
  readonly description: string;
  /** Builds input #i from its own generator (so it can be rebuilt alone). */
  generate(rng: Rng): I;
  /**
   * Decodes `input` and checks the invariants; returns an outcome label for the statistics (`ok`, an error
   * code). Throws (a FuzzFailure, or anything) when an invariant is broken.
   */
  check(input: I): string;
  /** A printable, unambiguous rendering of `input`, for failure reports. */
  show(input: I): string;
}

/** Escapes a string so control characters, lone surrogates and huge inputs stay readable. */
export function showString(s: string, max = 2000): string {
  const cut = s.length > max ? s.slice(0, max) : s;
  const body = JSON.stringify(cut).replace(
    /[\ud800-\udfff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  return s.length > max ? `${body} …(${s.length} code units)` : body;
}

/** Hex of some bytes, cut at `max`. */
export function showBytes(b: Uint8Array, max = 512): string {
  const hex = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, max)).toString("hex");
  return `<${b.length} bytes: ${hex}${b.length > max ? " …" : ""}>`;
}
