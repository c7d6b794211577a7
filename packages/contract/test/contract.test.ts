// Units of @switchboard/contract: definitions, in-place parsing, emit checks, ack checks, issue normalisation.
import { type } from "arktype";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ContractError,
  ContractValidationError,
  defineContract,
  isContract,
  MAX_ISSUES,
} from "../src/index.js";

const SECRET = "s3cr3t";

describe("defineContract", () => {
  it("refuses what is not a contract", () => {
    const bad = [
      null,
      { clientToServer: { ev: {} } },
      { clientToServer: { ev: { args: [{}] } } },
      { serverToClient: { ev: { args: [], ack: 1 } } },
    ];
    for (const def of bad)
      expect(() => defineContract(def as never)).toThrow(
        expect.objectContaining({ code: "ERR_SB_CONTRACT_INVALID" }),
      );
    expect(() => defineContract(null as never)).toThrow(ContractError);
  });

  it("defaults to strict, with empty directions", () => {
    const c = defineContract({});
    expect(c.strict).toBe(true);
    expect(isContract(c)).toBe(true);
    expect(isContract({ parse() {} })).toBe(false);
    expect(c.parse("clientToServer", ["x"])).toMatchObject({ code: "UNKNOWN_EVENT", event: "x" });
    expect(defineContract({ strict: false }).parse("clientToServer", ["x"])).toBeUndefined();
  });
});

describe("parse (incoming)", () => {
  const c = defineContract({
    clientToServer: {
      add: { args: [z.string().transform(Number), z.number().default(5)] },
      one: { args: [z.string()] },
    },
  });

  it("writes outputs over the arguments and leaves the ack callback last", () => {
    const ack = (): void => {};
    const data: unknown[] = ["add", "1", 2, ack];
    expect(c.parse("clientToServer", data)).toBeUndefined();
    expect(data).toEqual(["add", 1, 2, ack]);
  });

  it("validates missing arguments as undefined and inserts defaults before the ack", () => {
    const ack = (): void => {};
    const data: unknown[] = ["add", "7", ack];
    expect(c.parse("clientToServer", data)).toBeUndefined();
    expect(data).toEqual(["add", 7, 5, ack]);
    expect(c.parse("clientToServer", ["one"])).toMatchObject({
      code: "REQUEST_VALIDATION_ERROR",
      issues: [{ path: [0] }],
    });
  });

  it("refuses extra arguments", () => {
    expect(c.parse("clientToServer", ["one", "a", "b"])).toMatchObject({
      issues: [{ path: [1], message: "unexpected argument" }],
    });
  });

  it("keeps at most MAX_ISSUES issues", () => {
    const many = defineContract({ clientToServer: { xs: { args: [z.array(z.string())] } } });
    const err = many.parse("clientToServer", ["xs", Array.from({ length: 100 }, (_, i) => i)]);
    expect(err).toBeInstanceOf(ContractValidationError);
    expect((err as ContractValidationError).issues).toHaveLength(MAX_ISSUES);
  });

  it("turns a throwing schema into an issue, the error as cause", () => {
    const boom = new Error("bug");
    const throwing = {
      "~standard": {
        version: 1 as const,
        vendor: "t",
        validate: () => {
          throw boom;
        },
      },
    };
    const t = defineContract({ clientToServer: { ev: { args: [throwing] } } });
    const err = t.parse("clientToServer", ["ev", 1]) as ContractValidationError;
    expect(err.issues).toEqual([{ path: [0], message: "schema threw while validating" }]);
    expect(err.cause).toBe(boom);
  });

  it("returns a promise for async schemas", async () => {
    const a = defineContract({
      clientToServer: {
        ev: { args: [z.string(), z.string().refine(async (s) => s === "ok", "not ok")] },
      },
    });
    const pending = a.parse("clientToServer", ["ev", "x", "no"]);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toMatchObject({ issues: [{ path: [1], message: "not ok" }] });
    expect(await a.parse("clientToServer", ["ev", "x", "ok"])).toBeUndefined();
  });
});

describe("assertEmit (outgoing)", () => {
  const c = defineContract({
    serverToClient: {
      num: { args: [z.string().transform(Number)] },
      later: { args: [z.string().refine(async () => false)] },
    },
  });

  it("throws EMIT_VALIDATION_ERROR and never changes the arguments", () => {
    const data = ["num", "12"];
    c.assertEmit("serverToClient", data);
    expect(data).toEqual(["num", "12"]);
    expect(() => c.assertEmit("serverToClient", ["num", 12])).toThrow(
      expect.objectContaining({ code: "EMIT_VALIDATION_ERROR", event: "num" }),
    );
    expect(() => c.assertEmit("serverToClient", ["nope"])).toThrow(ContractValidationError);
  });

  it("skips schemas that can only answer asynchronously", () => {
    expect(() => c.assertEmit("serverToClient", ["later", "x"])).not.toThrow();
    expect(() => c.assertEmit("serverToClient", ["later", "x"])).not.toThrow();
  });
});

describe("parseAck", () => {
  it("gives the library's result, or RESPONSE_VALIDATION_ERROR", () => {
    const c = defineContract({
      clientToServer: { q: { args: [], ack: z.number().transform(String) } },
    });
    expect(c.parseAck("clientToServer", "q", 4)).toEqual({ value: "4" });
    const err = c.parseAck("clientToServer", "q", "x") as ContractValidationError;
    expect(err.code).toBe("RESPONSE_VALIDATION_ERROR");
    expect(err.toAck()).toEqual({ error: { code: "RESPONSE_VALIDATION_ERROR", event: "q" } });
    // An event without ack schema: anything goes.
    expect(c.parseAck("clientToServer", "other", 1)).toEqual({ value: 1 });
  });
});

describe("issues never quote the rejected value", () => {
  const cases = [
    ["valibot picklist", v.picklist(["a", "b"]), SECRET],
    ["valibot type", v.number(), SECRET],
    ["valibot max length", v.pipe(v.string(), v.maxLength(3)), SECRET],
    ["arktype unit", type("'a' | 'b'"), SECRET],
    ["arktype length", type("string < 3"), SECRET],
    ["arktype number", type("number"), SECRET],
    ["zod literal", z.literal("a"), SECRET],
    ["zod strict object", z.strictObject({ a: z.string() }), { a: "x", [SECRET]: 1 }],
  ] as const;

  it.each(cases)("%s", (_name, schema, value) => {
    const c = defineContract({ clientToServer: { ev: { args: [schema] } } });
    const err = c.parse("clientToServer", ["ev", value]) as ContractValidationError;
    expect(err).toBeInstanceOf(ContractValidationError);
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) expect(issue.message).not.toContain(SECRET);
    expect(err.message).not.toContain(SECRET);
  });

  it("keeps the library's message otherwise", () => {
    const c = defineContract({
      clientToServer: { ev: { args: [v.pipe(v.string(), v.minLength(2, "too short"))] } },
    });
    expect(c.parse("clientToServer", ["ev", "x"])).toMatchObject({
      issues: [{ path: [0], message: "too short" }],
    });
  });
});

describe("client helpers", () => {
  const c = defineContract({
    clientToServer: { q: { args: [z.number()], ack: z.string() } },
    serverToClient: { n: { args: [z.number()] } },
  });

  it("emitting honours validateOutgoing", () => {
    expect(() => c.emitting({}, ["q", "x"], {})).toThrow(ContractValidationError);
    expect(() => c.emitting({ validateOutgoing: false }, ["q", "x"], {})).not.toThrow();
  });

  it("receive delivers valid events and reports invalid ones", () => {
    const delivered: unknown[][] = [];
    const invalid: string[] = [];
    const opts = { onInvalid: (ev: string) => invalid.push(ev) };
    c.receive(opts, ["n", 1], (d) => delivered.push(d));
    c.receive(opts, ["n", "1"], (d) => delivered.push(d));
    expect(delivered).toEqual([["n", 1]]);
    expect(invalid).toEqual(["n"]);
  });

  it("answer parses the ack value, maps the peer's refusal, and keeps errors of error-first callbacks", async () => {
    const invalid: string[] = [];
    const calls: unknown[][] = [];
    const errorFirst = c.answer(
      "clientToServer",
      "q",
      (...a) => calls.push(a),
      true,
      (e) => invalid.push(e.code),
    );
    errorFirst(null, "ok");
    errorFirst(null, { error: { code: "REQUEST_VALIDATION_ERROR", event: "q", issues: [] } });
    errorFirst(null, 5);
    const timeout = new Error("timeout");
    errorFirst(timeout);
    expect(calls[0]).toEqual([null, "ok"]);
    expect(calls[1]![0]).toMatchObject({ code: "REQUEST_VALIDATION_ERROR" });
    expect(calls[2]![0]).toMatchObject({ code: "RESPONSE_VALIDATION_ERROR" });
    expect(calls[3]).toEqual([timeout]);
    expect(invalid).toEqual([]);
    // A plain callback: a failing answer goes to onInvalid, and the callback is not called.
    const plain = c.answer(
      "clientToServer",
      "q",
      (...a) => calls.push(a),
      false,
      (e) => invalid.push(e.code),
    );
    plain(5);
    plain("fine");
    expect(invalid).toEqual(["RESPONSE_VALIDATION_ERROR"]);
    expect(calls[4]).toEqual(["fine"]);
    // No ack schema: the callback itself.
    const fn = (): void => {};
    expect(c.answer("serverToClient", "n", fn, false, () => {})).toBe(fn);
  });

  it("a server's refusal is bounded and normalised; a client's answer shaped like one is only invalid", () => {
    const both = defineContract({
      clientToServer: { q: { args: [], ack: z.string() } },
      serverToClient: { s: { args: [], ack: z.string() } },
    });
    const errors: ContractValidationError[] = [];
    const keep = (e: unknown): void => void errors.push(e as ContractValidationError);
    const junk = [null, 7, ...Array.from({ length: 50 }, () => ({ path: "x", message: 5 }))];
    const refusal = { error: { code: "REQUEST_VALIDATION_ERROR", event: "q", issues: junk } };
    // The client asked the server (clientToServer): the server's refusal, its issues bounded.
    both.answer("clientToServer", "q", keep, true, () => {})(null, refusal);
    expect(errors[0]!.code).toBe("REQUEST_VALIDATION_ERROR");
    expect(errors[0]!.issues.length).toBeLessThanOrEqual(MAX_ISSUES);
    for (const i of errors[0]!.issues) expect(i).toEqual({ path: [], message: "invalid value" });
    // The server asked a client (serverToClient): an answer that fails the ack schema, whatever its shape.
    both.answer("serverToClient", "s", keep, true, () => {})(null, refusal);
    expect(errors[1]!.code).toBe("RESPONSE_VALIDATION_ERROR");
    expect(errors[1]!.issues).toEqual([{ path: [], message: expect.any(String) }]);
  });
});
