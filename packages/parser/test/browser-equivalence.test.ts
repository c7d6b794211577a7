// The browser builds of the packet parser and of the placeholder pass (picked by the client bundle) against the
// server's, on the same inputs: a corpus of valid and malformed packets plus seeded random mutations of them.
// Both must return the same packet, or throw a DecodeError with the same code.
import { describe, expect, it } from "vitest";
import { DecodeError } from "../src/index.js";
import { parsePacket } from "../src/parse-packet.js";
import { parsePacket as parsePacketBrowser } from "../src/parse-packet.browser.js";
import { fillPlaceholders } from "../src/placeholders.js";
import { fillPlaceholders as fillPlaceholdersBrowser } from "../src/placeholders.browser.js";

/** The outcome of `fn`: its result, or the code of the DecodeError it threw (anything else fails the test). */
function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (err) {
    if (!(err instanceof DecodeError)) throw err;
    return { code: err.code };
  }
}

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PACKETS = [
  "",
  "0",
  "0{}",
  '0{"token":1}',
  "0[]",
  '0"x"',
  "0/admin,",
  "0/admin",
  '0/admin,{"a":1}',
  "1",
  "1/admin,",
  "1{}",
  '2["a"]',
  '2["a",1,{"b":[2]}]',
  "2[]",
  "2[1]",
  "2[null]",
  '2["connect"]',
  '2["disconnecting"]',
  '212["a"]',
  '2/nsp,7["a"]',
  '2/nsp["a"]',
  "2",
  "3[]",
  "312[]",
  '3/x,0["r"]',
  "3",
  "3{}",
  '4"refused"',
  '4{"message":"no"}',
  "4[]",
  "4",
  '51-["a",{"_placeholder":true,"num":0}]',
  '52-/x,9["a"]',
  "5-[]",
  '5a-["a"]',
  "51[]",
  '511-["a"]',
  '61-1[{"_placeholder":true,"num":0}]',
  "61-[]",
  "60-3[]",
  "7",
  "9[]",
  "a",
  " 2[]",
  '2 ["a"]',
  '2["a"] ',
  '29007199254740993["a"]',
  '29007199254740991["a"]',
  '2-1["a"]',
  '2/,1["a"]',
  "0/,",
  '2["a"',
  "2nope",
  '2{"a":1}',
  '20[ "x" ]',
  "00",
  "0/a/b,{}",
  '2/ü,["é"]',
  "6/x,1-2[]",
];
const ALPHABET = [
  "0",
  "1",
  "2",
  "3",
  "5",
  "6",
  "9",
  "-",
  "/",
  ",",
  "[",
  "]",
  "{",
  "}",
  '"',
  "a",
  " ",
  "x",
];

describe("browser parse-packet", () => {
  it("matches the server's on a corpus and on 5000 random mutations of it", () => {
    const rand = prng(0xb0a7);
    const inputs = [...PACKETS];
    for (let n = 0; n < 5000; n++) {
      let s = PACKETS[Math.floor(rand() * PACKETS.length)] as string;
      for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
        const at = Math.floor(rand() * (s.length + 1));
        const op = Math.floor(rand() * 3);
        const ch = ALPHABET[Math.floor(rand() * ALPHABET.length)] as string;
        s =
          op === 0
            ? s.slice(0, at) + ch + s.slice(at)
            : op === 1
              ? s.slice(0, at) + s.slice(at + 1)
              : s.slice(0, at) + ch + s.slice(at + 1);
      }
      inputs.push(s);
    }
    let refused = 0;
    for (const input of inputs) {
      for (const max of [10, 1]) {
        const server = outcome(() => parsePacket(input, max, undefined));
        expect(
          outcome(() => parsePacketBrowser(input, max, undefined)),
          JSON.stringify(input),
        ).toEqual(server);
        if ("code" in (server as object)) refused++;
      }
    }
    // Both kinds of outcome were exercised.
    expect(refused).toBeGreaterThan(1000);
    expect(refused).toBeLessThan(inputs.length * 2 - 500);
  });

  it("passes the reviver through like the server's", () => {
    const reviver = (_k: string, v: unknown) => (typeof v === "number" ? v * 2 : v);
    expect(parsePacketBrowser('2["a",1]', 10, reviver)).toEqual(
      parsePacket('2["a",1]', 10, reviver),
    );
  });
});

describe("browser placeholders", () => {
  const a = new Uint8Array([1]);
  const b = new Uint8Array([2]);
  const cases: Array<[string, () => unknown]> = [
    ["top-level placeholder", () => ({ _placeholder: true, num: 0 })],
    [
      "nested",
      () => [
        "x",
        {
          y: [
            { _placeholder: true, num: 1 },
            { _placeholder: true, num: 0 },
          ],
        },
      ],
    ],
    ["num out of range", () => [{ _placeholder: true, num: 2 }]],
    ["negative num", () => [{ _placeholder: true, num: -1 }]],
    ["fractional num", () => [{ _placeholder: true, num: 0.5 }]],
    ["string num", () => [{ _placeholder: true, num: "0" }]],
    ["missing num", () => [{ _placeholder: true }]],
    [
      "inherited num",
      () => [Object.assign(Object.create({ num: 0 }) as object, { _placeholder: true })],
    ],
    ["_placeholder not true", () => [{ _placeholder: 1, num: 0 }]],
    ["inherited _placeholder", () => [Object.create({ _placeholder: true, num: 0 }) as object]],
    ["__proto__ key", () => JSON.parse('{"__proto__":{"_placeholder":true,"num":0}}')],
    [
      "null-prototype object",
      () => Object.assign(Object.create(null) as object, { k: { _placeholder: true, num: 1 } }),
    ],
    [
      "class instance is not walked",
      () => [
        new (class {
          p = { _placeholder: true, num: 9 };
        })(),
      ],
    ],
    ["date is not walked", () => [new Date(0)]],
    [
      "shared node",
      () => {
        const shared = { p: { _placeholder: true, num: 0 } };
        return [shared, shared];
      },
    ],
    [
      "cycle",
      () => {
        const o: Record<string, unknown> = { p: { _placeholder: true, num: 1 } };
        o.self = o;
        return o;
      },
    ],
    [
      "array with a hole",
      () => {
        const arr: unknown[] = [{ _placeholder: true, num: 0 }];
        arr[3] = { _placeholder: true, num: 1 };
        return arr;
      },
    ],
    ["no placeholders", () => ({ a: [1, "2", null, true], b: {} })],
  ];
  it.each(cases)("%s: same result as the server's", (_name, make) => {
    const server = outcome(() => fillPlaceholders(make(), [a, b], true));
    const browser = outcome(() => fillPlaceholdersBrowser(make(), [a, b]));
    expect(browser).toEqual(server);
  });
});
