// Random application data for the generators: JSON-clean values (what Socket.IO events carry), with the keys
// and strings attackers like (`__proto__`, `constructor`, `prototype`, `_placeholder`) and numbers at their edges.
// `__proto__` keys are made own data properties (defineProperty), the way JSON.parse would make them.
import { Rng } from "./rng.js";

export const KEYS = [
  "a",
  "b",
  "id",
  "0",
  "1",
  "10",
  "__proto__",
  "constructor",
  "prototype",
  "_placeholder",
  "num",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "polluted",
  "length",
  "",
  "é",
  "\u2028",
  "sid",
  "type",
  "nsp",
  "data",
  "rooms",
];

const STRINGS = [
  "",
  "hello",
  "x",
  "__proto__",
  "constructor",
  "prototype",
  "_placeholder",
  "connect",
  "disconnect",
  "message",
  "\u00e9t\u00e9",
  "\ud83d\ude00",
  "\u2028\u2029",
  "\u0000",
  '"quoted"',
  "back\\slash",
  "{}",
  "[]",
  "/admin",
  "40",
  "\ufeff",
  "\ufffd",
];

export const NUMBERS = [
  0,
  1,
  -1,
  0.5,
  -0.25,
  31,
  32,
  -32,
  -33,
  127,
  128,
  -128,
  -129,
  255,
  256,
  65535,
  65536,
  -32768,
  -32769,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 53 - 1,
  -(2 ** 53 - 1),
  1e21,
  1.7976931348623157e308,
  5e-324,
  Math.PI,
];

export interface ValueOptions {
  /** A binary leaf (Buffer, ArrayBuffer, typed array), or undefined when the format has no binary. */
  binary?: (rng: Rng) => unknown;
  /** Probability that a leaf is binary. */
  binaryChance?: number;
  /** Extra leaves the format can carry (msgpack: Date, undefined, NaN). */
  extra?: (rng: Rng) => unknown;
}

/** A random string: mostly short and from the dictionary, sometimes random ASCII, rarely long. */
export function randomString(rng: Rng): string {
  const r = rng.float();
  if (r < 0.5) return rng.pick(STRINGS);
  if (r < 0.997) {
    let s = "";
    for (let n = rng.int(12); n > 0; n--) s += String.fromCharCode(rng.range(0x20, 0x7e));
    return s;
  }
  return "y".repeat(rng.range(256, 70_000)); // crosses the 8/16-bit length forms of msgpack
}

export function randomNumber(rng: Rng): number {
  const r = rng.float();
  if (r < 0.5) return rng.pick(NUMBERS);
  if (r < 0.8) return rng.int(1000);
  return (rng.float() - 0.5) * 2 ** rng.int(64);
}

/** A random value at most `depth` levels deep. */
export function randomValue(rng: Rng, depth: number, opts: ValueOptions = {}): unknown {
  const r = rng.float();
  if (opts.binary !== undefined && rng.chance(opts.binaryChance ?? 0.1)) return opts.binary(rng);
  if (depth > 0 && r < 0.25) return randomArray(rng, depth - 1, opts);
  if (depth > 0 && r < 0.5) return randomObject(rng, depth - 1, opts);
  if (opts.extra !== undefined && r < 0.55) return opts.extra(rng);
  if (r < 0.7) return randomString(rng);
  if (r < 0.88) return randomNumber(rng);
  if (r < 0.95) return rng.chance(0.5);
  return null;
}

export function randomArray(rng: Rng, depth: number, opts: ValueOptions = {}): unknown[] {
  const out: unknown[] = [];
  for (let n = rng.chance(0.01) ? rng.range(16, 200) : rng.int(5); n > 0; n--)
    out.push(randomValue(rng, depth, opts));
  return out;
}

export function randomObject(
  rng: Rng,
  depth: number,
  opts: ValueOptions = {},
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let n = rng.chance(0.01) ? rng.range(16, 40) : rng.int(5); n > 0; n--) {
    const key = rng.chance(0.8) ? rng.pick(KEYS) : randomString(rng).slice(0, 20);
    let value = randomValue(rng, depth, opts);
    // A real `_placeholder: true` in application data is the protocol's own ambiguity, not a decoder bug.
    if (key === "_placeholder" && value === true) value = false;
    if (key === "__proto__")
      Object.defineProperty(out, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[key] = value;
  }
  return out;
}

/** `n` random bytes; long runs repeat a random 64-byte pattern (decoders do not care, generation stays cheap). */
export function randomBytes(rng: Rng, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const m = Math.min(n, 64);
  for (let i = 0; i < m; i++) out[i] = rng.int(256);
  for (let i = m; i < n; i *= 2) out.copyWithin(i, 0, Math.min(i, n - i));
  return out;
}
