// Seeded randomness for the fuzzer. Every input has its own generator, derived from (seed, target, index), so
// input #i of a run can be rebuilt alone (`--seed S --index i`) and a run can be split across workers freely.

/** FNV-1a of a string: turns a target name into a 32-bit stream id. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** splitmix32 finaliser: spreads nearby integers (index 7, index 8) over unrelated states. */
function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * sfc32: small, fast, good enough for test-case generation (not for secrets).
 *
 * @example
 * const rng = Rng.for(42, "parser", 1234);
 * rng.int(10); // the same number every time for (42, "parser", 1234)
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.#a = a >>> 0;
    this.#b = b >>> 0;
    this.#c = c >>> 0;
    this.#d = d >>> 0;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** The generator of input `index` of `stream` under `seed` (seed and index are unsigned integers). */
  static for(seed: number, stream: string, index: number): Rng {
    const s = seed >>> 0;
    const hi = Math.floor(index / 0x100000000) >>> 0;
    const lo = index >>> 0;
    const id = fnv1a(stream);
    return new Rng(
      mix(s ^ 0x9e3779b9),
      mix(lo ^ id),
      mix(hi ^ 0x6a09e667 ^ s),
      mix(id ^ lo ^ 0xbb67ae85),
    );
  }

  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.u32() / 0x100000000;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [lo, hi], both included. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A small count, mostly 1 or 2, rarely up to `max` (geometric). */
  count(max: number): number {
    let n = 1;
    while (n < max && this.chance(0.4)) n++;
    return n;
  }
}
