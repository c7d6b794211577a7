// The msgpack codec against notepack.io (what @socket.io/redis-adapter uses): same bytes out, same values back,
// and hostile input refused with typed errors instead of crashes or prototype pollution.
import { describe, expect, it } from "vitest";
import notepack from "notepack.io";
import {
  AdapterErrorCode,
  MsgpackDecodeError,
  msgpackDecode as decode,
  msgpackEncode as encode,
} from "@switchboard/adapter";

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 0x100000000;
  };
}

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * (depth > 3 ? 7 : 10));
  const ints = [
    0,
    1,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 40 + 3,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    -(2 ** 31),
    -(2 ** 31) - 1,
    -(2 ** 40),
  ];
  switch (pick) {
    case 0:
      return ints[Math.floor(r() * ints.length)];
    case 1:
      return (r() - 0.5) * 1e6;
    case 2: {
      const lengths = [0, 5, 31, 32, 255, 256, 70000];
      const n = lengths[Math.floor(r() * lengths.length)] as number;
      return "aé€😀".repeat(Math.ceil(n / 4)).slice(0, n);
    }
    case 3:
      return r() < 0.5;
    case 4:
      return r() < 0.5 ? null : undefined;
    case 5: {
      const lengths = [0, 3, 255, 256, 70000];
      const n = lengths[Math.floor(r() * lengths.length)] as number;
      return Buffer.alloc(n, Math.floor(r() * 256));
    }
    case 6:
      return new Date(Math.floor(r() * 2e12) + (r() < 0.5 ? 0 : 123));
    case 7:
    case 8: {
      const n = [0, 3, 15, 16, 20][Math.floor(r() * 5)] as number;
      return Array.from({ length: n }, () => randomValue(r, depth + 1));
    }
    default: {
      const n = [0, 2, 15, 16][Math.floor(r() * 4)] as number;
      const o: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) o[`k${i}${"x".repeat(i * 3)}`] = randomValue(r, depth + 1);
      return o;
    }
  }
}

describe("msgpack codec", () => {
  it("encodes byte for byte as notepack.io, over 120 random values", () => {
    const r = rng(42);
    for (let i = 0; i < 120; i++) {
      const value = randomValue(r);
      expect(encode(value).equals(notepack.encode(value))).toBe(true);
    }
  });

  it("decodes what notepack.io encodes to what notepack.io decodes", () => {
    const r = rng(7);
    for (let i = 0; i < 60; i++) {
      const bytes = notepack.encode(randomValue(r));
      // Deep equality over 70 kB buffers is slow in the matcher: compare canonical re-encodings instead.
      expect(notepack.encode(decode(bytes)).equals(notepack.encode(notepack.decode(bytes)))).toBe(
        true,
      );
      expect(encode(decode(bytes)).equals(bytes)).toBe(true);
    }
  });

  it("matches notepack's particular choices", () => {
    const cases: unknown[] = [
      undefined,
      [undefined, 1],
      { a: undefined, b: () => 1, c: 1 },
      1.5,
      NaN,
      Infinity,
      -0,
      2 ** 53,
      -(2 ** 53),
      new Uint8Array([1, 2, 3]),
      new Uint8Array([9, 8, 7, 6]).subarray(1, 3),
      new Uint8Array([4, 5]).buffer,
      new Float32Array([1.5, 2]),
      { toJSON: () => ({ x: 1 }) },
      new Date(0),
      new Date(1700000000123),
      new Date(-1000),
      [
        "socket.io",
        { type: 2, data: ["ev", Buffer.from("hi")], nsp: "/" },
        { rooms: ["r"], except: [], flags: {} },
      ],
    ];
    for (const value of cases)
      expect(encode(value).toString("hex")).toBe(notepack.encode(value).toString("hex"));
    expect(decode(encode(new Uint8Array([1, 2])))).toEqual(Buffer.from([1, 2]));
    expect(Buffer.isBuffer(decode(encode(Buffer.from([1]))))).toBe(true);
  });

  it("refuses what notepack refuses to encode", () => {
    expect(() => encode(Symbol("x"))).toThrow(
      expect.objectContaining({ code: AdapterErrorCode.MSGPACK_ENCODE }),
    );
    expect(() => encode([() => 1])).toThrow(
      expect.objectContaining({ code: AdapterErrorCode.MSGPACK_ENCODE }),
    );
    expect(() => notepack.encode(10n)).toThrow();
    expect(() => encode(10n)).toThrow(
      expect.objectContaining({ code: AdapterErrorCode.MSGPACK_ENCODE }),
    );
  });

  it("rejects malformed input with a typed error and never throws anything else", () => {
    const bad = [
      Buffer.from([]),
      Buffer.from([0xc1]),
      Buffer.from([0xd9, 10, 0x61]),
      Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0xdf, 0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0x01, 0x02]),
      Buffer.from([0xd4, 0x05, 0x00]),
      Buffer.from([0x81, 0x90, 0x01]),
    ];
    for (const b of bad) expect(() => decode(b)).toThrow(MsgpackDecodeError);
    const r = rng(3);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(
        Array.from({ length: 1 + Math.floor(r() * 20) }, () => Math.floor(r() * 256)),
      );
      try {
        decode(b);
      } catch (err) {
        expect(err).toBeInstanceOf(MsgpackDecodeError);
      }
    }
  });

  it("enforces the size and depth limits", () => {
    expect(() => decode(encode("x".repeat(100)), { maxSize: 50 })).toThrow(
      expect.objectContaining({ code: AdapterErrorCode.MSGPACK_TOO_LARGE }),
    );
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(() => decode(encode(deep))).toThrow(/nested deeper/);
    expect(() => decode(encode(deep), { maxDepth: 300 })).not.toThrow();
  });

  it("does not let __proto__ keys reach a prototype", () => {
    const bytes = Buffer.concat([
      Buffer.from([0x82]),
      encode("__proto__"),
      encode({ polluted: true }),
      encode("ok"),
      encode(1),
    ]);
    const out = decode(bytes) as Record<string, unknown>;
    expect(out).toEqual({ ok: 1 });
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });
});
