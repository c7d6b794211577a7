// Every decode error of docs/protocol.md §2.7, each with its stable code, and the decoder's state after one.
import { describe, expect, it } from "vitest";
import { DecodeError, DecodeErrorCode, Decoder, type Packet } from "../src/index.js";
import { decodeAll, expectDecodeError, ph } from "./helpers.js";

const C = DecodeErrorCode;

/** [text input, expected code] for single text chunks. */
const textCases: Array<[string, string]> = [
  ["", C.BAD_TYPE],
  ["7", C.BAD_TYPE],
  ["9[]", C.BAD_TYPE],
  ["a", C.BAD_TYPE],
  ["/2", C.BAD_TYPE],
  [" 2", C.BAD_TYPE],
  ['5-["a"]', C.BAD_ATTACHMENTS],
  ['5a-["a"]', C.BAD_ATTACHMENTS],
  ['51["a"]', C.BAD_ATTACHMENTS],
  ["5", C.BAD_ATTACHMENTS],
  ['6x1-1["a"]', C.BAD_ATTACHMENTS],
  // 0 attachments: socket.io-parser 4.2.7 refuses them too (nothing to reassemble, and an easy way to smuggle
  // placeholders past a decoder that would accept them).
  ['50-["a"]', C.BAD_ATTACHMENTS],
  ['500-["a"]', C.BAD_ATTACHMENTS],
  ["60-3[]", C.BAD_ATTACHMENTS],
  [`50-["a",${ph(0)}]`, C.BAD_ATTACHMENTS],
  ['511-["a"]', C.TOO_MANY_ATTACHMENTS],
  [`5${"9".repeat(400)}-["a"]`, C.TOO_MANY_ATTACHMENTS],
  ["2/admin", C.BAD_NAMESPACE],
  ['2/admin["a"]', C.BAD_NAMESPACE],
  ["3/admin", C.BAD_NAMESPACE],
  ["4/admin", C.BAD_NAMESPACE],
  ["3[]", C.BAD_ACK_ID],
  ['3/admin,["a"]', C.BAD_ACK_ID],
  [`61-[${ph(0)}]`, C.BAD_ACK_ID],
  ["01{}", C.BAD_ACK_ID],
  ["1/admin,5", C.BAD_ACK_ID],
  ['41{"message":"x"}', C.BAD_ACK_ID],
  [`2${"9".repeat(20)}["a"]`, C.BAD_ACK_ID],
  ['2abc["x"]', C.INVALID_JSON],
  ['212abc["x"]', C.INVALID_JSON],
  ['2["x"', C.INVALID_JSON],
  ["0{bad}", C.INVALID_JSON],
  ['2["a"]garbage', C.INVALID_JSON],
  ["2{}", C.INVALID_PAYLOAD],
  ["2[]", C.INVALID_PAYLOAD],
  ["2[{}]", C.INVALID_PAYLOAD],
  ["2[null]", C.INVALID_PAYLOAD],
  ["2[true]", C.INVALID_PAYLOAD],
  ['2[["a"]]', C.INVALID_PAYLOAD],
  ["2", C.INVALID_PAYLOAD],
  ["2/admin,", C.INVALID_PAYLOAD],
  ['2"str"', C.INVALID_PAYLOAD],
  ["31", C.INVALID_PAYLOAD],
  ["31{}", C.INVALID_PAYLOAD],
  ['31"a"', C.INVALID_PAYLOAD],
  ["1{}", C.INVALID_PAYLOAD],
  ['1/admin,"x"', C.INVALID_PAYLOAD],
  ["0[]", C.INVALID_PAYLOAD],
  ['0"str"', C.INVALID_PAYLOAD],
  ["0null", C.INVALID_PAYLOAD],
  ["0true", C.INVALID_PAYLOAD],
  ["4", C.INVALID_PAYLOAD],
  ["4[]", C.INVALID_PAYLOAD],
  ["4null", C.INVALID_PAYLOAD],
  ["4true", C.INVALID_PAYLOAD],
  ['51-{"a":1}', C.INVALID_PAYLOAD],
  ["61-1{}", C.INVALID_PAYLOAD],
  ['2["connect"]', C.RESERVED_EVENT],
  ['2["connect_error",1]', C.RESERVED_EVENT],
  ['2/admin,["disconnect"]', C.RESERVED_EVENT],
  ['2["disconnecting"]', C.RESERVED_EVENT],
  ['2["newListener"]', C.RESERVED_EVENT],
  ['21["removeListener"]', C.RESERVED_EVENT],
  [`51-["disconnect",${ph(0)}]`, C.RESERVED_EVENT],
];

describe("decode errors", () => {
  it.each(textCases)("%j throws %s", (input, code) => {
    const err = expectDecodeError(() => new Decoder().add(input), code);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe("DecodeError");
    expect(err.message.length).toBeGreaterThan(0);
  });

  it("keeps the JSON.parse error as the cause of INVALID_JSON", () => {
    const err = expectDecodeError(() => new Decoder().add('2["x"'), C.INVALID_JSON);
    expect(err.cause).toBeInstanceOf(SyntaxError);
  });

  it("refuses binary data when no binary packet is waiting (UNEXPECTED_BINARY)", () => {
    expectDecodeError(() => new Decoder().add(new Uint8Array([1])), C.UNEXPECTED_BINARY);
    expectDecodeError(() => new Decoder().add(new ArrayBuffer(1)), C.UNEXPECTED_BINARY);
    expectDecodeError(() => decodeAll(['2["a"]', new Uint8Array([1])]), C.UNEXPECTED_BINARY);
    // One attachment too many: the packet is complete after the first.
    expectDecodeError(
      () => decodeAll([`51-["a",${ph(0)}]`, new Uint8Array([1]), new Uint8Array([2])]),
      C.UNEXPECTED_BINARY,
    );
  });

  it("refuses text while a binary packet waits for attachments (UNEXPECTED_TEXT)", () => {
    expectDecodeError(
      () => decodeAll([`52-["a",${ph(0)},${ph(1)}]`, new Uint8Array([1]), '2["b"]']),
      C.UNEXPECTED_TEXT,
    );
    expectDecodeError(
      () => decodeAll([`51-["a",${ph(0)}]`, `51-["a",${ph(0)}]`]),
      C.UNEXPECTED_TEXT,
    );
  });

  it.each([
    ["1 (out of range)", "1"],
    ["-1", "-1"],
    ["0.5", "0.5"],
    ['"0"', '"0"'],
    ["null", "null"],
    ["1e300", "1e300"],
  ])("refuses placeholder num %s (BAD_PLACEHOLDER)", (_label, num) => {
    const text = `51-["a",{"_placeholder":true,"num":${num}}]`;
    expectDecodeError(() => decodeAll([text, new Uint8Array([1])]), C.BAD_PLACEHOLDER);
  });

  it("refuses a placeholder without num, deep in the payload", () => {
    const text = `51-["a",{"x":[1,{"y":{"_placeholder":true}}]}]`;
    expectDecodeError(() => decodeAll([text, new Uint8Array([1])]), C.BAD_PLACEHOLDER);
  });

  it("refuses chunks that are neither text nor binary (BAD_CHUNK)", () => {
    for (const chunk of [123, null, undefined, {}, [1, 2], true]) {
      expectDecodeError(() => new Decoder().add(chunk as unknown as string), C.BAD_CHUNK);
    }
  });

  it("honours maxAttachments", () => {
    expectDecodeError(
      () => new Decoder({ maxAttachments: 2 }).add(`53-["a"]`),
      C.TOO_MANY_ATTACHMENTS,
    );
    const parts = [`52-["a",${ph(0)},${ph(1)}]`, new Uint8Array([1]), new Uint8Array([2])];
    expect(decodeAll(parts, { maxAttachments: 2 })).toHaveLength(1);
    expectDecodeError(
      () => new Decoder({ maxAttachments: 0 }).add(`51-["a"]`),
      C.TOO_MANY_ATTACHMENTS,
    );
    // 0 refuses every binary packet (a 0-attachment one is refused whatever the limit).
    expectDecodeError(() => new Decoder({ maxAttachments: 0 }).add('50-["a"]'), C.BAD_ATTACHMENTS);
  });

  it("has exactly the documented codes, all distinct and prefixed ERR_SIO_DECODE_", () => {
    const codes = Object.values(DecodeErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^ERR_SIO_DECODE_[A-Z_]+$/);
    expect(codes).toHaveLength(12);
  });
});

describe("decoder state after an error", () => {
  function collecting(): { decoder: Decoder; out: Packet[] } {
    const decoder = new Decoder();
    const out: Packet[] = [];
    decoder.on("decoded", (p) => out.push(p));
    return { decoder, out };
  }

  it("decodes the next packet normally after a text error", () => {
    const { decoder, out } = collecting();
    expect(() => decoder.add("2{}")).toThrow(DecodeError);
    decoder.add('2["ok"]');
    expect(out.map((p) => p.data)).toEqual([["ok"]]);
  });

  it("drops the pending binary packet after UNEXPECTED_TEXT or BAD_PLACEHOLDER", () => {
    const { decoder, out } = collecting();
    decoder.add(`51-["a",${ph(0)}]`);
    expect(() => decoder.add('2["b"]')).toThrow(DecodeError);
    expect(() => decoder.add(new Uint8Array([1]))).toThrow(DecodeError); // nothing pending any more
    decoder.add(`51-["a",{"_placeholder":true,"num":3}]`);
    expect(() => decoder.add(new Uint8Array([1]))).toThrow(DecodeError);
    decoder.add(`51-["c",${ph(0)}]`);
    decoder.add(new Uint8Array([9]));
    expect(out).toHaveLength(1);
    expect(out[0]?.data).toEqual(["c", new Uint8Array([9])]);
  });

  it("destroy() drops a pending binary packet", () => {
    const { decoder, out } = collecting();
    decoder.add(`51-["a",${ph(0)}]`);
    decoder.destroy();
    expectDecodeError(() => decoder.add(new Uint8Array([1])), C.UNEXPECTED_BINARY);
    decoder.add('2["b"]');
    expect(out.map((p) => p.data)).toEqual([["b"]]);
  });

  it("lets a listener exception through without corrupting the decoder", () => {
    const decoder = new Decoder();
    let calls = 0;
    decoder.on("decoded", () => {
      calls++;
      if (calls === 1) throw new Error("listener failed");
    });
    decoder.add(`51-["a",${ph(0)}]`);
    expect(() => decoder.add(new Uint8Array([1]))).toThrow("listener failed");
    decoder.add('2["b"]');
    expect(calls).toBe(2);
  });
});
