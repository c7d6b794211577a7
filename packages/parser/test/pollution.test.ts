// Decoded data can never pollute prototypes: `__proto__`, `constructor` and `prototype` keys stay plain data.
import { afterEach, describe, expect, it } from "vitest";
import { Encoder, PacketType } from "../src/index.js";
import { bytes, decodeAll, ph } from "./helpers.js";

const probe = (): unknown => ({}) as Record<string, unknown>;

function expectCleanPrototypes(): void {
  expect(Object.keys(Object.prototype)).toEqual([]);
  expect((probe() as Record<string, unknown>).polluted).toBeUndefined();
  expect((probe() as Record<string, unknown>).isAdmin).toBeUndefined();
  expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain("polluted");
  expect(Object.getOwnPropertyNames(Array.prototype)).not.toContain("polluted");
}

afterEach(() => {
  expectCleanPrototypes();
});

describe("prototype pollution", () => {
  it("keeps a decoded `__proto__` key as an own data property", () => {
    const [packet] = decodeAll(['2["ev",{"__proto__":{"polluted":1}}]']);
    const arg = (packet?.data as unknown[])[1] as object;
    expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(arg, "__proto__")?.value).toEqual({ polluted: 1 });
    expect((arg as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("does not let a CONNECT auth payload change its own prototype", () => {
    const [packet] = decodeAll(['0{"__proto__":{"isAdmin":true},"token":"t"}']);
    const auth = packet?.data as Record<string, unknown>;
    expect(Object.getPrototypeOf(auth)).toBe(Object.prototype);
    expect(auth.isAdmin).toBeUndefined();
    expect(auth.token).toBe("t");
  });

  it("fills a placeholder under a `__proto__` key as own data, leaving the prototype alone", () => {
    const [packet] = decodeAll([`51-["ev",{"__proto__":${ph(0)}}]`, new Uint8Array([1, 2])]);
    const arg = (packet?.data as unknown[])[1] as object;
    expect(Object.getPrototypeOf(arg)).toBe(Object.prototype);
    const own = Object.getOwnPropertyDescriptor(arg, "__proto__");
    expect(own?.enumerable).toBe(true);
    expect(bytes(own?.value)).toEqual([1, 2]);
  });

  it("fills placeholders nested under `__proto__`, `constructor` and `prototype` keys without touching real prototypes", () => {
    const text = `52-["ev",{"__proto__":{"polluted":${ph(0)}}},{"constructor":{"prototype":{"polluted":${ph(1)}}}}]`;
    const [packet] = decodeAll([text, new Uint8Array([1]), new Uint8Array([2])]);
    const [, first, second] = packet?.data as [
      string,
      Record<string, unknown>,
      Record<string, unknown>,
    ];
    const inner = Object.getOwnPropertyDescriptor(first, "__proto__")?.value as Record<
      string,
      unknown
    >;
    expect(bytes(inner.polluted)).toEqual([1]);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    const ctor = second.constructor as unknown as Record<string, Record<string, unknown>>;
    expect(Object.hasOwn(second, "constructor")).toBe(true);
    expect(bytes(ctor.prototype?.polluted)).toEqual([2]);
    expect(Object.prototype.constructor).toBe(Object);
  });

  it("ignores an inherited `_placeholder` (only an own one marks a placeholder)", () => {
    Object.defineProperty(Object.prototype, "_placeholder", {
      value: true,
      configurable: true,
      writable: true,
    });
    try {
      const [packet] = decodeAll([`51-["ev",{"num":0},${ph(0)}]`, new Uint8Array([1])]);
      const data = packet?.data as unknown[];
      expect(data[1]).toEqual({ num: 0 });
      expect(bytes(data[2])).toEqual([1]);
    } finally {
      delete (Object.prototype as Record<string, unknown>)._placeholder;
    }
  });

  it("encodes an own `__proto__` key holding binary as data, and round-trips it", () => {
    const arg = JSON.parse('{"__proto__":null,"x":1}') as Record<string, unknown>;
    Object.defineProperty(arg, "__proto__", {
      value: new Uint8Array([7]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
    const chunks = new Encoder().encode({
      type: PacketType.EVENT,
      nsp: "/",
      data: ["ev", arg],
    }) as Array<string | Uint8Array>;
    expect(chunks[0]).toBe(`51-["ev",{"__proto__":${ph(0)},"x":1}]`);
    const decoded = (decodeAll(chunks)[0]?.data as unknown[])[1] as object;
    expect(bytes(Object.getOwnPropertyDescriptor(decoded, "__proto__")?.value)).toEqual([7]);
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
  });
});
